package fakecloudflare

import (
	"net/http"
	"slices"
)

// The /access/apps/{app_id}/policies operations serve legacy policies scoped
// to one application. The project uses reusable policies and the
// application's policies array instead; these exist so that a client that
// lists an application's policies sees both kinds, as with Cloudflare.

// appPolicy returns the application and the policy, of either kind, that the
// call's path names, and the policy's reference in the application.
func (s *Server) appPolicy(c *call) (*AccessApp, *AccessPolicy, int, error) {
	a, err := s.app(c)
	if err != nil {
		return nil, nil, 0, err
	}
	id := c.r.PathValue("policy_id")
	i := slices.IndexFunc(a.Policies, func(r AppPolicyRef) bool { return r.ID == id })
	p := s.st.policies[id]
	if i < 0 || p == nil {
		return nil, nil, 0, accessNotFound("policy", id)
	}
	return a, p, i, nil
}

func (s *Server) appPolicyJSON(a *AccessApp, p *AccessPolicy) map[string]any {
	m := s.policyJSON(p)
	for _, r := range a.Policies {
		if r.ID == p.ID {
			m["precedence"] = r.Precedence
		}
	}
	return m
}

// listAppPolicies returns the application's legacy and reusable policies.
func (s *Server) listAppPolicies(c *call) (reply, error) {
	a, err := s.app(c)
	if err != nil {
		return reply{}, err
	}
	page, info, err := paginate(s.appPoliciesJSON(a), c.r.URL.Query(), s.accessPager())
	if err != nil {
		return reply{}, err
	}
	return reply{result: page, info: info}, nil
}

// createAppPolicy adds a legacy policy to the application. Like Cloudflare it
// needs name, decision and include, which the SDK v4.6.0 params type cannot
// send without option.WithJSONSet.
func (s *Server) createAppPolicy(c *call) (reply, error) {
	a, err := s.app(c)
	if err != nil {
		return reply{}, err
	}
	m, err := c.object()
	if err != nil {
		return reply{}, err
	}
	p := &AccessPolicy{AccountID: a.AccountID, AppID: a.ID}
	if err := s.policyFromBody(m, p); err != nil {
		return reply{}, err
	}
	prec, err := s.precedence(m, a, "")
	if err != nil {
		return reply{}, err
	}
	p.ID = s.newUUID("access-policy")
	p.CreatedAt = s.now()
	p.UpdatedAt = p.CreatedAt
	s.st.policies[p.ID] = p
	s.st.created(p.ID)
	a.Policies = append(a.Policies, AppPolicyRef{ID: p.ID, Precedence: prec})
	a.UpdatedAt = p.CreatedAt
	return reply{status: http.StatusCreated, result: s.appPolicyJSON(a, p)}, nil
}

// precedence reads a policy's precedence from a body, or gives the next free
// one, and checks that no other policy of the application has it.
func (s *Server) precedence(m map[string]any, a *AccessApp, policyID string) (int, error) {
	prec := 1
	for _, r := range a.Policies {
		prec = max(prec, r.Precedence+1)
	}
	if v, ok := m["precedence"].(float64); ok {
		prec = int(v)
	}
	for _, r := range a.Policies {
		if r.ID != policyID && r.Precedence == prec {
			return 0, accessInvalid("precedence %d is taken by policy %s", prec, r.ID)
		}
	}
	return prec, nil
}

func (s *Server) getAppPolicy(c *call) (reply, error) {
	a, p, _, err := s.appPolicy(c)
	if err != nil {
		return reply{}, err
	}
	return reply{result: s.appPolicyJSON(a, p)}, nil
}

// updateAppPolicy replaces a legacy policy's settings and precedence. A
// reusable policy is changed under /access/policies, not here.
func (s *Server) updateAppPolicy(c *call) (reply, error) {
	a, p, i, err := s.appPolicy(c)
	if err != nil {
		return reply{}, err
	}
	if p.AppID == "" {
		return reply{}, accessInvalid("policy %s is reusable; update it under /access/policies", p.ID)
	}
	m, err := c.object()
	if err != nil {
		return reply{}, err
	}
	next := *p
	if err := s.policyFromBody(m, &next); err != nil {
		return reply{}, err
	}
	prec, err := s.precedence(m, a, p.ID)
	if err != nil {
		return reply{}, err
	}
	next.UpdatedAt = s.now()
	*p = next
	a.Policies[i].Precedence = prec
	return reply{result: s.appPolicyJSON(a, p)}, nil
}

// deleteAppPolicy removes the policy from the application; a legacy policy
// is deleted, a reusable one only detached.
func (s *Server) deleteAppPolicy(c *call) (reply, error) {
	a, p, i, err := s.appPolicy(c)
	if err != nil {
		return reply{}, err
	}
	a.Policies = slices.Delete(a.Policies, i, i+1)
	if p.AppID != "" {
		delete(s.st.policies, p.ID)
	}
	return reply{status: http.StatusAccepted, result: map[string]any{"id": p.ID}}, nil
}
