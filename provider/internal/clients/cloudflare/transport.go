package cloudflare

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// A clock tells the time and waits. Tests replace it so that pacing and
// back-off are asserted without wall-clock time.
type clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done, whichever comes first.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// A budget is the request allowance of one Cloudflare user, shared by every
// client and controller that uses the user's token: a window of Cloudflare's
// rate limit that follows what Cloudflare reports, paused for everybody when
// Cloudflare answers 429.
type budget struct {
	clock   clock
	metrics *Metrics
	// maxWait is the longest a caller is blocked; a longer wait fails fast
	// with a RateLimitedError, so that the reconcile fails and is retried
	// with back-off instead of holding its worker.
	maxWait time.Duration

	mu          sync.Mutex
	pausedUntil time.Time
	// window is nil for a budget that limits nothing but 429s.
	window *window
}

// wait blocks until the budget allows one more request, ctx is done, or the
// wait would exceed maxWait. Its ticket goes to observe with the response.
func (b *budget) wait(ctx context.Context) (ticket, error) {
	for {
		now := b.clock.Now()
		b.mu.Lock()
		paused := b.pausedUntil.Sub(now)
		b.mu.Unlock()
		if paused <= 0 {
			break
		}
		if paused > b.maxWait {
			b.metrics.wait(waitRejected, 0)
			return 0, &RateLimitedError{RetryAfter: paused}
		}
		b.metrics.wait(waitRetryAfter, paused)
		if err := b.clock.Sleep(ctx, paused); err != nil {
			return 0, err
		}
		// Another 429 may have extended the pause while we slept.
	}

	if b.window == nil {
		return 0, nil
	}
	now := b.clock.Now()
	b.mu.Lock()
	t, at, d, ok := b.window.admit(now, b.maxWait)
	b.mu.Unlock()
	if !ok {
		b.metrics.wait(waitRejected, 0)
		return 0, &RateLimitedError{RetryAfter: d}
	}
	if d <= 0 {
		return t, nil
	}
	b.metrics.wait(waitWindow, d)
	if err := b.clock.Sleep(ctx, d); err != nil {
		b.mu.Lock()
		b.window.cancel(at)
		b.mu.Unlock()
		return 0, err
	}
	return t, nil
}

// observe takes Cloudflare's count of the user's requests from the response
// to the request admitted as t. It returns the remaining requests Cloudflare
// reported, and false when the response named none.
func (b *budget) observe(t ticket, h http.Header) (int, bool) {
	if b.window == nil {
		_, r, _, ok := parseRateLimit(h.Get("Ratelimit"))
		return r, ok
	}
	now := b.clock.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.window.observe(t, now, h)
}

// pause stops every request of this budget for d, or longer if an earlier
// pause lasts longer.
func (b *budget) pause(d time.Duration) {
	until := b.clock.Now().Add(d)
	b.mu.Lock()
	defer b.mu.Unlock()
	if until.After(b.pausedUntil) {
		b.pausedUntil = until
	}
}

// A transport is the http.RoundTripper under the SDK. The SDK is built with
// no retries of its own; this transport gates every request through the
// budget and retries only idempotent methods (GET, HEAD, PUT, DELETE) after
// 429, 5xx or a transport error. A POST is sent exactly once: a create whose
// reply was lost may have happened, and only a find by ownership marker can
// tell (see the package documentation).
type transport struct {
	next    http.RoundTripper
	budget  *budget
	clock   clock
	metrics *Metrics
	// account labels the remaining-budget gauge: a budget is a token's,
	// and a token is named by nothing that may be shown.
	account string
	// retries is how many times an idempotent request is sent again.
	retries int
	// backoff and maxBackoff bound the wait before a retry when the
	// response names none: backoff·2^n, at most maxBackoff.
	backoff, maxBackoff time.Duration
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// RoundTrip sends req, waiting for the budget before every attempt.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	op := operationFrom(ctx)
	retry := idempotent(req.Method) && (req.Body == nil || req.Body == http.NoBody || req.GetBody != nil)

	for attempt := 0; ; attempt++ {
		tk, err := t.budget.wait(ctx)
		if err != nil {
			closeBody(req)
			return nil, err
		}
		r := req
		if attempt > 0 {
			r = req.Clone(ctx)
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}

		res, err := t.next.RoundTrip(r)
		last := !retry || attempt >= t.retries
		if err != nil {
			t.metrics.requests.WithLabelValues(op, "error").Inc()
			if last || ctx.Err() != nil {
				return nil, err
			}
			t.metrics.retries.WithLabelValues(op, "transport_error").Inc()
			if err := t.clock.Sleep(ctx, t.backoffFor(attempt)); err != nil {
				return nil, err
			}
			continue
		}
		t.metrics.requests.WithLabelValues(op, fmt.Sprintf("%dxx", res.StatusCode/100)).Inc()
		if r, ok := t.budget.observe(tk, res.Header); ok {
			t.metrics.remaining.WithLabelValues(t.account).Set(float64(r))
		}

		var delay time.Duration
		switch {
		case res.StatusCode == http.StatusTooManyRequests:
			// Every request on this budget backs off, not only this one;
			// the wait happens in budget.wait before the next attempt.
			d, ok := parseRetryAfter(res.Header.Get("Retry-After"), t.clock.Now())
			if !ok {
				d = t.backoffFor(attempt)
			}
			t.budget.pause(d)
			if last || d > t.budget.maxWait {
				return res, nil
			}
			t.metrics.retries.WithLabelValues(op, "rate_limited").Inc()
		case res.StatusCode >= http.StatusInternalServerError && res.StatusCode != http.StatusNotImplemented:
			if last {
				return res, nil
			}
			d, ok := parseRetryAfter(res.Header.Get("Retry-After"), t.clock.Now())
			if !ok {
				d = t.backoffFor(attempt)
			}
			if d > t.budget.maxWait {
				return res, nil
			}
			delay = d
			t.metrics.retries.WithLabelValues(op, "server_error").Inc()
		default:
			return res, nil
		}

		drain(res)
		if delay > 0 {
			if err := t.clock.Sleep(ctx, delay); err != nil {
				return nil, err
			}
		}
	}
}

func (t *transport) backoffFor(attempt int) time.Duration {
	d := t.backoff
	for range attempt {
		d *= 2
		if d >= t.maxBackoff {
			return t.maxBackoff
		}
	}
	return min(d, t.maxBackoff)
}

// drain reads a little of a response we will not use, so that its
// connection can be reused, and closes it.
func drain(res *http.Response) {
	_, _ = io.CopyN(io.Discard, res.Body, 64<<10)
	_ = res.Body.Close()
}

// closeBody honours the RoundTripper contract of closing the request body,
// also when no request is sent.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
