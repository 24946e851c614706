package cloudflare

import (
	"context"
	"slices"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
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
	// Duration is a Go duration, such as 8760h.
	Duration  string     `json:"duration"`
	ExpiresAt *time.Time `json:"expires_at"`
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
	// old secret stops working. It sends one POST and never retries it.
	RotateServiceToken(ctx context.Context, tokenID string) (ServiceToken, error)

	// DeleteServiceToken deletes the token. One already gone is not an
	// error.
	DeleteServiceToken(ctx context.Context, tokenID string) error
}

func (t ServiceToken) withoutSecret() ServiceToken {
	t.ClientSecret = ""
	return t
}

func (c *client) listServiceTokens(ctx context.Context) ([]ServiceToken, error) {
	ts, err := c.tokens.get(ctx, c.accountID, func(ctx context.Context) ([]ServiceToken, error) {
		ctx = withOperation(ctx, OpServiceTokensList)
		return listAll(func(opts ...option.RequestOption) error {
			_, err := c.sdk.ZeroTrust.Access.ServiceTokens.List(ctx, zero_trust.AccessServiceTokenListParams{AccountID: cf.F(c.accountID)}, opts...)
			return err
		}, accessPerPage, func(t ServiceToken) string { return t.ID })
	})
	return ts, errors.Wrapf(err, "cannot list service tokens of account %q", c.accountID)
}

func (c *client) FindServiceToken(ctx context.Context, name string) (ServiceToken, error) {
	// A find runs before a create: a stale list would let a token made
	// since it was read be made twice.
	c.tokens.invalidate(c.accountID)
	ts, err := c.listServiceTokens(ctx)
	if err != nil {
		return ServiceToken{}, err
	}
	return findByName(ts, "service token", name,
		func(t ServiceToken) string { return t.Name },
		func(t ServiceToken) string { return t.ID })
}

func (c *client) GetServiceToken(ctx context.Context, tokenID string) (ServiceToken, error) {
	ts, err := c.listServiceTokens(ctx)
	if err != nil {
		return ServiceToken{}, err
	}
	for _, t := range ts {
		if t.ID == tokenID {
			return t, nil
		}
	}
	ctx = withOperation(ctx, OpServiceTokensGet)
	t := ServiceToken{}
	err = do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.ServiceTokens.Get(ctx, tokenID, zero_trust.AccessServiceTokenGetParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	}, &t)
	return t.withoutSecret(), errors.Wrapf(err, "cannot get service token %q", tokenID)
}

func (c *client) CreateServiceToken(ctx context.Context, name, duration string) (ServiceToken, error) {
	ctx = withOperation(ctx, OpServiceTokensCreate)
	params := zero_trust.AccessServiceTokenNewParams{AccountID: cf.F(c.accountID), Name: cf.F(name)}
	if duration != "" {
		params.Duration = cf.F(duration)
	}
	t := ServiceToken{}
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.ServiceTokens.New(ctx, params, opts...)
		return err
	}, &t)
	if err != nil {
		// The token may exist although we got no reply.
		c.tokens.invalidate(c.accountID)
		return ServiceToken{}, errors.Wrapf(err, "cannot create service token %q", name)
	}
	c.tokens.update(c.accountID, func(ts []ServiceToken) []ServiceToken { return append(slices.Clone(ts), t.withoutSecret()) })
	return t, nil
}

func (c *client) UpdateServiceToken(ctx context.Context, tokenID, name, duration string) (ServiceToken, error) {
	ctx = withOperation(ctx, OpServiceTokensUpdate)
	params := zero_trust.AccessServiceTokenUpdateParams{AccountID: cf.F(c.accountID), Name: cf.F(name)}
	if duration != "" {
		params.Duration = cf.F(duration)
	}
	t := ServiceToken{}
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.ServiceTokens.Update(ctx, tokenID, params, opts...)
		return err
	}, &t)
	if err != nil {
		c.tokens.invalidate(c.accountID)
		return ServiceToken{}, errors.Wrapf(err, "cannot update service token %q", tokenID)
	}
	t = t.withoutSecret()
	c.replaceToken(tokenID, &t)
	return t, nil
}

func (c *client) RotateServiceToken(ctx context.Context, tokenID string) (ServiceToken, error) {
	ctx = withOperation(ctx, OpServiceTokensRotate)
	t := ServiceToken{}
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.ServiceTokens.Rotate(ctx, tokenID, zero_trust.AccessServiceTokenRotateParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	}, &t)
	if err != nil {
		c.tokens.invalidate(c.accountID)
		return ServiceToken{}, errors.Wrapf(err, "cannot rotate service token %q", tokenID)
	}
	kept := t.withoutSecret()
	c.replaceToken(tokenID, &kept)
	return t, nil
}

func (c *client) DeleteServiceToken(ctx context.Context, tokenID string) error {
	ctx = withOperation(ctx, OpServiceTokensDelete)
	err := send(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.ServiceTokens.Delete(ctx, tokenID, zero_trust.AccessServiceTokenDeleteParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	})
	if err != nil && !IsNotFound(err) {
		c.tokens.invalidate(c.accountID)
		return errors.Wrapf(err, "cannot delete service token %q", tokenID)
	}
	c.replaceToken(tokenID, nil)
	return nil
}

// replaceToken swaps the cached token for t, or drops it when t is nil.
func (c *client) replaceToken(tokenID string, t *ServiceToken) {
	c.tokens.update(c.accountID, func(ts []ServiceToken) []ServiceToken {
		out := slices.DeleteFunc(slices.Clone(ts), func(x ServiceToken) bool { return x.ID == tokenID })
		if t != nil {
			out = append(out, *t)
		}
		return out
	})
}
