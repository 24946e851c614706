package cloudflare

import (
	"context"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/accounts"
	"github.com/cloudflare/cloudflare-go/v4/option"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// TokenStatusActive is the status of a token that works.
const TokenStatusActive = "active"

// A TokenStatus is what Cloudflare says about the client's API token.
type TokenStatus struct {
	ID string `json:"id"`
	// Status is active, disabled or expired.
	Status    string     `json:"status"`
	ExpiresOn *time.Time `json:"expires_on"`
}

// Tokens checks the client's own API token.
type Tokens interface {
	// VerifyToken asks Cloudflare about the client's API token: first as a
	// token owned by the client's account, then, if Cloudflare does not
	// know it as one, as a user token. Cloudflare answers 401 for an
	// account-owned token at /user/tokens/verify
	// (benvinegar/counterscale#268), so the account's endpoint comes first.
	// Not cached.
	VerifyToken(ctx context.Context) (TokenStatus, error)
}

func (c *client) VerifyToken(ctx context.Context) (TokenStatus, error) {
	ts := TokenStatus{}
	aerr := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.Accounts.Tokens.Verify(withOperation(ctx, opAccountTokensVerify), accounts.TokenVerifyParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	}, &ts)
	if aerr == nil {
		return ts, nil
	}
	if !IsAuth(aerr) && !IsNotFound(aerr) {
		return TokenStatus{}, errors.Wrap(aerr, "cannot verify API token")
	}
	uerr := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.User.Tokens.Verify(withOperation(ctx, opUserTokensVerify), opts...)
		return err
	}, &ts)
	if uerr != nil {
		// The account endpoint's answer is the one that says why a token
		// scoped to the account, as the README asks for, was refused.
		return TokenStatus{}, errors.Wrap(aerr, "cannot verify API token")
	}
	return ts, nil
}
