package fakecloudflare

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// accessPager pages Access lists. The SDK reads them as a single page and
// does not follow result_info, so a client must ask for the next page itself.
func (s *Server) accessPager() pager {
	return pager{defaultPerPage: s.accessPerPage, minPerPage: 1, maxPerPage: 1000}
}

// Access codes Cloudflare answers with beside codeAccess.
const (
	// codeAppExists: an application on a domain another application of the
	// account already covers (ChrispyBacon-dev/DockFlare#217, whose log
	// shows the whole envelope: 409, 11010,
	// access.api.error.application_already_exists).
	codeAppExists = 11010
	// codePolicyInUse: a reusable policy still attached to an application.
	// terraform-provider-cloudflare PR #7140 and issue #7284 show the 409
	// but not its code or message; both are inferred.
	codePolicyInUse = 12130
)

func accessNotFound(kind, id string) error {
	return errorf(http.StatusNotFound, codeAccess, "access.api.error.not_found: %s %s not found", kind, id)
}

func accessInvalid(format string, args ...any) error {
	return badRequest(codeAccess, "access.api.error.invalid_request: "+format, args...)
}

// accessConflict is a 409 in Access's envelope: code and message as
// Cloudflare sends them.
func accessConflict(code int, format string, args ...any) error {
	return errorf(http.StatusConflict, code, format, args...)
}

// textFilter matches a list's name filter: a case-insensitive substring, or
// the whole value when exact is set.
func textFilter(value string, exact bool) func(string) bool {
	v := strings.ToLower(value)
	return func(s string) bool {
		if exact {
			return strings.EqualFold(s, value)
		}
		return strings.Contains(strings.ToLower(s), v)
	}
}

// nameFilters are the name and search filters of an Access list that has
// only those: case-insensitive substrings of the name.
func nameFilters[T any](q url.Values, name func(T) string) []func(T) bool {
	var filters []func(T) bool
	for _, key := range []string{"name", "search"} {
		if q.Has(key) {
			f := textFilter(q.Get(key), false)
			filters = append(filters, func(v T) bool { return f(name(v)) })
		}
	}
	return filters
}

// checkDuration checks a Go-style duration such as "24h" or "30m".
func checkDuration(field, d string) error {
	if v, err := time.ParseDuration(d); err != nil || v <= 0 {
		return accessInvalid("%s %q is not a positive duration such as 24h or 30m", field, d)
	}
	return nil
}

// rules reads a list of Access rules from a request body. A rule naming an
// Access group or a service token must name one of the account's: clients
// that pass a token's client_id instead of its id fail here, as with
// Cloudflare.
func (s *Server) rules(m map[string]any, field, accountID string, required bool) ([]Rule, error) {
	raw, ok := m[field]
	if !ok || raw == nil {
		if required {
			return nil, accessInvalid("%s is required", field)
		}
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok || (required && len(list) == 0) {
		return nil, accessInvalid("%s must be a non-empty list of rules", field)
	}
	out := make([]Rule, 0, len(list))
	for i, r := range list {
		rule, ok := r.(map[string]any)
		if !ok || len(rule) != 1 {
			return nil, accessInvalid("%s[%d] must be an object with one rule", field, i)
		}
		if g, ok := rule["group"].(map[string]any); ok {
			id, _ := g["id"].(string)
			if grp := s.st.groups[id]; grp == nil || grp.AccountID != accountID {
				return nil, accessInvalid("%s[%d] names Access group %q, which does not exist", field, i, id)
			}
		}
		if t, ok := rule["service_token"].(map[string]any); ok {
			id, _ := t["token_id"].(string)
			if tok := s.st.svcTokens[id]; tok == nil || tok.AccountID != accountID {
				return nil, accessInvalid("%s[%d] names service token %q, which does not exist", field, i, id)
			}
		}
		out = append(out, rule)
	}
	return out, nil
}

func rulesJSON(r []Rule) []Rule {
	if r == nil {
		return []Rule{}
	}
	return r
}

// extra returns the fields of m that the fake does not model, leaving out
// known ones and those the server sets.
func extra(m map[string]any, known ...string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		switch k {
		case "id", "created_at", "updated_at", "account_id":
			continue
		}
		if !slices.Contains(known, k) {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func str(m map[string]any, key string) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", accessInvalid("%s must be a string", key)
	}
	return s, nil
}
