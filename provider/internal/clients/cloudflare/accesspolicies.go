package cloudflare

import (
	"context"
	"encoding/json"
	"slices"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"
)

// DecisionAllow is the default decision of a policy.
const DecisionAllow = "allow"

// An AccessPolicy is a reusable (account-level) Access policy whose include
// rules are Access groups, email addresses and service tokens.
type AccessPolicy struct {
	ID string
	// Name (cfzt-<hostname>-allow when composed from a route) is the
	// ownership marker.
	Name string
	// Decision is allow, deny, bypass or non_identity; empty means allow.
	Decision string
	// IncludeGroupIDs are Access group IDs, in the order of the rules.
	IncludeGroupIDs []string
	// IncludeEmails are email addresses, in the order of the rules.
	IncludeEmails []string
	// IncludeServiceTokenIDs are Access service token IDs, in the order of
	// the rules.
	IncludeServiceTokenIDs []string
	// OtherIncludes counts include rules of other kinds (everyone, IP…),
	// which a write replaces. Non-zero means someone changed the policy.
	OtherIncludes int
}

// AccessPolicies reads and writes reusable Access policies.
type AccessPolicies interface {
	// FindAccessPolicy returns the policy called name, from the cached
	// list: an *AmbiguousError when two are, an error for which IsNotFound
	// is true when none is.
	FindAccessPolicy(ctx context.Context, name string) (AccessPolicy, error)

	// ResolveAccessPolicyIDs returns the IDs of the policies with exactly
	// these names, in order. A missing name is an error for which
	// IsNotFound is true; a name two policies share, an *AmbiguousError.
	ResolveAccessPolicyIDs(ctx context.Context, names []string) ([]string, error)

	// GetAccessPolicy returns the policy, from the cached list if it is
	// there, else from the API.
	GetAccessPolicy(ctx context.Context, policyID string) (AccessPolicy, error)

	// CreateAccessPolicy creates a reusable policy including p's groups (by
	// ID), emails and service tokens (by ID). It sends one POST and never retries it: call
	// FindAccessPolicy first, on every attempt.
	CreateAccessPolicy(ctx context.Context, p AccessPolicy) (AccessPolicy, error)

	// UpdateAccessPolicy replaces the policy's name, decision and include
	// rules with p's.
	UpdateAccessPolicy(ctx context.Context, policyID string, p AccessPolicy) (AccessPolicy, error)

	// DeleteAccessPolicy deletes the policy. One already gone is not an
	// error.
	DeleteAccessPolicy(ctx context.Context, policyID string) error
}

type accessPolicyJSON struct {
	ID       string                       `json:"id"`
	Name     string                       `json:"name"`
	Decision string                       `json:"decision"`
	Include  []map[string]json.RawMessage `json:"include"`
}

func (j accessPolicyJSON) policy() AccessPolicy {
	p := AccessPolicy{ID: j.ID, Name: j.Name, Decision: j.Decision}
	for _, rule := range j.Include {
		var g struct {
			ID string `json:"id"`
		}
		var e struct {
			Email string `json:"email"`
		}
		var st struct {
			TokenID string `json:"token_id"`
		}
		switch {
		case len(rule) == 1 && rule["group"] != nil && json.Unmarshal(rule["group"], &g) == nil && g.ID != "":
			p.IncludeGroupIDs = append(p.IncludeGroupIDs, g.ID)
		case len(rule) == 1 && rule["email"] != nil && json.Unmarshal(rule["email"], &e) == nil && e.Email != "":
			p.IncludeEmails = append(p.IncludeEmails, e.Email)
		case len(rule) == 1 && rule["service_token"] != nil && json.Unmarshal(rule["service_token"], &st) == nil && st.TokenID != "":
			p.IncludeServiceTokenIDs = append(p.IncludeServiceTokenIDs, st.TokenID)
		default:
			p.OtherIncludes++
		}
	}
	return p
}

func (p AccessPolicy) id() string { return p.ID }

func (p AccessPolicy) clone() AccessPolicy {
	p.IncludeGroupIDs = slices.Clone(p.IncludeGroupIDs)
	p.IncludeEmails = slices.Clone(p.IncludeEmails)
	p.IncludeServiceTokenIDs = slices.Clone(p.IncludeServiceTokenIDs)
	return p
}

func (p AccessPolicy) decision() zero_trust.Decision {
	if p.Decision == "" {
		return zero_trust.DecisionAllow
	}
	return zero_trust.Decision(p.Decision)
}

// accessPolicyBody is what a create or an update of a policy sends.
type accessPolicyBody struct {
	Name     string                            `json:"name"`
	Decision zero_trust.Decision               `json:"decision"`
	Include  []zero_trust.AccessRuleUnionParam `json:"include"`
}

// body gives a policy p's name, decision and include rules.
func (p AccessPolicy) body() accessPolicyBody {
	b := accessPolicyBody{Name: p.Name, Decision: p.decision(), Include: make([]zero_trust.AccessRuleUnionParam, 0, len(p.IncludeGroupIDs)+len(p.IncludeEmails)+len(p.IncludeServiceTokenIDs))}
	for _, id := range p.IncludeGroupIDs {
		b.Include = append(b.Include, zero_trust.GroupRuleParam{Group: cf.F(zero_trust.GroupRuleGroupParam{ID: cf.F(id)})})
	}
	for _, e := range p.IncludeEmails {
		b.Include = append(b.Include, zero_trust.EmailRuleParam{Email: cf.F(zero_trust.EmailRuleEmailParam{Email: cf.F(e)})})
	}
	for _, id := range p.IncludeServiceTokenIDs {
		b.Include = append(b.Include, zero_trust.ServiceTokenRuleParam{ServiceToken: cf.F(zero_trust.ServiceTokenRuleServiceTokenParam{TokenID: cf.F(id)})})
	}
	return b
}

func accessPolicies(sdk *cf.Client, accountID string, c *cache[[]AccessPolicy]) *accessKind[accessPolicyJSON, AccessPolicy] {
	policies, acct := sdk.ZeroTrust.Access.Policies, cf.F(accountID)
	return &accessKind[accessPolicyJSON, AccessPolicy]{
		kind: "Access policy", plural: "Access policies", accountID: accountID,
		nameOf: func(p AccessPolicy) string { return p.Name }, decode: accessPolicyJSON.policy, cache: c,
		list:   onAll(opAccessPoliciesList, policies.List, zero_trust.AccessPolicyListParams{AccountID: acct}),
		get:    byID(opAccessPoliciesGet, policies.Get, zero_trust.AccessPolicyGetParams{AccountID: acct}),
		create: onAll(opAccessPoliciesCreate, policies.New, zero_trust.AccessPolicyNewParams{AccountID: acct}),
		update: byID(opAccessPoliciesUpdate, policies.Update, zero_trust.AccessPolicyUpdateParams{AccountID: acct}),
		delete: byID(opAccessPoliciesDelete, policies.Delete, zero_trust.AccessPolicyDeleteParams{AccountID: acct}),
	}
}

func (c *client) FindAccessPolicy(ctx context.Context, name string) (AccessPolicy, error) {
	p, err := c.policies.find(ctx, name)
	return p.clone(), err
}

func (c *client) ResolveAccessPolicyIDs(ctx context.Context, names []string) ([]string, error) {
	return c.policies.resolve(ctx, names)
}

func (c *client) GetAccessPolicy(ctx context.Context, policyID string) (AccessPolicy, error) {
	p, err := c.policies.one(ctx, policyID)
	return p.clone(), err
}

func (c *client) CreateAccessPolicy(ctx context.Context, p AccessPolicy) (AccessPolicy, error) {
	raw, err := c.policies.add(ctx, p.Name, p.body())
	return raw.policy(), err
}

func (c *client) UpdateAccessPolicy(ctx context.Context, policyID string, p AccessPolicy) (AccessPolicy, error) {
	raw, err := c.policies.write(ctx, c.policies.update, "update", policyID, p.body())
	return raw.policy(), err
}

func (c *client) DeleteAccessPolicy(ctx context.Context, policyID string) error {
	return c.policies.remove(ctx, policyID)
}
