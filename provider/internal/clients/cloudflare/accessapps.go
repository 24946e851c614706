package cloudflare

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// An AccessApp is a self-hosted Access application. When writing, a nil
// pointer or empty string leaves the setting to Cloudflare's default.
type AccessApp struct {
	ID string
	// AUD is the application's audience tag, set by Cloudflare.
	AUD string
	// Type is self_hosted for the applications this client writes.
	Type                     string
	Name                     string
	Domain                   string
	SessionDuration          string
	AutoRedirectToIdentity   *bool
	EnableBindingCookie      *bool
	HTTPOnlyCookieAttribute  *bool
	SameSiteCookieAttribute  string
	LogoURL                  string
	SkipInterstitial         *bool
	AppLauncherVisible       *bool
	ServiceAuth401Redirect   *bool
	CustomDenyMessage        string
	CustomDenyURL            string
	CustomNonIdentityDenyURL string
	// PolicyIDs are the reusable policies attached, in precedence order.
	PolicyIDs []string
	// Hostnames are every hostname, with its path if any, the application
	// covers: its domain, its self_hosted_domains and the URIs of its
	// public destinations. Cloudflare allows one application per hostname
	// and counts all three. Read only: never written.
	Hostnames []string
}

// codeAppExists is Cloudflare's code for a create or update refused because
// another application of the account already covers one of the hostnames:
// 409, access.api.error.application_already_exists.
const codeAppExists = 11010

// An AccessAppConflictError says that another Access application, not ours,
// already covers the domain ours would protect. Cloudflare allows one
// application per domain, so ours cannot be created, and the other is never
// adopted, changed or deleted. IsConflict is true for it: it wraps a
// *NotOwnedError.
type AccessAppConflictError struct {
	// Domain ours would protect.
	Domain string
	// AppName and AppID are the other application's; empty when Cloudflare
	// refused our create as covered but no list showed by which one.
	AppName, AppID string
	// Err is Cloudflare's refusal, when there was one.
	Err error
}

func (e *AccessAppConflictError) Error() string {
	if e.AppID == "" {
		return fmt.Sprintf("another Access application, not managed by cfzt, already covers %q: Cloudflare refused ours (code %d, application already exists)", e.Domain, codeAppExists)
	}
	return fmt.Sprintf("Access application %q (ID %s) already covers %q and is not managed by cfzt", e.AppName, e.AppID, e.Domain)
}

// Unwrap returns the *NotOwnedError the conflict is, and Cloudflare's
// refusal if there was one.
func (e *AccessAppConflictError) Unwrap() []error {
	errs := []error{&NotOwnedError{Kind: "Access application for", Name: e.Domain, ID: e.AppID}}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// AccessApps reads and writes Access applications. The name (cfzt-<hostname>
// when composed from a route) is the ownership marker.
type AccessApps interface {
	// FindAccessApp returns the application called name, from a list read
	// afresh. When none is, but another application already covers domain
	// (as its domain, one of its self_hosted_domains or a public
	// destination), it returns an *AccessAppConflictError naming it; when
	// two are called name, an *AmbiguousError; when there is none, an
	// error for which IsNotFound is true: the caller may then create.
	FindAccessApp(ctx context.Context, domain, name string) (AccessApp, error)

	// GetAccessApp returns the application, from the cached list if it is
	// there, else from the API.
	GetAccessApp(ctx context.Context, appID string) (AccessApp, error)

	// CreateAccessApp creates a self-hosted application with a's settings
	// and policies (linked as {id, precedence} in PolicyIDs order). It
	// sends one POST and never retries it: call FindAccessApp first, on
	// every attempt. When Cloudflare answers that another application
	// already covers the domain it returns an *AccessAppConflictError.
	CreateAccessApp(ctx context.Context, a AccessApp) (AccessApp, error)

	// UpdateAccessApp replaces the application's settings with a's.
	// Settings a leaves unset return to Cloudflare's defaults.
	UpdateAccessApp(ctx context.Context, appID string, a AccessApp) (AccessApp, error)

	// DeleteAccessApp deletes the application. One already gone is not an
	// error.
	DeleteAccessApp(ctx context.Context, appID string) error
}

// accessAppJSON is an application as the API reads and writes it.
type accessAppJSON struct {
	accessAppFields
	Policies []policyLink `json:"policies"`
	// SelfHostedDomains and Destinations are read, for Hostnames; a body
	// leaves them unset, so they are never written.
	SelfHostedDomains []string      `json:"self_hosted_domains,omitempty"`
	Destinations      []destination `json:"destinations,omitempty"`
}

// destination is one of an application's destinations. A public one is a
// hostname and path in URI; a private one a network reached through WARP.
type destination struct {
	Type string `json:"type,omitempty"`
	URI  string `json:"uri,omitempty"`
}

// accessAppFields has AccessApp's fields, in AccessApp's order, so that
// either converts to the other. Written, a setting left unset is omitted, so
// that Cloudflare applies its default.
type accessAppFields struct {
	ID                       string   `json:"id,omitempty"`
	AUD                      string   `json:"aud,omitempty"`
	Type                     string   `json:"type"`
	Name                     string   `json:"name"`
	Domain                   string   `json:"domain"`
	SessionDuration          string   `json:"session_duration,omitempty"`
	AutoRedirectToIdentity   *bool    `json:"auto_redirect_to_identity,omitempty"`
	EnableBindingCookie      *bool    `json:"enable_binding_cookie,omitempty"`
	HTTPOnlyCookieAttribute  *bool    `json:"http_only_cookie_attribute,omitempty"`
	SameSiteCookieAttribute  string   `json:"same_site_cookie_attribute,omitempty"`
	LogoURL                  string   `json:"logo_url,omitempty"`
	SkipInterstitial         *bool    `json:"skip_interstitial,omitempty"`
	AppLauncherVisible       *bool    `json:"app_launcher_visible,omitempty"`
	ServiceAuth401Redirect   *bool    `json:"service_auth_401_redirect,omitempty"`
	CustomDenyMessage        string   `json:"custom_deny_message,omitempty"`
	CustomDenyURL            string   `json:"custom_deny_url,omitempty"`
	CustomNonIdentityDenyURL string   `json:"custom_non_identity_deny_url,omitempty"`
	PolicyIDs                []string `json:"-"`
	Hostnames                []string `json:"-"`
}

// policyLink is an application's policy: read, a whole policy or a bare ID;
// written, its ID and precedence.
type policyLink struct {
	ID         string `json:"id"`
	Precedence *int64 `json:"precedence"`
}

// UnmarshalJSON reads a policy object or a bare ID. Anything else is a link
// without an ID, which an application's policies leave out.
func (l *policyLink) UnmarshalJSON(b []byte) error {
	type plain policyLink
	if json.Unmarshal(b, (*plain)(l)) != nil {
		*l = policyLink{}
		_ = json.Unmarshal(b, &l.ID)
	}
	return nil
}

func (j accessAppJSON) app() AccessApp {
	a := AccessApp(j.accessAppFields)
	links := slices.DeleteFunc(slices.Clone(j.Policies), func(l policyLink) bool { return l.ID == "" })
	// A missing precedence keeps the array's order.
	slices.SortStableFunc(links, func(x, y policyLink) int {
		if x.Precedence == nil || y.Precedence == nil {
			return 0
		}
		return int(*x.Precedence - *y.Precedence)
	})
	for _, l := range links {
		a.PolicyIDs = append(a.PolicyIDs, l.ID)
	}
	a.Hostnames = j.hostnames()
	return a
}

// hostnames are the hostnames the application covers, each once: its
// domain, its self_hosted_domains and its public destinations' URIs.
func (j accessAppJSON) hostnames() []string {
	var out []string
	add := func(h string) {
		if h != "" && !slices.ContainsFunc(out, func(o string) bool { return sameHost(o, h) }) {
			out = append(out, h)
		}
	}
	add(j.Domain)
	for _, d := range j.SelfHostedDomains {
		add(d)
	}
	for _, d := range j.Destinations {
		if d.Type == "" || d.Type == "public" {
			add(d.URI)
		}
	}
	return out
}

// hostKey is the key under which an application covers a hostname: the
// host normalized as a DNS name (lower case, no trailing dot), then the
// path as given, without a trailing slash. Cloudflare allows applications
// on different paths of one host, but not two on the same host and path.
func hostKey(d string) string {
	d = strings.TrimSpace(d)
	if _, rest, ok := strings.Cut(d, "://"); ok {
		d = rest
	}
	host, path, _ := strings.Cut(d, "/")
	if path = strings.TrimSuffix(path, "/"); path == "" {
		return v1alpha1.NormalizeHostname(host)
	}
	return v1alpha1.NormalizeHostname(host) + "/" + path
}

// sameHost reports whether a and b name the same hostname and path.
func sameHost(a, b string) bool { return hostKey(a) == hostKey(b) }

// covers reports whether the application covers domain.
func (a AccessApp) covers(domain string) bool {
	return slices.ContainsFunc(a.Hostnames, func(h string) bool { return sameHost(h, domain) })
}

// body makes the application a self-hosted one with a's settings and
// policies, linked as {id, precedence} in PolicyIDs order.
func (a AccessApp) body() accessAppJSON {
	j := accessAppJSON{accessAppFields: accessAppFields(a), Policies: make([]policyLink, len(a.PolicyIDs))}
	j.ID, j.AUD, j.Type = "", "", string(zero_trust.ApplicationTypeSelfHosted)
	for i, id := range a.PolicyIDs {
		precedence := int64(i + 1)
		j.Policies[i] = policyLink{ID: id, Precedence: &precedence}
	}
	return j
}

func (a AccessApp) id() string { return a.ID }

func (a AccessApp) clone() AccessApp {
	a.PolicyIDs = slices.Clone(a.PolicyIDs)
	a.Hostnames = slices.Clone(a.Hostnames)
	return a
}

func accessApps(sdk *cf.Client, accountID string, c *cache[[]AccessApp]) *accessKind[accessAppJSON, AccessApp] {
	apps, acct := sdk.ZeroTrust.Access.Applications, cf.F(accountID)
	return &accessKind[accessAppJSON, AccessApp]{
		kind: "Access application", plural: "Access applications", accountID: accountID,
		nameOf: func(a AccessApp) string { return a.Name }, decode: accessAppJSON.app, cache: c,
		list:   onAll(opAccessAppsList, apps.List, zero_trust.AccessApplicationListParams{AccountID: acct}),
		get:    byID(opAccessAppsGet, apps.Get, zero_trust.AccessApplicationGetParams{AccountID: acct}),
		create: onAll(opAccessAppsCreate, apps.New, zero_trust.AccessApplicationNewParams{AccountID: acct}),
		update: byID(opAccessAppsUpdate, apps.Update, zero_trust.AccessApplicationUpdateParams{AccountID: acct}),
		delete: byID(opAccessAppsDelete, apps.Delete, zero_trust.AccessApplicationDeleteParams{AccountID: acct}),
	}
}

func (c *client) FindAccessApp(ctx context.Context, domain, name string) (AccessApp, error) {
	as, err := c.apps.all(ctx)
	if err != nil {
		return AccessApp{}, err
	}
	found, err := findByName(as, c.apps.kind, name, c.apps.nameOf)
	if !IsNotFound(err) {
		return found.clone(), err
	}
	// None is called name, so one covering our domain is someone else's.
	if other, ok := covering(as, domain, name); ok {
		return AccessApp{}, &AccessAppConflictError{Domain: domain, AppName: other.Name, AppID: other.ID}
	}
	return AccessApp{}, err
}

// covering returns the first of as that covers domain and is not called
// name.
func covering(as []AccessApp, domain, name string) (AccessApp, bool) {
	for _, a := range as {
		if a.Name != name && a.covers(domain) {
			return a, true
		}
	}
	return AccessApp{}, false
}

func (c *client) GetAccessApp(ctx context.Context, appID string) (AccessApp, error) {
	a, err := c.apps.one(ctx, appID)
	return a.clone(), err
}

func (c *client) CreateAccessApp(ctx context.Context, a AccessApp) (AccessApp, error) {
	raw, err := c.apps.add(ctx, a.Name, a.body())
	if e, ok := apiError(err); ok && hasCode(e, []int64{codeAppExists}) {
		return AccessApp{}, c.appConflict(ctx, a, err)
	}
	return raw.app(), err
}

// appConflict is the conflict of Cloudflare refusing to create a because
// another application covers its domain, naming that application when a
// list read afresh shows it. One called a.Name is ours, made since the find:
// the next find adopts it, so it is not named as the other.
func (c *client) appConflict(ctx context.Context, a AccessApp, refused error) error {
	conflict := &AccessAppConflictError{Domain: a.Domain, Err: refused}
	if as, err := c.apps.fresh(ctx); err == nil {
		if other, ok := covering(as, a.Domain, a.Name); ok {
			conflict.AppName, conflict.AppID = other.Name, other.ID
		}
	}
	return conflict
}

func (c *client) UpdateAccessApp(ctx context.Context, appID string, a AccessApp) (AccessApp, error) {
	raw, err := c.apps.write(ctx, c.apps.update, "update", appID, a.body())
	return raw.app(), err
}

func (c *client) DeleteAccessApp(ctx context.Context, appID string) error {
	return c.apps.remove(ctx, appID)
}
