package bench

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// benchRoutes is the size of the bench's short run in make test.
const benchRoutes = 10

// TestBench runs the bench's provider part once at 10 full routes, with a
// short poll interval and no steady state window, and checks what must
// always hold whatever the timings: every route's objects are present,
// nothing was refused with 429, each object was created once while
// provisioning and exists once, the report counts the same calls, and
// every drift made in the dashboard was repaired.
func TestBench(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider and starts etcd, kube-apiserver and the provider")
	}
	ctrllog.SetLogger(logr.Discard())
	bin, err := BuildProvider(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := Options{
		Progress:       t.Logf,
		ProviderBinary: bin,
		PollInterval:   10 * time.Second,
		CacheTTL:       5 * time.Second,
		SkipSteady:     true,
		DriftTimeout:   2 * time.Minute,
	}
	res, err := RunProvider(t.Context(), o, benchRoutes, Full)
	if err != nil {
		t.Fatal(err)
	}
	if res.Present != benchRoutes || res.Err != "" {
		t.Fatalf("%d of %d routes present (%s)", res.Present, benchRoutes, res.Err)
	}
	if len(res.Latencies) != benchRoutes {
		t.Errorf("%d latencies, want one per route: %d", len(res.Latencies), benchRoutes)
	}
	if res.RateLimited != 0 {
		t.Errorf("%d calls answered 429, want none", res.RateLimited)
	}
	if res.Lost != 0 {
		t.Errorf("the fake's log dropped %d calls before the bench read them", res.Lost)
	}

	hosts := hostnames(newRoutes("r", benchRoutes))
	checkCreatedOnce(t, res, hosts)
	checkFinal(t, res, hosts)
	checkSteps(t, res)

	// The report counts what the fake answered.
	total := 0
	for _, n := range res.Provision.ByOperation {
		total += n
	}
	if total != res.Provision.Total || total != len(res.provisioned) {
		t.Errorf("provisioning calls: %d by operation, %d in all, %d requests logged; want the same", total, res.Provision.Total, len(res.provisioned))
	}

	wantDrift := []string{DriftDNS, DriftTunnel, DriftApp}
	var gotDrift []string
	for _, d := range res.Drift {
		gotDrift = append(gotDrift, d.What)
		if d.Repaired == 0 {
			t.Errorf("%s: not repaired within %s", d.What, d.Timeout)
		}
	}
	if diff := cmp.Diff(wantDrift, gotDrift); diff != "" {
		t.Errorf("drift made: -want, +got:\n%s", diff)
	}

	var procs []string
	for _, m := range res.RSS {
		if m.Peak == 0 {
			t.Errorf("no peak resident set for %s", m.Process)
		}
		procs = append(procs, m.Process)
	}
	if got := strings.Join(procs, ", "); got != selfName+", etcd, kube-apiserver, provider" {
		t.Errorf("peak resident sets of %s, want the bench, etcd, kube-apiserver and the provider", got)
	}
}

// checkSteps checks that the request log shows every step of every route,
// each after the route's create.
func checkSteps(t *testing.T, res Result) {
	t.Helper()
	if len(res.Steps) != len(fullSteps) {
		t.Fatalf("%d steps, want %d", len(res.Steps), len(fullSteps))
	}
	for _, s := range res.Steps {
		if s.Missing != 0 || len(s.Since) != res.Routes || len(s.Wait) != res.Routes {
			t.Errorf("step %s: %d routes missing, %d times since the create and %d since what it waits for, want all %d routes", s.Name, s.Missing, len(s.Since), len(s.Wait), res.Routes)
		}
		for _, d := range append(slices.Clone(s.Since), s.Wait...) {
			if d < 0 {
				t.Errorf("step %s: %s, before what it waits for", s.Name, d)
			}
		}
	}
}

// checkCreatedOnce checks that each route's objects were created once
// while provisioning: a second create would be a duplicate in Cloudflare.
func checkCreatedOnce(t *testing.T, res Result, hosts []string) {
	t.Helper()
	want, got := map[string]int{}, map[string]int{}
	for _, h := range hosts {
		want[fakecloudflare.OpDNSRecordCreate+" "+h] = 1
		want[fakecloudflare.OpAccessAppCreate+" "+appName(h)] = 1
		want[fakecloudflare.OpServiceTokenCreate+" "+appName(h)] = 1
		want[fakecloudflare.OpAccessPolicyCreate+" "+allowPolicyName(h)] = 1
		want[fakecloudflare.OpAccessPolicyCreate+" "+tokenPolicyName(h)] = 1
	}
	creates := map[string]bool{
		fakecloudflare.OpDNSRecordCreate: true, fakecloudflare.OpAccessAppCreate: true,
		fakecloudflare.OpServiceTokenCreate: true, fakecloudflare.OpAccessPolicyCreate: true,
	}
	// A DNS batch's records count as the single creates they stand for.
	for _, r := range res.provisioned {
		for _, w := range r.Writes() {
			if creates[w.Operation] {
				got[w.Operation+" "+w.Object.Name]++
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("creates while provisioning, by operation and name: -want, +got:\n%s", diff)
	}
}

// checkFinal checks that, in the end, after the drift was repaired too,
// Cloudflare holds each route's objects once each.
func checkFinal(t *testing.T, res Result, hosts []string) {
	t.Helper()
	count := map[string]int{}
	for _, a := range res.final.AccessApps {
		count["app "+a.Name]++
	}
	for _, tk := range res.final.ServiceTokens {
		count["token "+tk.Name]++
	}
	for _, p := range res.final.AccessPolicies {
		count["policy "+p.Name]++
	}
	for _, r := range res.final.DNSRecords {
		count["record "+r.Name]++
	}
	for _, tn := range res.final.Tunnels {
		for _, r := range ingress(tn.Config) {
			if h, ok := r["hostname"].(string); ok {
				count["rule "+h]++
			}
		}
	}
	x := index(res.final)
	for _, h := range hosts {
		want := map[string]int{"rule": 1, "record": 1, "app": 1, "token": 1, "allow policy": 1, "token policy": 1}
		got := map[string]int{
			"rule": count["rule "+h], "record": count["record "+h], "app": count["app "+appName(h)], "token": count["token "+appName(h)],
			"allow policy": count["policy "+allowPolicyName(h)], "token policy": count["policy "+tokenPolicyName(h)],
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Cloudflare objects of %s at the end: -want, +got:\n%s", h, diff)
		}
		if !x.present(h, Full) {
			t.Errorf("Cloudflare objects of %s at the end: not all present, or the app does not use both policies", h)
		}
	}
}
