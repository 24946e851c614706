package cloudflare

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type response struct {
	status     int
	retryAfter string
}

func TestTransportRetries(t *testing.T) {
	type args struct {
		method    string
		responses []response
	}
	type want struct {
		requests    int
		slept       []time.Duration
		err         bool
		rateLimited bool
		retryAfter  time.Duration
	}
	cases := map[string]struct {
		reason string
		args   args
		want   want
	}{
		"GetAfter429Seconds": {
			reason: "A GET answered 429 is sent again after the Retry-After seconds.",
			args:   args{method: http.MethodGet, responses: []response{{status: 429, retryAfter: "2"}}},
			want:   want{requests: 2, slept: []time.Duration{2 * time.Second}},
		},
		"GetAfter429Date": {
			reason: "A Retry-After that is an HTTP date is honoured as the time left until it.",
			args:   args{method: http.MethodGet, responses: []response{{status: 429, retryAfter: "Fri, 02 Jan 2026 03:04:08 GMT"}}},
			want:   want{requests: 2, slept: []time.Duration{3 * time.Second}},
		},
		"GetAfter429NoRetryAfter": {
			reason: "A 429 without Retry-After backs off by the first back-off step.",
			args:   args{method: http.MethodGet, responses: []response{{status: 429}}},
			want:   want{requests: 2, slept: []time.Duration{time.Second}},
		},
		"GetAfter5xx": {
			reason: "A GET answered 5xx is sent again with doubling back-off.",
			args:   args{method: http.MethodGet, responses: []response{{status: 503}, {status: 502}}},
			want:   want{requests: 3, slept: []time.Duration{time.Second, 2 * time.Second}},
		},
		"GetGivesUp": {
			reason: "A GET is sent at most 1+retries times, then the 5xx is returned.",
			args:   args{method: http.MethodGet, responses: []response{{status: 500}, {status: 500}, {status: 500}, {status: 500}, {status: 500}}},
			want:   want{requests: 4, slept: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, err: true},
		},
		"PutAfter5xx": {
			reason: "A PUT is idempotent and is sent again, with the same body.",
			args:   args{method: http.MethodPut, responses: []response{{status: 500}}},
			want:   want{requests: 2, slept: []time.Duration{time.Second}},
		},
		"DeleteAfter429": {
			reason: "A DELETE is idempotent and is sent again after a 429.",
			args:   args{method: http.MethodDelete, responses: []response{{status: 429, retryAfter: "1"}}},
			want:   want{requests: 2, slept: []time.Duration{time.Second}},
		},
		"PostNotRetriedAfter5xx": {
			reason: "A POST may have created something before the 5xx, so it is sent once.",
			args:   args{method: http.MethodPost, responses: []response{{status: 500}}},
			want:   want{requests: 1, err: true},
		},
		"PostNotRetriedAfter429": {
			reason: "A POST answered 429 is not sent again; the caller finds before it creates again.",
			args:   args{method: http.MethodPost, responses: []response{{status: 429, retryAfter: "5"}}},
			want:   want{requests: 1, err: true, rateLimited: true, retryAfter: 5 * time.Second},
		},
		"RetryAfterBeyondMaxWait": {
			reason: "A Retry-After longer than the maximum wait is returned to the caller rather than slept.",
			args:   args{method: http.MethodGet, responses: []response{{status: 429, retryAfter: "120"}}},
			want:   want{requests: 1, err: true, rateLimited: true, retryAfter: 120 * time.Second},
		},
		"NotImplementedNotRetried": {
			reason: "A 501 will not change by asking again.",
			args:   args{method: http.MethodGet, responses: []response{{status: 501}}},
			want:   want{requests: 1, err: true},
		},
		"NotFoundNotRetried": {
			reason: "A 4xx other than 429 is an answer, not a failure to answer.",
			args:   args{method: http.MethodGet, responses: []response{{status: 404}}},
			want:   want{requests: 1, err: true},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var n atomic.Int32
			var badBody atomic.Int32
			srv, count := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodGet && r.Method != http.MethodDelete {
					if b, _ := io.ReadAll(r.Body); string(b) != `{"a":1}` {
						badBody.Add(1)
					}
				}
				i := int(n.Add(1)) - 1
				if i < len(tc.args.responses) {
					res := tc.args.responses[i]
					if res.retryAfter != "" {
						w.Header().Set("Retry-After", res.retryAfter)
					}
					fail(w, res.status, 1000, "no")
					return
				}
				reply(w, http.StatusOK, map[string]any{"id": "x"})
			})
			c, clk, _ := newTestClient(t, srv.URL)

			var body any
			if tc.args.method != http.MethodGet && tc.args.method != http.MethodDelete {
				body = map[string]any{"a": 1}
			}
			err := c.sdk.Execute(withOperation(context.Background(), "test"), tc.args.method, "things", body, nil)

			if diff := cmp.Diff(tc.want.requests, count.total()); diff != "" {
				t.Errorf("\n%s\nrequests: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.slept, clk.Slept(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\nslept: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.err, err != nil); diff != "" {
				t.Errorf("\n%s\nerr != nil: -want, +got:\n%s\nerr: %v", tc.reason, diff, err)
			}
			if diff := cmp.Diff(tc.want.rateLimited, IsRateLimited(err)); diff != "" {
				t.Errorf("\n%s\nIsRateLimited: -want, +got:\n%s", tc.reason, diff)
			}
			ra, _ := retryAfter(err)
			if tc.want.retryAfter != 0 {
				if diff := cmp.Diff(tc.want.retryAfter, ra); diff != "" {
					t.Errorf("\n%s\nRetryAfter: -want, +got:\n%s", tc.reason, diff)
				}
			}
			if badBody.Load() != 0 {
				t.Errorf("\n%s\n%d attempts carried a body other than the one sent", tc.reason, badBody.Load())
			}
		})
	}
}

// failingTransport fails its first fails requests with err.
type failingTransport struct {
	fails atomic.Int32
	err   error
	next  http.RoundTripper
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.fails.Add(-1) >= 0 {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, f.err
	}
	return f.next.RoundTrip(r)
}

func TestTransportErrorRetry(t *testing.T) {
	type want struct {
		requests int
		err      error
	}
	cases := map[string]struct {
		reason string
		method string
		want   want
	}{
		"GetRetried": {
			reason: "A GET that got no response is sent again.",
			method: http.MethodGet,
			want:   want{requests: 1},
		},
		"PostNotRetried": {
			reason: "A POST that got no response may have arrived, so it is not sent again.",
			method: http.MethodPost,
			want:   want{requests: 0, err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv, count := serve(t, func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, nil) })
			ft := &failingTransport{err: errBoom, next: http.DefaultTransport}
			ft.fails.Store(1)
			c, _, _ := newTestClient(t, srv.URL, withTransport(ft))
			var body any
			if tc.method == http.MethodPost {
				body = map[string]any{"a": 1}
			}
			err := c.sdk.Execute(context.Background(), tc.method, "things", body, nil)
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\nerr: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.requests, count.total()); diff != "" {
				t.Errorf("\n%s\nrequests that reached the server: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestRateLimitPausesSharedBudget(t *testing.T) {
	// One POST gets 429 with Retry-After: 10. Every client of the same token
	// then waits 10 s before its next request; a client of another token
	// does not.
	srv, count := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Retry-After", "10")
			fail(w, http.StatusTooManyRequests, 971, "slow down")
			return
		}
		reply(w, http.StatusOK, []any{})
	})
	clk := newFakeClock()
	m := NewMetrics()
	reg := NewRegistry(withClock(clk), WithMetrics(m), withMaxWait(time.Minute))
	first, _ := reg.ClientFor(context.Background(), Config{BaseURL: srv.URL, AccountID: testAccount, Token: "a"})
	sameToken, _ := reg.ClientFor(context.Background(), Config{BaseURL: srv.URL, AccountID: "fedcba9876543210fedcba9876543210", Token: "a"})
	otherToken, _ := reg.ClientFor(context.Background(), Config{BaseURL: srv.URL, AccountID: testAccount + "x", Token: "b"})

	_, err := first.CreateServiceToken(context.Background(), "t", "")
	if !IsRateLimited(err) {
		t.Fatalf("CreateServiceToken(...): want a rate-limit error, got %v", err)
	}

	if _, err := otherToken.ListZones(context.Background()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration(nil), clk.Slept()); diff != "" {
		t.Errorf("another token's budget waited: -want, +got:\n%s", diff)
	}
	if _, err := sameToken.ListZones(context.Background()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{10 * time.Second}, clk.Slept()); diff != "" {
		t.Errorf("the same token's budget did not wait for Retry-After: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(1.0, value(t, m.waits.WithLabelValues(waitRetryAfter))); diff != "" {
		t.Errorf("retry_after waits: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(3, count.total()); diff != "" {
		t.Errorf("requests: -want, +got:\n%s", diff)
	}
}

func TestBudgetFailsFastWhenPausedLong(t *testing.T) {
	srv, count := serve(t, func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, []any{}) })
	c, _, m := newTestClient(t, srv.URL, withMaxWait(10*time.Second))
	c.budget.pause(5 * time.Minute)

	_, err := c.ListZones(context.Background())
	if !IsRateLimited(err) {
		t.Fatalf("ListZones(...): want a rate-limit error, got %v", err)
	}
	if ra, _ := retryAfter(err); ra != 5*time.Minute {
		t.Errorf("RetryAfter(...): want 5m, got %v", ra)
	}
	if diff := cmp.Diff(0, count.total()); diff != "" {
		t.Errorf("requests sent while paused: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(1.0, value(t, m.waits.WithLabelValues(waitRejected))); diff != "" {
		t.Errorf("rejected waits: -want, +got:\n%s", diff)
	}
}

func TestContextCancelInterruptsWait(t *testing.T) {
	srv, count := serve(t, func(w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, []any{}) })
	sleeping := make(chan struct{})
	clk := &signalClock{sleeping: sleeping}
	clk.now = newFakeClock().now
	c, _, _ := newTestClient(t, srv.URL, withClock(clk), withMaxWait(time.Hour))
	c.budget.pause(30 * time.Minute)

	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() {
		_, err := c.GetTunnel(ctx, testTunnel)
		errs <- err
	}()
	<-sleeping
	cancel()
	err := <-errs
	if diff := cmp.Diff(context.Canceled, err, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("GetTunnel(...): -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(0, count.total()); diff != "" {
		t.Errorf("requests: -want, +got:\n%s", diff)
	}
}

// signalClock says when a Sleep starts and then waits for cancellation.
type signalClock struct {
	blockingClock
	once     sync.Once
	sleeping chan struct{}
}

func (c *signalClock) Sleep(ctx context.Context, d time.Duration) error {
	c.once.Do(func() { close(c.sleeping) })
	return c.blockingClock.Sleep(ctx, d)
}

func TestWindowPacing(t *testing.T) {
	// Ten requests a minute with a 20 % reserve: eight go at once, and the
	// ninth waits a minute, until the first eight leave the window.
	srv, count := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, map[string]any{"id": testTunnel})
	})
	c, clk, m := newTestClient(t, srv.URL, withWindow(RateLimit{Requests: 10, Period: time.Minute, Reserve: 0.2}), withMaxWait(time.Hour))
	for range 9 {
		if _, err := c.GetTunnel(context.Background(), testTunnel); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]time.Duration{time.Minute}, clk.Slept()); diff != "" {
		t.Errorf("waits: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(9, count.total()); diff != "" {
		t.Errorf("requests: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(1.0, value(t, m.waits.WithLabelValues(waitWindow))); diff != "" {
		t.Errorf("window waits: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(60.0, value(t, m.waitSeconds.WithLabelValues(waitWindow))); diff != "" {
		t.Errorf("window wait seconds: -want, +got:\n%s", diff)
	}
}

func TestWindowFollowsRateLimitHeader(t *testing.T) {
	// The user's other clients have used the window up: Cloudflare says 240
	// of 1,200 remain, the reserve, and resets in 42 s. The next request
	// waits for the reset, although the provider itself sent only one.
	remaining := 240
	srv, count := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Ratelimit", fmt.Sprintf(`"default";r=%d;t=42`, remaining))
		w.Header().Set("Ratelimit-Policy", `"default";q=1200;w=300`)
		remaining--
		reply(w, http.StatusOK, map[string]any{"id": testTunnel})
	})
	c, clk, m := newTestClient(t, srv.URL, withWindow(RateLimit{Requests: 1200, Period: 5 * time.Minute, Reserve: 0.2}), withMaxWait(time.Minute))
	for range 2 {
		if _, err := c.GetTunnel(context.Background(), testTunnel); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]time.Duration{42 * time.Second}, clk.Slept()); diff != "" {
		t.Errorf("waits: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(2, count.total()); diff != "" {
		t.Errorf("requests: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(239.0, gauge(t, m.remaining.WithLabelValues(testAccount))); diff != "" {
		t.Errorf("remaining gauge: -want, +got:\n%s", diff)
	}
}

func TestWindowAfter429(t *testing.T) {
	// Cloudflare's 429 carries a Ratelimit header saying nothing remains
	// for 10 s, as its Retry-After does. The budget pauses for the
	// Retry-After and, once it has passed, the window's report has reset
	// too: one wait, not two.
	var n atomic.Int32
	srv, count := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "10")
			w.Header().Set("Ratelimit", `"default";r=0;t=10`)
			fail(w, http.StatusTooManyRequests, 971, "slow down")
			return
		}
		reply(w, http.StatusOK, map[string]any{"id": testTunnel})
	})
	c, clk, _ := newTestClient(t, srv.URL, withWindow(RateLimit{Requests: 1200, Period: 5 * time.Minute, Reserve: 0.2}))
	if _, err := c.GetTunnel(context.Background(), testTunnel); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{10 * time.Second}, clk.Slept()); diff != "" {
		t.Errorf("waits: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(2, count.total()); diff != "" {
		t.Errorf("requests: -want, +got:\n%s", diff)
	}
}

func TestWindowBoundsConcurrentCallers(t *testing.T) {
	// A window of five that no caller may wait for: of twenty concurrent
	// callers exactly five reach Cloudflare, and the others are told to
	// come back when the window opens.
	srv, count := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, map[string]any{"id": testTunnel})
	})
	c, _, _ := newTestClient(t, srv.URL, withWindow(RateLimit{Requests: 5, Period: time.Hour}), withMaxWait(0))
	var wg sync.WaitGroup
	var limited atomic.Int32
	for range 20 {
		wg.Go(func() {
			_, err := c.GetTunnel(context.Background(), testTunnel)
			if ra, ok := retryAfter(err); ok && ra == time.Hour {
				limited.Add(1)
			}
		})
	}
	wg.Wait()
	if diff := cmp.Diff(5, count.total()); diff != "" {
		t.Errorf("requests: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(int32(15), limited.Load()); diff != "" {
		t.Errorf("callers told to retry after an hour: -want, +got:\n%s", diff)
	}
}

// withWindow is WithRateLimit for a test whose other options say no limit.
func withWindow(r RateLimit) Option {
	return func(o *options) {
		o.unlimited = false
		o.rateLimit = r
	}
}
