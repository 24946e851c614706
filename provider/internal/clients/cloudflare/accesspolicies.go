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

// DecisionAllow is the default decision of a policy.
const DecisionAllow = "allow"

// An AccessPolicy is a reusable (account-level) Access policy whose include
// rules are Access groups and email addresses.
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
	// ID) and emails. It sends one POST and never retries it: call
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
		switch {
		case len(rule) == 1 && rule["group"] != nil && json.Unmarshal(rule["group"], &g) == nil && g.ID != "":
			p.IncludeGroupIDs = append(p.IncludeGroupIDs, g.ID)
		case len(rule) == 1 && rule["email"] != nil && json.Unmarshal(rule["email"], &e) == nil && e.Email != "":
			p.IncludeEmails = append(p.IncludeEmails, e.Email)
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
	return p
}

func (p AccessPolicy) decision() zero_trust.Decision {
	if p.Decision == "" {
		return zero_trust.DecisionAllow
	}
	return zero_trust.Decision(p.Decision)
}

func (p AccessPolicy) include() []zero_trust.AccessRuleUnionParam {
	rules := make([]zero_trust.AccessRuleUnionParam, 0, len(p.IncludeGroupIDs)+len(p.IncludeEmails))
	for _, id := range p.IncludeGroupIDs {
		rules = append(rules, zero_trust.GroupRuleParam{Group: cf.F(zero_trust.GroupRuleGroupParam{ID: cf.F(id)})})
	}
	for _, e := range p.IncludeEmails {
		rules = append(rules, zero_trust.EmailRuleParam{Email: cf.F(zero_trust.EmailRuleEmailParam{Email: cf.F(e)})})
	}
	return rules
}

func (c *client) listAccessPolicies(ctx context.Context) ([]AccessPolicy, error) {
	ps, err := c.policies.get(ctx, c.accountID, func(ctx context.Context) ([]AccessPolicy, error) {
		ctx = withOperation(ctx, OpAccessPoliciesList)
		raw, err := listAll(func(opts ...option.RequestOption) error {
			_, err := c.sdk.ZeroTrust.Access.Policies.List(ctx, zero_trust.AccessPolicyListParams{AccountID: cf.F(c.accountID)}, opts...)
			return err
		}, accessPerPage, func(p accessPolicyJSON) string { return p.ID })
		if err != nil {
			return nil, err
		}
		out := make([]AccessPolicy, len(raw))
		for i, p := range raw {
			out[i] = p.policy()
		}
		return out, nil
	})
	return ps, errors.Wrapf(err, "cannot list Access policies of account %q", c.accountID)
}

func findByName[T any](items []T, kind, name string, nameOf, idOf func(T) string) (T, error) {
	var zero T
	var found []T
	for _, it := range items {
		if nameOf(it) == name {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 0:
		return zero, &NotFoundError{Kind: kind, Name: name}
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, it := range found {
		ids[i] = idOf(it)
	}
	return zero, &AmbiguousError{Kind: kind, Name: name, IDs: ids}
}

// A listed is an object of a cached list, which cacheWrite finds by its ID.
type listed interface {
	id() string
}

// cacheWrite keeps the list cached under key in step with a write to the
// object whose ID is id; err is the write's outcome. A failed write may
// still have been done, so the list is dropped. A done one takes the object
// out of the list and, when v is not nil, puts *v in its place.
func cacheWrite[T listed](c *cache[[]T], key, id string, v *T, err error) error {
	if err != nil {
		c.invalidate(key)
		return err
	}
	c.update(key, func(items []T) []T {
		out := slices.DeleteFunc(slices.Clone(items), func(x T) bool { return x.id() == id })
		if v != nil {
			out = append(out, *v)
		}
		return out
	})
	return nil
}

func policyName(p AccessPolicy) string { return p.Name }

func (c *client) FindAccessPolicy(ctx context.Context, name string) (AccessPolicy, error) {
	// A find runs before a create: a stale list would let a policy made
	// since it was read be made twice.
	c.policies.invalidate(c.accountID)
	ps, err := c.listAccessPolicies(ctx)
	if err != nil {
		return AccessPolicy{}, err
	}
	p, err := findByName(ps, "Access policy", name, policyName, AccessPolicy.id)
	return p.clone(), err
}

func (c *client) ResolveAccessPolicyIDs(ctx context.Context, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	ps, err := c.listAccessPolicies(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(names))
	for i, n := range names {
		p, err := findByName(ps, "Access policy", n, policyName, AccessPolicy.id)
		if err != nil {
			return nil, err
		}
		ids[i] = p.ID
	}
	return ids, nil
}

func (c *client) GetAccessPolicy(ctx context.Context, policyID string) (AccessPolicy, error) {
	ps, err := c.listAccessPolicies(ctx)
	if err != nil {
		return AccessPolicy{}, err
	}
	for _, p := range ps {
		if p.ID == policyID {
			return p.clone(), nil
		}
	}
	ctx = withOperation(ctx, OpAccessPoliciesGet)
	raw := accessPolicyJSON{}
	err = do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.Policies.Get(ctx, policyID, zero_trust.AccessPolicyGetParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	}, &raw)
	return raw.policy(), errors.Wrapf(err, "cannot get Access policy %q", policyID)
}

func (c *client) CreateAccessPolicy(ctx context.Context, p AccessPolicy) (AccessPolicy, error) {
	ctx = withOperation(ctx, OpAccessPoliciesCreate)
	raw := accessPolicyJSON{}
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.Policies.New(ctx, zero_trust.AccessPolicyNewParams{
			AccountID: cf.F(c.accountID),
			Name:      cf.F(p.Name),
			Decision:  cf.F(p.decision()),
			Include:   cf.F(p.include()),
		}, opts...)
		return err
	}, &raw)
	if err != nil {
		// The policy may exist although we got no reply.
		c.policies.invalidate(c.accountID)
		return AccessPolicy{}, errors.Wrapf(err, "cannot create Access policy %q", p.Name)
	}
	created := raw.policy()
	c.policies.update(c.accountID, func(ps []AccessPolicy) []AccessPolicy { return append(slices.Clone(ps), created) })
	return created.clone(), nil
}

func (c *client) UpdateAccessPolicy(ctx context.Context, policyID string, p AccessPolicy) (AccessPolicy, error) {
	ctx = withOperation(ctx, OpAccessPoliciesUpdate)
	raw := accessPolicyJSON{}
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.Policies.Update(ctx, policyID, zero_trust.AccessPolicyUpdateParams{
			AccountID: cf.F(c.accountID),
			Name:      cf.F(p.Name),
			Decision:  cf.F(p.decision()),
			Include:   cf.F(p.include()),
		}, opts...)
		return err
	}, &raw)
	updated := raw.policy()
	if err = cacheWrite(c.policies, c.accountID, policyID, &updated, err); err != nil {
		return AccessPolicy{}, errors.Wrapf(err, "cannot update Access policy %q", policyID)
	}
	return updated.clone(), nil
}

func (c *client) DeleteAccessPolicy(ctx context.Context, policyID string) error {
	ctx = withOperation(ctx, OpAccessPoliciesDelete)
	err := send(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Access.Policies.Delete(ctx, policyID, zero_trust.AccessPolicyDeleteParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	})
	if IsNotFound(err) {
		// Already gone, as the caller wants it.
		err = nil
	}
	return errors.Wrapf(cacheWrite(c.policies, c.accountID, policyID, nil, err), "cannot delete Access policy %q", policyID)
}
