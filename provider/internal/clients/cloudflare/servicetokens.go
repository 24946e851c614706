package cloudflare

import (
	"context"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"
)

// A Secret is a credential. It prints as [redacted], so that it cannot leak
// into a log line, an event or a condition by accident; Reveal returns it.
type Secret string

// String redacts the secret.
func (Secret) String() string { return "[redacted]" }

// GoString redacts the secret.
func (Secret) GoString() string { return "[redacted]" }

// Reveal returns the secret, for the connection Secret and nothing else.
func (s Secret) Reveal() string { return string(s) }

// A ServiceToken is an Access service token.
type ServiceToken struct {
	ID string `json:"id"`
	// Name is the ownership marker.
	Name     string `json:"name"`
	ClientID string `json:"client_id"`
	// ClientSecret is set only by CreateServiceToken and RotateServiceToken:
	// Cloudflare returns it once.
	ClientSecret Secret `json:"client_secret"`
	// ClientSecretVersion counts the token's secrets: 1 until the first
	// rotation. The API types it as a number, not an integer.
	ClientSecretVersion float64 `json:"client_secret_version"`
	// Duration is a Go duration, such as 8760h.
	Duration  string     `json:"duration"`
	ExpiresAt *time.Time `json:"expires_at"`
	CreatedAt *time.Time `json:"created_at"`
	UpdatedAt *time.Time `json:"updated_at"`
	// PreviousClientSecretExpiresAt is when the secret before the last
	// rotation stops working, when Cloudflare says.
	PreviousClientSecretExpiresAt *time.Time `json:"previous_client_secret_expires_at"`
}

// ServiceTokens reads and writes Access service tokens.
type ServiceTokens interface {
	// FindServiceToken returns the token called name, from the cached list:
	// an *AmbiguousError when two are, an error for which IsNotFound is
	// true when none is.
	FindServiceToken(ctx context.Context, name string) (ServiceToken, error)

	// GetServiceToken returns the token, without its secret, from the
	// cached list if it is there, else from the API.
	GetServiceToken(ctx context.Context, tokenID string) (ServiceToken, error)

	// CreateServiceToken creates a token and returns it with its secret,
	// which Cloudflare never returns again: store it before anything else.
	// It sends one POST and never retries it: call FindServiceToken first,
	// on every attempt. A token found whose secret was lost can be given a
	// new one with RotateServiceToken.
	CreateServiceToken(ctx context.Context, name, duration string) (ServiceToken, error)

	// UpdateServiceToken sets the token's name and duration.
	UpdateServiceToken(ctx context.Context, tokenID, name, duration string) (ServiceToken, error)

	// RotateServiceToken gives the token a new secret and returns it. The
	// old secret keeps working until previousExpiresAt, or stops at once
	// when previousExpiresAt is zero. It sends one POST and never retries
	// it.
	RotateServiceToken(ctx context.Context, tokenID string, previousExpiresAt time.Time) (ServiceToken, error)

	// RefreshServiceToken extends the token's expiry by its duration from
	// now and returns it, without its secret, which does not change. It
	// sends one POST and never retries it.
	RefreshServiceToken(ctx context.Context, tokenID string) (ServiceToken, error)

	// DeleteServiceToken deletes the token. One already gone is not an
	// error.
	DeleteServiceToken(ctx context.Context, tokenID string) error
}

func (t ServiceToken) id() string { return t.ID }

func (t ServiceToken) withoutSecret() ServiceToken {
	t.ClientSecret = ""
	return t
}

// serviceTokenBody is what a create or an update of a token sends.
type serviceTokenBody struct {
	Name string `json:"name"`
	// Duration is left to Cloudflare when empty.
	Duration string `json:"duration,omitempty"`
}

// serviceTokens caches tokens without their secrets.
func serviceTokens(sdk *cf.Client, accountID string, c *cache[[]ServiceToken]) *accessKind[ServiceToken, ServiceToken] {
	tokens, acct := sdk.ZeroTrust.Access.ServiceTokens, cf.F(accountID)
	return &accessKind[ServiceToken, ServiceToken]{
		kind: "service token", plural: "service tokens", accountID: accountID,
		nameOf: func(t ServiceToken) string { return t.Name }, decode: ServiceToken.withoutSecret, cache: c,
		list:   onAll(opServiceTokensList, tokens.List, zero_trust.AccessServiceTokenListParams{AccountID: acct}),
		get:    byID(opServiceTokensGet, tokens.Get, zero_trust.AccessServiceTokenGetParams{AccountID: acct}),
		create: onAll(opServiceTokensCreate, tokens.New, zero_trust.AccessServiceTokenNewParams{AccountID: acct}),
		update: byID(opServiceTokensUpdate, tokens.Update, zero_trust.AccessServiceTokenUpdateParams{AccountID: acct}),
		delete: byID(opServiceTokensDelete, tokens.Delete, zero_trust.AccessServiceTokenDeleteParams{AccountID: acct}),
	}
}

// rotateServiceToken is the request that gives a token a new secret.
func rotateServiceToken(sdk *cf.Client, accountID string) request {
	return byID(opServiceTokensRotate, sdk.ZeroTrust.Access.ServiceTokens.Rotate, zero_trust.AccessServiceTokenRotateParams{AccountID: cf.F(accountID)})
}

// refreshServiceToken is the request that extends a token's expiry.
func refreshServiceToken(sdk *cf.Client, accountID string) request {
	return byID(opServiceTokensRefresh, sdk.ZeroTrust.Access.ServiceTokens.Refresh, zero_trust.AccessServiceTokenRefreshParams{AccountID: cf.F(accountID)})
}

func (c *client) FindServiceToken(ctx context.Context, name string) (ServiceToken, error) {
	return c.tokens.find(ctx, name)
}

func (c *client) GetServiceToken(ctx context.Context, tokenID string) (ServiceToken, error) {
	return c.tokens.one(ctx, tokenID)
}

func (c *client) CreateServiceToken(ctx context.Context, name, duration string) (ServiceToken, error) {
	return c.tokens.add(ctx, name, serviceTokenBody{Name: name, Duration: duration})
}

func (c *client) UpdateServiceToken(ctx context.Context, tokenID, name, duration string) (ServiceToken, error) {
	t, err := c.tokens.write(ctx, c.tokens.update, "update", tokenID, serviceTokenBody{Name: name, Duration: duration})
	return t.withoutSecret(), err
}

func (c *client) RotateServiceToken(ctx context.Context, tokenID string, previousExpiresAt time.Time) (ServiceToken, error) {
	req := c.rotateToken
	if !previousExpiresAt.IsZero() {
		// cloudflare-go v4.6.0's parameters lack the field the API takes.
		req = req.with(
			option.WithHeader("Content-Type", "application/json"),
			option.WithJSONSet("previous_client_secret_expires_at", previousExpiresAt.UTC().Format(time.RFC3339)))
	}
	return c.tokens.write(ctx, req, "rotate", tokenID, nil)
}

func (c *client) RefreshServiceToken(ctx context.Context, tokenID string) (ServiceToken, error) {
	t, err := c.tokens.write(ctx, c.refreshToken, "refresh", tokenID, nil)
	return t.withoutSecret(), err
}

func (c *client) DeleteServiceToken(ctx context.Context, tokenID string) error {
	return c.tokens.remove(ctx, tokenID)
}
