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
	filters := nameFilters(q, func(g *AccessGroup) string { return g.Name })
	var out []*AccessGroup
	for _, g := range sortedBySeq(s.st, s.st.groups, func(g *AccessGroup) string { return g.ID }) {
		if g.AccountID == acct.ID && matches(g, filters, false) {
			out = append(out, g)
		}
	}
	return pageReply(out, q, s.accessPager(), groupJSON)
}

func (s *Server) getAccessGroup(c *call) (reply, error) {
	g, err := inAccount(s, c, s.st.groups, "group_id", func(id string) error { return accessNotFound("group", id) })
	return answer(err, func() any { return groupJSON(g) })
}
