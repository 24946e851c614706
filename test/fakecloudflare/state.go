package fakecloudflare

import (
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

// store adds v, a new object, to m under id.
func store[T any](st *state, m map[string]*T, id string, v *T) {
	m[id] = v
	st.created(id)
}

// stamp fills in the creation and update times an object lacks: now, and
// its creation.
func stamp(created, updated *time.Time, now time.Time) {
	*created = orNow(*created, now)
	*updated = orNow(*updated, *created)
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
func (s *Server) load(seed Seed) {
	st, now := s.st, s.now()
	for i := range seed.Accounts {
		a := &seed.Accounts[i]
		store(st, st.accounts, a.ID, a)
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
		z.Name, _ = asciiName(z.Name) // A name idna refuses stays as it was, in lower case.
		if z.Plan == "" {
			z.Plan = PlanFree
		}
		if z.Status == "" {
			z.Status = "active"
		}
		if len(z.NameServers) == 0 {
			z.NameServers = []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}
		}
		z.CreatedOn = orNow(z.CreatedOn, now)
		store(st, st.zones, z.ID, z)
	}
	for i := range seed.DNSRecords {
		r := &seed.DNSRecords[i]
		r.Name = fqdn(r.Name, st.zones[r.ZoneID].Name)
		if r.TTL == 0 {
			r.TTL = 1
		}
		stamp(&r.CreatedOn, &r.ModifiedOn, now)
		store(st, st.records, r.ID, r)
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
		store(st, st.tunnels, t.ID, t)
	}
	for i := range seed.AccessGroups {
		g := &seed.AccessGroups[i]
		stamp(&g.CreatedAt, &g.UpdatedAt, now)
		store(st, st.groups, g.ID, g)
	}
	for i := range seed.AccessApps {
		a := &seed.AccessApps[i]
		if a.AUD == "" {
			a.AUD = s.ids.hex("aud", 32)
		}
		if a.SessionDuration == "" {
			a.SessionDuration = "24h"
		}
		stamp(&a.CreatedAt, &a.UpdatedAt, now)
		store(st, st.apps, a.ID, a)
	}
	for i := range seed.AccessPolicies {
		p := &seed.AccessPolicies[i]
		if p.SessionDuration == "" {
			p.SessionDuration = "24h"
		}
		stamp(&p.CreatedAt, &p.UpdatedAt, now)
		store(st, st.policies, p.ID, p)
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
		stamp(&t.CreatedAt, &t.UpdatedAt, now)
		if t.ExpiresAt.IsZero() {
			d, _ := time.ParseDuration(t.Duration)
			t.ExpiresAt = t.CreatedAt.Add(d)
		}
		store(st, st.svcTokens, t.ID, t)
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
	tokens := map[string]*APIToken{}
	for _, t := range st.tokens {
		tokens[t.ID] = t
	}
	seed := Seed{
		Accounts:       inOrder(st, st.accounts, func(a *Account) string { return a.ID }),
		Tokens:         inOrder(st, tokens, func(t *APIToken) string { return t.ID }),
		Zones:          inOrder(st, st.zones, func(z *Zone) string { return z.ID }),
		DNSRecords:     inOrder(st, st.records, func(r *DNSRecord) string { return r.ID }),
		Tunnels:        inOrder(st, st.tunnels, func(t *Tunnel) string { return t.ID }),
		AccessGroups:   inOrder(st, st.groups, func(g *AccessGroup) string { return g.ID }),
		AccessPolicies: inOrder(st, st.policies, func(p *AccessPolicy) string { return p.ID }),
		AccessApps:     inOrder(st, st.apps, func(a *AccessApp) string { return a.ID }),
		ServiceTokens:  inOrder(st, st.svcTokens, func(t *ServiceToken) string { return t.ID }),
	}
	out, _ := deepCopy(seed) // The fake's own objects always marshal.
	return out
}

// inOrder returns copies of the values of m in the order they were created.
func inOrder[T any](st *state, m map[string]*T, id func(*T) string) []T {
	sorted := sortedBySeq(st, m, id)
	if len(sorted) == 0 {
		return nil
	}
	out := make([]T, 0, len(sorted))
	for _, v := range sorted {
		out = append(out, *v)
	}
	return out
}
