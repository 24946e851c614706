package cloudflare

import (
	"context"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"
)

// An accessGroup is an Access group of the account.
type accessGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (g accessGroup) id() string { return g.ID }

// AccessGroups resolves Access group names.
type AccessGroups interface {
	// ResolveAccessGroupIDs returns the IDs of the groups with exactly
	// these names, in order, from the cached group list. A missing name is
	// an error for which IsNotFound is true; a name two groups share, an
	// *AmbiguousError.
	ResolveAccessGroupIDs(ctx context.Context, names []string) ([]string, error)
}

func accessGroups(sdk *cf.Client, accountID string, c *cache[[]accessGroup]) *accessKind[accessGroup, accessGroup] {
	return &accessKind[accessGroup, accessGroup]{
		kind: "Access group", plural: "Access groups", accountID: accountID,
		nameOf: func(g accessGroup) string { return g.Name }, decode: asIs[accessGroup], cache: c,
		list: onAll(opAccessGroupsList, sdk.ZeroTrust.Access.Groups.List, zero_trust.AccessGroupListParams{AccountID: cf.F(accountID)}),
	}
}

func (c *client) ResolveAccessGroupIDs(ctx context.Context, names []string) ([]string, error) {
	return c.groups.resolve(ctx, names)
}
