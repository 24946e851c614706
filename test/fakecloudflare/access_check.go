package fakecloudflare

import (
	"cmp"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// An AccessCheck says whether Cloudflare Access would let in a request to a
// hostname that carries a service token's CF-Access-Client-Id and
// CF-Access-Client-Secret headers, and why.
type AccessCheck struct {
	Admitted bool `json:"admitted"`
	// AppID is the Access application that covers the hostname; empty when
	// none does.
	AppID string `json:"app_id"`
	// PolicyID is the non_identity policy that admitted the request; empty
	// when it was refused.
	PolicyID string `json:"policy_id"`
	// Reason says in words why the request was admitted or refused.
	Reason string `json:"reason"`
}

// accessCheckRequest is the body of POST /__admin/access/check.
type accessCheckRequest struct {
	Hostname     string `json:"hostname"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// decisionServiceAuth is the decision of a Service Auth policy, the only kind
// that admits a request on a service token alone.
const decisionServiceAuth = "non_identity"

// CheckAccess answers whether Access would admit a request to hostname with
// a service token's client ID and secret, the way a client holding the token
// is let in:
//
//   - an application must cover the hostname: its domain, one of its
//     self_hosted_domains or one of its public destinations equals it, or is
//     "*." and the rest of it (one label, not the apex: Cloudflare's
//     "Application paths" page). An exact domain wins over a wildcard. The
//     check has no path, so a domain's path is not compared; a domain without
//     one wins over a domain with one;
//   - a service token of the application's account must have the client ID;
//   - the secret must be the token's current one, or its previous one before
//     previous_client_secret_expires_at;
//   - the token must not have expired (expires_at after the fake's now);
//   - one of the application's policies, by precedence, must have decision
//     non_identity, an include rule that names the token
//     ({"service_token": {"token_id": ID}}), {"any_valid_service_token": {}}
//     or an Access group with such a rule, no exclude rule that matches and
//     every require rule matched.
//
// Rules of other kinds (email, IP, everyone, …) need an identity or a
// network the check does not have: they never match here. Allow, deny and
// bypass policies do not decide a service token's request here either.
func (s *Server) CheckAccess(hostname, clientID, clientSecret string) AccessCheck {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkAccess(hostname, clientID, clientSecret)
}

func (s *Server) checkAccess(hostname, clientID, clientSecret string) AccessCheck {
	host := normalHost(hostname)
	app := s.appFor(host)
	if app == nil {
		return refused("", "no Access application covers %s", host)
	}
	if clientID == "" {
		return refused(app.ID, "the request carries no client ID")
	}
	tok := s.tokenByClientID(app.AccountID, clientID)
	if tok == nil {
		return refused(app.ID, "unknown client ID %s: no service token of account %s has it", clientID, app.AccountID)
	}
	now := s.now()
	if why := secretRefusal(tok, clientSecret, now); why != "" {
		return refused(app.ID, "%s", why)
	}
	if !now.Before(tok.ExpiresAt) {
		return refused(app.ID, "service token %s expired at %s", tok.ID, tok.ExpiresAt.Format(time.RFC3339))
	}
	p, why := s.admittingPolicy(app, tok)
	if p == nil {
		return refused(app.ID, "%s", why)
	}
	return AccessCheck{
		Admitted: true,
		AppID:    app.ID,
		PolicyID: p.ID,
		Reason:   fmt.Sprintf("policy %s (non_identity) of application %s admits service token %s", p.ID, app.ID, tok.ID),
	}
}

func refused(appID, format string, args ...any) AccessCheck {
	return AccessCheck{AppID: appID, Reason: fmt.Sprintf(format, args...)}
}

// normalHost is a hostname as Access compares it: lower case, without a
// trailing dot or a port (Access strips ports).
func normalHost(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// appFor returns the application that covers host best, the oldest of equals.
func (s *Server) appFor(host string) *AccessApp {
	var best *AccessApp
	bestRank := 0
	for _, a := range sortedBySeq(s.st, s.st.apps, func(a *AccessApp) string { return a.ID }) {
		for _, d := range coveringDomains(a) {
			if r := coverRank(d, host); r > bestRank {
				best, bestRank = a, r
			}
		}
	}
	return best
}

// coveringDomains are the domains an application protects: its domain and
// self_hosted_domains, and the URIs of its public destinations. A bookmark
// is only a link in the App Launcher and protects nothing.
func coveringDomains(a *AccessApp) []string {
	if a.Type == "bookmark" {
		return nil
	}
	out := appDomains(a)
	list, _ := a.Extra["destinations"].([]any)
	for _, d := range list {
		m, _ := d.(map[string]any)
		typ, _ := m["type"].(string)
		uri, _ := m["uri"].(string)
		if uri != "" && (typ == "" || typ == "public") {
			out = append(out, uri)
		}
	}
	return out
}

// coverRank says how well an application domain covers host: 0 not at all;
// higher for an exact host than for a wildcard, and for a domain without a
// path than for one with a path.
func coverRank(domain, host string) int {
	d, path, _ := strings.Cut(strings.ToLower(domain), "/")
	d = strings.TrimSuffix(d, ".")
	var rank int
	switch rest, wild := strings.CutPrefix(d, "*."); {
	case d == host && host != "":
		rank = 3
	case wild && oneLabelBelow(host, rest):
		rank = 1
	default:
		return 0
	}
	if path == "" || path == "*" {
		rank++
	}
	return rank
}

// oneLabelBelow reports whether host is one label below parent, as
// "*.parent" covers it.
func oneLabelBelow(host, parent string) bool {
	label, ok := strings.CutSuffix(host, "."+parent)
	return ok && label != "" && !strings.Contains(label, ".")
}

// tokenByClientID returns the service token of an account with a client ID.
func (s *Server) tokenByClientID(accountID, clientID string) *ServiceToken {
	for _, t := range s.st.svcTokens {
		if t.AccountID == accountID && t.ClientID == clientID {
			return t
		}
	}
	return nil
}

// secretRefusal says why Access would refuse secret for the token at now, or
// "" when it is the current secret or a previous one that still works.
func secretRefusal(t *ServiceToken, secret string, now time.Time) string {
	switch {
	case secret == "":
		return "the request carries no client secret"
	case secret == t.ClientSecret:
		return ""
	case secret == t.PreviousClientSecret && now.Before(t.PreviousClientSecretExpiresAt):
		return ""
	case secret == t.PreviousClientSecret:
		return fmt.Sprintf("expired client secret: service token %s was rotated and its previous secret stopped working at %s",
			t.ID, t.PreviousClientSecretExpiresAt.Format(time.RFC3339))
	default:
		return fmt.Sprintf("wrong client secret for service token %s", t.ID)
	}
}

// admittingPolicy returns the first of the application's non_identity
// policies, by precedence, that admits the token, or says why none does.
func (s *Server) admittingPolicy(a *AccessApp, t *ServiceToken) (*AccessPolicy, string) {
	refs := slices.Clone(a.Policies)
	slices.SortFunc(refs, func(x, y AppPolicyRef) int { return cmp.Compare(x.Precedence, y.Precedence) })
	var near []string
	for _, ref := range refs {
		p := s.st.policies[ref.ID]
		if p == nil || p.Decision != decisionServiceAuth || !s.anyRule(p.Include, t, 0) {
			continue
		}
		switch {
		case s.anyRule(p.Exclude, t, 0):
			near = append(near, fmt.Sprintf("policy %s includes it but also excludes it", p.ID))
		case !s.allRules(p.Require, t, 0):
			near = append(near, fmt.Sprintf("policy %s includes it but requires what a service token alone does not show", p.ID))
		default:
			return p, ""
		}
	}
	why := fmt.Sprintf("no non_identity policy of application %s includes service token %s", a.ID, t.ID)
	if len(near) > 0 {
		why = fmt.Sprintf("no non_identity policy of application %s admits service token %s: %s", a.ID, t.ID, strings.Join(near, "; "))
	}
	return nil, why
}

// maxGroupDepth bounds how deep Access groups that name Access groups are
// followed, so that a group naming itself cannot loop.
const maxGroupDepth = 4

// anyRule reports whether one of rules matches a request with the token.
func (s *Server) anyRule(rules []Rule, t *ServiceToken, depth int) bool {
	return slices.ContainsFunc(rules, func(r Rule) bool { return s.ruleMatches(r, t, depth) })
}

// allRules reports whether every one of rules matches; true for none.
func (s *Server) allRules(rules []Rule, t *ServiceToken, depth int) bool {
	for _, r := range rules {
		if !s.ruleMatches(r, t, depth) {
			return false
		}
	}
	return true
}

// ruleMatches reports whether an Access rule matches a request that shows a
// valid service token and nothing else.
func (s *Server) ruleMatches(r Rule, t *ServiceToken, depth int) bool {
	if _, ok := r["any_valid_service_token"]; ok {
		return true
	}
	if st, ok := r["service_token"].(map[string]any); ok {
		id, _ := st["token_id"].(string)
		return id == t.ID
	}
	if g, ok := r["group"].(map[string]any); ok && depth < maxGroupDepth {
		id, _ := g["id"].(string)
		grp := s.st.groups[id]
		return grp != nil && grp.AccountID == t.AccountID &&
			s.anyRule(grp.Include, t, depth+1) && !s.anyRule(grp.Exclude, t, depth+1) && s.allRules(grp.Require, t, depth+1)
	}
	return false
}
