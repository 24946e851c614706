package bench

import (
	"time"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// Steps of a full route: the first successful Cloudflare write of each of
// its objects, in the order the function composes them, then the bench
// seeing all of them present.
const (
	StepServiceToken = "service token created"
	StepAllowPolicy  = "allow policy created"
	StepDNSRecord    = "DNS record created"
	StepTokenPolicy  = "token policy created"
	StepApp          = "Access app created"
	StepTunnelRule   = "tunnel rule written"
	StepPresent      = "all present"
)

// A stepDef is a step and how to find it.
type stepDef struct {
	name string
	// after are the steps it waits for; empty for those composed at once.
	after []string
	// key names the write of a route's object: an operation and an
	// object name, as writeKey makes it; empty for StepPresent.
	key func(hostname string) string
	// toSecond: the step's time is to the second only, so it is measured
	// from the second of the route's create, never before the create.
	toSecond bool
}

// fullSteps are the steps of a full route. The function composes the
// service token, the allow policy and the DNS record at once; the token's
// policy once the token has an ID; the Access app once both policies have
// IDs; the tunnel rule once the app is Ready.
var fullSteps = []stepDef{
	{name: StepServiceToken, key: func(h string) string { return writeKey(fakecloudflare.OpServiceTokenCreate, appName(h)) }},
	{name: StepAllowPolicy, key: func(h string) string { return writeKey(fakecloudflare.OpAccessPolicyCreate, allowPolicyName(h)) }},
	{name: StepDNSRecord, key: func(h string) string { return writeKey(fakecloudflare.OpDNSRecordCreate, h) }},
	{name: StepTokenPolicy, after: []string{StepServiceToken}, key: func(h string) string { return writeKey(fakecloudflare.OpAccessPolicyCreate, tokenPolicyName(h)) }},
	{name: StepApp, after: []string{StepAllowPolicy, StepTokenPolicy}, key: func(h string) string { return writeKey(fakecloudflare.OpAccessAppCreate, appName(h)) }},
	{name: StepTunnelRule, after: []string{StepApp}, key: func(h string) string { return writeKey(fakecloudflare.OpTunnelConfigPut, h) }},
	{name: StepPresent, after: []string{StepTunnelRule, StepDNSRecord}},
}

func writeKey(op, name string) string { return op + " " + name }

// A Step is how long one step of a full route took, over the routes.
type Step struct {
	Name string
	// After names the steps it waits for.
	After []string
	// Since are, per route that took the step, the times from its create
	// to the step.
	Since []time.Duration
	// Wait are, per route that took the step and those it waits for, the
	// times from the last of those to the step.
	Wait []time.Duration
	// Missing is how many routes did not take the step.
	Missing int
}

// firstWrites returns when each object was first written successfully, by
// writeKey: the creates of single objects, a DNS batch's records each as
// its create, and each hostname of the tunnel's configuration as of the
// first write that held it.
func firstWrites(log []fakecloudflare.RequestRecord) map[string]time.Time {
	first := map[string]time.Time{}
	add := func(key string, at time.Time) {
		if _, ok := first[key]; !ok {
			first[key] = at
		}
	}
	for _, r := range log {
		for _, w := range r.Writes() {
			switch {
			case w.Operation == fakecloudflare.OpTunnelConfigPut && w.Object.ID == tunnelID:
				for _, h := range w.Object.Hostnames {
					add(writeKey(w.Operation, h), r.At)
				}
			case w.Object.Name != "":
				add(writeKey(w.Operation, w.Object.Name), r.At)
			}
		}
	}
	return first
}

// routeSteps returns the steps defs of full routes: created and present are
// each route's create and when the bench saw it present, by hostname, and
// first when each step's key happened (firstWrites, kubeCreated). Routes not
// created are left out.
func routeSteps(defs []stepDef, hostnames []string, created, present, first map[string]time.Time) []Step {
	out := make([]Step, len(defs))
	for i, d := range defs {
		out[i] = Step{Name: d.name, After: d.after}
	}
	for _, h := range hostnames {
		c, ok := created[h]
		if !ok {
			continue
		}
		at := map[string]time.Time{}
		for i, d := range defs {
			var t time.Time
			if d.key == nil {
				t, ok = present[h]
			} else {
				t, ok = first[d.key(h)]
			}
			if !ok {
				out[i].Missing++
				continue
			}
			base := c
			if d.toSecond {
				base = c.Truncate(time.Second)
			}
			at[d.name] = t
			out[i].Since = append(out[i].Since, t.Sub(base))
			last, all := base, true
			for _, a := range d.after {
				ta, ok := at[a]
				all = all && ok
				if ta.After(last) {
					last = ta
				}
			}
			if all {
				out[i].Wait = append(out[i].Wait, t.Sub(last))
			}
		}
	}
	return out
}
