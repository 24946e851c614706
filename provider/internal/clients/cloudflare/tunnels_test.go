package cloudflare

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

var (
	foreignRule = map[string]any{"hostname": "foreign.example.com", "service": "http://f:80", "originRequest": map[string]any{
		"noTLSVerify": true, "matchSNItoHost": true, "access": map[string]any{"required": true, "teamName": "t", "audTag": []any{"x"}},
	}}
	pathRule = map[string]any{"path": "/static/*", "service": "http://static:80"}
	oursRule = map[string]any{"hostname": "ours.example.com", "service": "http://old:80", "originRequest": map[string]any{"matchSNItoHost": true}}
	catchAll = map[string]any{"service": "http_status:404"}
	// starCatchAll is the catch-all as the dashboard can write it: cloudflared
	// reads hostname "*" without a path as matching every request.
	starCatchAll = map[string]any{"hostname": "*", "service": "http_status:503"}
)

func tunnelConfig(rules ...map[string]any) map[string]any {
	ingress := make([]any, len(rules))
	for i, r := range rules {
		ingress[i] = r
	}
	return map[string]any{
		"ingress":       ingress,
		"warp-routing":  map[string]any{"enabled": true},
		"originRequest": map[string]any{"connectTimeout": 10},
	}
}

// tunnelSeed is a tunnel holding config. The fake starts a seeded
// configuration at version 1 and an empty one at 0.
func tunnelSeed(config map[string]any, remote bool) fakecloudflare.Seed {
	return fakecloudflare.Seed{Tunnels: []fakecloudflare.Tunnel{{ID: testTunnel, AccountID: testAccount, Name: "home", RemoteConfig: remote, Status: "healthy", Config: config}}}
}

// normalize makes JSON-shaped values comparable, whatever their Go types.
func normalize(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func storedConfig(t *testing.T, f *fakecloudflare.Server) map[string]any {
	t.Helper()
	for _, tn := range f.Snapshot().Tunnels {
		if tn.ID == testTunnel {
			return tn.Config
		}
	}
	t.Fatal("the fake lost the tunnel")
	return nil
}

func TestUpdateTunnelIngress(t *testing.T) {
	newRule := IngressRule{Hostname: "new.example.com", Service: "http://new:80", OriginRequest: &OriginRequest{NoTLSVerify: new(true), OriginServerName: "new.example.com", ConnectTimeout: new(int64(30))}}
	newRuleJSON := map[string]any{"hostname": "new.example.com", "service": "http://new:80", "originRequest": map[string]any{"noTLSVerify": true, "originServerName": "new.example.com", "connectTimeout": 30}}

	type args struct {
		config   map[string]any
		local    bool
		mutate   func([]IngressRule) []IngressRule
		tunnelID string
	}
	type want struct {
		config   map[string]any
		writes   int
		version  int64
		notFound bool
		err      bool
	}
	cases := map[string]struct {
		reason string
		args   args
		want   want
	}{
		"AddRule": {
			reason: "A new rule goes after every other rule and before the catch-all; foreign rules, warp-routing and unmodelled keys are written back as read.",
			args: args{
				config: tunnelConfig(foreignRule, pathRule, oursRule, catchAll),
				mutate: func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, newRule) },
			},
			want: want{config: tunnelConfig(foreignRule, pathRule, oursRule, newRuleJSON, catchAll), writes: 1, version: 2},
		},
		"ReplaceRule": {
			reason: "Our rule is changed in place and keeps the originRequest keys we do not model.",
			args: args{
				config: tunnelConfig(foreignRule, oursRule, pathRule, catchAll),
				mutate: func(r []IngressRule) []IngressRule {
					return UpsertIngressRule(r, IngressRule{Hostname: "ours.example.com", Service: "http://new:80"})
				},
			},
			want: want{config: tunnelConfig(foreignRule, map[string]any{"hostname": "ours.example.com", "service": "http://new:80", "originRequest": map[string]any{"matchSNItoHost": true}}, pathRule, catchAll), writes: 1, version: 2},
		},
		"RemoveRule": {
			reason: "Removing our rule keeps every other rule and the catch-all.",
			args: args{
				config: tunnelConfig(foreignRule, oursRule, pathRule, catchAll),
				mutate: func(r []IngressRule) []IngressRule { return RemoveIngressRule(r, "ours.example.com", "") },
			},
			want: want{config: tunnelConfig(foreignRule, pathRule, catchAll), writes: 1, version: 2},
		},
		"NoChange": {
			reason: "A change that is already there is not written.",
			args: args{
				config: tunnelConfig(foreignRule, oursRule, catchAll),
				mutate: func(r []IngressRule) []IngressRule {
					return UpsertIngressRule(r, IngressRule{Hostname: "ours.example.com", Service: "http://old:80"})
				},
			},
			want: want{config: tunnelConfig(foreignRule, oursRule, catchAll), writes: 0, version: 1},
		},
		"StarCatchAll": {
			reason: "A last rule with hostname \"*\" and no path is the catch-all: our rule goes before it and no second catch-all is added.",
			args: args{
				config: tunnelConfig(foreignRule, starCatchAll),
				mutate: func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, newRule) },
			},
			want: want{config: tunnelConfig(foreignRule, newRuleJSON, starCatchAll), writes: 1, version: 2},
		},
		"StarCatchAllNoChange": {
			reason: "A change already there before a \"*\" catch-all is not written again.",
			args: args{
				config: tunnelConfig(foreignRule, oursRule, starCatchAll),
				mutate: func(r []IngressRule) []IngressRule {
					return UpsertIngressRule(r, IngressRule{Hostname: "ours.example.com", Service: "http://old:80"})
				},
			},
			want: want{config: tunnelConfig(foreignRule, oursRule, starCatchAll), writes: 0, version: 1},
		},
		"EmptyConfiguration": {
			reason: "A tunnel without configuration gets our rule and a catch-all.",
			args: args{
				mutate: func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, newRule) },
			},
			want: want{config: map[string]any{"ingress": []any{newRuleJSON, catchAll}}, writes: 1, version: 1},
		},
		"RemoveFromEmpty": {
			reason: "Removing a rule from an empty configuration writes nothing.",
			args: args{
				mutate: func(r []IngressRule) []IngressRule { return RemoveIngressRule(r, "ours.example.com", "") },
			},
			want: want{writes: 0},
		},
		"LocallyManaged": {
			reason: "Cloudflare refuses to configure a locally managed tunnel; the error is returned.",
			args: args{
				local:  true,
				mutate: func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, newRule) },
			},
			want: want{writes: 0, err: true},
		},
		"UnknownTunnel": {
			reason: "A tunnel that does not exist is not found.",
			args: args{
				tunnelID: "99999999-2222-3333-4444-555555555555",
				mutate:   func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, newRule) },
			},
			want: want{writes: 0, err: true, notFound: true},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, url := newFake(t, tunnelSeed(tc.args.config, !tc.args.local))
			c, _, _ := newTestClient(t, url)
			id := testTunnel
			if tc.args.tunnelID != "" {
				id = tc.args.tunnelID
			}
			got, err := c.UpdateTunnelIngress(context.Background(), id, tc.args.mutate)

			if diff := cmp.Diff(tc.want.err, err != nil); diff != "" {
				t.Fatalf("\n%s\nerr != nil: -want, +got:\n%s\nerr: %v", tc.reason, diff, err)
			}
			if diff := cmp.Diff(tc.want.notFound, IsNotFound(err)); diff != "" {
				t.Errorf("\n%s\nIsNotFound: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.writes, f.WriteCount(fakecloudflare.OpTunnelConfigPut)); diff != "" {
				t.Errorf("\n%s\nconfiguration writes: -want, +got:\n%s", tc.reason, diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(normalize(t, tc.want.config), normalize(t, storedConfig(t, f)), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\nstored configuration: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.version, got.Version); diff != "" {
				t.Errorf("\n%s\nreturned version: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// interleaver is a second writer: after the fake answers the request that
// trigger matches, it replaces the tunnel's configuration with its own, the
// way a stale read-modify-write elsewhere would.
type interleaver struct {
	f       *fakecloudflare.Server
	next    http.Handler
	trigger func(*http.Request) bool
	times   int32
	n       atomic.Int32
	config  map[string]any
}

func (i *interleaver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i.next.ServeHTTP(w, r)
	if strings.HasSuffix(r.URL.Path, "/configurations") && i.trigger(r) && i.n.Add(1) <= i.times {
		if _, err := i.f.SetTunnelConfig(testTunnel, i.config); err != nil { //nolint:contextcheck // A dashboard edit of the fake takes no context; it answers at once.
			panic(err)
		}
	}
}

func TestUpdateTunnelIngressInterleaved(t *testing.T) {
	theirs := map[string]any{"hostname": "theirs.example.com", "service": "http://theirs:80"}
	ours := IngressRule{Hostname: "new.example.com", Service: "http://new:80"}
	oursJSON := map[string]any{"hostname": "new.example.com", "service": "http://new:80"}
	afterPUT := func(r *http.Request) bool { return r.Method == http.MethodPut }
	afterFirstGET := func() func(r *http.Request) bool {
		n := 0
		return func(r *http.Request) bool { n++; return r.Method == http.MethodGet && n == 1 }
	}

	type want struct {
		config    map[string]any
		puts      int
		conflicts float64
		conflict  bool
	}
	cases := map[string]struct {
		reason  string
		trigger func(*http.Request) bool
		times   int32
		want    want
	}{
		"UndoneOnce": {
			reason:  "A writer that undoes our change right after our write is detected by the read-back, and the whole read-modify-write runs again; neither change is lost.",
			trigger: afterPUT,
			times:   1,
			want:    want{config: tunnelConfig(foreignRule, theirs, oursJSON, catchAll), puts: 2, conflicts: 1},
		},
		"WroteBetweenReadAndWrite": {
			reason:  "A write between our read and our write shows as a version that moved by two; it is counted, and our change stands.",
			trigger: afterFirstGET(),
			times:   1,
			want:    want{config: tunnelConfig(foreignRule, oursJSON, catchAll), puts: 1, conflicts: 1},
		},
		"AlwaysUndone": {
			reason:  "A tunnel whose configuration is undone after every write fails with a conflict after the configured attempts.",
			trigger: afterPUT,
			times:   100,
			want:    want{config: tunnelConfig(foreignRule, theirs, catchAll), puts: 3, conflicts: 3, conflict: true},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed := tunnelSeed(tunnelConfig(foreignRule, catchAll), true)
			seed.Accounts = append(seed.Accounts, fakecloudflare.Account{ID: testAccount})
			f, err := fakecloudflare.New(seed.WithToken(testToken))
			if err != nil {
				t.Fatal(err)
			}
			il := &interleaver{f: f, next: f, trigger: tc.trigger, times: tc.times, config: tunnelConfig(foreignRule, theirs, catchAll)}
			srv, _ := serve(t, il.ServeHTTP)
			c, _, m := newTestClient(t, srv.URL+fakecloudflare.APIPrefix, withTunnelAttempts(3))

			_, err = c.UpdateTunnelIngress(context.Background(), testTunnel, func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, ours) })
			if diff := cmp.Diff(tc.want.conflict, IsConflict(err)); diff != "" {
				t.Errorf("\n%s\nIsConflict: -want, +got:\n%s\nerr: %v", tc.reason, diff, err)
			}
			if !tc.want.conflict && err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(normalize(t, tc.want.config), normalize(t, storedConfig(t, f))); diff != "" {
				t.Errorf("\n%s\nstored configuration: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.puts, f.WriteCount(fakecloudflare.OpTunnelConfigPut)); diff != "" {
				t.Errorf("\n%s\nour writes: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.conflicts, value(t, m.tunnelConflicts)); diff != "" {
				t.Errorf("\n%s\nconflicts counted: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestUpdateTunnelIngressConcurrent(t *testing.T) {
	// Fifty writers add their own rule to one tunnel at once. Run with -race.
	const writers = 50
	cases := map[string]struct {
		reason   string
		tokens   []string
		catchAll map[string]any
	}{
		"OneClient": {
			reason:   "Writers sharing a client are committed together and lose no rule.",
			tokens:   []string{testToken},
			catchAll: catchAll,
		},
		"TwoTokensOneAccount": {
			reason:   "Writers of two tokens of the same account share the tunnel's lock through the Registry and lose no rule.",
			tokens:   []string{testToken, "second-token-value"},
			catchAll: catchAll,
		},
		"StarCatchAll": {
			reason:   "With a \"*\" catch-all every writer's rule goes before it, and it stays the one catch-all.",
			tokens:   []string{testToken},
			catchAll: starCatchAll,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed := tunnelSeed(tunnelConfig(foreignRule, pathRule, tc.catchAll), true)
			for _, tok := range tc.tokens {
				seed = seed.WithToken(tok)
			}
			f, url := newFake(t, seed)
			reg := NewRegistry(withClock(newFakeClock()), withUnlimitedBudget())
			clients := make([]Client, len(tc.tokens))
			for i, tok := range tc.tokens {
				c, err := reg.ClientFor(context.Background(), Config{BaseURL: url, AccountID: testAccount, Token: tok})
				if err != nil {
					t.Fatal(err)
				}
				clients[i] = c
			}

			// The first commit's read is slow, so that every other writer
			// queues while it runs.
			if _, err := f.AddFault(fakecloudflare.Fault{Operation: fakecloudflare.OpTunnelConfigGet, Latency: 300 * time.Millisecond, Times: 1}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			for i := range writers {
				wg.Go(func() {
					r := IngressRule{Hostname: fmt.Sprintf("app%02d.example.com", i), Service: fmt.Sprintf("http://app%02d:80", i)}
					_, err := clients[i%len(clients)].UpdateTunnelIngress(context.Background(), testTunnel, func(rs []IngressRule) []IngressRule {
						return UpsertIngressRule(rs, r)
					})
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}

			cfg := storedConfig(t, f)
			ingress, _ := cfg["ingress"].([]any)
			hosts := map[string]bool{}
			for _, r := range ingress {
				m, _ := r.(map[string]any)
				h, _ := m["hostname"].(string)
				hosts[h] = true
			}
			for i := range writers {
				if h := fmt.Sprintf("app%02d.example.com", i); !hosts[h] {
					t.Errorf("\n%s\nrule for %s was lost", tc.reason, h)
				}
			}
			if diff := cmp.Diff(normalize(t, []any{foreignRule, pathRule}), normalize(t, ingress[:2])); diff != "" {
				t.Errorf("\n%s\nforeign rules: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(normalize(t, tc.catchAll), normalize(t, ingress[len(ingress)-1])); diff != "" {
				t.Errorf("\n%s\nlast rule: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(writers+3, len(ingress)); diff != "" {
				t.Errorf("\n%s\nrules: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(normalize(t, map[string]any{"enabled": true}), normalize(t, cfg["warp-routing"])); diff != "" {
				t.Errorf("\n%s\nwarp-routing: -want, +got:\n%s", tc.reason, diff)
			}
			// Writers that queue while a commit runs share the next one:
			// at most the first commit and one more per client.
			if n := f.WriteCount(fakecloudflare.OpTunnelConfigPut); n > 2*len(tc.tokens) {
				t.Errorf("\n%s\nwrites: want at most %d for %d writers (grouped), got %d", tc.reason, 2*len(tc.tokens), writers, n)
			}
		})
	}
}

func TestGetTunnelConfigurationCached(t *testing.T) {
	f, url := newFake(t, tunnelSeed(tunnelConfig(foreignRule, catchAll), true))
	c, _, _ := newTestClient(t, url)
	gets := func() int {
		n := 0
		for _, r := range f.Requests() {
			if r.Operation == fakecloudflare.OpTunnelConfigGet {
				n++
			}
		}
		return n
	}
	for range 20 {
		tc, err := c.GetTunnelConfiguration(context.Background(), testTunnel)
		if err != nil {
			t.Fatal(err)
		}
		// A caller changing what it got must not change the cache.
		tc.Ingress[0].Service = "changed"
		tc.Ingress[0].OriginRequest.Extra["matchSNItoHost"] = json.RawMessage("false")
	}
	if diff := cmp.Diff(1, gets()); diff != "" {
		t.Errorf("reads for 20 observers: -want, +got:\n%s", diff)
	}

	ours := IngressRule{Hostname: "new.example.com", Service: "http://new:80"}
	if _, err := c.UpdateTunnelIngress(context.Background(), testTunnel, func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, ours) }); err != nil {
		t.Fatal(err)
	}
	before := gets()
	tc, err := c.GetTunnelConfiguration(context.Background(), testTunnel)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, gets()); diff != "" {
		t.Errorf("a read after our write is served from what the write verified: -want, +got:\n%s", diff)
	}
	want := TunnelConfiguration{
		TunnelID: testTunnel,
		Version:  2,
		Source:   "cloudflare",
		Ingress: []IngressRule{
			{Hostname: "foreign.example.com", Service: "http://f:80", OriginRequest: &OriginRequest{NoTLSVerify: new(true), Extra: map[string]json.RawMessage{
				"matchSNItoHost": json.RawMessage("true"),
				"access":         json.RawMessage(`{"audTag":["x"],"required":true,"teamName":"t"}`),
			}}},
			ours,
			{Service: "http_status:404"},
		},
		Extra: map[string]json.RawMessage{
			"warp-routing":  json.RawMessage(`{"enabled":true}`),
			"originRequest": json.RawMessage(`{"connectTimeout":10}`),
		},
	}
	if diff := cmp.Diff(want, tc, cmp.Transformer("json", func(m json.RawMessage) any { return normalize(t, m) })); diff != "" {
		t.Errorf("GetTunnelConfiguration(...): -want, +got:\n%s", diff)
	}
}

func TestIngressRuleJSON(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     string
		want   IngressRule
	}{
		"Modelled": {
			reason: "Modelled fields are read into the struct.",
			in:     `{"hostname":"a.example.com","path":"/x","service":"http://a:80","originRequest":{"noTLSVerify":true,"connectTimeout":30,"httpHostHeader":"a"}}`,
			want:   IngressRule{Hostname: "a.example.com", Path: "/x", Service: "http://a:80", OriginRequest: &OriginRequest{NoTLSVerify: new(true), ConnectTimeout: new(int64(30)), HTTPHostHeader: "a"}},
		},
		"Unmodelled": {
			reason: "Keys we do not model, and modelled keys whose value does not fit, are kept as read.",
			in:     `{"hostname":"a.example.com","service":"http://a:80","id":"r1","originRequest":{"connectTimeout":"30s","matchSNItoHost":true,"access":{"required":true}}}`,
			want: IngressRule{
				Hostname: "a.example.com", Service: "http://a:80",
				Extra: map[string]json.RawMessage{"id": json.RawMessage(`"r1"`)},
				OriginRequest: &OriginRequest{Extra: map[string]json.RawMessage{
					"connectTimeout": json.RawMessage(`"30s"`), "matchSNItoHost": json.RawMessage("true"), "access": json.RawMessage(`{"required":true}`),
				}},
			},
		},
		"CatchAll": {
			reason: "A catch-all has no hostname and writes none.",
			in:     `{"service":"http_status:404"}`,
			want:   IngressRule{Service: "http_status:404"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := IngressRule{}
			if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\n%s\nUnmarshal: -want, +got:\n%s", tc.reason, diff)
			}
			out, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(normalize(t, json.RawMessage(tc.in)), normalize(t, json.RawMessage(out))); diff != "" {
				t.Errorf("\n%s\nMarshal does not give back what was read: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestUpsertAndRemoveIngressRule(t *testing.T) {
	a := IngressRule{Hostname: "a.example.com", Service: "http://a"}
	b := IngressRule{Hostname: "b.example.com", Service: "http://b"}
	bPath := IngressRule{Hostname: "b.example.com", Path: "/api", Service: "http://b-api"}
	extra := map[string]json.RawMessage{"matchSNItoHost": json.RawMessage("true")}
	cases := map[string]struct {
		reason string
		fn     func([]IngressRule) []IngressRule
		rules  []IngressRule
		want   []IngressRule
	}{
		"Append": {
			reason: "A rule for a new hostname is appended.",
			fn:     func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, b) },
			rules:  []IngressRule{a},
			want:   []IngressRule{a, b},
		},
		"ReplaceInPlace": {
			reason: "A rule for an existing hostname replaces it where it is, whatever the hostname's case.",
			fn: func(r []IngressRule) []IngressRule {
				return UpsertIngressRule(r, IngressRule{Hostname: "A.example.com", Service: "http://a2"})
			},
			rules: []IngressRule{a, b},
			want:  []IngressRule{{Hostname: "A.example.com", Service: "http://a2"}, b},
		},
		"PathIsPartOfTheKey": {
			reason: "A rule for the same hostname with another path is another rule.",
			fn:     func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, bPath) },
			rules:  []IngressRule{b},
			want:   []IngressRule{b, bPath},
		},
		"DuplicatesCollapse": {
			reason: "Duplicates of our rule are dropped; the first would shadow them anyway.",
			fn:     func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, a) },
			rules:  []IngressRule{a, b, a},
			want:   []IngressRule{a, b},
		},
		"KeepsUnmodelled": {
			reason: "Unmodelled originRequest keys of the replaced rule are kept.",
			fn:     func(r []IngressRule) []IngressRule { return UpsertIngressRule(r, a) },
			rules:  []IngressRule{{Hostname: "a.example.com", Service: "http://old", OriginRequest: &OriginRequest{Extra: extra}}},
			want:   []IngressRule{{Hostname: "a.example.com", Service: "http://a", OriginRequest: &OriginRequest{Extra: extra}}},
		},
		"Idempotent": {
			reason: "Upserting twice is upserting once, as UpdateTunnelIngress's verification needs.",
			fn: func(r []IngressRule) []IngressRule {
				return UpsertIngressRule(UpsertIngressRule(r, a), a)
			},
			rules: []IngressRule{{Hostname: "a.example.com", Service: "http://old", OriginRequest: &OriginRequest{Extra: extra}}, b},
			want:  []IngressRule{{Hostname: "a.example.com", Service: "http://a", OriginRequest: &OriginRequest{Extra: extra}}, b},
		},
		"Remove": {
			reason: "Removing drops only the rules for that hostname and path.",
			fn:     func(r []IngressRule) []IngressRule { return RemoveIngressRule(r, "b.example.com", "") },
			rules:  []IngressRule{a, b, bPath},
			want:   []IngressRule{a, bPath},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.fn(tc.rules), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestGetTunnel(t *testing.T) {
	type want struct {
		tunnel   Tunnel
		notFound bool
	}
	cases := map[string]struct {
		reason string
		id     string
		want   want
	}{
		"Found": {
			reason: "A tunnel is read with whether it is configured remotely.",
			id:     testTunnel,
			want:   want{tunnel: Tunnel{ID: testTunnel, Name: "home", Status: "healthy", RemoteConfig: true}},
		},
		"Missing": {
			reason: "A tunnel that does not exist is not found.",
			id:     "99999999-2222-3333-4444-555555555555",
			want:   want{notFound: true},
		},
	}
	_, url := newFake(t, tunnelSeed(nil, true))
	c, _, _ := newTestClient(t, url)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tn, err := c.GetTunnel(context.Background(), tc.id)
			got := want{tunnel: tn, notFound: IsNotFound(err)}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nGetTunnel(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
