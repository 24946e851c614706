package bench

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

func TestPercentile(t *testing.T) {
	ds := func(secs ...int) []time.Duration {
		out := make([]time.Duration, len(secs))
		for i, s := range secs {
			out[i] = time.Duration(s) * time.Second
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i
	}
	cases := map[string]struct {
		reason string
		in     []time.Duration
		p      float64
		want   time.Duration
	}{
		"Empty":       {reason: "No latencies have no percentile.", in: nil, p: 50, want: 0},
		"One":         {reason: "One latency is every percentile.", in: ds(7), p: 99, want: 7 * time.Second},
		"MedianOdd":   {reason: "The median of an odd count is the middle value, whatever the order.", in: ds(5, 1, 3), p: 50, want: 3 * time.Second},
		"MedianEven":  {reason: "Nearest rank: the median of four is the second.", in: ds(4, 1, 3, 2), p: 50, want: 2 * time.Second},
		"P99OfTen":    {reason: "Nearest rank: the 99th percentile of ten is the largest.", in: ds(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), p: 99, want: 10 * time.Second},
		"P99Of100":    {reason: "Nearest rank: the 99th percentile of 100 is the 99th value.", in: ds(hundred...), p: 99, want: 99 * time.Second},
		"UnsortedP50": {reason: "The input need not be sorted.", in: ds(hundred...), p: 50, want: 50 * time.Second},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := percentile(tc.in, tc.p); got != tc.want {
				t.Errorf("%s\npercentile(..., %v) = %s, want %s", tc.reason, tc.p, got, tc.want)
			}
		})
	}
}

func TestSeconds(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     time.Duration
		want   string
	}{
		"Short":   {reason: "Under 100 s: seconds with one decimal.", in: 3450 * time.Millisecond, want: "3.5 s"},
		"Minutes": {reason: "From 100 s on: minutes and seconds.", in: 17*time.Minute + 4*time.Second + 400*time.Millisecond, want: "17m 04s"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := seconds(tc.in); got != tc.want {
				t.Errorf("%s\nseconds(%s) = %q, want %q", tc.reason, tc.in, got, tc.want)
			}
		})
	}
}

func TestRateFloor(t *testing.T) {
	// Four calls a second: 1,200 calls fill exactly one window.
	if got, want := rateFloor(1200), 5*time.Minute; got != want {
		t.Errorf("rateFloor(1200) = %s, want %s", got, want)
	}
}

// provider returns a provider result for the checks.
func provider(v Variant, routes, calls int, wall time.Duration, steadyPerMin int, repaired time.Duration, rss uint64) Result {
	lat := make([]time.Duration, routes)
	for i := range lat {
		lat[i] = wall
	}
	return Result{
		Scenario: "provider, " + string(v), Part: PartProvider, Variant: v, Routes: routes, Present: routes,
		Provision: Calls{Total: calls, ByOperation: map[string]int{"zones-get": calls}}, Wall: wall, Latencies: lat,
		Steady: Calls{Total: steadyPerMin * 2, ByOperation: map[string]int{"zones-get": steadyPerMin * 2}}, SteadyWindow: 2 * time.Minute,
		Drift:           []Drift{{What: DriftDNS, Repaired: repaired, Timeout: 10 * time.Minute}},
		RSS:             []Memory{{Process: selfName, Peak: 50 << 20}, {Process: "provider", Peak: rss}},
		RateLimitPolicy: `"default";q=1200;w=300`,
	}
}

// checkRows returns the done-when table of a report as figure: met.
func checkRows(md string) map[string]string {
	_, table, _ := strings.Cut(md, "## Done-when figures of the scale issue")
	out := map[string]string{}
	for line := range strings.SplitSeq(table, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 4 || cells[0] == "Figure" || strings.HasPrefix(cells[0], "---") {
			continue
		}
		out[cells[0]] = cells[3]
	}
	return out
}

func TestReportChecks(t *testing.T) {
	cfg := Config{PollInterval: time.Minute, CacheTTL: 15 * time.Second, CPUs: 2, Commit: "abc1234"}
	met := map[string]string{
		"A full route's calls while provisioning":                       "yes",
		"A full route's calls while provisioning, N=1,000 against N=10": "yes",
		"A tunnel rule + DNS route's calls while provisioning":          "yes",
		"Calls answered 429": "yes",
		"1,000 full routes provisioned, wall time against the rate floor": "yes",
		"Steady calls/min, full, N=1,000 against N=10":                    "yes",
		"Steady calls/min, tunnel-dns, N=1,000 against N=10":              "yes",
		"Drift repaired (DNS record, tunnel rule, Access app)":            "yes",
		"stack, 100 at once":           "yes",
		"stack, 20 one every 2s":       "yes",
		"Provider RSS at 1,000 routes": "yes",
	}
	good := []Result{
		provider(Full, 10, 38, 10*time.Second, 30, 40*time.Second, 60<<20),
		provider(Full, 1000, 4000, 1050*time.Second, 33, 70*time.Second, 140<<20),
		provider(TunnelDNS, 10, 5, 2*time.Second, 12, 30*time.Second, 50<<20),
		provider(TunnelDNS, 1000, 480, 130*time.Second, 12, 60*time.Second, 90<<20),
		{Scenario: "stack, 100 at once", Part: PartStackBurst, Variant: Full, Routes: 2, Present: 2, Latencies: []time.Duration{10 * time.Second, 40 * time.Second}, RateLimitPolicy: `"default";q=1200;w=300`},
		{Scenario: "stack, 20 one every 2s", Part: PartStackTrickle, Variant: Full, Routes: 1, Present: 1, Latencies: []time.Duration{4 * time.Second}, RateLimitPolicy: `"default";q=1200;w=300`},
	}
	bad := func(edit func(rs []Result)) []Result {
		rs := make([]Result, len(good))
		copy(rs, good)
		edit(rs)
		return rs
	}
	with := func(figure, verdict string) map[string]string {
		out := maps.Clone(met)
		out[figure] = verdict
		return out
	}
	cases := map[string]struct {
		reason  string
		results []Result
		want    map[string]string
	}{
		"AllMet": {
			reason:  "Figures within every limit are all met.",
			results: good,
			want:    met,
		},
		"NothingRun": {
			reason:  "Without results no figure can be said to be met.",
			results: nil,
			want: map[string]string{
				"A full route's calls while provisioning": notRun, "A full route's calls while provisioning, N=1,000 against N=10": notRun,
				"A tunnel rule + DNS route's calls while provisioning": notRun, "Calls answered 429": notRun,
				"1,000 full routes provisioned, wall time against the rate floor": notRun,
				"Steady calls/min, full, N=1,000 against N=10":                    notRun, "Steady calls/min, tunnel-dns, N=1,000 against N=10": notRun,
				"Drift repaired (DNS record, tunnel rule, Access app)": notRun, "Full stack, routes at once": notRun,
				"Full stack, one route every few seconds": notRun, "Provider RSS at 1,000 routes": notRun,
			},
		},
		"TooManyCalls": {
			reason: "More than four calls per full route is not met, and neither is the growth from 10 to 1,000 routes.",
			results: bad(func(rs []Result) {
				rs[1] = provider(Full, 1000, 5000, 1300*time.Second, 33, 70*time.Second, 140<<20)
			}),
			want: func() map[string]string {
				m := with("A full route's calls while provisioning", "no")
				m["A full route's calls while provisioning, N=1,000 against N=10"] = "no"
				return m
			}(),
		},
		"SlowProvisioning": {
			reason: "1,000 routes taking more than 1.25 times the rate floor are not met.",
			results: bad(func(rs []Result) {
				rs[1] = provider(Full, 1000, 4000, 1300*time.Second, 33, 70*time.Second, 140<<20)
			}),
			want: with("1,000 full routes provisioned, wall time against the rate floor", "no"),
		},
		"RateLimited": {
			reason: "A single 429 is not met.",
			results: bad(func(rs []Result) {
				rs[0].RateLimited = 1
			}),
			want: with("Calls answered 429", "no"),
		},
		"NoWindow": {
			reason: "Zero 429s from a fake that enforced no window say so.",
			results: bad(func(rs []Result) {
				rs[2].RateLimitPolicy = ""
			}),
			want: with("Calls answered 429", "yes (the fake enforced no window)"),
		},
		"DriftNotRepaired": {
			reason: "A drift not repaired at all is not met.",
			results: bad(func(rs []Result) {
				rs[3] = provider(TunnelDNS, 1000, 480, 130*time.Second, 12, 0, 90<<20)
			}),
			want: with("Drift repaired (DNS record, tunnel rule, Access app)", "no"),
		},
		"DriftTooSlow": {
			reason: "A drift repaired after poll interval plus cache TTL is not met.",
			results: bad(func(rs []Result) {
				rs[3] = provider(TunnelDNS, 1000, 480, 130*time.Second, 12, 80*time.Second, 90<<20)
			}),
			want: with("Drift repaired (DNS record, tunnel rule, Access app)", "no"),
		},
		"SteadyGrowth": {
			reason: "Steady calls growing more than 1.2 times from 10 to 1,000 routes is not met.",
			results: bad(func(rs []Result) {
				rs[1] = provider(Full, 1000, 4000, 1050*time.Second, 40, 70*time.Second, 140<<20)
			}),
			want: with("Steady calls/min, full, N=1,000 against N=10", "no"),
		},
		"StackSlow": {
			reason: "A p99 over 45 s of the routes created at once is not met.",
			results: bad(func(rs []Result) {
				rs[4].Latencies = []time.Duration{10 * time.Second, 50 * time.Second}
			}),
			want: with("stack, 100 at once", "no"),
		},
		"ProviderMemory": {
			reason: "A provider over 150 MiB at 1,000 routes is not met.",
			results: bad(func(rs []Result) {
				rs[3] = provider(TunnelDNS, 1000, 480, 130*time.Second, 12, 60*time.Second, 151<<20)
			}),
			want: with("Provider RSS at 1,000 routes", "no"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			md := Report{Config: cfg, Results: tc.results}.Markdown()
			if diff := cmp.Diff(tc.want, checkRows(md)); diff != "" {
				t.Errorf("%s\nReport.Markdown() done-when figures: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestReportTables(t *testing.T) {
	r := provider(Full, 10, 38, 10*time.Second, 30, 40*time.Second, 60<<20)
	r.Provision.ByOperation = map[string]int{"access-applications-add-an-application": 10, "zones-get": 28}
	r.KubeProvision = map[string]int{"APPLY dnsrecords": 30, "PUT dnsrecords/status": 25, "GET secrets": 9}
	r.KubeSteady = map[string]int{"PUT dnsrecords/status": 40, "GET secrets": 1}
	md := Report{Config: Config{PollInterval: time.Minute, CacheTTL: 15 * time.Second, Commit: "abc1234", Dirty: true, CPUs: 2}, Results: []Result{r}}.Markdown()
	for _, want := range []string{
		"- Commit: `abc1234` with uncommitted changes in the working tree\n",
		"- Cores: 2 (runtime.NumCPU)\n",
		"| provider, full | 10 | 10 | 3.80 | 10.0 s | 9.5 s | 10.0 s | 10.0 s | 30.0 | 40.0 s | — | — | 0 | 6.4 | 20.5 | 60 | bench (fake Cloudflare) 50 |\n",
		"| `access-applications-add-an-application` | 1.00 |\n",
		"| `zones-get` | 2.80 |\n",
		"| `zones-get` | 30.0 |\n",
		"| `APPLY dnsrecords` | 3.0 |\n",
		"| `PUT dnsrecords/status` | 2.5 |\n",
		"| `PUT dnsrecords/status` | 20.0 |\n",
	} {
		wantIn(t, "Report.Markdown()", md, want)
	}
	// Under 1 per route, or 1 a minute, a request is left out.
	for _, lacks := range []string{"| `GET secrets` |"} {
		if strings.Contains(md, lacks) {
			t.Errorf("Report.Markdown() has %q, under its table's least:\n%s", lacks, md)
		}
	}
}

// wantIn reports an error when text, from where, lacks want.
func wantIn(t *testing.T, where, text, want string) {
	t.Helper()
	if !strings.Contains(text, want) {
		t.Errorf("%s lacks %q:\n%s", where, want, text)
	}
}

func TestRouteSteps(t *testing.T) {
	t0 := time.Date(2026, time.March, 4, 5, 6, 7, 0, time.UTC)
	at := func(secs int) time.Time { return t0.Add(time.Duration(secs) * time.Second) }
	s := func(secs ...int) []time.Duration {
		out := make([]time.Duration, len(secs))
		for i, n := range secs {
			out[i] = time.Duration(n) * time.Second
		}
		return out
	}
	a, b, c := "a.example.com", "b.example.com", "c.example.com"
	write := func(secs int, op, name string) fakecloudflare.RequestRecord {
		return fakecloudflare.RequestRecord{At: at(secs), Method: "POST", Operation: op, Status: 200, Object: &fakecloudflare.ObjectRef{ID: "id-" + name, Name: name}}
	}
	tunnel := func(secs int, id string, hosts ...string) fakecloudflare.RequestRecord {
		return fakecloudflare.RequestRecord{At: at(secs), Method: "PUT", Operation: fakecloudflare.OpTunnelConfigPut, Status: 200, Object: &fakecloudflare.ObjectRef{ID: id, Name: "home", Hostnames: hosts}}
	}
	log := []fakecloudflare.RequestRecord{
		{At: at(1), Method: "GET", Operation: "zones-get", Status: 200},
		// A create that failed writes nothing.
		{At: at(1), Method: "POST", Operation: fakecloudflare.OpServiceTokenCreate, Status: 500},
		write(2, fakecloudflare.OpServiceTokenCreate, appName(a)),
		write(2, fakecloudflare.OpAccessPolicyCreate, allowPolicyName(b)),
		write(3, fakecloudflare.OpAccessPolicyCreate, allowPolicyName(a)),
		// Another tunnel's configuration is not the tunnel's.
		tunnel(3, "another-tunnel", b),
		{At: at(4), Method: "POST", Operation: fakecloudflare.OpDNSRecordsBatch, Status: 200, Batch: []fakecloudflare.Write{
			{Operation: fakecloudflare.OpDNSRecordCreate, Object: fakecloudflare.ObjectRef{ID: "r1", Name: a}},
			{Operation: fakecloudflare.OpDNSRecordCreate, Object: fakecloudflare.ObjectRef{ID: "r2", Name: b}},
		}},
		write(5, fakecloudflare.OpAccessPolicyCreate, tokenPolicyName(a)),
		write(6, fakecloudflare.OpServiceTokenCreate, appName(b)),
		write(7, fakecloudflare.OpServiceTokenCreate, appName(c)),
		write(9, fakecloudflare.OpAccessAppCreate, appName(a)),
		tunnel(12, tunnelID, a),
		// Only the first write of an object counts.
		write(20, fakecloudflare.OpAccessAppCreate, appName(a)),
		tunnel(30, tunnelID, a, b),
	}
	// b's token policy and app were never created; c was never created
	// itself, whatever the log holds of it.
	created := map[string]time.Time{a: at(0), b: at(1)}
	present := map[string]time.Time{a: at(13)}

	want := []Step{
		{Name: StepServiceToken, Since: s(2, 5), Wait: s(2, 5)},
		{Name: StepAllowPolicy, Since: s(3, 1), Wait: s(3, 1)},
		{Name: StepDNSRecord, Since: s(4, 3), Wait: s(4, 3)},
		{Name: StepTokenPolicy, After: []string{StepServiceToken}, Since: s(5), Wait: s(3), Missing: 1},
		{Name: StepApp, After: []string{StepAllowPolicy, StepTokenPolicy}, Since: s(9), Wait: s(4), Missing: 1},
		// b's rule was written, but not after an app: it has no wait.
		{Name: StepTunnelRule, After: []string{StepApp}, Since: s(12, 29), Wait: s(3)},
		{Name: StepPresent, After: []string{StepTunnelRule, StepDNSRecord}, Since: s(13), Wait: s(1), Missing: 1},
	}
	got := routeSteps(fullSteps, []string{a, b, c}, created, present, firstWrites(log))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("routeSteps(...): -want, +got:\n%s", diff)
	}
}

func TestReportSteps(t *testing.T) {
	s := func(secs ...float64) []time.Duration {
		out := make([]time.Duration, len(secs))
		for i, n := range secs {
			out[i] = time.Duration(n * float64(time.Second))
		}
		return out
	}
	steps := func(scale float64) []Step {
		out := make([]Step, len(fullSteps))
		for i, d := range fullSteps {
			n := scale * float64(i+1)
			out[i] = Step{Name: d.name, After: d.after, Since: s(n, 2*n, 3*n), Wait: s(n/2, n, 150)}
		}
		out[4].Missing = 2
		return out
	}
	prov := provider(Full, 10, 38, 10*time.Second, 30, 40*time.Second, 60<<20)
	prov.Steps = steps(100)
	burst := Result{Scenario: "stack, 100 at once", Part: PartStackBurst, Variant: Full, Routes: 3, Present: 3, Steps: steps(1)}
	trickle := Result{Scenario: "stack, 20 one every 2s", Part: PartStackTrickle, Variant: Full, Routes: 3, Present: 3, Steps: steps(2)}
	md := Report{Config: Config{PollInterval: time.Minute, CacheTTL: 15 * time.Second}, Results: []Result{prov, burst, trickle}}.Markdown()

	_, table, ok := strings.Cut(md, "## Where the time goes in the full stack\n")
	if !ok {
		t.Fatalf("Report.Markdown() has no table of where the time goes:\n%s", md)
	}
	table, _, _ = strings.Cut(table, "## Done-when")
	for _, want := range []string{
		"| Step | Waits for | stack, 100 at once: p50 | p99 | after what it waits for: p50 | p99 | stack, 20 one every 2s: p50 | p99 | after what it waits for: p50 | p99 |\n" +
			"|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n" +
			"| service token created | the create | 2.0 s | 3.0 s | 1.0 s | 2m 30s | 4.0 s | 6.0 s | 2.0 s | 2m 30s |\n",
		"| Access app created | allow policy created, token policy created | 10.0 s | 15.0 s | 5.0 s | 2m 30s | 20.0 s | 30.0 s | 10.0 s | 2m 30s |\n",
		"| all present | tunnel rule written, DNS record created | 14.0 s | 21.0 s | 7.0 s | 2m 30s | 28.0 s | 42.0 s | 14.0 s | 2m 30s |\n\n",
		"- stack, 100 at once: 2 of 3 routes lack Access app created\n",
		"- stack, 20 one every 2s: 2 of 3 routes lack Access app created\n",
	} {
		wantIn(t, "the table of where the time goes", table, want)
	}
	if strings.Contains(table, "provider, full") || strings.Contains(table, "200.0 s") {
		t.Errorf("the table of where the time goes shows the provider part, which has no HTTPRoutes:\n%s", table)
	}
	if got := strings.Count(table, "\n| "); got != 1+len(fullSteps) {
		t.Errorf("the table of where the time goes has %d rows, want a header and one per step: %d", got, 1+len(fullSteps))
	}

	md = Report{Config: Config{PollInterval: time.Minute, CacheTTL: 15 * time.Second}, Results: []Result{prov}}.Markdown()
	if strings.Contains(md, "Where the time goes") {
		t.Errorf("Report.Markdown() without a full stack row has a table of where the time goes:\n%s", md)
	}
}
