package cloudflare

import (
	"context"
	"encoding/json"
	"slices"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
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

// accessPerPage is the page size of every Access list.
const accessPerPage = 100

type accessAppJSON struct {
	ID                       string            `json:"id"`
	AUD                      string            `json:"aud"`
	Type                     string            `json:"type"`
	Name                     string            `json:"name"`
	Domain                   string            `json:"domain"`
	SessionDuration          string            `json:"session_duration"`
	AutoRedirectToIdentity   *bool             `json:"auto_redirect_to_identity"`
	EnableBindingCookie      *bool             `json:"enable_binding_cookie"`
	HTTPOnlyCookieAttribute  *bool             `json:"http_only_cookie_attribute"`
	SameSiteCookieAttribute  string            `json:"same_site_cookie_attribute"`
	LogoURL                  string            `json:"logo_url"`
	SkipInterstitial         *bool             `json:"skip_interstitial"`
	AppLauncherVisible       *bool             `json:"app_launcher_visible"`
	ServiceAuth401Redirect   *bool             `json:"service_auth_401_redirect"`
	CustomDenyMessage        string            `json:"custom_deny_message"`
	CustomDenyURL            string            `json:"custom_deny_url"`
	CustomNonIdentityDenyURL string            `json:"custom_non_identity_deny_url"`
	Policies                 []json.RawMessage `json:"policies"`
}

// policyLink is an application's policy: a full object or, in requests, a
// bare ID.
type policyLink struct {
	ID         string `json:"id"`
	Precedence *int64 `json:"precedence"`
}

func (j accessAppJSON) app() AccessApp {
	a := AccessApp{
		ID:                       j.ID,
		AUD:                      j.AUD,
		Type:                     j.Type,
		Name:                     j.Name,
		Domain:                   j.Domain,
		SessionDuration:          j.SessionDuration,
		AutoRedirectToIdentity:   j.AutoRedirectToIdentity,
		EnableBindingCookie:      j.EnableBindingCookie,
		HTTPOnlyCookieAttribute:  j.HTTPOnlyCookieAttribute,
		SameSiteCookieAttribute:  j.SameSiteCookieAttribute,
		LogoURL:                  j.LogoURL,
		SkipInterstitial:         j.SkipInterstitial,
		AppLauncherVisible:       j.AppLauncherVisible,
		ServiceAuth401Redirect:   j.ServiceAuth401Redirect,
		CustomDenyMessage:        j.CustomDenyMessage,
		CustomDenyURL:            j.CustomDenyURL,
		CustomNonIdentityDenyURL: j.CustomNonIdentityDenyURL,
	}
	links := make([]policyLink, 0, len(j.Policies))
	for _, raw := range j.Policies {
		l := policyLink{}
		if json.Unmarshal(raw, &l) != nil {
			if json.Unmarshal(raw, &l.ID) != nil {
				continue
			}
		}
		if l.ID != "" {
			links = append(links, l)
		}
	}
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

func (a AccessApp) id() string { return a.ID }

func (a AccessApp) clone() AccessApp {
	a.PolicyIDs = slices.Clone(a.PolicyIDs)
	return a
}

func (c *client) listAccessApps(ctx context.Context) ([]AccessApp, error) {
	as, err := c.apps.get(ctx, c.accountID, func(ctx context.Context) ([]AccessApp, error) {
		ctx = withOperation(ctx, OpAccessAppsList)
		raw, err := listAll(func(opts ...option.RequestOption) error {
			_, err := c.sdk.ZeroTrust.Access.Applications.List(ctx, zero_trust.AccessApplicationListParams{AccountID: cf.F(c.accountID)}, opts...)
			return err
		}, accessPerPage, func(a accessAppJSON) string { return a.ID })
		if err != nil {
			return nil, err
		}
		out := make([]AccessApp, len(raw))
		for i, a := range raw {
			out[i] = a.app()
		}
		return out, nil
	})
	return as, errors.Wrapf(err, "cannot list Access applications of account %q", c.accountID)
}

func (c *client) FindAccessApp(ctx context.Context, domain, name string) (AccessApp, error) {
	// A find runs before a create: a stale list would let an application
	// made since it was read be made twice.
	c.apps.invalidate(c.accountID)
	as, err := c.listAccessApps(ctx)
	if err != nil {
		return AccessApp{}, err
	}
	found, err := findByName(as, "Access application", name, func(a AccessApp) string { return a.Name }, AccessApp.id)
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
	as, err := c.listAccessApps(ctx)
	if err != nil {
		return AccessApp{}, err
	}
	for _, a := range as {
		if a.ID == appID {
			return a.clone(), nil
		}
	}
	ctx = withOperation(ctx, OpAccessAppsGet)
	raw := accessAppJSON{}
	err = do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.Applications.Get(ctx, appID, zero_trust.AccessApplicationGetParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	}, &raw)
	return raw.app(), errors.Wrapf(err, "cannot get Access application %q", appID)
}

func (c *client) CreateAccessApp(ctx context.Context, a AccessApp) (AccessApp, error) {
	ctx = withOperation(ctx, OpAccessAppsCreate)
	raw := accessAppJSON{}
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.Applications.New(ctx, zero_trust.AccessApplicationNewParams{AccountID: cf.F(c.accountID), Body: newAppBody(a)}, opts...)
		return err
	}, &raw)
	if err != nil {
		// The application may exist although we got no reply.
		c.apps.invalidate(c.accountID)
		return AccessApp{}, errors.Wrapf(err, "cannot create Access application %q", a.Name)
	}
	created := raw.app()
	c.apps.update(c.accountID, func(as []AccessApp) []AccessApp { return append(slices.Clone(as), created) })
	return created.clone(), nil
}

func (c *client) UpdateAccessApp(ctx context.Context, appID string, a AccessApp) (AccessApp, error) {
	ctx = withOperation(ctx, OpAccessAppsUpdate)
	raw := accessAppJSON{}
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.Applications.Update(ctx, appID, zero_trust.AccessApplicationUpdateParams{AccountID: cf.F(c.accountID), Body: updateAppBody(a)}, opts...)
		return err
	}, &raw)
	updated := raw.app()
	if err = cacheWrite(c.apps, c.accountID, appID, &updated, err); err != nil {
		return AccessApp{}, errors.Wrapf(err, "cannot update Access application %q", appID)
	}
	return updated.clone(), nil
}

func (c *client) DeleteAccessApp(ctx context.Context, appID string) error {
	ctx = withOperation(ctx, OpAccessAppsDelete)
	err := send(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.Applications.Delete(ctx, appID, zero_trust.AccessApplicationDeleteParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	})
	if IsNotFound(err) {
		// Already gone, as the caller wants it.
		err = nil
	}
	return errors.Wrapf(cacheWrite(c.apps, c.accountID, appID, nil, err), "cannot delete Access application %q", appID)
}

// newAppBody and updateAppBody fill the SDK's create and update bodies,
// which are distinct types with the same fields.
func newAppBody(a AccessApp) zero_trust.AccessApplicationNewParamsBodySelfHostedApplication {
	b := zero_trust.AccessApplicationNewParamsBodySelfHostedApplication{
		Domain: cf.F(a.Domain),
		Type:   cf.F(zero_trust.ApplicationTypeSelfHosted),
		Name:   cf.F(a.Name),
	}
	setString(&b.SessionDuration.Value, &b.SessionDuration.Present, a.SessionDuration)
	setBool(&b.AutoRedirectToIdentity.Value, &b.AutoRedirectToIdentity.Present, a.AutoRedirectToIdentity)
	setBool(&b.EnableBindingCookie.Value, &b.EnableBindingCookie.Present, a.EnableBindingCookie)
	setBool(&b.HTTPOnlyCookieAttribute.Value, &b.HTTPOnlyCookieAttribute.Present, a.HTTPOnlyCookieAttribute)
	setString(&b.SameSiteCookieAttribute.Value, &b.SameSiteCookieAttribute.Present, a.SameSiteCookieAttribute)
	setString(&b.LogoURL.Value, &b.LogoURL.Present, a.LogoURL)
	setBool(&b.SkipInterstitial.Value, &b.SkipInterstitial.Present, a.SkipInterstitial)
	setBool(&b.AppLauncherVisible.Value, &b.AppLauncherVisible.Present, a.AppLauncherVisible)
	setBool(&b.ServiceAuth401Redirect.Value, &b.ServiceAuth401Redirect.Present, a.ServiceAuth401Redirect)
	setString(&b.CustomDenyMessage.Value, &b.CustomDenyMessage.Present, a.CustomDenyMessage)
	setString(&b.CustomDenyURL.Value, &b.CustomDenyURL.Present, a.CustomDenyURL)
	setString(&b.CustomNonIdentityDenyURL.Value, &b.CustomNonIdentityDenyURL.Present, a.CustomNonIdentityDenyURL)
	links := make([]zero_trust.AccessApplicationNewParamsBodySelfHostedApplicationPolicyUnion, len(a.PolicyIDs))
	for i, id := range a.PolicyIDs {
		links[i] = zero_trust.AccessApplicationNewParamsBodySelfHostedApplicationPoliciesAccessAppPolicyLink{ID: cf.F(id), Precedence: cf.F(int64(i + 1))}
	}
	b.Policies = cf.F(links)
	return b
}

func updateAppBody(a AccessApp) zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplication {
	b := zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplication{
		Domain: cf.F(a.Domain),
		Type:   cf.F(zero_trust.ApplicationTypeSelfHosted),
		Name:   cf.F(a.Name),
	}
	setString(&b.SessionDuration.Value, &b.SessionDuration.Present, a.SessionDuration)
	setBool(&b.AutoRedirectToIdentity.Value, &b.AutoRedirectToIdentity.Present, a.AutoRedirectToIdentity)
	setBool(&b.EnableBindingCookie.Value, &b.EnableBindingCookie.Present, a.EnableBindingCookie)
	setBool(&b.HTTPOnlyCookieAttribute.Value, &b.HTTPOnlyCookieAttribute.Present, a.HTTPOnlyCookieAttribute)
	setString(&b.SameSiteCookieAttribute.Value, &b.SameSiteCookieAttribute.Present, a.SameSiteCookieAttribute)
	setString(&b.LogoURL.Value, &b.LogoURL.Present, a.LogoURL)
	setBool(&b.SkipInterstitial.Value, &b.SkipInterstitial.Present, a.SkipInterstitial)
	setBool(&b.AppLauncherVisible.Value, &b.AppLauncherVisible.Present, a.AppLauncherVisible)
	setBool(&b.ServiceAuth401Redirect.Value, &b.ServiceAuth401Redirect.Present, a.ServiceAuth401Redirect)
	setString(&b.CustomDenyMessage.Value, &b.CustomDenyMessage.Present, a.CustomDenyMessage)
	setString(&b.CustomDenyURL.Value, &b.CustomDenyURL.Present, a.CustomDenyURL)
	setString(&b.CustomNonIdentityDenyURL.Value, &b.CustomNonIdentityDenyURL.Present, a.CustomNonIdentityDenyURL)
	links := make([]zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplicationPolicyUnion, len(a.PolicyIDs))
	for i, id := range a.PolicyIDs {
		links[i] = zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplicationPoliciesAccessAppPolicyLink{ID: cf.F(id), Precedence: cf.F(int64(i + 1))}
	}
	b.Policies = cf.F(links)
	return b
}

func setString(v *string, present *bool, s string) {
	if s != "" {
		*v, *present = s, true
	}
}

func setBool(v *bool, present *bool, b *bool) {
	if b != nil {
		*v, *present = *b, true
	}
}
