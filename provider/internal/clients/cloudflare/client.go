// Package cloudflare is the one Cloudflare API client every provider
// controller uses: narrow interfaces over cloudflare-go v4 holding only the
// calls we make, our own value types, one request budget per Cloudflare user,
// retries we own, and short-lived shared read caches.
//
// # Budget and retries
//
// The SDK is built with no retries of its own (option.WithMaxRetries(0)).
// Every HTTP request goes through a window shared by all clients of the
// same API token: Cloudflare's limit (by default 1,200 requests in any 5
// minutes) less a reserve for the user's other clients (20 %). Requests go
// through at once while the window has room, and wait for the oldest to
// leave it otherwise. Cloudflare counts the user's requests from anywhere
// and reports its count on every response; the window follows that count
// where it is stricter than its own. A 429 pauses the window for its
// Retry-After, so every controller backs off, not only the one that was
// refused. GET, PUT and DELETE are
// retried after 429, 5xx and transport errors with capped back-off; a POST is
// sent exactly once. A wait longer than the configured maximum is not waited
// for: the call fails at once with an error for which IsRateLimited is true,
// and the reconcile that made it fails with it and is retried with the
// controller's usual back-off, so that no worker is blocked.
//
// # Find before create
//
// A create must never happen twice (a service token's secret is returned
// once; a duplicate DNS record or Access application is a visible defect).
// The Create methods therefore send one POST and never retry it, and a
// caller looks for the object by its ownership marker (FindDNSRecord,
// FindAccessApp, FindAccessPolicy, FindServiceToken) before it calls Create.
// A find reads the shared cached list, which every create, update and delete
// of this client updates, so it costs no call when the list is fresh. A
// create whose reply was lost, or that failed in a way that leaves its
// outcome unknown, drops the list, so that the next find reads afresh. A
// caller that does not know whether an earlier create happened (the process
// stopped between the request and recording its result) asks for a list
// read after it with FreshSince.
//
// # Caches
//
// Lists of zones, DNS records per zone, Access applications, policies,
// groups and service tokens, and each tunnel's configuration, are cached for
// a short TTL (the provider's --cache-ttl, 15 s unless set) and shared by
// every caller of a client; concurrent identical reads share one API call.
// Writes update or drop the entry they change. Get methods serve from a cached list when the object is
// in it, and ask the API otherwise, so an object missing from a stale list
// is never reported as deleted.
//
// # Tunnel configuration
//
// A tunnel's ingress rules are one document that Cloudflare replaces as a
// whole. UpdateTunnelIngress queues the caller's change; the changes queued
// for one tunnel are committed together, in one read of the document, one
// write and one verifying read, keeping every other rule, every field we do
// not model and the catch-all rule last. Commits to one tunnel are
// serialised within the process.
package cloudflare

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// defaultBaseURL is Cloudflare's API.
const defaultBaseURL = "https://api.cloudflare.com/client/v4/"

// Defaults of the client's other options.
const (
	// defaultRateLimitRequests per defaultRateLimitPeriod is Cloudflare's
	// global limit per user.
	defaultRateLimitRequests = 1200
	defaultRateLimitPeriod   = 5 * time.Minute
	// defaultRateLimitReserve is the provider's --api-reserve default.
	defaultRateLimitReserve = 0.2
	// defaultCacheTTL is the provider's --cache-ttl default.
	defaultCacheTTL       = 15 * time.Second
	defaultRetries        = 3
	defaultMaxWait        = 20 * time.Second
	defaultBackoff        = time.Second
	defaultMaxBackoff     = 15 * time.Second
	defaultRequestTimeout = 30 * time.Second
	defaultTunnelAttempts = 5
)

// Config says which Cloudflare account a client talks to and how.
type Config struct {
	// BaseURL of the API; empty means Cloudflare's.
	BaseURL string
	// AccountID of the Cloudflare account.
	AccountID string
	// Token is the API token. It is sent as a bearer token and never
	// appears in errors, metrics or String.
	Token string
}

// String describes the Config without its token.
func (c Config) String() string {
	return fmt.Sprintf("{BaseURL:%s AccountID:%s Token:[redacted]}", c.baseURL(), c.AccountID)
}

// GoString describes the Config without its token.
func (c Config) GoString() string {
	return fmt.Sprintf("cloudflare.Config{BaseURL:%q, AccountID:%q, Token:\"[redacted]\"}", c.baseURL(), c.AccountID)
}

// baseURL is the API's URL with one trailing slash, the form the SDK uses
// and the Registry keys clients by.
func (c Config) baseURL() string {
	if c.BaseURL == "" {
		return defaultBaseURL
	}
	return strings.TrimRight(c.BaseURL, "/") + "/"
}

func (c Config) validate() error {
	switch {
	case c.AccountID == "":
		return errors.New("cannot create Cloudflare client: account ID is empty")
	case c.Token == "":
		return errors.New("cannot create Cloudflare client: API token is empty")
	}
	return nil
}

// tokenHash identifies a token in a cache key without keeping it.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Client is everything the provider's controllers do with Cloudflare.
type Client interface {
	Zones
	Tunnels
	DNSRecords
	AccessApps
	AccessPolicies
	AccessGroups
	ServiceTokens
	Tokens
}

// RateLimit is a Cloudflare user's request budget: at most Requests in any
// Period, of which the fraction Reserve is left to the user's other clients
// (the dashboard, other tools, other tokens). The provider sends at most
// Requests×(1−Reserve) in any Period, and nothing while Cloudflare reports
// no more than Reserve of its own quota remaining.
type RateLimit struct {
	Requests int
	Period   time.Duration
	// Reserve is a fraction from 0 to 1.
	Reserve float64
}

type options struct {
	rateLimit      RateLimit
	unlimited      bool
	cacheTTL       time.Duration
	maxWait        time.Duration
	backoff        time.Duration
	maxBackoff     time.Duration
	transport      http.RoundTripper
	metrics        *Metrics
	tunnelAttempts int
	clock          clock
}

func defaultOptions() options {
	return options{
		rateLimit:      RateLimit{Requests: defaultRateLimitRequests, Period: defaultRateLimitPeriod, Reserve: defaultRateLimitReserve},
		cacheTTL:       defaultCacheTTL,
		maxWait:        defaultMaxWait,
		backoff:        defaultBackoff,
		maxBackoff:     defaultMaxBackoff,
		tunnelAttempts: defaultTunnelAttempts,
		clock:          realClock{},
	}
}

// An Option configures a Registry or a client.
type Option func(*options)

// WithRateLimit sets the request budget of each Cloudflare user (API token).
func WithRateLimit(r RateLimit) Option {
	return func(o *options) { o.rateLimit = r }
}

// withUnlimitedBudget makes every budget limit nothing but 429s, for tests
// that are not about the budget.
func withUnlimitedBudget() Option {
	return func(o *options) { o.unlimited = true }
}

// WithCacheTTL sets how long cached reads are served; 0 disables caching but
// keeps concurrent identical reads shared.
func WithCacheTTL(d time.Duration) Option {
	return func(o *options) { o.cacheTTL = d }
}

// withMaxWait sets the longest a call waits for the budget or for a
// Retry-After before it fails with a rate-limit error.
func withMaxWait(d time.Duration) Option {
	return func(o *options) { o.maxWait = d }
}

// WithBackoff sets the first retry delay, doubled per attempt up to maxDelay,
// used when a response names no Retry-After.
func WithBackoff(first, maxDelay time.Duration) Option {
	return func(o *options) { o.backoff, o.maxBackoff = first, maxDelay }
}

// withTransport sets the HTTP transport requests finally go through, for
// tests. The default is http.DefaultTransport with a response header timeout.
func withTransport(rt http.RoundTripper) Option {
	return func(o *options) { o.transport = rt }
}

// WithMetrics makes the client count into m, registered by the caller.
func WithMetrics(m *Metrics) Option {
	return func(o *options) { o.metrics = m }
}

// withTunnelAttempts sets how many times UpdateTunnelIngress reads, changes
// and writes a tunnel configuration before it gives up on a busy tunnel.
func withTunnelAttempts(n int) Option {
	return func(o *options) { o.tunnelAttempts = max(n, 1) }
}

// withClock replaces the clock, for tests.
func withClock(c clock) Option {
	return func(o *options) { o.clock = c }
}

func (o *options) newBudget() *budget {
	b := &budget{clock: o.clock, metrics: o.metrics, maxWait: o.maxWait}
	if !o.unlimited {
		b.window = newWindow(o.rateLimit)
	}
	return b
}

func (o *options) baseTransport() http.RoundTripper {
	if o.transport != nil {
		return o.transport
	}
	d, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t := d.Clone()
	t.ResponseHeaderTimeout = defaultRequestTimeout
	return t
}

// client implements Client. It is safe for concurrent use.
type client struct {
	sdk       *cf.Client
	accountID string
	clock     clock
	metrics   *Metrics
	attempts  int
	budget    *budget

	// tunnelLocks are shared by every client of the Registry; lockPrefix
	// names the account, so that two tokens of one account share a lock.
	tunnelLocks *keyedMutex
	lockPrefix  string
	// tunnelQueues group the changes to each tunnel into one write.
	tunnelQueues tunnelQueues
	// dnsQueues group the DNS writes to each zone into batches.
	dnsQueues dnsQueues

	zones        *cache[[]Zone]
	tunnels      *cache[TunnelConfiguration]
	records      *cache[*recordSet]
	apps         *accessKind[accessAppJSON, AccessApp]
	policies     *accessKind[accessPolicyJSON, AccessPolicy]
	groups       *accessKind[accessGroup, accessGroup]
	tokens       *accessKind[ServiceToken, ServiceToken]
	rotateToken  request
	refreshToken request
}

func newClient(cfg Config, o *options, b *budget, locks *keyedMutex) (*client, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	t := &transport{
		next:       o.baseTransport(),
		budget:     b,
		clock:      o.clock,
		metrics:    o.metrics,
		account:    cfg.AccountID,
		retries:    defaultRetries,
		backoff:    o.backoff,
		maxBackoff: o.maxBackoff,
	}
	sdk := cf.NewClient(
		option.WithBaseURL(cfg.baseURL()),
		option.WithAPIToken(cfg.Token),
		option.WithHTTPClient(&http.Client{Transport: t}),
		option.WithMaxRetries(0),
		// cf.NewClient applies credentials found in the environment first;
		// only the token of cfg may be sent.
		option.WithHeaderDel("X-Auth-Key"),
		option.WithHeaderDel("X-Auth-Email"),
		option.WithHeaderDel("X-Auth-User-Service-Key"),
		option.WithMiddleware(permissionMiddleware),
	)
	return &client{
		sdk:          sdk,
		accountID:    cfg.AccountID,
		clock:        o.clock,
		metrics:      o.metrics,
		attempts:     o.tunnelAttempts,
		budget:       b,
		tunnelLocks:  locks,
		lockPrefix:   cfg.baseURL() + "\x00" + cfg.AccountID + "\x00",
		zones:        newCache[[]Zone](cacheZones, o.cacheTTL, o.clock, o.metrics),
		tunnels:      newCache[TunnelConfiguration](cacheTunnelConfigurations, o.cacheTTL, o.clock, o.metrics),
		records:      newCache[*recordSet](cacheDNSRecords, o.cacheTTL, o.clock, o.metrics),
		apps:         accessApps(sdk, cfg.AccountID, newCache[[]AccessApp](cacheAccessApps, o.cacheTTL, o.clock, o.metrics)),
		policies:     accessPolicies(sdk, cfg.AccountID, newCache[[]AccessPolicy](cacheAccessPolicies, o.cacheTTL, o.clock, o.metrics)),
		groups:       accessGroups(sdk, cfg.AccountID, newCache[[]accessGroup](cacheAccessGroups, o.cacheTTL, o.clock, o.metrics)),
		tokens:       serviceTokens(sdk, cfg.AccountID, newCache[[]ServiceToken](cacheServiceTokens, o.cacheTTL, o.clock, o.metrics)),
		rotateToken:  rotateServiceToken(sdk, cfg.AccountID),
		refreshToken: refreshServiceToken(sdk, cfg.AccountID),
	}, nil
}

// A keyedMutex is one lock per key that a waiter can stop waiting for.
type keyedMutex struct {
	mu    chan struct{}
	locks map[string]chan struct{}
}

func newKeyedMutex() *keyedMutex {
	return &keyedMutex{mu: make(chan struct{}, 1), locks: map[string]chan struct{}{}}
}

// lock takes the lock for key, or returns ctx's error. The unlock function
// it returns must be called exactly once.
func (k *keyedMutex) lock(ctx context.Context, key string) (func(), error) {
	k.mu <- struct{}{}
	l, ok := k.locks[key]
	if !ok {
		l = make(chan struct{}, 1)
		k.locks[key] = l
	}
	<-k.mu
	select {
	case l <- struct{}{}:
		return func() { <-l }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
