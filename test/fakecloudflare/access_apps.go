package fakecloudflare

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// domainTypes are the application types whose domain is required.
var domainTypes = []string{"self_hosted", "ssh", "vnc"}

func (s *Server) appJSON(a *AccessApp) map[string]any {
	m := map[string]any{}
	maps.Copy(m, a.Extra)
	m["id"] = a.ID
	m["aud"] = a.AUD
	m["name"] = a.Name
	m["type"] = a.Type
	if a.Domain != "" {
		m["domain"] = a.Domain
	}
	m["session_duration"] = a.SessionDuration
	m["created_at"] = a.CreatedAt
	m["updated_at"] = a.UpdatedAt
	m["policies"] = s.appPoliciesJSON(a)
	return m
}

// appPoliciesJSON is an application's policies, whole, with their precedence,
// in order of precedence.
func (s *Server) appPoliciesJSON(a *AccessApp) []map[string]any {
	refs := slices.Clone(a.Policies)
	slices.SortFunc(refs, func(x, y AppPolicyRef) int { return cmp.Compare(x.Precedence, y.Precedence) })
	out := []map[string]any{}
	for _, ref := range refs {
		if p := s.st.policies[ref.ID]; p != nil {
			m := s.policyJSON(p)
			m["precedence"] = ref.Precedence
			out = append(out, m)
		}
	}
	return out
}

// appFromBody reads an application's settings from a request body onto a,
// whose ID is already set. Policies may be reusable policy IDs, {id,
// precedence} links, or whole policies, which become legacy policies of this
// application; the array order is the precedence where none is given.
func (s *Server) appFromBody(m map[string]any, a *AccessApp) error {
	typ, err := str(m, "type")
	if err != nil {
		return err
	}
	domain, err := str(m, "domain")
	if err != nil {
		return err
	}
	name, err := str(m, "name")
	if err != nil {
		return err
	}
	sd, err := str(m, "session_duration")
	if err != nil {
		return err
	}
	switch {
	case typ == "":
		return accessInvalid("type is required")
	case slices.Contains(domainTypes, typ) && domain == "":
		return accessInvalid("domain is required for a %s application", typ)
	}
	if name == "" {
		name = domain
	}
	if sd == "" {
		sd = "24h"
	}
	if err := checkDuration("session_duration", sd); err != nil {
		return err
	}
	refs, scoped, err := s.appPolicyRefs(m, a)
	if err != nil {
		return err
	}
	// Checked before anything is stored: a refused body changes nothing.
	if other := s.appCovering(a, coveredKeys(domain, m)); other != nil {
		return accessConflict(codeAppExists, "access.api.error.application_already_exists")
	}
	// Legacy policies of this application that the body no longer names go.
	for _, p := range s.st.policies {
		if p.AppID == a.ID && !slices.ContainsFunc(refs, func(r AppPolicyRef) bool { return r.ID == p.ID }) {
			delete(s.st.policies, p.ID)
		}
	}
	for _, p := range scoped {
		store(s.st, s.st.policies, p.ID, p)
	}
	a.Type, a.Domain, a.Name, a.SessionDuration, a.Policies = typ, domain, name, sd, refs
	a.Extra = extra(m, "type", "domain", "name", "session_duration", "policies", "aud")
	return nil
}

// appPolicyRefs reads the policies array of an application body. It returns
// the references and the new legacy policies it defines, which the caller
// stores once the whole body is valid.
func (s *Server) appPolicyRefs(m map[string]any, a *AccessApp) ([]AppPolicyRef, []*AccessPolicy, error) {
	raw, ok := m["policies"]
	if !ok || raw == nil {
		return nil, nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, nil, accessInvalid("policies must be a list")
	}
	var refs []AppPolicyRef
	var scoped []*AccessPolicy
	for i, item := range list {
		ref := AppPolicyRef{Precedence: i + 1}
		switch v := item.(type) {
		case string:
			ref.ID = v
		case map[string]any:
			ref.ID, _ = v["id"].(string)
			if pr, ok := v["precedence"].(float64); ok {
				ref.Precedence = int(pr)
			}
			if _, whole := v["decision"]; whole && s.st.policies[ref.ID] == nil {
				p := &AccessPolicy{AccountID: a.AccountID, AppID: a.ID}
				if err := s.policyFromBody(v, p); err != nil {
					return nil, nil, err
				}
				p.ID = s.newUUID("access-policy")
				stamp(&p.CreatedAt, &p.UpdatedAt, s.now())
				ref.ID = p.ID
				scoped = append(scoped, p)
			}
		default:
			return nil, nil, accessInvalid("policies[%d] must be a policy ID or object", i)
		}
		p := s.st.policies[ref.ID]
		isNew := slices.ContainsFunc(scoped, func(n *AccessPolicy) bool { return n.ID == ref.ID })
		if !isNew && (p == nil || p.AccountID != a.AccountID || (p.AppID != "" && p.AppID != a.ID)) {
			return nil, nil, accessInvalid("policies[%d] names policy %q, which does not exist", i, ref.ID)
		}
		for _, r := range refs {
			if r.ID == ref.ID || r.Precedence == ref.Precedence {
				return nil, nil, accessInvalid("policies[%d] repeats policy %q or precedence %d", i, ref.ID, ref.Precedence)
			}
		}
		refs = append(refs, ref)
	}
	return refs, scoped, nil
}

// app returns the application in the call's path.
func (s *Server) app(c *call) (*AccessApp, error) {
	return inAccount(s, c, s.st.apps, "app_id", func(id string) error { return accessNotFound("application", id) })
}

// appDomains are the domains an application answers on.
func appDomains(a *AccessApp) []string {
	out := []string{a.Domain}
	if list, ok := a.Extra["self_hosted_domains"].([]any); ok {
		for _, d := range list {
			if s, ok := d.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// hostKey is the key under which an application covers a hostname: the
// host in lower case without a trailing dot, then the path, if any, as
// given. Cloudflare documents path-scoped applications (one on
// app.example.com/admin beside one on app.example.com), so the fake infers
// that the rule of one application per domain holds per host and path: two
// applications may share a host under different paths, never the same host
// and path. A path's trailing slash is dropped, as it names the same path.
func hostKey(d string) string {
	d = strings.TrimSpace(d)
	if _, rest, ok := strings.Cut(d, "://"); ok {
		d = rest
	}
	host, path, _ := strings.Cut(d, "/")
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if path = strings.TrimSuffix(path, "/"); path == "" {
		return host
	}
	return host + "/" + path
}

// coveredKeys are the keys of every hostname an application with this
// domain and these fields (a request body, or a stored application's Extra)
// answers on: the domain, its self_hosted_domains and the uri of its public
// destinations. Cloudflare counts all three (terraform-provider-cloudflare#3340).
func coveredKeys(domain string, fields map[string]any) []string {
	var out []string
	add := func(d string) {
		if k := hostKey(d); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	add(domain)
	if list, ok := fields["self_hosted_domains"].([]any); ok {
		for _, d := range list {
			if s, ok := d.(string); ok {
				add(s)
			}
		}
	}
	if list, ok := fields["destinations"].([]any); ok {
		for _, d := range list {
			dest, ok := d.(map[string]any)
			if !ok {
				continue
			}
			// Private destinations are networks and hostnames reached
			// through WARP, not public hostnames.
			if typ, _ := dest["type"].(string); typ != "" && typ != "public" {
				continue
			}
			if uri, ok := dest["uri"].(string); ok {
				add(uri)
			}
		}
	}
	return out
}

// appCovering returns another application of a's account that already
// covers one of keys, or nil. a itself, being replaced, does not count.
func (s *Server) appCovering(a *AccessApp, keys []string) *AccessApp {
	for _, other := range sortedBySeq(s.st, s.st.apps, func(o *AccessApp) string { return o.ID }) {
		if other.ID == a.ID || other.AccountID != a.AccountID {
			continue
		}
		for _, k := range coveredKeys(other.Domain, other.Extra) {
			if slices.Contains(keys, k) {
				return other
			}
		}
	}
	return nil
}

// listAccessApps filters by name, domain and aud (substrings, or whole values
// with exact=true) and search (name or domain), and pages.
func (s *Server) listAccessApps(c *call) (reply, error) {
	acct, err := s.account(c)
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query()
	exact, _, err := boolParam(q, "exact")
	if err != nil {
		return reply{}, err
	}
	var filters []func(*AccessApp) bool
	if q.Has("name") {
		f := textFilter(q.Get("name"), exact)
		filters = append(filters, func(a *AccessApp) bool { return f(a.Name) })
	}
	if q.Has("domain") {
		f := textFilter(q.Get("domain"), exact)
		filters = append(filters, func(a *AccessApp) bool { return slices.ContainsFunc(appDomains(a), f) })
	}
	if q.Has("aud") {
		f := textFilter(q.Get("aud"), exact)
		filters = append(filters, func(a *AccessApp) bool { return f(a.AUD) })
	}
	if q.Has("search") {
		f := textFilter(q.Get("search"), false)
		filters = append(filters, func(a *AccessApp) bool { return f(a.Name) || slices.ContainsFunc(appDomains(a), f) })
	}
	var out []*AccessApp
	for _, a := range sortedBySeq(s.st, s.st.apps, func(a *AccessApp) string { return a.ID }) {
		if a.AccountID == acct.ID && matches(a, filters, false) {
			out = append(out, a)
		}
	}
	return pageReply(out, q, s.accessPager(), s.appJSON)
}

func (s *Server) createAccessApp(c *call) (reply, error) {
	acct, err := s.account(c)
	if err != nil {
		return reply{}, err
	}
	m, err := c.object()
	if err != nil {
		return reply{}, err
	}
	// The ID comes first: legacy policies in the body name the application.
	a := &AccessApp{ID: s.newUUID("access-app"), AccountID: acct.ID}
	if err := s.appFromBody(m, a); err != nil {
		return reply{}, err
	}
	a.AUD = s.ids.hex("aud", 32)
	stamp(&a.CreatedAt, &a.UpdatedAt, s.now())
	store(s.st, s.st.apps, a.ID, a)
	return reply{status: http.StatusCreated, result: s.appJSON(a)}, nil
}

func (s *Server) getAccessApp(c *call) (reply, error) {
	a, err := s.app(c)
	return answer(err, func() any { return s.appJSON(a) })
}

// updateAccessApp replaces the application's settings with the body's: PUT
// is a full replace, so what the body leaves out is gone.
func (s *Server) updateAccessApp(c *call) (reply, error) {
	a, err := s.app(c)
	if err == nil {
		err = replaceFromBody(c, a, s.appFromBody)
	}
	if err != nil {
		return reply{}, err
	}
	a.UpdatedAt = s.now()
	return reply{result: s.appJSON(a)}, nil
}

// deleteAccessApp deletes the application and its legacy policies; reusable
// policies stay.
func (s *Server) deleteAccessApp(c *call) (reply, error) {
	a, err := s.app(c)
	if err != nil {
		return reply{}, err
	}
	s.removeApp(a)
	return reply{status: http.StatusAccepted, result: map[string]any{"id": a.ID}}, nil
}

func (s *Server) removeApp(a *AccessApp) {
	for _, p := range s.st.policies {
		if p.AppID == a.ID {
			delete(s.st.policies, p.ID)
		}
	}
	delete(s.st.apps, a.ID)
}
