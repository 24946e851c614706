package fakecloudflare

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
)

// The zones list pages like Cloudflare's: 20 by default, 5 to 50.
var zonePager = pager{defaultPerPage: 20, minPerPage: 5, maxPerPage: 50}

// zoneJSON is a zone as the API returns it.
func (s *Server) zoneJSON(z *Zone) map[string]any {
	a := s.st.accounts[z.AccountID]
	return map[string]any{
		"id":                    z.ID,
		"name":                  z.Name,
		"status":                z.Status,
		"paused":                false,
		"type":                  "full",
		"development_mode":      0,
		"name_servers":          z.NameServers,
		"original_name_servers": nil,
		"original_registrar":    nil,
		"original_dnshost":      nil,
		"account":               map[string]any{"id": a.ID, "name": a.Name},
		"plan":                  planJSON(z.Plan),
		"owner":                 map[string]any{"id": a.ID, "name": a.Name, "type": "organization"},
		"meta":                  map[string]any{"step": 2, "phishing_detected": false},
		"permissions":           []string{},
		"created_on":            z.CreatedOn,
		"modified_on":           z.CreatedOn,
		"activated_on":          z.CreatedOn,
	}
}

// zone returns a zone the call may see.
func (s *Server) zone(c *call, id string) (*Zone, error) {
	z := s.st.zones[id]
	if z == nil {
		return nil, notFound("Could not route to /zones/%s, perhaps your object identifier is invalid?", id)
	}
	if !c.mayReach(z.AccountID) {
		return nil, errorf(http.StatusForbidden, codeAuthentication, "Authentication error")
	}
	return z, nil
}

// listZones filters by name (with Cloudflare's operators, such as
// "ends_with:.org"), status, account.id and account.name, and pages.
func (s *Server) listZones(c *call) (reply, error) {
	q := c.r.URL.Query()
	var filters []func(*Zone) bool
	if v := q.Get("name"); v != "" {
		m, err := nameMatcher(v)
		if err != nil {
			return reply{}, err
		}
		filters = append(filters, func(z *Zone) bool { return m(z.Name) })
	}
	if v := q.Get("status"); v != "" {
		filters = append(filters, func(z *Zone) bool { return z.Status == v })
	}
	if v := q.Get("account.id"); v != "" {
		filters = append(filters, func(z *Zone) bool { return z.AccountID == v })
	}
	if v := q.Get("account.name"); v != "" {
		m, err := nameMatcher(v)
		if err != nil {
			return reply{}, err
		}
		filters = append(filters, func(z *Zone) bool { return m(s.st.accounts[z.AccountID].Name) })
	}
	matchAny := q.Get("match") == "any"
	var zones []*Zone
	for _, z := range s.st.zones {
		if c.mayReach(z.AccountID) && matches(z, filters, matchAny) {
			zones = append(zones, z)
		}
	}
	order := q.Get("order")
	slices.SortFunc(zones, func(a, b *Zone) int {
		var o int
		switch order {
		case "status":
			o = cmp.Compare(a.Status, b.Status)
		case "account.id":
			o = cmp.Compare(a.AccountID, b.AccountID)
		case "account.name":
			o = cmp.Compare(s.st.accounts[a.AccountID].Name, s.st.accounts[b.AccountID].Name)
		}
		return cmp.Or(o, cmp.Compare(a.Name, b.Name))
	})
	if q.Get("direction") == "desc" {
		slices.Reverse(zones)
	}
	return pageReply(zones, q, zonePager, s.zoneJSON)
}

func (s *Server) getZone(c *call) (reply, error) {
	z, err := s.zone(c, c.r.PathValue("zone_id"))
	return answer(err, func() any { return s.zoneJSON(z) })
}

// nameMatcher reads a zones-list name filter: a name, or an operator and a
// value such as "contains:.org". Only the *_case_sensitive operators care
// about case.
func nameMatcher(v string) (func(string) bool, error) {
	op, arg, found := strings.Cut(v, ":")
	if !found {
		op, arg = "equal", v
	}
	fold := func(f func(string, string) bool) func(string) bool {
		return func(s string) bool { return f(strings.ToLower(s), strings.ToLower(arg)) }
	}
	exact := func(f func(string, string) bool) func(string) bool {
		return func(s string) bool { return f(s, arg) }
	}
	switch op {
	case "equal":
		return fold(func(a, b string) bool { return a == b }), nil
	case "not_equal":
		return fold(func(a, b string) bool { return a != b }), nil
	case "starts_with":
		return fold(strings.HasPrefix), nil
	case "ends_with":
		return fold(strings.HasSuffix), nil
	case "contains":
		return fold(strings.Contains), nil
	case "starts_with_case_sensitive":
		return exact(strings.HasPrefix), nil
	case "ends_with_case_sensitive":
		return exact(strings.HasSuffix), nil
	case "contains_case_sensitive":
		return exact(strings.Contains), nil
	}
	return nil, badRequest(codeInvalidRequest, "unknown name filter operator %q", op)
}

// matches applies filters to v: all of them, or any of them when matchAny is
// set. No filter matches everything.
func matches[T any](v T, filters []func(T) bool, matchAny bool) bool {
	if len(filters) == 0 {
		return true
	}
	for _, f := range filters {
		if f(v) == matchAny {
			return matchAny
		}
	}
	return !matchAny
}
