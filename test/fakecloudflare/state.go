package fakecloudflare

import (
	"strings"
	"time"
)

// state is everything the fake holds. The Server's mutex guards it.
type state struct {
	accounts  map[string]*Account
	tokens    map[string]*APIToken // by value
	zones     map[string]*Zone
	records   map[string]*DNSRecord
	tunnels   map[string]*Tunnel
	groups    map[string]*AccessGroup
	policies  map[string]*AccessPolicy
	apps      map[string]*AccessApp
	svcTokens map[string]*ServiceToken

	// seq orders objects by creation, so that lists are stable.
	seq     map[string]int
	nextSeq int
}

func newState() *state {
	return &state{
		accounts:  map[string]*Account{},
		tokens:    map[string]*APIToken{},
		zones:     map[string]*Zone{},
		records:   map[string]*DNSRecord{},
		tunnels:   map[string]*Tunnel{},
		groups:    map[string]*AccessGroup{},
		policies:  map[string]*AccessPolicy{},
		apps:      map[string]*AccessApp{},
		svcTokens: map[string]*ServiceToken{},
		seq:       map[string]int{},
	}
}

func (st *state) created(id string) {
	st.nextSeq++
	st.seq[id] = st.nextSeq
}

// taken reports whether any object already has the ID.
func (st *state) taken(id string) bool {
	_, ok := st.seq[id]
	return ok
}

// newHex32 returns an unused 32-hex ID.
func (s *Server) newHex32(kind string) string {
	for {
		if id := s.ids.hex(kind, 16); !s.st.taken(id) {
			return id
		}
	}
}

// newUUID returns an unused UUID.
func (s *Server) newUUID(kind string) string {
	for {
		if id := s.ids.uuid(kind); !s.st.taken(id) {
			return id
		}
	}
}

// load adds a checked seed's objects, filling in what Cloudflare would.
func (s *Server) load(seed Seed) { //nolint:gocyclo // One flat list of defaults, object by object.
	st, now := s.st, s.now()
	for i := range seed.Accounts {
		a := &seed.Accounts[i]
		st.accounts[a.ID] = a
		st.created(a.ID)
	}
	for i := range seed.Tokens {
		t := &seed.Tokens[i]
		if t.Status == "" {
			t.Status = TokenActive
		}
		st.tokens[t.Value] = t
		st.created(t.ID)
	}
	for i := range seed.Zones {
		z := &seed.Zones[i]
		z.Name = strings.ToLower(z.Name)
		if z.Status == "" {
			z.Status = "active"
		}
		if len(z.NameServers) == 0 {
			z.NameServers = []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}
		}
		z.CreatedOn = orNow(z.CreatedOn, now)
		st.zones[z.ID] = z
		st.created(z.ID)
	}
	for i := range seed.DNSRecords {
		r := &seed.DNSRecords[i]
		r.Name = fqdn(r.Name, st.zones[r.ZoneID].Name)
		if r.TTL == 0 {
			r.TTL = 1
		}
		r.CreatedOn = orNow(r.CreatedOn, now)
		r.ModifiedOn = orNow(r.ModifiedOn, r.CreatedOn)
		st.records[r.ID] = r
		st.created(r.ID)
	}
	for i := range seed.Tunnels {
		t := &seed.Tunnels[i]
		if t.Status == "" {
			t.Status = "healthy"
		}
		t.CreatedAt = orNow(t.CreatedAt, now)
		if t.Config != nil && t.ConfigVersion == 0 {
			t.ConfigVersion = 1
		}
		t.ConfigUpdatedAt = orNow(t.ConfigUpdatedAt, t.CreatedAt)
		st.tunnels[t.ID] = t
		st.created(t.ID)
	}
	for i := range seed.AccessGroups {
		g := &seed.AccessGroups[i]
		g.CreatedAt = orNow(g.CreatedAt, now)
		g.UpdatedAt = orNow(g.UpdatedAt, g.CreatedAt)
		st.groups[g.ID] = g
		st.created(g.ID)
	}
	for i := range seed.AccessApps {
		a := &seed.AccessApps[i]
		if a.AUD == "" {
			a.AUD = s.ids.hex("aud", 32)
		}
		if a.SessionDuration == "" {
			a.SessionDuration = "24h"
		}
		a.CreatedAt = orNow(a.CreatedAt, now)
		a.UpdatedAt = orNow(a.UpdatedAt, a.CreatedAt)
		st.apps[a.ID] = a
		st.created(a.ID)
	}
	for i := range seed.AccessPolicies {
		p := &seed.AccessPolicies[i]
		if p.SessionDuration == "" {
			p.SessionDuration = "24h"
		}
		p.CreatedAt = orNow(p.CreatedAt, now)
		p.UpdatedAt = orNow(p.UpdatedAt, p.CreatedAt)
		st.policies[p.ID] = p
		st.created(p.ID)
	}
	for i := range seed.ServiceTokens {
		t := &seed.ServiceTokens[i]
		if t.Duration == "" {
			t.Duration = defaultTokenDuration
		}
		if t.ClientID == "" {
			t.ClientID = s.ids.hex("client-id", 16) + ".access"
		}
		if t.ClientSecret == "" {
			t.ClientSecret = s.ids.hex("client-secret", 32)
		}
		t.CreatedAt = orNow(t.CreatedAt, now)
		t.UpdatedAt = orNow(t.UpdatedAt, t.CreatedAt)
		if t.ExpiresAt.IsZero() {
			d, _ := time.ParseDuration(t.Duration)
			t.ExpiresAt = t.CreatedAt.Add(d)
		}
		st.svcTokens[t.ID] = t
		st.created(t.ID)
	}
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t.UTC()
}

// Snapshot returns a copy of everything the fake holds, in creation order.
// It is a Seed: New(s.Snapshot()) makes a fake with the same state.
func (s *Server) Snapshot() Seed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshot()
}

func (s *Server) snapshot() Seed {
	st := s.st
	var seed Seed
	for _, v := range sortedBySeq(st, st.accounts, func(a *Account) string { return a.ID }) {
		seed.Accounts = append(seed.Accounts, *v)
	}
	byID := map[string]*APIToken{}
	for _, t := range st.tokens {
		byID[t.ID] = t
	}
	for _, v := range sortedBySeq(st, byID, func(t *APIToken) string { return t.ID }) {
		seed.Tokens = append(seed.Tokens, *v)
	}
	for _, v := range sortedBySeq(st, st.zones, func(z *Zone) string { return z.ID }) {
		seed.Zones = append(seed.Zones, *v)
	}
	for _, v := range sortedBySeq(st, st.records, func(r *DNSRecord) string { return r.ID }) {
		seed.DNSRecords = append(seed.DNSRecords, *v)
	}
	for _, v := range sortedBySeq(st, st.tunnels, func(t *Tunnel) string { return t.ID }) {
		seed.Tunnels = append(seed.Tunnels, *v)
	}
	for _, v := range sortedBySeq(st, st.groups, func(g *AccessGroup) string { return g.ID }) {
		seed.AccessGroups = append(seed.AccessGroups, *v)
	}
	for _, v := range sortedBySeq(st, st.policies, func(p *AccessPolicy) string { return p.ID }) {
		seed.AccessPolicies = append(seed.AccessPolicies, *v)
	}
	for _, v := range sortedBySeq(st, st.apps, func(a *AccessApp) string { return a.ID }) {
		seed.AccessApps = append(seed.AccessApps, *v)
	}
	for _, v := range sortedBySeq(st, st.svcTokens, func(t *ServiceToken) string { return t.ID }) {
		seed.ServiceTokens = append(seed.ServiceTokens, *v)
	}
	out, _ := deepCopy(seed) // The fake's own objects always marshal.
	return out
}
