package cloudflare

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

var errBoom = errors.New("boom")

const (
	testAccount = "0123456789abcdef0123456789abcdef"
	testToken   = "test-token-value"
	testZone    = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testTunnel  = "11111111-2222-3333-4444-555555555555"
)

// fakeClock never waits: Sleep moves time on and remembers for how long.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// blockingClock waits in Sleep until ctx is done: a wait that only
// cancellation can end.
type blockingClock struct{ fakeClock }

func (c *blockingClock) Sleep(ctx context.Context, _ time.Duration) error {
	<-ctx.Done()
	return ctx.Err()
}

// counter counts the requests a test server answers, by "METHOD /path".
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[r.Method+" "+r.URL.Path]++
}

func (c *counter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := 0
	for _, n := range c.n {
		t += n
	}
	return t
}

// serve starts a test server that counts requests and calls h.
func serve(t testing.TB, h http.HandlerFunc) (*httptest.Server, *counter) {
	t.Helper()
	c := &counter{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.add(r)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, c
}

// encode writes v as JSON. A reply a test server cannot encode is a bug in
// the test, so it panics, which net/http turns into a failed request.
func encode(w io.Writer, v any) {
	if err := json.NewEncoder(w).Encode(v); err != nil {
		panic(err)
	}
}

// reply writes result in Cloudflare's envelope.
func reply(w http.ResponseWriter, status int, result any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	encode(w, map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": result})
}

// replyPage writes one page of a list in Cloudflare's envelope.
func replyPage(w http.ResponseWriter, result any, page, perPage, totalPages int) {
	w.Header().Set("Content-Type", "application/json")
	encode(w, map[string]any{
		"success": true, "errors": []any{}, "messages": []any{}, "result": result,
		"result_info": map[string]any{"page": page, "per_page": perPage, "total_pages": totalPages},
	})
}

// fail writes a Cloudflare error.
func fail(w http.ResponseWriter, status int, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	encode(w, map[string]any{"success": false, "errors": []any{map[string]any{"code": code, "message": msg}}, "messages": []any{}, "result": nil})
}

// retryAfter returns how long Cloudflare, or the client's shared budget,
// asked to wait before trying again.
func retryAfter(err error) (time.Duration, bool) {
	if rl, ok := errors.AsType[*RateLimitedError](err); ok {
		return rl.RetryAfter, true
	}
	e, ok := apiError(err)
	if !ok || e.Response == nil {
		return 0, false
	}
	return parseRetryAfter(e.Response.Header.Get("Retry-After"), time.Now())
}

// testOptions are a client's options in a test: a fake clock, no rate
// limit, fresh metrics, and any overrides.
func testOptions(clk clock, m *Metrics, opts ...Option) []Option {
	return append([]Option{
		withClock(clk),
		withUnlimitedBudget(),
		WithMetrics(m),
	}, opts...)
}

// newTestClient returns a client of srvURL with a fake clock and no rate
// limit unless opts say otherwise.
func newTestClient(t testing.TB, srvURL string, opts ...Option) (*client, *fakeClock, *Metrics) {
	t.Helper()
	clk := newFakeClock()
	m := NewMetrics()
	if err := m.Register(prometheus.NewRegistry()); err != nil {
		t.Fatal(err)
	}
	o := defaultOptions()
	for _, fn := range testOptions(clk, m, opts...) {
		fn(&o)
	}
	c, err := newClient(Config{BaseURL: srvURL, AccountID: testAccount, Token: testToken}, &o, o.newBudget(), newKeyedMutex())
	if err != nil {
		t.Fatal(err)
	}
	return c, clk, m
}

// value reads a counter.
func value(t *testing.T, c prometheus.Collector) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 1)
	c.Collect(ch)
	close(ch)
	total := 0.0
	for m := range ch {
		d := &dto.Metric{}
		if err := m.Write(d); err != nil {
			t.Fatal(err)
		}
		total += d.GetCounter().GetValue()
	}
	return total
}

// newFake starts the project's fake Cloudflare API holding seed, with the
// test account and token.
func newFake(t testing.TB, seed fakecloudflare.Seed, opts ...fakecloudflare.Option) (*fakecloudflare.Server, string) {
	t.Helper()
	seed.Accounts = append(seed.Accounts, fakecloudflare.Account{ID: testAccount, Name: "test"})
	seed = seed.WithToken(testToken)
	f, err := fakecloudflare.New(seed, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL + fakecloudflare.APIPrefix
}

// newCountedFake is newFake behind a server that counts every request,
// including those the fake does not log because the client gave up first.
func newCountedFake(t testing.TB, seed fakecloudflare.Seed) (*fakecloudflare.Server, string, *counter) {
	t.Helper()
	seed.Accounts = append(seed.Accounts, fakecloudflare.Account{ID: testAccount, Name: "test"})
	f, err := fakecloudflare.New(seed.WithToken(testToken))
	if err != nil {
		t.Fatal(err)
	}
	srv, count := serve(t, f.ServeHTTP)
	return f, srv.URL + fakecloudflare.APIPrefix, count
}
