package bench

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// Cloudflare's window: 1,200 calls per five minutes per user.
const (
	windowCalls = 1200
	windowSpan  = 5 * time.Minute
)

// A Report is the tables of a run.
type Report struct {
	Config  Config
	Results []Result
}

// percentile returns the p-th percentile (0 < p <= 100) of ds by the
// nearest-rank method, zero when ds is empty.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// rateFloor is the least time Cloudflare's window allows for calls.
func rateFloor(calls int) time.Duration {
	return time.Duration(float64(calls) * float64(windowSpan) / windowCalls)
}

// seconds formats a duration for the tables: seconds with one decimal up to
// 100 s, minutes and seconds above.
func seconds(d time.Duration) string {
	if d < 100*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
}

func perRoute(calls, routes int) float64 {
	if routes == 0 {
		return 0
	}
	return float64(calls) / float64(routes)
}

func perMinute(calls int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(calls) / d.Minutes()
}

// memory returns the peak resident set of a process of the result, and
// whether it was read.
func (r Result) memory(process string) (uint64, bool) {
	for _, m := range r.RSS {
		if m.Process == process {
			return m.Peak, true
		}
	}
	return 0, false
}

// drift returns the repair of one kind of drift, and whether it was made.
func (r Result) drift(what string) (Drift, bool) {
	for _, d := range r.Drift {
		if d.What == what {
			return d, true
		}
	}
	return Drift{}, false
}

func (d Drift) String() string {
	if d.Repaired == 0 {
		return "not within " + seconds(d.Timeout)
	}
	return seconds(d.Repaired)
}

// Markdown returns the report: a header, the table of scenarios, the calls
// by operation while provisioning and in steady state, where the time of
// the full stack's routes goes, and the done-when checks.
func (rp Report) Markdown() string {
	var b strings.Builder
	rp.header(&b)
	rp.scenarios(&b)
	rp.byOperation(&b, "Calls per route by operation while provisioning", func(r Result) (map[string]int, float64, bool) {
		return r.Provision.ByOperation, float64(r.Routes), r.Provision.Total > 0
	}, "%.2f", 0)
	rp.byOperation(&b, "Calls per minute by operation in steady state", func(r Result) (map[string]int, float64, bool) {
		return r.Steady.ByOperation, r.SteadyWindow.Minutes(), r.SteadyWindow > 0
	}, "%.1f", 0)
	rp.byOperation(&b, "Kubernetes API requests per route while provisioning, those of at least 1 per route", func(r Result) (map[string]int, float64, bool) {
		return r.KubeProvision, float64(r.Routes), len(r.KubeProvision) > 0
	}, "%.1f", 1)
	rp.byOperation(&b, "Kubernetes API requests per minute in steady state, those of at least 1 a minute", func(r Result) (map[string]int, float64, bool) {
		return r.KubeSteady, r.SteadyWindow.Minutes(), r.SteadyWindow > 0 && r.KubeSteady != nil
	}, "%.1f", 1)
	rp.steps(&b)
	rp.checks(&b)
	return b.String()
}

func (rp Report) header(b *strings.Builder) {
	c := rp.Config
	fmt.Fprintf(b, "# Scale benchmark\n\n")
	fmt.Fprintf(b, "Written by `make bench` (test/bench). Run on %s.\n\n", c.Date.UTC().Format("2006-01-02 15:04 MST"))
	commit := "`" + c.Commit + "`"
	if c.Dirty {
		commit += " with uncommitted changes in the working tree"
	}
	fmt.Fprintf(b, "- Commit: %s\n", commit)
	fmt.Fprintf(b, "- Cores: %d (runtime.NumCPU)\n", c.CPUs)
	fmt.Fprintf(b, "- Provider part: the provider binary built from the tree, `--poll-interval=%s --cache-ttl=%s`, its defaults otherwise, against the fake Cloudflare API on a real kube-apiserver and etcd; a fresh control plane, fake and provider per row\n", c.PollInterval, c.CacheTTL)
	if c.StackPollInterval > 0 {
		fmt.Fprintf(b, "- Full stack part: Crossplane core, the packages of `make xpkg`, the function and the provider (`--debug`) of test/e2e/stack with poll interval %s and cache TTL %s; its two rows run one after the other on the same processes, the second once the first's calls have left the rate window, so the second row's peak memory covers both\n", c.StackPollInterval, c.StackCacheTTL)
	}
	var policies []string
	for _, r := range rp.Results {
		if !slices.Contains(policies, r.RateLimitPolicy) {
			policies = append(policies, r.RateLimitPolicy)
		}
	}
	for _, p := range policies {
		if p == "" {
			fmt.Fprintf(b, "- Rate limit: the fake sent no `Ratelimit-Policy`, so it enforced no window\n")
			continue
		}
		fmt.Fprintf(b, "- Rate limit: the fake answered `Ratelimit-Policy: %s`\n", p)
	}
	if c.Steady > 0 {
		fmt.Fprintf(b, "- Steady state: calls counted over %s, starting %s after the last route was present\n", c.Steady, c.Settle)
	}
	fmt.Fprintf(b, "- A route is present when Cloudflare holds its tunnel rule and DNS record and, for a full route, its Access app, allow policy, service token and token policy, with the app using both policies. Latency is from a route's first create (of its managed resources, or of its HTTPRoute) to present; wall time from the first create to the last route present; the rate floor is the provisioning calls ÷ (1,200 per 5 min)\n")
	fmt.Fprintf(b, "- Drift: one route's DNS record deleted, another's tunnel rule removed and a third's Access app deleted at once in the dashboard; time until each is back\n")
	fmt.Fprintf(b, "- RSS is the peak resident set (VmHWM) in MiB; the bench process hosts the fake Cloudflare API (and, in the full stack, the package registry)\n\n")
}

func (rp Report) scenarios(b *strings.Builder) {
	fmt.Fprintf(b, "## Scenarios\n\n")
	fmt.Fprintf(b, "| Scenario | Routes | Present | Calls/route provisioning | Wall | Rate floor | p50 | p99 | Steady calls/min | Drift: %s | Drift: %s | Drift: %s | 429s | Kubernetes API requests/route provisioning | Kubernetes API requests/min steady | Provider RSS | Other RSS |\n", DriftDNS, DriftTunnel, DriftApp)
	fmt.Fprintf(b, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, r := range rp.Results {
		steady, kubeSteady, kubeProvision := "—", "—", "—"
		if r.SteadyWindow > 0 {
			steady = fmt.Sprintf("%.1f", perMinute(r.Steady.Total, r.SteadyWindow))
			if r.KubeSteady != nil {
				kubeSteady = fmt.Sprintf("%.1f", perMinute(total(r.KubeSteady), r.SteadyWindow))
			}
		}
		if r.KubeProvision != nil {
			kubeProvision = fmt.Sprintf("%.1f", perRoute(total(r.KubeProvision), r.Routes))
		}
		drift := make([]string, 0, 3)
		for _, what := range []string{DriftDNS, DriftTunnel, DriftApp} {
			if d, ok := r.drift(what); ok {
				drift = append(drift, d.String())
				continue
			}
			drift = append(drift, "—")
		}
		provider := "—"
		var other []string
		for _, m := range r.RSS {
			if m.Process == "provider" {
				provider = mib(m.Peak)
				continue
			}
			other = append(other, m.Process+" "+mib(m.Peak))
		}
		fmt.Fprintf(b, "| %s | %d | %d | %.2f | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s |\n",
			r.Scenario, r.Routes, r.Present, perRoute(r.Provision.Total, r.Routes), seconds(r.Wall), seconds(rateFloor(r.Provision.Total)),
			seconds(percentile(r.Latencies, 50)), seconds(percentile(r.Latencies, 99)), steady,
			strings.Join(drift, " | "), r.RateLimited, kubeProvision, kubeSteady, provider, strings.Join(other, ", "))
	}
	fmt.Fprintln(b)
	for _, r := range rp.Results {
		if r.Err != "" {
			fmt.Fprintf(b, "- %s, %d routes: %s\n", r.Scenario, r.Routes, r.Err)
		}
		if r.Lost > 0 {
			fmt.Fprintf(b, "- %s, %d routes: the fake's request log dropped %d calls before the bench read them; the counts are short by as many\n", r.Scenario, r.Routes, r.Lost)
		}
	}
	fmt.Fprintln(b)
}

// byOperation writes a table of calls by operation, one column per result
// that has any: of returns the counts, what to divide them by and whether
// the result has them. An operation is left out when it is under least in
// every column.
func (rp Report) byOperation(b *strings.Builder, title string, of func(Result) (map[string]int, float64, bool), format string, least float64) {
	var cols []Result
	ops := map[string]bool{}
	for _, r := range rp.Results {
		counts, _, ok := of(r)
		if !ok {
			continue
		}
		cols = append(cols, r)
		_, div, _ := of(r)
		for op, n := range counts {
			if float64(n)/div >= least {
				ops[op] = true
			}
		}
	}
	if len(cols) == 0 {
		return
	}
	fmt.Fprintf(b, "## %s\n\n| Operation |", title)
	for _, r := range cols {
		fmt.Fprintf(b, " %s, %d |", r.Scenario, r.Routes)
	}
	fmt.Fprintf(b, "\n|---|%s\n", strings.Repeat("--:|", len(cols)))
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		fmt.Fprintf(b, "| `%s` |", op)
		for _, r := range cols {
			counts, div, _ := of(r)
			if counts[op] == 0 {
				fmt.Fprintf(b, " — |")
				continue
			}
			fmt.Fprintf(b, " "+format+" |", float64(counts[op])/div)
		}
		fmt.Fprintln(b)
	}
	fmt.Fprintln(b)
}

// find returns the result of a part, variant and number of routes.
func (rp Report) find(part string, v Variant, routes int) (Result, bool) {
	for _, r := range rp.Results {
		if r.Part == part && r.Variant == v && (routes == 0 || r.Routes == routes) {
			return r, true
		}
	}
	return Result{}, false
}

// A check is one done-when figure of the scale issue.
type check struct {
	figure   string
	measured string
	limit    string
	met      string // yes, no, or why it cannot say
}

const notRun = "not run"

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

func (rp Report) checks(b *strings.Builder) {
	cs := []check{
		rp.callsPerRoute(Full, 4, "A full route's calls while provisioning"),
		rp.callsPerRouteGrowth(),
		rp.callsPerRoute(TunnelDNS, 0.5, "A tunnel rule + DNS route's calls while provisioning"),
		rp.noRateLimited(),
		rp.provisionedWithinWindow(),
		rp.steadyGrowth(Full),
		rp.steadyGrowth(TunnelDNS),
		rp.driftWithinWindow(),
		rp.stackLatency(PartStackBurst, "Full stack, routes at once", 15*time.Second, 45*time.Second),
		rp.stackLatency(PartStackTrickle, "Full stack, one route every few seconds", 5*time.Second, 0),
		rp.providerMemory(),
	}
	fmt.Fprintf(b, "## Done-when figures of the scale issue\n\n| Figure | Measured | Limit | Met |\n|---|---|---|---|\n")
	for _, c := range cs {
		if c.measured == "" {
			c.measured = "—"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", c.figure, c.measured, c.limit, c.met)
	}
}

// providerResults returns the provider results of a variant by routes.
func (rp Report) providerResults(v Variant) []Result {
	var out []Result
	for _, r := range rp.Results {
		if r.Part == PartProvider && r.Variant == v {
			out = append(out, r)
		}
	}
	return out
}

func (rp Report) callsPerRoute(v Variant, limit float64, figure string) check {
	c := check{figure: figure, limit: fmt.Sprintf("≤ %g per route at every N", limit), met: notRun}
	rs := rp.providerResults(v)
	if len(rs) == 0 {
		return c
	}
	ok := true
	var m []string
	for _, r := range rs {
		n := perRoute(r.Provision.Total, r.Routes)
		m = append(m, fmt.Sprintf("N=%d: %.2f", r.Routes, n))
		ok = ok && n <= limit && r.Present == r.Routes
	}
	c.measured, c.met = strings.Join(m, ", "), verdict(ok)
	return c
}

func (rp Report) callsPerRouteGrowth() check {
	c := check{figure: "A full route's calls while provisioning, N=1,000 against N=10", limit: "≤ 1.2×", met: notRun}
	small, ok1 := rp.find(PartProvider, Full, 10)
	large, ok2 := rp.find(PartProvider, Full, 1000)
	if !ok1 || !ok2 || small.Provision.Total == 0 {
		return c
	}
	ratio := perRoute(large.Provision.Total, large.Routes) / perRoute(small.Provision.Total, small.Routes)
	c.measured, c.met = fmt.Sprintf("%.2f×", ratio), verdict(ratio <= 1.2)
	return c
}

func (rp Report) noRateLimited() check {
	c := check{figure: "Calls answered 429", limit: "0", met: notRun}
	if len(rp.Results) == 0 {
		return c
	}
	n, enforced := 0, true
	for _, r := range rp.Results {
		n += r.RateLimited
		enforced = enforced && r.RateLimitPolicy != ""
	}
	c.measured, c.met = fmt.Sprint(n), verdict(n == 0)
	if !enforced {
		c.met += " (the fake enforced no window)"
	}
	return c
}

func (rp Report) provisionedWithinWindow() check {
	c := check{figure: "1,000 full routes provisioned, wall time against the rate floor", limit: "≤ 1.25×", met: notRun}
	r, ok := rp.find(PartProvider, Full, 1000)
	if !ok || r.Provision.Total == 0 {
		return c
	}
	ratio := r.Wall.Seconds() / rateFloor(r.Provision.Total).Seconds()
	c.measured = fmt.Sprintf("%s for %d calls, floor %s: %.2f×", seconds(r.Wall), r.Provision.Total, seconds(rateFloor(r.Provision.Total)), ratio)
	c.met = verdict(ratio <= 1.25 && r.Present == r.Routes)
	return c
}

func (rp Report) steadyGrowth(v Variant) check {
	c := check{figure: fmt.Sprintf("Steady calls/min, %s, N=1,000 against N=10", v), limit: "≤ 1.2×", met: notRun}
	small, ok1 := rp.find(PartProvider, v, 10)
	large, ok2 := rp.find(PartProvider, v, 1000)
	if !ok1 || !ok2 || small.SteadyWindow == 0 || large.SteadyWindow == 0 {
		return c
	}
	s, l := perMinute(small.Steady.Total, small.SteadyWindow), perMinute(large.Steady.Total, large.SteadyWindow)
	c.measured = fmt.Sprintf("%.1f against %.1f", l, s)
	if s == 0 {
		c.met = verdict(l == 0)
		return c
	}
	c.measured += fmt.Sprintf(": %.2f×", l/s)
	c.met = verdict(l/s <= 1.2)
	return c
}

func (rp Report) driftWithinWindow() check {
	window := rp.Config.PollInterval + rp.Config.CacheTTL
	c := check{figure: "Drift repaired (DNS record, tunnel rule, Access app)", limit: "≤ poll interval + cache TTL = " + seconds(window) + " at every N", met: notRun}
	var slowest time.Duration
	seen, ok := false, true
	for _, r := range rp.Results {
		if r.Part != PartProvider {
			continue
		}
		for _, d := range r.Drift {
			seen = true
			if d.Repaired == 0 {
				ok = false
				slowest = max(slowest, d.Timeout)
				continue
			}
			slowest = max(slowest, d.Repaired)
			ok = ok && d.Repaired <= window
		}
	}
	if !seen {
		return c
	}
	c.measured, c.met = "slowest "+seconds(slowest), verdict(ok)
	return c
}

func (rp Report) stackLatency(part, figure string, p50, p99 time.Duration) check {
	limit := "p50 ≤ " + seconds(p50)
	if p99 > 0 {
		limit += ", p99 ≤ " + seconds(p99)
	}
	c := check{figure: figure, limit: limit, met: notRun}
	r, ok := rp.find(part, Full, 0)
	if !ok {
		return c
	}
	c.figure = r.Scenario
	g50, g99 := percentile(r.Latencies, 50), percentile(r.Latencies, 99)
	c.measured = "p50 " + seconds(g50) + ", p99 " + seconds(g99)
	c.met = verdict(r.Present == r.Routes && g50 <= p50 && (p99 == 0 || g99 <= p99))
	return c
}

func (rp Report) providerMemory() check {
	const limit = 150 << 20
	c := check{figure: "Provider RSS at 1,000 routes", limit: "≤ 150 MiB", met: notRun}
	var m []string
	ok, seen := true, false
	for _, v := range Variants {
		r, found := rp.find(PartProvider, v, 1000)
		if !found {
			continue
		}
		hwm, read := r.memory("provider")
		if !read {
			continue
		}
		seen = true
		m = append(m, fmt.Sprintf("%s: %s MiB", v, mib(hwm)))
		ok = ok && hwm <= limit
	}
	if !seen {
		return c
	}
	c.measured, c.met = strings.Join(m, ", "), verdict(ok)
	return c
}

// steps writes the table of where the time of the full stack's routes
// goes: per step, the p50 and p99 from the routes' create and from what
// each step waits for.
func (rp Report) steps(b *strings.Builder) {
	var cols []Result
	for _, r := range rp.Results {
		if r.Part != PartProvider && len(r.Steps) > 0 {
			cols = append(cols, r)
		}
	}
	if len(cols) == 0 {
		return
	}
	fmt.Fprintf(b, "## Where the time goes in the full stack\n\n")
	fmt.Fprintf(b, "Per route, from its HTTPRoute create to the API server creating its claim, its composite and its DNSRecord (their creationTimestamp, which is to the second, so these three are measured from the second of the create), to the first successful Cloudflare write of each of its objects (a DNS record in a DNS batch, a tunnel rule in a write of the tunnel's configuration), and to the bench seeing all of them present; and from the last step each one waits for. p50 and p99 over the routes.\n\n")
	fmt.Fprintf(b, "| Step | Waits for |")
	for _, r := range cols {
		fmt.Fprintf(b, " %s: p50 | p99 | after what it waits for: p50 | p99 |", r.Scenario)
	}
	fmt.Fprintf(b, "\n|---|---|%s\n", strings.Repeat("--:|", 4*len(cols)))
	// Rows in the order of the result with the most steps; a result
	// without a step shows a dash.
	rows := slices.MaxFunc(cols, func(a, b Result) int { return len(a.Steps) - len(b.Steps) }).Steps
	for _, s := range rows {
		after := "the create"
		if len(s.After) > 0 {
			after = strings.Join(s.After, ", ")
		}
		fmt.Fprintf(b, "| %s | %s |", s.Name, after)
		for _, r := range cols {
			i := slices.IndexFunc(r.Steps, func(st Step) bool { return st.Name == s.Name })
			if i < 0 {
				fmt.Fprintf(b, " — | — | — | — |")
				continue
			}
			st := r.Steps[i]
			fmt.Fprintf(b, " %s | %s | %s | %s |", optSeconds(st.Since, 50), optSeconds(st.Since, 99), optSeconds(st.Wait, 50), optSeconds(st.Wait, 99))
		}
		fmt.Fprintln(b)
	}
	fmt.Fprintln(b)
	for _, r := range cols {
		for _, s := range r.Steps {
			if s.Missing > 0 {
				fmt.Fprintf(b, "- %s: %d of %d routes lack %s\n", r.Scenario, s.Missing, r.Routes, s.Name)
			}
		}
	}
	if slices.ContainsFunc(cols, func(r Result) bool {
		return slices.ContainsFunc(r.Steps, func(s Step) bool { return s.Missing > 0 })
	}) {
		fmt.Fprintln(b)
	}
}

// optSeconds formats the p-th percentile of ds, a dash when ds is empty.
func optSeconds(ds []time.Duration, p float64) string {
	if len(ds) == 0 {
		return "—"
	}
	return seconds(percentile(ds, p))
}
