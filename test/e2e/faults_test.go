package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"

	"github.com/cfzt/cfzt/test/e2e/stack"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// Environment variables of the fault campaign.
const (
	// envChaosRoutes sets how many routes the campaign publishes; make
	// chaos sets 50. The default fits make test on a two-core machine.
	envChaosRoutes = "E2E_CHAOS_ROUTES"
	// envChaosSeed seeds the moments of the kills, to replay a campaign;
	// it is logged.
	envChaosSeed = "E2E_CHAOS_SEED"
)

// defaultChaosRoutes is the campaign's size in make test.
const defaultChaosRoutes = 12

// Timeouts of the fault tests.
const (
	// crashRecoverTimeout is how soon after the last restart of the
	// provider every route of TestProviderCrashMidCreate is published.
	crashRecoverTimeout = 2 * time.Minute
	// heldCreateTimeout bounds the wait for the provider's next create.
	heldCreateTimeout = 2 * time.Minute
	// createHold is how long the fake holds back its answer to a create
	// after doing it: the provider is killed in between.
	createHold = 10 * time.Second
	// chaosCreateHold is the same during the campaign: long enough for a
	// random kill to land mid-create now and then.
	chaosCreateHold = time.Second
)

// faultStacks is the stack the fault tests crash and restart.
var faultStacks struct {
	sync.Mutex
	s *stack.Stack
}

// faultStack returns the stack of the fault tests, starting it on first use.
// It runs until stopFaultStack or the end of the tests; each fault test
// deletes the routes it made.
func faultStack(t *testing.T) *stack.Stack {
	t.Helper()
	o := stack.Options{Provider: true}
	requireStack(t, o)
	faultStacks.Lock()
	defer faultStacks.Unlock()
	if faultStacks.s == nil {
		o.Progress = progressf
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		s, err := stack.New(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		track(s)
		faultStacks.s = s
	}
	s := faultStacks.s
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("stack logs:\n%s", s.LogTails(60))
		}
	})
	return s
}

// stopFaultStack stops the stack of the fault tests, if it runs.
func stopFaultStack(t *testing.T) {
	t.Helper()
	faultStacks.Lock()
	defer faultStacks.Unlock()
	if faultStacks.s == nil {
		return
	}
	if err := faultStacks.s.Stop(); err != nil {
		t.Error(err)
	}
	faultStacks.s = nil
}

// isCreate selects the requests that create a Cloudflare object: a DNS
// record, an Access application or policy, a service token.
func isCreate(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	p := r.URL.Path
	return strings.HasSuffix(p, "/dns_records") || strings.HasSuffix(p, "/access/apps") ||
		strings.HasSuffix(p, "/access/policies") || strings.HasSuffix(p, "/access/service_tokens")
}

// TestProviderCrashMidCreate kills the provider twice right after Cloudflare
// did a create whose answer the provider is still waiting for: the object
// exists, the managed resource does not know its ID, and its annotation
// crossplane.io/external-create-pending has no result. Nobody touches an
// annotation, yet within two minutes of the last restart every route is
// published, with no Cloudflare object created twice.
func TestProviderCrashMidCreate(t *testing.T) {
	s := faultStack(t)
	setupExamples(t, s)
	rec := record(t, s)
	routes := chaosRoutes("e2e-crash", "crash", 10)
	if err := s.CreateNamespaces(t.Context(), "e2e-crash"); err != nil {
		t.Fatal(err)
	}

	hold := s.HoldReplies(isCreate, createHold)
	defer hold.Release()
	applyRoutes(t, s, routes)
	var lastRestart time.Time
	for i := range 2 {
		select {
		case req := <-hold.Held():
			n, err := incompleteCreates(t.Context(), s.Client())
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("crash %d: Cloudflare did %s; killing the provider with %d creates done but not answered, %d managed resources with annotation %s newer than any result", i+1, req, hold.InFlight(), n, meta.AnnotationKeyExternalCreatePending)
		case <-time.After(heldCreateTimeout):
			t.Fatalf("crash %d: the provider made no create within %s", i+1, heldCreateTimeout)
		}
		if err := s.Kill(stack.Provider, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// The next crash follows a create of the restarted provider.
		drain(hold.Held())
		if i == 1 {
			hold.Release()
		}
		if err := s.Start(t.Context(), stack.Provider); err != nil {
			t.Fatal(err)
		}
		lastRestart = time.Now()
	}

	waitPublished(t, s, routes, crashRecoverTimeout-time.Since(lastRestart), "every route published after the provider crashed twice mid-create")
	stale, err := incompleteCreates(t.Context(), s.Client())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("published %s after the provider's last restart; %d managed resources keep an annotation %s newer than any result", time.Since(lastRestart).Round(100*time.Millisecond), stale, meta.AnnotationKeyExternalCreatePending)
	rp := rec.replay()
	checkReplay(t, rp)
	t.Logf("Cloudflare objects created: %v; %s", rp.creates, rec.count(0, 0))
	messages, err := conditionMessages(t.Context(), s.Client())
	if err != nil {
		t.Fatal(err)
	}

	deleteRoutes(t, s, routes, readyTimeout)
	if left := rec.leftovers(); len(left) > 0 {
		t.Errorf("after the routes were deleted Cloudflare still holds:\n%s", strings.Join(left, "\n"))
	}
	checkUntouched(t, rec, "")
	checkReplay(t, rec.replay())
	checkNoSecrets(t, s, rec, messages)
}

// drain empties a channel.
func drain(c <-chan string) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// A campaignSize is how hard the campaign pushes.
type campaignSize struct {
	routes        int
	providerKills int
	functionKills int
	coreRestarts  int
	// window is how long the faults and the kills last.
	window time.Duration
	// recover bounds the wait for every route to be published once the
	// faults stop.
	recover time.Duration
}

func chaosSize(t *testing.T) campaignSize {
	t.Helper()
	n := defaultChaosRoutes
	if v := os.Getenv(envChaosRoutes); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < routeKinds || n > 250 {
			t.Fatalf("%s=%q: want a number of routes from %d to 250", envChaosRoutes, v, routeKinds)
		}
	}
	return campaignSize{
		routes:        n,
		providerKills: max(5, n/5),
		functionKills: max(2, n/20),
		coreRestarts:  max(1, n/40),
		// About as long as creating the routes takes under the faults and
		// kills, so that some are left to recover once they stop.
		window:  20*time.Second + time.Duration(n)*time.Second,
		recover: 3*time.Minute + time.Duration(n)*3*time.Second,
	}
}

// A chaosEvent kills a component of the stack at a moment of the campaign
// and starts it again after a while.
type chaosEvent struct {
	at   time.Duration
	c    stack.Component
	sig  syscall.Signal
	down time.Duration
}

// schedule returns the kills of a campaign at random moments of its window,
// in time order.
func schedule(rng *rand.Rand, sz campaignSize) []chaosEvent {
	var evs []chaosEvent
	add := func(n int, c stack.Component, sig func(i int) syscall.Signal) {
		for i := range n {
			evs = append(evs, chaosEvent{
				at:   2*time.Second + time.Duration(rng.Int64N(int64(sz.window-10*time.Second))),
				c:    c,
				sig:  sig(i),
				down: time.Duration(rng.Int64N(int64(2 * time.Second))),
			})
		}
	}
	add(sz.providerKills, stack.Provider, func(int) syscall.Signal { return syscall.SIGKILL })
	add(sz.functionKills, stack.Function, func(int) syscall.Signal { return syscall.SIGKILL })
	// Crossplane core crashes, and is restarted as an upgrade would.
	add(sz.coreRestarts, stack.Crossplane, func(i int) syscall.Signal {
		if i%2 == 0 {
			return syscall.SIGKILL
		}
		return syscall.SIGTERM
	})
	slices.SortFunc(evs, func(a, b chaosEvent) int { return int(a.at - b.at) })
	return evs
}

// chaosFaults answer about one request in five with a fault.
var chaosFaults = []fakecloudflare.Fault{
	{Status: http.StatusTooManyRequests, RetryAfter: time.Second, Probability: 0.07},
	{Status: http.StatusServiceUnavailable, Probability: 0.07},
	{Latency: 2 * time.Second, Probability: 0.06},
}

// TestFaultCampaign publishes routes of every kind at once while the fake
// Cloudflare API answers about one request in five with a 429, a 5xx or two
// seconds late, and the provider, the function and Crossplane core are
// killed and restarted at random moments. Once the faults stop every route
// is published; then half of them are renamed or switch between the tunnel
// and DNS-only, and published again; then all are deleted. The fake's
// request log shows no object created twice and no write to anyone else's
// object, nothing of the routes is left, someone else's objects are
// unchanged after each step, and no secret shows in a process log, an Event
// or a condition.
func TestFaultCampaign(t *testing.T) {
	s := faultStack(t)
	sz := chaosSize(t)
	seed := time.Now().UnixNano()
	if v := os.Getenv(envChaosSeed); v != "" {
		var err error
		if seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			t.Fatalf("%s=%q: want a number", envChaosSeed, v)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	events := schedule(rng, sz)
	t.Logf("campaign of %d routes; %s=%d; provider killed %d times, function %d, Crossplane core %d, within %s",
		sz.routes, envChaosSeed, seed, sz.providerKills, sz.functionKills, sz.coreRestarts, sz.window)

	setupExamples(t, s)
	cf := s.Cloudflare()
	rec := record(t, s)
	routes := chaosRoutes("e2e-chaos", "chaos", sz.routes)
	if err := s.CreateNamespaces(t.Context(), "e2e-chaos"); err != nil {
		t.Fatal(err)
	}
	var messages []string
	conds := func() {
		m, err := conditionMessages(t.Context(), s.Client())
		if err != nil {
			t.Fatal(err)
		}
		messages = append(messages, m...)
	}

	// Publish under faults and crashes.
	var faultIDs []int
	for _, f := range chaosFaults {
		id, err := cf.AddFault(f)
		if err != nil {
			t.Fatal(err)
		}
		faultIDs = append(faultIDs, id)
	}
	hold := s.HoldReplies(isCreate, chaosCreateHold)
	defer hold.Release()
	markCreate := rec.Mark()
	began := time.Now()
	applyRoutes(t, s, routes)
	crashes := runChaos(t, s, hold, began, events)
	if wait := sz.window - time.Since(began); wait > 0 {
		time.Sleep(wait)
	}
	hold.Release()
	var fired, matched int
	for _, f := range cf.Faults() {
		fired += f.Fired
		matched = max(matched, f.Matched)
	}
	for _, id := range faultIDs {
		cf.RemoveFault(id)
	}
	faultsStopped := time.Now()
	markFaults := rec.Mark()
	published, err := countPublished(t.Context(), s, routes)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("faults stopped after %s with %d of %d routes published: %d faults fired on %d requests; %s",
		faultsStopped.Sub(began).Round(100*time.Millisecond), published, len(routes), fired, matched, crashes)

	recovered := waitPublished(t, s, routes, sz.recover, fmt.Sprintf("all %d routes published after the faults stopped", len(routes)))
	markPublished := rec.Mark()
	createCount := rec.count(markCreate, markPublished)
	recoverCount := rec.count(markFaults, markPublished)
	t.Logf("published: %s after the faults stopped, %s after the routes were applied; %s in all, %s after the faults stopped",
		recovered.Round(100*time.Millisecond), time.Since(began).Round(100*time.Millisecond), createCount, recoverCount)
	checkUntouched(t, rec, "AfterPublish")
	conds()

	// Rename half the routes, or switch their mode.
	var changed []*chaosRoute
	for _, r := range routes {
		if r.index%2 == 0 {
			r.change()
			changed = append(changed, r)
		}
	}
	markRename := rec.Mark()
	applyRoutes(t, s, changed)
	renamed := waitPublished(t, s, routes, sz.recover, fmt.Sprintf("all %d routes published after %d were renamed or switched mode", len(routes), len(changed)))
	if err := within(s, s.DriftWindow()+30*time.Second, func(context.Context) error {
		snap := cf.Snapshot()
		var errs []error
		for _, r := range changed {
			errs = append(errs, r.checkPrevious(snap))
		}
		return errors.Join(errs...)
	}); err != nil {
		t.Errorf("after the renames:\n%v", err)
	}
	renameCount := rec.count(markRename, rec.Mark())
	checkUntouched(t, rec, "AfterRename")
	conds()

	// Delete them all.
	markDelete := rec.Mark()
	deleted := deleteRoutes(t, s, routes, sz.recover)
	deleteCount := rec.count(markDelete, rec.Mark())
	left := rec.leftovers()
	if len(left) > 0 {
		t.Errorf("after the routes were deleted Cloudflare still holds:\n%s", strings.Join(left, "\n"))
	}
	checkUntouched(t, rec, "AfterDelete")

	rp := rec.replay()
	checkReplay(t, rp)
	checkNoSecrets(t, s, rec, messages)
	t.Logf("campaign: %d routes, %d faults fired, %s; %d routes left to publish when the faults stopped, all published %s later with %d requests (%s in all to publish); renames published in %s with %d requests; deletes done in %s with %d requests; creates by kind %v; %d created twice, %d writes to someone else's objects, %d duplicate ingress rules, %d objects left",
		len(routes), fired, crashes, len(routes)-published, recovered.Round(100*time.Millisecond), recoverCount.total, createCount,
		renamed.Round(100*time.Millisecond), renameCount.total, deleted.Round(100*time.Millisecond), deleteCount.total,
		rp.creates, len(rp.twice), len(rp.foreign), len(rp.rules), len(left))
}

// crashReport counts the kills a campaign made.
type crashReport struct {
	kills map[stack.Component]int
	// midCreate counts the provider's kills while the fake held back the
	// answer to a create it had done.
	midCreate int
}

func (c *crashReport) String() string {
	return fmt.Sprintf("provider killed %d times (%d of them with a create done by Cloudflare but not answered yet), function %d times, Crossplane core %d times",
		c.kills[stack.Provider], c.midCreate, c.kills[stack.Function], c.kills[stack.Crossplane])
}

// runChaos plays the events, each at its moment after began, and returns
// once all components run again.
func runChaos(t *testing.T, s *stack.Stack, hold *stack.Hold, began time.Time, events []chaosEvent) *crashReport {
	t.Helper()
	rep := &crashReport{kills: map[stack.Component]int{}}
	ctx := context.WithoutCancel(t.Context())
	for _, ev := range events {
		if wait := time.Until(began.Add(ev.at)); wait > 0 {
			time.Sleep(wait)
		}
		inFlight := hold.InFlight()
		if err := s.Kill(ev.c, ev.sig); err != nil {
			t.Fatal(err)
		}
		if ev.c == stack.Provider && inFlight > 0 {
			rep.midCreate++
		}
		time.Sleep(ev.down)
		if err := s.Start(ctx, ev.c); err != nil {
			t.Fatal(err)
		}
		rep.kills[ev.c]++
		t.Logf("%s: %s killed with %s (%d creates done but not answered), down %s", time.Since(began).Round(100*time.Millisecond), ev.c, ev.sig, inFlight, ev.down.Round(10*time.Millisecond))
	}
	return rep
}
