package fakecloudflare

import (
	"cmp"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// codeDNSCNAMEExists is Cloudflare's code for an A or AAAA record that meets
// a CNAME of the same name; a CNAME that meets any of them is codeDNSConflict.
const codeDNSCNAMEExists = 81054

var dnsPager = pager{defaultPerPage: 100, minPerPage: 1, maxPerPage: 5000000}

// dnsTypes are the record types the API knows; dataTypes carry their value in
// data rather than content.
var (
	dnsTypes = []string{
		"A", "AAAA", "CAA", "CERT", "CNAME", "DNSKEY", "DS", "HTTPS", "LOC", "MX",
		"NAPTR", "NS", "PTR", "SMIMEA", "SRV", "SSHFP", "SVCB", "TLSA", "TXT", "URI",
	}
	dataTypes = []string{"CAA", "CERT", "DNSKEY", "DS", "HTTPS", "LOC", "NAPTR", "SMIMEA", "SRV", "SSHFP", "SVCB", "TLSA", "URI"}
)

func proxiable(recordType string) bool {
	return recordType == "A" || recordType == "AAAA" || recordType == "CNAME"
}

func (s *Server) recordJSON(r *DNSRecord) map[string]any {
	tags := r.Tags
	if tags == nil {
		tags = []string{}
	}
	settings := r.Settings
	if settings == nil {
		settings = map[string]any{}
	}
	m := map[string]any{
		"id":          r.ID,
		"zone_id":     r.ZoneID,
		"zone_name":   s.st.zones[r.ZoneID].Name,
		"name":        r.Name,
		"type":        r.Type,
		"content":     r.Content,
		"proxiable":   recordProxiable(r),
		"proxied":     r.Proxied,
		"ttl":         r.TTL,
		"locked":      false,
		"tags":        tags,
		"settings":    settings,
		"meta":        map[string]any{"auto_added": false, "source": "primary"},
		"created_on":  r.CreatedOn,
		"modified_on": r.ModifiedOn,
	}
	if r.Comment != "" {
		m["comment"] = r.Comment
	}
	if r.Priority != nil {
		m["priority"] = *r.Priority
	}
	if r.Data != nil {
		m["data"] = r.Data
	}
	return m
}

// fqdn makes a record name absolute within its zone, as Cloudflare does:
// "@" is the apex and a name outside the zone gets the zone appended. The
// name comes back in lower case and Punycode; one idna refuses comes back as
// it was, in lower case.
func fqdn(name, zone string) string {
	name, _ = asciiName(name)
	switch {
	case name == "" || name == "@":
		return zone
	case name == zone || strings.HasSuffix(name, "."+zone):
		return name
	}
	return name + "." + zone
}

// dnsInput is a record as a client sends it. A nil field was not sent.
type dnsInput struct {
	Type     *string         `json:"type"`
	Name     *string         `json:"name"`
	Content  *string         `json:"content"`
	Proxied  *bool           `json:"proxied"`
	TTL      *float64        `json:"ttl"`
	Priority *float64        `json:"priority"`
	Comment  *string         `json:"comment"`
	Tags     *[]string       `json:"tags"`
	Data     *map[string]any `json:"data"`
	Settings *map[string]any `json:"settings"`
}

// apply writes the fields the client sent onto r.
func (in dnsInput) apply(r *DNSRecord) {
	if in.Type != nil {
		r.Type = strings.ToUpper(*in.Type)
	}
	if in.Name != nil {
		r.Name = *in.Name
	}
	if in.Content != nil {
		r.Content = *in.Content
	}
	if in.Proxied != nil {
		r.Proxied = *in.Proxied
	}
	if in.TTL != nil {
		r.TTL = int(*in.TTL)
	}
	if in.Priority != nil {
		p := int(*in.Priority)
		r.Priority = &p
	}
	if in.Comment != nil {
		r.Comment = *in.Comment
	}
	if in.Tags != nil {
		r.Tags = *in.Tags
	}
	if in.Data != nil {
		r.Data = *in.Data
	}
	if in.Settings != nil {
		r.Settings = *in.Settings
	}
}

// checkRecord applies Cloudflare's rules to a record about to be stored in
// zone: a known type, a valid name inside the zone, content fit for the type,
// a comment and tags within the plan's limits, a valid TTL, proxying only
// where it can be, and no clash with another record of the same name. It
// normalises r as Cloudflare stores it. Validation errors come as 1004 with
// the specific code in error_chain; the 8105x clashes are top-level codes.
func (s *Server) checkRecord(r *DNSRecord, z *Zone) error { //nolint:gocyclo // One rule after the other, in Cloudflare's order.
	if !slices.Contains(dnsTypes, r.Type) {
		return dnsInvalid(codeDNSInvalid, "DNS record type %q is invalid.", r.Type)
	}
	if strings.TrimSpace(r.Name) == "" {
		return dnsInvalid(codeDNSInvalid, "DNS name is invalid.")
	}
	if _, err := asciiName(r.Name); err != nil {
		return dnsInvalid(codeDNSInvalid, "DNS name is invalid.")
	}
	r.Name = fqdn(r.Name, z.Name)
	if err := checkName(r.Name); err != nil {
		return err
	}
	switch {
	case r.Type == "A" && (net.ParseIP(r.Content) == nil || net.ParseIP(r.Content).To4() == nil):
		return dnsInvalid(codeDNSInvalid, "Content for A record must be a valid IPv4 address.")
	case r.Type == "AAAA" && (net.ParseIP(r.Content) == nil || net.ParseIP(r.Content).To4() != nil):
		return dnsInvalid(codeDNSInvalid, "Content for AAAA record must be a valid IPv6 address.")
	case slices.Contains(dataTypes, r.Type) && r.Data == nil && r.Content == "":
		return dnsInvalid(codeDNSInvalid, "A %s record needs data.", r.Type)
	case !slices.Contains(dataTypes, r.Type) && strings.TrimSpace(r.Content) == "":
		return dnsInvalid(codeDNSInvalid, "Content for %s record is invalid.", r.Type)
	case r.Type == "MX" && (r.Priority == nil || *r.Priority < 0 || *r.Priority > 65535):
		return dnsInvalid(codeDNSInvalid, "An MX record needs a priority from 0 to 65535.")
	}
	if err := checkComment(r.Comment, z); err != nil {
		return err
	}
	if err := checkTags(r.Tags, z); err != nil {
		return err
	}
	if err := checkProxy(r); err != nil {
		return err
	}
	if err := checkTTL(r.TTL, z); err != nil {
		return err
	}
	if r.Type == "CNAME" || r.Type == "MX" || r.Type == "NS" || r.Type == "PTR" {
		r.Content = strings.TrimSuffix(strings.ToLower(r.Content), ".")
	}
	for _, o := range s.st.records {
		if o.ZoneID != z.ID || o.ID == r.ID || o.Name != r.Name {
			continue
		}
		switch {
		case r.Type == "CNAME" && proxiable(o.Type):
			return badRequest(codeDNSConflict, "An A, AAAA, or CNAME record with that host already exists.")
		case proxiable(r.Type) && o.Type == "CNAME":
			return badRequest(codeDNSCNAMEExists, "A CNAME record with that host already exists.")
		case o.Type == r.Type && strings.EqualFold(o.Content, r.Content) && samePriority(o, r) && o.Data == nil && r.Data == nil:
			return badRequest(codeDNSIdenticalRec, "An identical record already exists.")
		}
		if err := checkNS(r, o, z); err != nil {
			return err
		}
	}
	return nil
}

func samePriority(a, b *DNSRecord) bool {
	if a.Priority == nil || b.Priority == nil {
		return a.Priority == b.Priority
	}
	return *a.Priority == *b.Priority
}

// dnsRecord returns the DNS record in the call's path and its zone.
func (s *Server) dnsRecord(c *call) (*DNSRecord, *Zone, error) {
	z, err := s.zone(c, c.r.PathValue("zone_id"))
	if err != nil {
		return nil, nil, err
	}
	r := s.st.records[c.r.PathValue("dns_record_id")]
	if r == nil || r.ZoneID != z.ID {
		return nil, nil, errorf(http.StatusNotFound, codeDNSNotFound, "Record does not exist.")
	}
	return r, z, nil
}

func (s *Server) createDNSRecord(c *call) (reply, error) {
	z, err := s.zone(c, c.r.PathValue("zone_id"))
	if err != nil {
		return reply{}, err
	}
	var in dnsInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	r := &DNSRecord{ZoneID: z.ID, TTL: 1}
	in.apply(r)
	if err := s.checkRecord(r, z); err != nil {
		return reply{}, err
	}
	if err := s.checkQuota(z); err != nil {
		return reply{}, err
	}
	r.ID = s.newHex32("dns-record")
	stamp(&r.CreatedOn, &r.ModifiedOn, s.now())
	store(s.st, s.st.records, r.ID, r)
	return reply{result: s.recordJSON(r)}, nil
}

func (s *Server) getDNSRecord(c *call) (reply, error) {
	r, _, err := s.dnsRecord(c)
	return answer(err, func() any { return s.recordJSON(r) })
}

// updateDNSRecord overwrites the record: fields the body leaves out go back
// to their defaults (no comment, no tags, automatic TTL, not proxied).
func (s *Server) updateDNSRecord(c *call) (reply, error) {
	return s.writeDNSRecord(c, true)
}

// patchDNSRecord changes only the fields the body sends.
func (s *Server) patchDNSRecord(c *call) (reply, error) {
	return s.writeDNSRecord(c, false)
}

func (s *Server) writeDNSRecord(c *call, overwrite bool) (reply, error) {
	old, z, err := s.dnsRecord(c)
	if err != nil {
		return reply{}, err
	}
	var in dnsInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	r := &DNSRecord{ID: old.ID, ZoneID: old.ZoneID, TTL: 1, CreatedOn: old.CreatedOn}
	if !overwrite {
		cp := *old
		r = &cp
	}
	in.apply(r)
	if err := s.checkRecord(r, z); err != nil {
		return reply{}, err
	}
	r.ModifiedOn = s.now()
	*old = *r
	return reply{result: s.recordJSON(old)}, nil
}

func (s *Server) deleteDNSRecord(c *call) (reply, error) {
	r, _, err := s.dnsRecord(c)
	if err != nil {
		return reply{}, err
	}
	delete(s.st.records, r.ID)
	return reply{result: map[string]any{"id": r.ID}}, nil
}

// listDNSRecords filters like Cloudflare: name, content and comment with
// their .exact, .contains, .startswith and .endswith forms (case-insensitive),
// comment.present and comment.absent, type, proxied, search, and tags (tag,
// tag.present, tag.absent, tag.exact, tag.contains, tag.startswith,
// tag.endswith) combined by tag_match; match combines the rest. Then it
// orders and pages.
func (s *Server) listDNSRecords(c *call) (reply, error) {
	z, err := s.zone(c, c.r.PathValue("zone_id"))
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query()
	filters, err := dnsFilters(q)
	if err != nil {
		return reply{}, err
	}
	matchAny := q.Get("match") == "any"
	var records []*DNSRecord
	for _, r := range sortedBySeq(s.st, s.st.records, func(r *DNSRecord) string { return r.ID }) {
		if r.ZoneID == z.ID && matches(r, filters, matchAny) {
			records = append(records, r)
		}
	}
	order := q.Get("order")
	slices.SortStableFunc(records, func(a, b *DNSRecord) int {
		switch order {
		case "name":
			return cmp.Compare(a.Name, b.Name)
		case "content":
			return cmp.Compare(a.Content, b.Content)
		case "ttl":
			return cmp.Compare(a.TTL, b.TTL)
		case "proxied":
			return cmp.Compare(boolInt(a.Proxied), boolInt(b.Proxied))
		}
		return cmp.Compare(a.Type, b.Type)
	})
	if q.Get("direction") == "desc" {
		slices.Reverse(records)
	}
	return pageReply(records, q, dnsPager, s.recordJSON)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// textMatchers are the operators of the name, content and comment filters.
var textMatchers = map[string]func(s, v string) bool{
	"":           func(s, v string) bool { return s == v },
	"exact":      func(s, v string) bool { return s == v },
	"contains":   strings.Contains,
	"startswith": strings.HasPrefix,
	"endswith":   strings.HasSuffix,
}

func dnsFilters(q url.Values) ([]func(*DNSRecord) bool, error) {
	var filters, tagFilters []func(*DNSRecord) bool
	text := func(field string, get func(*DNSRecord) string) {
		for op, m := range textMatchers {
			key := field
			if op != "" {
				key += "." + op
			}
			if !q.Has(key) {
				continue
			}
			v := strings.ToLower(q.Get(key))
			filters = append(filters, func(r *DNSRecord) bool { return m(strings.ToLower(get(r)), v) })
		}
	}
	text("name", func(r *DNSRecord) string { return r.Name })
	text("content", func(r *DNSRecord) string { return r.Content })
	text("comment", func(r *DNSRecord) string { return r.Comment })
	if q.Has("comment.present") {
		filters = append(filters, func(r *DNSRecord) bool { return r.Comment != "" })
	}
	if q.Has("comment.absent") {
		filters = append(filters, func(r *DNSRecord) bool { return r.Comment == "" })
	}
	if v := q.Get("type"); v != "" {
		filters = append(filters, func(r *DNSRecord) bool { return strings.EqualFold(r.Type, v) })
	}
	proxied, set, err := boolParam(q, "proxied")
	if err != nil {
		return nil, err
	}
	if set {
		filters = append(filters, func(r *DNSRecord) bool { return r.Proxied == proxied })
	}
	if v := strings.ToLower(q.Get("search")); v != "" {
		filters = append(filters, func(r *DNSRecord) bool {
			return strings.Contains(r.Name, v) || strings.Contains(strings.ToLower(r.Content), v) ||
				strings.Contains(strings.ToLower(r.Comment), v)
		})
	}
	for _, v := range q["tag"] {
		name, value, hasValue := strings.Cut(strings.ToLower(v), ":")
		tagFilters = append(tagFilters, func(r *DNSRecord) bool {
			return hasTag(r, name, func(tv string) bool { return !hasValue || tv == value })
		})
	}
	for _, v := range q["tag.present"] {
		name := strings.ToLower(v)
		tagFilters = append(tagFilters, func(r *DNSRecord) bool { return hasTag(r, name, nil) })
	}
	for _, v := range q["tag.absent"] {
		name := strings.ToLower(v)
		tagFilters = append(tagFilters, func(r *DNSRecord) bool { return !hasTag(r, name, nil) })
	}
	for op, m := range textMatchers {
		if op == "" {
			continue
		}
		for _, v := range q["tag."+op] {
			name, value, _ := strings.Cut(strings.ToLower(v), ":")
			tagFilters = append(tagFilters, func(r *DNSRecord) bool {
				return hasTag(r, name, func(tv string) bool { return m(tv, value) })
			})
		}
	}
	if len(tagFilters) > 0 {
		tagAny := q.Get("tag_match") == "any"
		filters = append(filters, func(r *DNSRecord) bool { return matches(r, tagFilters, tagAny) })
	}
	return filters, nil
}

// hasTag reports whether r has a tag called name (case-insensitive) whose
// value passes value; a nil value accepts any.
func hasTag(r *DNSRecord, name string, value func(string) bool) bool {
	for _, t := range r.Tags {
		n, v, _ := strings.Cut(strings.ToLower(t), ":")
		if n == name && (value == nil || value(v)) {
			return true
		}
	}
	return false
}
