package fakecloudflare

func groupJSON(g *AccessGroup) map[string]any {
	return map[string]any{
		"id":         g.ID,
		"name":       g.Name,
		"include":    rulesJSON(g.Include),
		"exclude":    rulesJSON(g.Exclude),
		"require":    rulesJSON(g.Require),
		"created_at": g.CreatedAt,
		"updated_at": g.UpdatedAt,
	}
}

// listAccessGroups filters by name and search, both case-insensitive
// substrings: names are not unique, so a client resolving a name must still
// look for the exact match itself.
func (s *Server) listAccessGroups(c *call) (reply, error) {
	acct, err := s.account(c)
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query()
	var filters []func(*AccessGroup) bool
	for _, key := range []string{"name", "search"} {
		if q.Has(key) {
			f := textFilter(q.Get(key), false)
			filters = append(filters, func(g *AccessGroup) bool { return f(g.Name) })
		}
	}
	var out []map[string]any
	for _, g := range sortedBySeq(s.st, s.st.groups, func(g *AccessGroup) string { return g.ID }) {
		if g.AccountID == acct.ID && matches(g, filters, false) {
			out = append(out, groupJSON(g))
		}
	}
	page, info, err := paginate(out, q, s.accessPager())
	if err != nil {
		return reply{}, err
	}
	return reply{result: page, info: info}, nil
}

func (s *Server) getAccessGroup(c *call) (reply, error) {
	acct, err := s.account(c)
	if err != nil {
		return reply{}, err
	}
	id := c.r.PathValue("group_id")
	g := s.st.groups[id]
	if g == nil || g.AccountID != acct.ID {
		return reply{}, accessNotFound("group", id)
	}
	return reply{result: groupJSON(g)}, nil
}
