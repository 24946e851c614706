package fakecloudflare

import (
	"maps"
	"net/http"
	"slices"
)

var decisions = []string{"allow", "deny", "non_identity", "bypass"}

func (s *Server) policyJSON(p *AccessPolicy) map[string]any {
	m := map[string]any{}
	maps.Copy(m, p.Extra)
	m["id"] = p.ID
	m["name"] = p.Name
	m["decision"] = p.Decision
	m["include"] = rulesJSON(p.Include)
	m["exclude"] = rulesJSON(p.Exclude)
	m["require"] = rulesJSON(p.Require)
	m["session_duration"] = p.SessionDuration
	m["created_at"] = p.CreatedAt
	m["updated_at"] = p.UpdatedAt
	m["reusable"] = p.AppID == ""
	if p.AppID == "" {
		m["app_count"] = s.appCount(p.ID)
	}
	return m
}

// appCount is how many applications use a policy.
func (s *Server) appCount(policyID string) int {
	n := 0
	for _, a := range s.st.apps {
		if slices.ContainsFunc(a.Policies, func(r AppPolicyRef) bool { return r.ID == policyID }) {
			n++
		}
	}
	return n
}

// policyFromBody reads a policy's settings from a request body onto p.
func (s *Server) policyFromBody(m map[string]any, p *AccessPolicy) error {
	name, err := str(m, "name")
	if err != nil {
		return err
	}
	decision, err := str(m, "decision")
	if err != nil {
		return err
	}
	if name == "" {
		return accessInvalid("name is required")
	}
	if !slices.Contains(decisions, decision) {
		return accessInvalid("decision must be one of %v, not %q", decisions, decision)
	}
	include, err := s.rules(m, "include", p.AccountID, true)
	if err != nil {
		return err
	}
	exclude, err := s.rules(m, "exclude", p.AccountID, false)
	if err != nil {
		return err
	}
	require, err := s.rules(m, "require", p.AccountID, false)
	if err != nil {
		return err
	}
	sd, err := str(m, "session_duration")
	if err != nil {
		return err
	}
	if sd == "" {
		sd = "24h"
	}
	if err := checkDuration("session_duration", sd); err != nil {
		return err
	}
	p.Name, p.Decision, p.Include, p.Exclude, p.Require, p.SessionDuration = name, decision, include, exclude, require, sd
	p.Extra = extra(m, "name", "decision", "include", "exclude", "require", "session_duration",
		"reusable", "app_count", "precedence")
	return nil
}

// reusablePolicy returns the reusable policy in the call's path.
func (s *Server) reusablePolicy(c *call) (*AccessPolicy, error) {
	missing := func(id string) error { return accessNotFound("policy", id) }
	p, err := inAccount(s, c, s.st.policies, "policy_id", missing)
	if err == nil && p.AppID != "" {
		return nil, missing(p.ID)
	}
	return p, err
}

func (s *Server) listAccessPolicies(c *call) (reply, error) {
	a, err := s.account(c)
	if err != nil {
		return reply{}, err
	}
	var out []*AccessPolicy
	for _, p := range sortedBySeq(s.st, s.st.policies, func(p *AccessPolicy) string { return p.ID }) {
		if p.AccountID == a.ID && p.AppID == "" {
			out = append(out, p)
		}
	}
	return pageReply(out, c.r.URL.Query(), s.accessPager(), s.policyJSON)
}

func (s *Server) createAccessPolicy(c *call) (reply, error) {
	a, err := s.account(c)
	if err != nil {
		return reply{}, err
	}
	p := &AccessPolicy{AccountID: a.ID}
	if err := fromBody(c, p, s.policyFromBody); err != nil {
		return reply{}, err
	}
	p.ID = s.newUUID("access-policy")
	stamp(&p.CreatedAt, &p.UpdatedAt, s.now())
	store(s.st, s.st.policies, p.ID, p)
	return reply{status: http.StatusCreated, result: s.policyJSON(p)}, nil
}

func (s *Server) getAccessPolicy(c *call) (reply, error) {
	p, err := s.reusablePolicy(c)
	return answer(err, func() any { return s.policyJSON(p) })
}

// updateAccessPolicy replaces the policy's settings with the body's.
func (s *Server) updateAccessPolicy(c *call) (reply, error) {
	p, err := s.reusablePolicy(c)
	if err == nil {
		err = replaceFromBody(c, p, s.policyFromBody)
	}
	if err != nil {
		return reply{}, err
	}
	p.UpdatedAt = s.now()
	return reply{result: s.policyJSON(p)}, nil
}

// deleteAccessPolicy refuses, with a 409, to delete a policy an application
// still uses: detach it from the applications first
// (terraform-provider-cloudflare PR #7140, #7284).
func (s *Server) deleteAccessPolicy(c *call) (reply, error) {
	p, err := s.reusablePolicy(c)
	if err != nil {
		return reply{}, err
	}
	if n := s.appCount(p.ID); n > 0 {
		return reply{}, accessConflict(codePolicyInUse, "access.api.error.policy_in_use: policy %s is used by %d application(s); remove it from them first", p.ID, n)
	}
	delete(s.st.policies, p.ID)
	return reply{status: http.StatusAccepted, result: map[string]any{"id": p.ID}}, nil
}
