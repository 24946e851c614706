package bench

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// IDs of examples/fake-cloudflare/seed.yaml that the bench uses.
const (
	accountID = "4f1c2a7e9b3d45e8a6c0d2f1b7e9a3c5"
	apiToken  = "demo-token"
	tunnelID  = "6ff42ae2-765d-4adf-8112-31c55c1551ef"
)

// collectEvery is how often the bench reads the fake's request log, which
// keeps only its last 10,000 requests.
const collectEvery = 250 * time.Millisecond

// Calls sums up the requests of a phase.
type Calls struct {
	Total       int
	RateLimited int
	ByOperation map[string]int
}

// add counts one request.
func (c *Calls) add(r fakecloudflare.RequestRecord) {
	if c.ByOperation == nil {
		c.ByOperation = map[string]int{}
	}
	c.Total++
	op := r.Operation
	if op == "" {
		op = r.Method + " (no operation)"
	}
	c.ByOperation[op]++
	if r.Status == http.StatusTooManyRequests {
		c.RateLimited++
	}
}

// count sums up requests.
func count(rs []fakecloudflare.RequestRecord) Calls {
	c := Calls{ByOperation: map[string]int{}}
	for _, r := range rs {
		c.add(r)
	}
	return c
}

// Names of a route's Cloudflare objects, as the function names them.
func appName(hostname string) string         { return "cfzt-" + hostname }
func allowPolicyName(hostname string) string { return appName(hostname) + "-allow" }
func tokenPolicyName(hostname string) string { return appName(hostname) + "-token" }

// A cfIndex is what the fake holds, looked up by what a route needs.
type cfIndex struct {
	rules    map[string]bool                     // hostnames of the tunnel's rules
	records  map[string]int                      // DNS records by name
	apps     map[string]fakecloudflare.AccessApp // Access applications by name
	policies map[string]string                   // policy IDs by name
	tokens   map[string]string                   // service token IDs by name
}

// index reads a snapshot of the fake.
func index(snap fakecloudflare.Seed) cfIndex {
	x := cfIndex{
		rules:    map[string]bool{},
		records:  map[string]int{},
		apps:     map[string]fakecloudflare.AccessApp{},
		policies: map[string]string{},
		tokens:   map[string]string{},
	}
	for _, t := range snap.Tunnels {
		if t.ID != tunnelID {
			continue
		}
		for _, r := range ingress(t.Config) {
			if h, ok := r["hostname"].(string); ok && h != "" {
				x.rules[h] = true
			}
		}
	}
	for _, r := range snap.DNSRecords {
		x.records[r.Name]++
	}
	for _, a := range snap.AccessApps {
		x.apps[a.Name] = a
	}
	for _, p := range snap.AccessPolicies {
		x.policies[p.Name] = p.ID
	}
	for _, t := range snap.ServiceTokens {
		x.tokens[t.Name] = t.ID
	}
	return x
}

// ingress returns the rules of a tunnel configuration.
func ingress(config map[string]any) []map[string]any {
	raw, _ := config["ingress"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, r := range raw {
		if m, ok := r.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// present reports whether Cloudflare holds everything a route of variant v
// publishes. For a full route its application must also use both of its
// policies: until then the token is not admitted and the route is not
// done.
func (x cfIndex) present(hostname string, v Variant) bool {
	if !x.rules[hostname] || x.records[hostname] == 0 {
		return false
	}
	if v == TunnelDNS {
		return true
	}
	return x.appPresent(hostname)
}

// appPresent reports whether a full route's Access objects are all there
// and its application uses both of its policies.
func (x cfIndex) appPresent(hostname string) bool {
	app, ok := x.apps[appName(hostname)]
	allow, tokenPolicy := x.policies[allowPolicyName(hostname)], x.policies[tokenPolicyName(hostname)]
	if !ok || app.Domain != hostname || allow == "" || tokenPolicy == "" || x.tokens[appName(hostname)] == "" {
		return false
	}
	return uses(app, allow) && uses(app, tokenPolicy)
}

func uses(app fakecloudflare.AccessApp, policyID string) bool {
	return slices.ContainsFunc(app.Policies, func(p fakecloudflare.AppPolicyRef) bool { return p.ID == policyID })
}

// A presence follows when each route's Cloudflare objects are first all
// present.
type presence struct {
	cf        *fakecloudflare.Server
	variant   Variant
	created   map[string]time.Time // by hostname; set by the creator
	presentAt map[string]time.Time
	mu        sync.Mutex
}

func newPresence(cf *fakecloudflare.Server, v Variant) *presence {
	return &presence{cf: cf, variant: v, created: map[string]time.Time{}, presentAt: map[string]time.Time{}}
}

// create records that a route's create was sent now.
func (p *presence) create(hostname string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.created[hostname] = time.Now()
}

// check reads the fake once and returns how many of the hostnames are
// present.
func (p *presence) check(hostnames []string) int {
	x := index(p.cf.Snapshot())
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, h := range hostnames {
		if _, ok := p.presentAt[h]; ok {
			n++
			continue
		}
		if _, ok := p.created[h]; ok && x.present(h, p.variant) {
			p.presentAt[h] = now
			n++
		}
	}
	return n
}

// wait checks every tick until all hostnames are present or ctx is done,
// and returns how many are.
func (p *presence) wait(ctx context.Context, hostnames []string, tick time.Duration) int {
	for {
		n := p.check(hostnames)
		if n == len(hostnames) {
			return n
		}
		select {
		case <-ctx.Done():
			return n
		case <-time.After(tick):
		}
	}
}

// latencies returns, for each present hostname, the time from its create to
// its presence.
func (p *presence) latencies(hostnames []string) []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []time.Duration
	for _, h := range hostnames {
		at, ok := p.presentAt[h]
		if !ok {
			continue
		}
		out = append(out, at.Sub(p.created[h]))
	}
	return out
}

// times returns copies of each route's create and of when it was first
// present, by hostname.
func (p *presence) times() (created, present map[string]time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.created), maps.Clone(p.presentAt)
}

// driftEdit is one change made in the dashboard and how to tell it was
// repaired.
type driftEdit struct {
	what     string
	edit     func(cf *fakecloudflare.Server) error
	repaired func(x cfIndex) bool
}

// driftEdits returns the edits of a scenario: a deleted DNS record, a
// removed tunnel rule and, for full routes, a deleted Access application,
// each of another route.
func driftEdits(hostnames []string, v Variant) []driftEdit {
	n := len(hostnames)
	dns, rule, app := hostnames[n/4], hostnames[n/2], hostnames[3*n/4]
	edits := []driftEdit{
		{
			what: DriftDNS,
			edit: func(cf *fakecloudflare.Server) error {
				for _, r := range cf.Snapshot().DNSRecords {
					if r.Name == dns {
						return errors.Wrapf(cf.DeleteDNSRecord(r.ID), "cannot delete the DNS record of %s", dns)
					}
				}
				return errors.Errorf("cannot delete the DNS record of %s: there is none", dns)
			},
			repaired: func(x cfIndex) bool { return x.records[dns] > 0 },
		},
		{
			what: DriftTunnel,
			edit: func(cf *fakecloudflare.Server) error {
				return errors.Wrapf(removeRule(cf, rule), "cannot remove the tunnel rule of %s", rule)
			},
			repaired: func(x cfIndex) bool { return x.rules[rule] },
		},
	}
	if v == Full {
		edits = append(edits, driftEdit{
			what: DriftApp,
			edit: func(cf *fakecloudflare.Server) error {
				for _, a := range cf.Snapshot().AccessApps {
					if a.Name == appName(app) {
						return errors.Wrapf(cf.DeleteAccessApp(a.ID), "cannot delete the Access application of %s", app)
					}
				}
				return errors.Errorf("cannot delete the Access application of %s: there is none", app)
			},
			repaired: func(x cfIndex) bool { return x.appPresent(app) },
		})
	}
	return edits
}

// removeRule writes the tunnel's configuration without the rule for
// hostname, as a person would in the dashboard.
func removeRule(cf *fakecloudflare.Server, hostname string) error {
	for _, t := range cf.Snapshot().Tunnels {
		if t.ID != tunnelID {
			continue
		}
		// A new document: the snapshot's shares its maps with the fake.
		config := maps.Clone(t.Config)
		var rules []any
		found := false
		for _, r := range ingress(t.Config) {
			if r["hostname"] == hostname {
				found = true
				continue
			}
			rules = append(rules, r)
		}
		if !found {
			return errors.New("the tunnel has no such rule")
		}
		config["ingress"] = rules
		_, err := cf.SetTunnelConfig(tunnelID, config)
		return err
	}
	return errors.Errorf("the fake has no tunnel %s", tunnelID)
}

// measureDrift makes every edit at once and returns how long each took to
// be repaired.
func measureDrift(ctx context.Context, cf *fakecloudflare.Server, edits []driftEdit, timeout, tick time.Duration) ([]Drift, error) {
	for _, e := range edits {
		if err := e.edit(cf); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	out := make([]Drift, len(edits))
	for i, e := range edits {
		out[i] = Drift{What: e.what, Timeout: timeout}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		x := index(cf.Snapshot())
		left := 0
		for i, e := range edits {
			if out[i].Repaired > 0 {
				continue
			}
			if e.repaired(x) {
				out[i].Repaired = max(time.Since(start), time.Millisecond)
				continue
			}
			left++
		}
		if left == 0 {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, nil
		case <-time.After(tick):
		}
	}
}

// rateLimitPolicy asks the fake once, before anything is measured, which
// window it enforces: the Ratelimit-Policy header Cloudflare sends with
// every answer. It returns "" when the fake sends none.
func rateLimitPolicy(ctx context.Context, apiURL string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, apiURL+"/accounts/"+accountID+"/tokens/verify", nil)
	if err != nil {
		return "", errors.Wrap(err, "cannot build the rate limit probe")
	}
	req.Header.Set("Authorization", "Bearer "+apiToken)
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", errors.Wrap(err, "cannot probe the fake Cloudflare API")
	}
	_ = rsp.Body.Close()
	return rsp.Header.Get("Ratelimit-Policy"), nil
}
