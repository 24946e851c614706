// Package bench measures how the provider, and the whole product, scale with
// the number of routes: the Cloudflare API calls they make while
// provisioning and in steady state, how long provisioning and drift repair
// take, how many calls Cloudflare refused with 429, and the peak memory of
// every process. `make bench` runs it through cmd/bench and writes the
// tables to docs/bench.md.
//
// The provider part runs the provider binary, built from this tree, as its
// own process against a real kube-apiserver and etcd (test/kubeenv) and the
// fake Cloudflare API (test/fakecloudflare), served in this process. The
// bench creates each route's managed resources as the composition function
// composes them, and fills in the IDs the function fills in once the
// referenced resources report them. Every scenario starts a fresh control
// plane, fake and provider, so that each peak resident set (VmHWM) is that
// scenario's alone.
//
// The full stack part runs test/e2e/stack (Crossplane core, the packages,
// the function and the provider) and times annotated HTTPRoutes from their
// create to all of their Cloudflare objects being present.
package bench

import (
	"fmt"
	"time"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// Production defaults of the provider, which the bench runs with unless told
// otherwise.
const (
	DefaultPollInterval = time.Minute
	DefaultCacheTTL     = 15 * time.Second
)

// Defaults of the measurement.
const (
	defaultSteady       = 2 * time.Minute
	defaultSettle       = 30 * time.Second
	defaultDriftTimeout = 10 * time.Minute
	// The provisioning timeout grows with the routes: Cloudflare's window
	// of 1,200 calls per five minutes allows four calls a second.
	provisionTimeoutBase     = 10 * time.Minute
	provisionTimeoutPerRoute = 3 * time.Second
)

// A Variant is what each route of a provider scenario publishes.
type Variant string

// The variants.
const (
	// Full is a route with Access and a service token, as the function
	// composes it: a tunnel rule, a DNS record, an Access application, its
	// allow policy, a service token and the policy admitting the token.
	Full Variant = "full"
	// TunnelDNS is a route with only a tunnel rule and a DNS record.
	TunnelDNS Variant = "tunnel-dns"
)

// Variants are the variants a provider run knows, in the order they run.
var Variants = []Variant{Full, TunnelDNS}

// Describe says what a route of the variant publishes.
func (v Variant) Describe() string {
	switch v {
	case Full:
		return "tunnel rule, DNS record, Access app, allow policy, service token, token policy"
	case TunnelDNS:
		return "tunnel rule, DNS record"
	default:
		return string(v)
	}
}

// Options configure a run. Empty fields take their defaults.
type Options struct {
	// Progress, when set, receives a line for each step, so that a person
	// waiting sees what takes the time.
	Progress func(format string, args ...any)

	// ProviderBinary is the provider to run; empty builds ./provider.
	ProviderBinary string

	// PollInterval and CacheTTL are the provider's --poll-interval and
	// --cache-ttl. Default: the provider's own, 1m and 15s.
	PollInterval time.Duration
	CacheTTL     time.Duration

	// Steady is how long calls are counted in steady state, after
	// provisioning and Settle; zero skips steady state when SkipSteady.
	Steady     time.Duration
	SkipSteady bool
	// Settle is the wait between the last route being present and the
	// start of the steady state window.
	Settle time.Duration

	// ProvisionTimeout bounds provisioning; zero grows with the routes.
	ProvisionTimeout time.Duration
	// DriftTimeout bounds the wait for each drift to be repaired.
	DriftTimeout time.Duration
	// SkipDrift skips the drift repair measurement.
	SkipDrift bool
}

func (o Options) withDefaults() Options {
	if o.PollInterval == 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.CacheTTL == 0 {
		o.CacheTTL = DefaultCacheTTL
	}
	if o.Steady == 0 && !o.SkipSteady {
		o.Steady = defaultSteady
	}
	if o.Settle == 0 && !o.SkipSteady {
		o.Settle = defaultSettle
	}
	if o.DriftTimeout == 0 {
		o.DriftTimeout = defaultDriftTimeout
	}
	return o
}

// provisionTimeout is how long n routes may take to provision.
func (o Options) provisionTimeout(n int) time.Duration {
	if o.ProvisionTimeout > 0 {
		return o.ProvisionTimeout
	}
	return provisionTimeoutBase + time.Duration(n)*provisionTimeoutPerRoute
}

func (o Options) progressf(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(format, args...)
	}
}

// Parts of a run, for finding a result again.
const (
	PartProvider     = "provider"
	PartStackBurst   = "stack burst"
	PartStackTrickle = "stack trickle"
)

// A Result is what one scenario measured.
type Result struct {
	// Scenario names it in the report, such as "provider, full".
	Scenario string
	// Part is one of PartProvider, PartStackBurst and PartStackTrickle.
	Part string
	// Variant is what each route published.
	Variant Variant
	// Routes is how many routes the scenario published.
	Routes int
	// Present is how many of them had all their Cloudflare objects at
	// the end of provisioning.
	Present int

	// Provision counts the calls from the first create until every route
	// was present (or provisioning timed out); Wall is that time.
	Provision Calls
	Wall      time.Duration
	// Latencies are, per present route, the time from its create to all of
	// its Cloudflare objects being present.
	Latencies []time.Duration
	// Steps are, for full routes, how long after its create each of a
	// route's objects was first written, step by step.
	Steps []Step

	// Steady counts the calls of the steady state window, which lasted
	// SteadyWindow; zero when not measured.
	Steady       Calls
	SteadyWindow time.Duration

	// KubeProvision and KubeSteady count the requests the kube-apiserver
	// answered while provisioning and in the steady state window, by verb
	// and resource ("PUT dnsrecords/status"), watches left out.
	KubeProvision map[string]int
	KubeSteady    map[string]int

	// Drift is the repair of each drift made in the dashboard.
	Drift []Drift

	// RateLimited is how many calls Cloudflare answered 429 over the whole
	// scenario, and Total how many calls it answered.
	RateLimited int
	Total       int
	// Lost is how many calls the fake's request log dropped before the
	// bench read them; counts are short by as many.
	Lost int

	// RSS is the peak resident set (VmHWM) of each process, in bytes.
	RSS []Memory

	// RateLimitPolicy is the Ratelimit-Policy header the fake answered
	// with before the scenario, empty when it sent none.
	RateLimitPolicy string

	// Err says why the scenario ended early, empty when it did not.
	Err string

	// provisioned are the requests of provisioning and final the fake's
	// state at the end, for the bench's own test.
	provisioned []fakecloudflare.RequestRecord
	final       fakecloudflare.Seed
	// created is when each route was created, by hostname, for the steps.
	created map[string]time.Time
}

// A Drift is one change made in the dashboard and how long its repair took.
type Drift struct {
	// What was changed, such as "DNS record deleted".
	What string
	// Repaired is how long it took; zero if it was not repaired within the
	// timeout.
	Repaired time.Duration
	// Timeout is how long the bench waited.
	Timeout time.Duration
}

// Memory is the peak resident set of one process.
type Memory struct {
	Process string
	// Peak is the process's VmHWM, in bytes.
	Peak uint64
}

// Drift kinds, also the column headers of the report.
const (
	DriftDNS    = "DNS record deleted"
	DriftTunnel = "tunnel rule removed"
	DriftApp    = "Access app deleted"
)

// Config is how a whole run was configured, for the report's header.
type Config struct {
	Date         time.Time
	Commit       string
	Dirty        bool
	CPUs         int
	PollInterval time.Duration
	CacheTTL     time.Duration
	Steady       time.Duration
	Settle       time.Duration
	// StackPollInterval and StackCacheTTL are what the full stack ran
	// with; zero when it did not run.
	StackPollInterval time.Duration
	StackCacheTTL     time.Duration
}

func mib(b uint64) string {
	return fmt.Sprintf("%.0f", float64(b)/(1<<20))
}
