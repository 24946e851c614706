package cloudflare

import (
	"context"
	"encoding/json"
	"slices"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"
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
}

// AccessApps reads and writes Access applications. The name (cfzt-<hostname>
// when composed from a route) is the ownership marker.
type AccessApps interface {
	// FindAccessApp returns the application called name, from the cached
	// list. When another application already protects domain it returns a
	// *NotOwnedError; when two are called name, an *AmbiguousError; when
	// there is none, an error for which IsNotFound is true: the caller may
	// then create.
	FindAccessApp(ctx context.Context, domain, name string) (AccessApp, error)

	// GetAccessApp returns the application, from the cached list if it is
	// there, else from the API.
	GetAccessApp(ctx context.Context, appID string) (AccessApp, error)

	// CreateAccessApp creates a self-hosted application with a's settings
	// and policies (linked as {id, precedence} in PolicyIDs order). It
	// sends one POST and never retries it: call FindAccessApp first, on
	// every attempt.
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
	return a
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
	as, err := c.apps.fresh(ctx)
	if err != nil {
		return AccessApp{}, err
	}
	found, err := findByName(as, c.apps.kind, name, c.apps.nameOf)
	if !IsNotFound(err) {
		return found.clone(), err
	}
	// None is called name, so one on our domain is someone else's.
	d := normalizeName(domain)
	for _, a := range as {
		if normalizeName(a.Domain) == d {
			return AccessApp{}, &NotOwnedError{Kind: "Access application for", Name: domain, ID: a.ID}
		}
	}
	return AccessApp{}, err
}

func (c *client) GetAccessApp(ctx context.Context, appID string) (AccessApp, error) {
	a, err := c.apps.one(ctx, appID)
	return a.clone(), err
}

func (c *client) CreateAccessApp(ctx context.Context, a AccessApp) (AccessApp, error) {
	raw, err := c.apps.add(ctx, a.Name, a.body())
	return raw.app(), err
}

func (c *client) UpdateAccessApp(ctx context.Context, appID string, a AccessApp) (AccessApp, error) {
	raw, err := c.apps.write(ctx, c.apps.update, "update", appID, a.body())
	return raw.app(), err
}

func (c *client) DeleteAccessApp(ctx context.Context, appID string) error {
	return c.apps.remove(ctx, appID)
}
