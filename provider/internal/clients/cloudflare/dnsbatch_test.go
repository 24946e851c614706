package cloudflare

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// batchSpy stands in front of the fake: it notes the size of every DNS batch
// the client sends; while lose is set, it lets the fake do a batch and then
// drops the connection before the reply reaches the client; with rewrite,
// it changes the result of every batch the fake did.
type batchSpy struct {
	f       *fakecloudflare.Server
	lose    atomic.Bool
	rewrite func(result map[string][]any)

	mu    sync.Mutex
	sizes []int // deletes+posts of each batch, in the order sent
}

func (s *batchSpy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/dns_records/batch") {
		s.f.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		panic(err)
	}
	var b struct {
		Deletes []json.RawMessage `json:"deletes"`
		Posts   []json.RawMessage `json:"posts"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		panic(err)
	}
	s.mu.Lock()
	s.sizes = append(s.sizes, len(b.Deletes)+len(b.Posts))
	s.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if s.lose.Load() {
		s.f.ServeHTTP(httptest.NewRecorder(), r)
		panic(http.ErrAbortHandler) // The reply is lost on the way back.
	}
	if s.rewrite == nil {
		s.f.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	s.f.ServeHTTP(rec, r)
	var env map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		panic(err)
	}
	if result, ok := env["result"].(map[string]any); ok && rec.Code == http.StatusOK {
		lists := map[string][]any{}
		for k, v := range result {
			lists[k], _ = v.([]any)
		}
		s.rewrite(lists)
		env["result"] = lists
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rec.Code)
	encode(w, env)
}

func (s *batchSpy) batches() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sizes)
}

// newBatchFake serves seed behind a batchSpy and returns a client of it
// whose DNS batches linger for linger.
func newBatchFake(t *testing.T, seed fakecloudflare.Seed, linger time.Duration) (*fakecloudflare.Server, *batchSpy, *client, *fakeClock) {
	t.Helper()
	seed.Accounts = append(seed.Accounts, fakecloudflare.Account{ID: testAccount, Name: "test"})
	f, err := fakecloudflare.New(seed.WithToken(testToken))
	if err != nil {
		t.Fatal(err)
	}
	spy := &batchSpy{f: f}
	srv := httptest.NewServer(spy)
	t.Cleanup(srv.Close)
	c, clk, _ := newTestClient(t, srv.URL+fakecloudflare.APIPrefix, WithBackoff(time.Millisecond, time.Millisecond))
	c.dnsQueues.linger = linger
	return f, spy, c, clk
}

// zoneRecordNames are the names of the zone's records in the fake.
func zoneRecordNames(f *fakecloudflare.Server, zoneID string) []string {
	var out []string
	for _, r := range f.Snapshot().DNSRecords {
		if r.ZoneID == zoneID {
			out = append(out, r.Name)
		}
	}
	slices.Sort(out)
	return out
}

// createAll creates the records at once, each in its own goroutine as
// concurrent reconciles would, and returns each caller's record and error.
func createAll(c *client, zoneID string, rs []DNSRecord) ([]DNSRecord, []error) {
	got, errs := make([]DNSRecord, len(rs)), make([]error, len(rs))
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Go(func() { got[i], errs[i] = c.CreateDNSRecord(context.Background(), zoneID, r) })
	}
	wg.Wait()
	return got, errs
}

func routeRecords(n int, zone string) []DNSRecord {
	out := make([]DNSRecord, n)
	for i := range out {
		out[i] = DNSRecord{Name: fmt.Sprintf("r%d.%s", i, zone), Type: "CNAME", Content: testTunnel + ".cfargotunnel.com", Proxied: true, Owner: fmt.Sprintf("apps/r%d", i)}
	}
	return out
}

func TestDNSBatchCreates(t *testing.T) {
	const n = 50
	f, spy, c, _ := newBatchFake(t, dnsSeed(), 300*time.Millisecond)
	ctx := context.Background()
	for _, r := range routeRecords(n, "example.com") {
		if _, err := c.FindDNSRecord(ctx, testZone, r.Name, r.Type, r.Owner); !IsNotFound(err) {
			t.Fatalf("FindDNSRecord(%s): want not found, got %v", r.Name, err)
		}
	}
	got, errs := createAll(c, testZone, routeRecords(n, "example.com"))

	for i, err := range errs {
		if err != nil {
			t.Errorf("CreateDNSRecord(r%d): %v", i, err)
		}
	}
	mine := 0
	for i, r := range got {
		if r.Name == fmt.Sprintf("r%d.example.com", i) && r.OwnedBy(fmt.Sprintf("apps/r%d", i)) && r.ID != "" {
			mine++
		}
	}
	if diff := cmp.Diff(n, mine); diff != "" {
		t.Errorf("callers given their own record: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff([]int{n}, spy.batches()); diff != "" {
		t.Errorf("batches sent (changes in each): -want, +got:\n%s", diff)
	}
	// Each record the batch made is in the cached list: finding and
	// getting them costs no call.
	lists := ops(f, fakecloudflare.OpDNSRecordsList)
	for i, r := range got {
		if found, err := c.FindDNSRecord(ctx, testZone, r.Name, "CNAME", fmt.Sprintf("apps/r%d", i)); err != nil || found.ID != r.ID {
			t.Errorf("FindDNSRecord(%s) after the batch: got %v, %v", r.Name, found.ID, err)
		}
	}
	if diff := cmp.Diff([2]int{lists, 0}, [2]int{ops(f, fakecloudflare.OpDNSRecordsList), ops(f, fakecloudflare.OpDNSRecordGet)}); diff != "" {
		t.Errorf("[lists, gets] after the batch: -want, +got:\n%s", diff)
	}
	// Provisioning: one list for the finds, one zones list for the plan,
	// one batch for the creates.
	if diff := cmp.Diff(3, len(f.Requests())); diff != "" {
		t.Errorf("API calls for %d routes' records: -want, +got:\n%s", n, diff)
	}
	if diff := cmp.Diff(1.0, value(t, c.metrics.requests.WithLabelValues(opDNSRecordsBatch, "2xx"))); diff != "" {
		t.Errorf("requests counted as %s: -want, +got:\n%s", opDNSRecordsBatch, diff)
	}
}

func TestDNSBatchPlanLimit(t *testing.T) {
	// A Free zone made before September 2024 holds 1,000 records, so that
	// the batch limit, not the record quota, is what the test meets.
	old := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[string]struct {
		reason string
		plan   string
		n      int
		want   []int
	}{
		"Free": {
			reason: "A Free zone takes 200 changes a batch: 450 creates go in three, the later ones as soon as the one before is answered.",
			plan:   fakecloudflare.PlanFree, n: 450,
			want: []int{200, 200, 50},
		},
		"Pro": {
			reason: "A paid zone takes 3,500 changes a batch: 450 creates go in one.",
			plan:   fakecloudflare.PlanPro, n: 450,
			want: []int{450},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed := fakecloudflare.Seed{Zones: []fakecloudflare.Zone{{ID: testZone, Name: "example.com", AccountID: testAccount, Plan: tc.plan, CreatedOn: old}}}
			f, spy, c, _ := newBatchFake(t, seed, 300*time.Millisecond)
			_, errs := createAll(c, testZone, routeRecords(tc.n, "example.com"))
			failed := 0
			for _, err := range errs {
				if err != nil {
					failed++
				}
			}
			if diff := cmp.Diff(0, failed); diff != "" {
				t.Errorf("\n%s\nfailed creates: -want, +got:\n%s\nfirst: %v", tc.reason, diff, errs[slices.IndexFunc(errs, func(e error) bool { return e != nil })+1:])
			}
			if diff := cmp.Diff(tc.want, spy.batches()); diff != "" {
				t.Errorf("\n%s\nbatches sent (changes in each): -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.n, len(zoneRecordNames(f, testZone))); diff != "" {
				t.Errorf("\n%s\nrecords made: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestDNSBatchIsolatesRefused(t *testing.T) {
	f, spy, c, _ := newBatchFake(t, dnsSeed(), 300*time.Millisecond)
	rs := routeRecords(7, "example.com")
	// A CNAME where another owner's record is: Cloudflare refuses the
	// whole batch that holds it.
	bad := DNSRecord{Name: "foreign.example.com", Type: "CNAME", Content: testTunnel + ".cfargotunnel.com", Proxied: true, Owner: owner}
	rs = append(rs[:3], append([]DNSRecord{bad}, rs[3:]...)...)
	got, errs := createAll(c, testZone, rs)

	for i, r := range rs {
		if r.Name == bad.Name {
			if !IsConflict(errs[i]) {
				t.Errorf("CreateDNSRecord(%s): want Cloudflare's conflict, got %v", r.Name, errs[i])
			}
			continue
		}
		if errs[i] != nil || got[i].Name != r.Name {
			t.Errorf("CreateDNSRecord(%s) beside a refused record: got %q, %v", r.Name, got[i].Name, errs[i])
		}
	}
	want := []string{"foreign.example.com"}
	for _, r := range routeRecords(7, "example.com") {
		want = append(want, r.Name)
	}
	var made []string
	for _, n := range zoneRecordNames(f, testZone) {
		if strings.HasPrefix(n, "r") || n == "foreign.example.com" {
			made = append(made, n)
		}
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, made); diff != "" {
		t.Errorf("records after: -want, +got:\n%s", diff)
	}
	// The refused batch is sent again in halves: the half holding the bad
	// record is split until it stands alone, each good half goes once.
	// One bad record among eight costs 1 + 2·log2(8) calls, not 1 + 8.
	sizes := spy.batches()
	slices.Sort(sizes)
	if diff := cmp.Diff([]int{1, 1, 2, 2, 4, 4, 8}, sizes); diff != "" {
		t.Errorf("batches sent (changes in each): -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{fakecloudflare.OpDNSRecordsBatch: 3}, f.WriteCounts()); diff != "" {
		t.Errorf("batches done (every refused one did nothing): -want, +got:\n%s", diff)
	}
}

func TestDNSBatchLostReply(t *testing.T) {
	f, spy, c, clk := newBatchFake(t, dnsSeed(), 300*time.Millisecond)
	ctx := context.Background()
	rs := routeRecords(3, "example.com")
	for _, r := range rs {
		if _, err := c.FindDNSRecord(ctx, testZone, r.Name, r.Type, r.Owner); !IsNotFound(err) {
			t.Fatalf("FindDNSRecord(%s): want not found, got %v", r.Name, err)
		}
	}
	spy.lose.Store(true)
	_, errs := createAll(c, testZone, rs)
	spy.lose.Store(false)

	for i, err := range errs {
		if err == nil {
			t.Errorf("CreateDNSRecord(%s) whose reply was lost: want an error", rs[i].Name)
		}
	}
	if diff := cmp.Diff([]int{3}, spy.batches()); diff != "" {
		t.Errorf("batches sent (a create is never sent again): -want, +got:\n%s", diff)
	}
	// The batch was done although no reply came: the list was dropped, so
	// the next find reads afresh and finds what the batch made, and no
	// caller creates a second record.
	lists := ops(f, fakecloudflare.OpDNSRecordsList)
	clk.Advance(time.Second)
	for _, r := range rs {
		if found, err := c.FindDNSRecord(ctx, testZone, r.Name, r.Type, r.Owner); err != nil || !found.OwnedBy(r.Owner) {
			t.Errorf("FindDNSRecord(%s) after the lost reply: want the record the batch made, got %v", r.Name, err)
		}
	}
	if diff := cmp.Diff(lists+1, ops(f, fakecloudflare.OpDNSRecordsList)); diff != "" {
		t.Errorf("lists after the lost reply, one read afresh for every find: -want, +got:\n%s", diff)
	}
}

func TestDNSBatchDeletes(t *testing.T) {
	seed := dnsSeed()
	const mine = 4
	for i := range mine {
		seed.DNSRecords = append(seed.DNSRecords, fakecloudflare.DNSRecord{
			ID: fmt.Sprintf("e%031x", i), ZoneID: testZone, Type: "CNAME", Name: fmt.Sprintf("old%d.example.com", i),
			Content: testTunnel + ".cfargotunnel.com", Proxied: true, TTL: 1, Comment: OwnershipComment(owner),
		})
	}
	f, spy, c, clk := newBatchFake(t, seed, 300*time.Millisecond)
	ctx := context.Background()
	// The list is cached while the record at recNoted is still ours.
	if _, err := c.FindDNSRecord(ctx, testZone, "noted.example.com", "A", owner); err != nil {
		t.Fatal(err)
	}
	// Then a person gives it to someone else in the dashboard.
	if _, err := f.PutDNSRecord(fakecloudflare.DNSRecord{ID: recNoted, ZoneID: testZone, Type: "A", Name: "noted.example.com", Content: "192.0.2.2", TTL: 120, Comment: "managed-by: cfzt apps/theirs"}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)

	deletes := []string{recForeign, recNoted, "d00000000000000000000000000000ff"}
	for i := range mine {
		deletes = append(deletes, fmt.Sprintf("e%031x", i))
	}
	errs := make([]error, len(deletes))
	var wg sync.WaitGroup
	for i, id := range deletes {
		wg.Go(func() { errs[i] = c.DeleteDNSRecord(ctx, testZone, id, owner) })
	}
	wg.Wait()

	var no *NotOwnedError
	notOwned := func(err error) bool { return IsConflict(err) && errors.As(err, &no) }
	got := map[string]string{}
	for i, err := range errs {
		switch {
		case err == nil:
			got[deletes[i]] = "deleted"
		case notOwned(err):
			got[deletes[i]] = "not owned"
		default:
			got[deletes[i]] = err.Error()
		}
	}
	want := map[string]string{recForeign: "not owned", recNoted: "not owned", "d00000000000000000000000000000ff": "deleted"}
	for i := range mine {
		want[fmt.Sprintf("e%031x", i)] = "deleted"
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes: -want, +got:\n%s", diff)
	}
	// Ownership is read from a list read after the deletes were asked for,
	// not from the cached one, in which the record given away was still
	// ours: it and the unmarked record are never sent.
	if diff := cmp.Diff([]int{mine}, spy.batches()); diff != "" {
		t.Errorf("batches sent (changes in each): -want, +got:\n%s", diff)
	}
	left := zoneRecordNames(f, testZone)
	for _, n := range []string{"foreign.example.com", "noted.example.com"} {
		if !slices.Contains(left, n) {
			t.Errorf("record %s, not ours, was deleted", n)
		}
	}
	for i := range mine {
		if slices.Contains(left, fmt.Sprintf("old%d.example.com", i)) {
			t.Errorf("record old%d.example.com is still there", i)
		}
	}
	// One list for the ownership of every delete, besides the first.
	if diff := cmp.Diff(2, ops(f, fakecloudflare.OpDNSRecordsList)); diff != "" {
		t.Errorf("lists: -want, +got:\n%s", diff)
	}
	// The cached list follows the deletes: a find says the name is free
	// without asking again.
	if _, err := c.FindDNSRecord(ctx, testZone, "old0.example.com", "CNAME", owner); !IsNotFound(err) {
		t.Errorf("FindDNSRecord(old0) after its delete: want not found, got %v", err)
	}
	if diff := cmp.Diff(2, ops(f, fakecloudflare.OpDNSRecordsList)); diff != "" {
		t.Errorf("lists after the find: -want, +got:\n%s", diff)
	}
}

func TestDNSBatchJoinsTheSameCreate(t *testing.T) {
	f, spy, c, _ := newBatchFake(t, dnsSeed(), 300*time.Millisecond)
	r := DNSRecord{Name: "same.example.com", Type: "CNAME", Content: testTunnel + ".cfargotunnel.com", Proxied: true, Owner: owner}

	// A reconcile that gives up while its create waits...
	gaveUp, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.CreateDNSRecord(gaveUp, testZone, r); err == nil {
		t.Fatal("CreateDNSRecord with a context that ends during the linger: want an error")
	}
	// ...and the next one, which finds nothing yet and creates again,
	// alongside a concurrent one for the same record.
	got, errs := createAll(c, testZone, []DNSRecord{r, r})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("CreateDNSRecord #%d: %v", i, err)
		}
	}
	if diff := cmp.Diff(got[0].ID, got[1].ID); diff != "" || got[0].ID == "" {
		t.Errorf("both callers get the one record: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff([]int{1}, spy.batches()); diff != "" {
		t.Errorf("batches sent (changes in each): -want, +got:\n%s", diff)
	}
	n := 0
	for _, name := range zoneRecordNames(f, testZone) {
		if name == r.Name {
			n++
		}
	}
	if diff := cmp.Diff(1, n); diff != "" {
		t.Errorf("records of the name: -want, +got:\n%s", diff)
	}
}

func TestDNSBatchRefusedForEveryWrite(t *testing.T) {
	seed := dnsSeed()
	// The client's token may read DNS records but not write them.
	seed.Tokens = append(seed.Tokens, fakecloudflare.APIToken{
		ID: "e00000000000000000000000000000d1", Value: testToken, AccountID: testAccount,
		Permissions: []string{fakecloudflare.PermissionZoneRead, fakecloudflare.PermissionDNSRead},
	})
	f, spy, c, _ := newBatchFake(t, seed, 300*time.Millisecond)
	_, errs := createAll(c, testZone, routeRecords(8, "example.com"))

	missing := 0
	for _, err := range errs {
		if p, ok := MissingPermission(err); ok && p == PermissionDNSEdit {
			missing++
		}
	}
	if diff := cmp.Diff(8, missing); diff != "" {
		t.Errorf("callers told the token lacks %s: -want, +got:\n%s\nfirst error: %v", PermissionDNSEdit, diff, errs[0])
	}
	// A refusal of the token holds for every write alone too: the batch
	// is not split to find a write to blame.
	if diff := cmp.Diff([]int{8}, spy.batches()); diff != "" {
		t.Errorf("batches sent (changes in each): -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{}, f.WriteCounts()); diff != "" {
		t.Errorf("writes: -want, +got:\n%s", diff)
	}
}

func TestDNSBatchResult(t *testing.T) {
	cases := map[string]struct {
		reason  string
		rewrite func(result map[string][]any)
		// made is whether each caller gets its own record; else each
		// gets an error and the list is read afresh.
		made bool
	}{
		"InOrder": {
			reason: "Each caller gets the record in its place in the result.",
			made:   true,
		},
		"OtherOrder": {
			reason:  "A result in another order is matched by type, name and ownership comment.",
			rewrite: func(r map[string][]any) { slices.Reverse(r["posts"]) },
			made:    true,
		},
		"OneMissing": {
			reason:  "A result that does not answer every create leaves the outcome unknown: each caller gets an error, and the list is dropped.",
			rewrite: func(r map[string][]any) { r["posts"] = r["posts"][1:] },
		},
		"OneForeign": {
			reason: "A result whose record is not one the batch asked for leaves the outcome unknown.",
			rewrite: func(r map[string][]any) {
				r["posts"][0].(map[string]any)["comment"] = "managed-by: cfzt someone/else"
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, spy, c, clk := newBatchFake(t, dnsSeed(), 300*time.Millisecond)
			spy.rewrite = tc.rewrite
			ctx := context.Background()
			rs := routeRecords(4, "example.com")
			for _, r := range rs {
				if _, err := c.FindDNSRecord(ctx, testZone, r.Name, r.Type, r.Owner); !IsNotFound(err) {
					t.Fatalf("FindDNSRecord(%s): want not found, got %v", r.Name, err)
				}
			}
			got, errs := createAll(c, testZone, rs)
			own, failed := 0, 0
			for i, r := range got {
				switch {
				case errs[i] != nil:
					failed++
				case r.ID != "" && r.Name == rs[i].Name && r.OwnedBy(rs[i].Owner):
					own++
				}
			}
			want := [2]int{0, len(rs)}
			if tc.made {
				want = [2]int{len(rs), 0}
			}
			if diff := cmp.Diff(want, [2]int{own, failed}); diff != "" {
				t.Errorf("\n%s\n[callers with their own record, callers with an error]: -want, +got:\n%s", tc.reason, diff)
			}
			spy.rewrite = nil
			lists := ops(f, fakecloudflare.OpDNSRecordsList)
			clk.Advance(time.Second)
			for _, r := range rs {
				if _, err := c.FindDNSRecord(ctx, testZone, r.Name, r.Type, r.Owner); err != nil {
					t.Errorf("\n%s\nFindDNSRecord(%s) after the batch: %v", tc.reason, r.Name, err)
				}
			}
			read := ops(f, fakecloudflare.OpDNSRecordsList) - lists
			if diff := cmp.Diff(!tc.made, read == 1); diff != "" {
				t.Errorf("\n%s\nlist read afresh after the batch: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
