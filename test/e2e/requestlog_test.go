package e2e

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/cfzt/cfzt/test/e2e/stack"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// collectInterval is how often a recorder reads the fake's request log,
// which keeps only its last 10,000 requests, and its service tokens.
const collectInterval = time.Second

// A recorder keeps every request the fake Cloudflare API answers from its
// start on, and the secret of every service token the fake held at one of
// its reads, once a second: so also of tokens deleted since.
type recorder struct {
	*fakecloudflare.Recorder
	cf    *fakecloudflare.Server
	start fakecloudflare.Seed // the fake's state when the recorder started

	mu      sync.Mutex
	secrets map[string]string
}

// record starts a recorder of the stack's fake Cloudflare API; it stops at
// the end of the test.
func record(t *testing.T, s *stack.Stack) *recorder {
	t.Helper()
	return newRecorder(t, s.Cloudflare())
}

// newRecorder starts a recorder of a fake Cloudflare API; it stops at the
// end of the test.
func newRecorder(t *testing.T, cf *fakecloudflare.Server) *recorder {
	t.Helper()
	rec := &recorder{cf: cf, secrets: map[string]string{}, start: cf.Snapshot()}
	rec.Recorder = fakecloudflare.NewRecorder(cf, collectInterval, rec.keepSecrets)
	t.Cleanup(rec.Close)
	return rec
}

// keepSecrets keeps the secrets of the service tokens the fake holds now.
// Every secret a token has had is kept: a rotated-away secret must not show
// either.
func (rec *recorder) keepSecrets() {
	snap := rec.cf.Snapshot()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, tok := range snap.ServiceTokens {
		for _, s := range []string{tok.ClientSecret, tok.PreviousClientSecret} {
			if s != "" {
				if !slices.Contains(slices.Collect(maps.Values(rec.secrets)), s) {
					rec.secrets[fmt.Sprintf("client secret %d of service token %s", len(rec.secrets)+1, tok.Name)] = s
				}
			}
		}
	}
}

// secretValues returns what must never be shown, by what it is: the
// tenant's API tokens and every service token's client secret.
func (rec *recorder) secretValues() map[string]string {
	rec.Mark() // reads the log and the secrets once more
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := maps.Clone(rec.secrets)
	for _, tok := range rec.start.Tokens {
		out["API token "+tok.Name] = tok.Value
	}
	return out
}

// A requestCount sums up the requests of a phase.
type requestCount struct {
	total, writes, rateLimited, serverErrors, delayed, otherErrors int
	byOperation                                                    map[string]int
}

// count sums up the requests after Seq from and up to Seq to (0: all).
func (rec *recorder) count(from, to int) requestCount {
	c := requestCount{byOperation: map[string]int{}}
	for _, r := range rec.Requests(0, 0) {
		if r.Seq <= from || (to > 0 && r.Seq > to) {
			continue
		}
		c.total++
		c.byOperation[r.Operation]++
		switch {
		case r.Status == http.StatusTooManyRequests:
			c.rateLimited++
		case r.Status >= http.StatusInternalServerError:
			c.serverErrors++
		case r.Status >= http.StatusBadRequest:
			c.otherErrors++
		case r.Fault != 0:
			c.delayed++
		}
		if r.Method != http.MethodGet && r.Status < http.StatusBadRequest {
			c.writes++
		}
	}
	return c
}

func (c requestCount) String() string {
	return fmt.Sprintf("%d requests (%d successful writes; %d answered 429, %d 5xx, %d other 4xx, %d delayed)",
		c.total, c.writes, c.rateLimited, c.serverErrors, c.otherErrors, c.delayed)
}

// Object kinds of the request log.
const (
	kindDNSRecord    = "DNS record"
	kindAccessApp    = "Access application"
	kindAccessPolicy = "Access policy"
	kindServiceToken = "service token"
)

// objectKinds maps the write operations of each kind to the kind.
var objectKinds = map[string]string{
	fakecloudflare.OpDNSRecordCreate:     kindDNSRecord,
	fakecloudflare.OpDNSRecordUpdate:     kindDNSRecord,
	fakecloudflare.OpDNSRecordPatch:      kindDNSRecord,
	fakecloudflare.OpDNSRecordDelete:     kindDNSRecord,
	fakecloudflare.OpAccessAppCreate:     kindAccessApp,
	fakecloudflare.OpAccessAppUpdate:     kindAccessApp,
	fakecloudflare.OpAccessAppDelete:     kindAccessApp,
	fakecloudflare.OpAccessPolicyCreate:  kindAccessPolicy,
	fakecloudflare.OpAccessPolicyUpdate:  kindAccessPolicy,
	fakecloudflare.OpAccessPolicyDelete:  kindAccessPolicy,
	fakecloudflare.OpServiceTokenCreate:  kindServiceToken,
	fakecloudflare.OpServiceTokenUpdate:  kindServiceToken,
	fakecloudflare.OpServiceTokenDelete:  kindServiceToken,
	fakecloudflare.OpServiceTokenRefresh: kindServiceToken,
	fakecloudflare.OpServiceTokenRotate:  kindServiceToken,
}

var creates = map[string]bool{
	fakecloudflare.OpDNSRecordCreate:    true,
	fakecloudflare.OpAccessAppCreate:    true,
	fakecloudflare.OpAccessPolicyCreate: true,
	fakecloudflare.OpServiceTokenCreate: true,
}

var deletes = map[string]bool{
	fakecloudflare.OpDNSRecordDelete:    true,
	fakecloudflare.OpAccessAppDelete:    true,
	fakecloudflare.OpAccessPolicyDelete: true,
	fakecloudflare.OpServiceTokenDelete: true,
}

// A replay is what the request log says happened to Cloudflare's objects.
type replay struct {
	// creates counts the successful creates of each kind.
	creates map[string]int
	// twice are the creates of a name that an object of the same
	// kind already had: at that moment Cloudflare held two.
	twice []string
	// foreign are the writes to objects someone else made, and the
	// tunnel configurations without someone else's rule.
	foreign []string
	// rules are the tunnel configurations that routed one hostname twice.
	rules []string
	// lost counts the requests the fake's log dropped before they were
	// read: the replay does not know them.
	lost int
}

// replay follows every object through the log, from the recorder's starting
// state: which names exist at each moment, which objects were someone
// else's.
func (rec *recorder) replay() replay {
	out := replay{creates: map[string]int{}}
	live := map[string]map[string]string{} // kind -> ID -> name
	created := map[string]int{}            // ID -> Seq of its create
	theirs := map[string]string{}          // ID -> what it is
	for _, k := range []string{kindDNSRecord, kindAccessApp, kindAccessPolicy, kindServiceToken} {
		live[k] = map[string]string{}
	}
	for _, r := range rec.start.DNSRecords {
		live[kindDNSRecord][r.ID] = r.Name
		theirs[r.ID] = kindDNSRecord + " " + r.Type + " " + r.Name
	}
	for _, a := range rec.start.AccessApps {
		live[kindAccessApp][a.ID] = a.Name
		theirs[a.ID] = kindAccessApp + " " + a.Name
	}
	for _, p := range rec.start.AccessPolicies {
		live[kindAccessPolicy][p.ID] = p.Name
		theirs[p.ID] = kindAccessPolicy + " " + p.Name
	}
	for _, tok := range rec.start.ServiceTokens {
		live[kindServiceToken][tok.ID] = tok.Name
		theirs[tok.ID] = kindServiceToken + " " + tok.Name
	}
	var foreignRules []string
	for _, r := range rules(rec.start) {
		if h, _ := r["hostname"].(string); h != "" {
			foreignRules = append(foreignRules, h)
		}
	}

	for _, r := range rec.Requests(0, 0) {
		if o := r.Object; o != nil && r.Operation == fakecloudflare.OpTunnelConfigPut {
			seen := map[string]bool{}
			for _, h := range o.Hostnames {
				if seen[h] {
					out.rules = append(out.rules, fmt.Sprintf("request #%d wrote a configuration of tunnel %s that routes %s twice: %v", r.Seq, o.Name, h, o.Hostnames))
				}
				seen[h] = true
			}
			for _, h := range foreignRules {
				if !seen[h] {
					out.foreign = append(out.foreign, fmt.Sprintf("request #%d wrote a configuration of tunnel %s without someone else's rule for %s: %v", r.Seq, o.Name, h, o.Hostnames))
				}
			}
			continue
		}
		// A DNS batch writes many records; each counts as its single
		// endpoint's write would.
		for _, w := range r.Writes() {
			kind := objectKinds[w.Operation]
			if kind == "" {
				continue
			}
			o := w.Object
			if what, ok := theirs[o.ID]; ok {
				out.foreign = append(out.foreign, fmt.Sprintf("request #%d (%s %s) wrote someone else's %s", r.Seq, r.Method, w.Operation, what))
			}
			switch {
			case creates[w.Operation]:
				out.creates[kind]++
				for id, name := range live[kind] {
					if name == o.Name && id != o.ID {
						out.twice = append(out.twice, fmt.Sprintf("request #%d created %s %q (%s) while %s (created by request #%d) had that name", r.Seq, kind, o.Name, o.ID, id, created[id]))
					}
				}
				live[kind][o.ID] = o.Name
				created[o.ID] = r.Seq
			case deletes[w.Operation]:
				delete(live[kind], o.ID)
			default:
				if o.Name != "" {
					live[kind][o.ID] = o.Name
				}
			}
		}
	}
	out.lost = rec.Lost()
	return out
}

// checkReplay fails the test for every duplicate, every write to someone
// else's object and every tunnel configuration that routes a hostname twice.
func checkReplay(t *testing.T, rp replay) {
	t.Helper()
	if rp.lost > 0 {
		t.Errorf("the fake's log dropped %d requests before they were read: the replay below misses them", rp.lost)
	}
	for _, d := range rp.twice {
		t.Errorf("created twice: %s", d)
	}
	for _, f := range rp.foreign {
		t.Errorf("touched someone else's object: %s", f)
	}
	for _, r := range rp.rules {
		t.Errorf("duplicate ingress rule: %s", r)
	}
}

// checkUntouched fails the test for every object of the recorder's starting
// state that changed, as checkSeedUntouched does, and for changed zones and
// Access groups.
func checkUntouched(t *testing.T, rec *recorder, step string) {
	t.Helper()
	now := rec.cf.Snapshot()
	t.Run("SomeoneElsesObjectsUntouched"+step, func(t *testing.T) {
		checkSeedUntouched(t, rec.start, now)
		if diff := cmp.Diff(rec.start.Zones, now.Zones); diff != "" {
			t.Errorf("zones changed: -want, +got:\n%s", diff)
		}
		if diff := cmp.Diff(rec.start.AccessGroups, now.AccessGroups); diff != "" {
			t.Errorf("Access groups changed: -want, +got:\n%s", diff)
		}
	})
}

// leftovers returns the objects the fake holds now that it did not hold when
// the recorder started: DNS records, Access applications and policies,
// service tokens, and the tunnels' ingress rules.
func (rec *recorder) leftovers() []string {
	now := rec.cf.Snapshot()
	var out []string
	had := map[string]bool{}
	for _, r := range rec.start.DNSRecords {
		had[r.ID] = true
	}
	for _, a := range rec.start.AccessApps {
		had[a.ID] = true
	}
	for _, p := range rec.start.AccessPolicies {
		had[p.ID] = true
	}
	for _, tok := range rec.start.ServiceTokens {
		had[tok.ID] = true
	}
	for _, r := range now.DNSRecords {
		if !had[r.ID] {
			out = append(out, fmt.Sprintf("DNS record %s %s (%s, comment %q)", r.Type, r.Name, r.ID, r.Comment))
		}
	}
	for _, a := range now.AccessApps {
		if !had[a.ID] {
			out = append(out, fmt.Sprintf("Access application %s (%s)", a.Name, a.ID))
		}
	}
	for _, p := range now.AccessPolicies {
		if !had[p.ID] {
			out = append(out, fmt.Sprintf("Access policy %s (%s)", p.Name, p.ID))
		}
	}
	for _, tok := range now.ServiceTokens {
		if !had[tok.ID] {
			out = append(out, fmt.Sprintf("service token %s (%s)", tok.Name, tok.ID))
		}
	}
	hadRule := map[string]bool{}
	for _, r := range rules(rec.start) {
		hadRule[fmt.Sprint(r["hostname"])] = true
	}
	for _, r := range rules(now) {
		if !hadRule[fmt.Sprint(r["hostname"])] {
			out = append(out, fmt.Sprintf("the tunnel's ingress rule for %v (to %v)", r["hostname"], r["service"]))
		}
	}
	return out
}

// checkNoSecrets fails the test for every secret of the recorder found in a
// log of the stack's processes, an Event or a condition message.
func checkNoSecrets(t *testing.T, s *stack.Stack, rec *recorder, messages []string) {
	t.Helper()
	secrets := rec.secretValues()
	files, err := s.LogFiles()
	if err != nil {
		t.Fatal(err)
	}
	found := func(where, text string) {
		for what, v := range secrets {
			if v != "" && strings.Contains(text, v) {
				t.Errorf("the %s appears in %s", what, where)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		found("the log "+f, string(b))
	}
	events := &corev1.EventList{}
	if err := s.Client().List(context.WithoutCancel(t.Context()), events); err != nil {
		t.Fatal(err)
	}
	for _, e := range events.Items {
		found(fmt.Sprintf("Event %s/%s of %s %s", e.Namespace, e.Name, e.InvolvedObject.Kind, e.InvolvedObject.Name), e.Message)
	}
	for _, m := range messages {
		found("a condition message", m)
	}
	t.Logf("looked for %d secrets in %d process logs, %d Events and %d condition messages", len(secrets), len(files), len(events.Items), len(messages))
}
