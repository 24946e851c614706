package cloudflare

import (
	"context"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// An AccessGroup is an Access group of the account.
type AccessGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AccessGroups resolves Access group names.
type AccessGroups interface {
	// ResolveAccessGroupIDs returns the IDs of the groups with exactly
	// these names, in order, from the cached group list. A missing name is
	// an error for which IsNotFound is true; a name two groups share, an
	// *AmbiguousError.
	ResolveAccessGroupIDs(ctx context.Context, names []string) ([]string, error)
}

func (c *client) listAccessGroups(ctx context.Context) ([]AccessGroup, error) {
	gs, err := c.groups.get(ctx, c.accountID, func(ctx context.Context) ([]AccessGroup, error) {
		ctx = withOperation(ctx, OpAccessGroupsList)
		return listAll(func(opts ...option.RequestOption) error {
			_, err := c.sdk.ZeroTrust.Access.Groups.List(ctx, zero_trust.AccessGroupListParams{AccountID: cf.F(c.accountID)}, opts...)
			return err
		}, accessPerPage, func(g AccessGroup) string { return g.ID })
	})
	return gs, errors.Wrapf(err, "cannot list Access groups of account %q", c.accountID)
}

func (c *client) ResolveAccessGroupIDs(ctx context.Context, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	gs, err := c.listAccessGroups(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(names))
	for i, n := range names {
		g, err := findByName(gs, "Access group", n,
			func(g AccessGroup) string { return g.Name },
			func(g AccessGroup) string { return g.ID })
		if err != nil {
			return nil, err
		}
		ids[i] = g.ID
	}
	return ids, nil
}
