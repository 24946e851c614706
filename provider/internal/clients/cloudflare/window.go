package cloudflare

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A window is the request allowance of one Cloudflare user as Cloudflare
// counts it: at most quota requests in any period, counted across the
// dashboard, other tools and every token of the user, and every call
// refused for a whole period once that is exceeded. Refusal is so costly
// that the window spends only quota less a reserve itself, leaving the
// reserve to the user's other clients, and never lets a request through
// that Cloudflare's own count says would eat into that reserve.
//
// Requests go through at once while the window has room, so a burst of
// work is done as fast as Cloudflare allows rather than at an average
// rate. A window is not safe for concurrent use; its budget locks it.
type window struct {
	period time.Duration
	// quota is the configured limit, used when Cloudflare names none.
	quota int
	// reserve is the fraction of a quota left to other clients of the user.
	reserve float64
	// allowed is quota less the reserve: the most this window lets through
	// in any period.
	allowed int

	// sent holds the admission time of every request of the last period,
	// oldest first. A caller that waits books its time here when it starts
	// waiting, so that callers are served in order and no two wait for
	// the same room.
	sent []time.Time
	// admitted counts admissions; a ticket is its admission's number.
	admitted ticket

	// reported is Cloudflare's count from the latest response, nil when
	// there was none or its reset time has passed.
	reported *report
}

// A ticket numbers an admission, so that a response's Ratelimit header can
// be matched to how many requests were let through after its request.
type ticket int

// A report is what a response's Ratelimit and Ratelimit-Policy headers said.
type report struct {
	// ticket of the request whose response carried it.
	ticket ticket
	// remaining requests in Cloudflare's window when it answered.
	remaining int
	// reserve is this window's reserve of Cloudflare's quota.
	reserve int
	// until is when Cloudflare said its window resets. The report says
	// nothing after it: the next response brings a fresh one.
	until time.Time
}

func newWindow(r RateLimit) *window {
	reserve := min(max(r.Reserve, 0), 1)
	return &window{
		period:  r.Period,
		quota:   r.Requests,
		reserve: reserve,
		allowed: max(r.Requests-reserveOf(reserve, r.Requests), 1),
	}
}

// reserveOf is the number of requests of quota that fraction leaves to
// others, rounded to the nearest so that 20 % of 1,200 is 240, not 241.
func reserveOf(fraction float64, quota int) int {
	return int(math.Round(fraction * float64(quota)))
}

// admit lets one request through at the earliest time both this window and
// Cloudflare's last report allow, and says how long from now that is. A
// wait longer than maxWait is not booked: admit returns false, and the
// time the caller would have had to wait.
func (w *window) admit(now time.Time, maxWait time.Duration) (ticket, time.Time, time.Duration, bool) {
	w.forget(now)
	at := w.next(now)
	d := at.Sub(now)
	if d > maxWait {
		return 0, at, d, false
	}
	w.admitted++
	w.sent = append(w.sent, at)
	return w.admitted, at, d, true
}

// next is the earliest time at or after now that one more request may be
// sent.
func (w *window) next(now time.Time) time.Time {
	at := now
	// Behind every caller already waiting: booked times stay in order, and
	// a newcomer never takes the room a waiter was promised.
	if n := len(w.sent); n > 0 && w.sent[n-1].After(at) {
		at = w.sent[n-1]
	}
	// Room means fewer than allowed sends in (at-period, at]: the send
	// allowed places from the newest must have left.
	if i := len(w.sent) - w.allowed; i >= 0 {
		at = later(at, w.sent[i].Add(w.period))
	}
	// Cloudflare also counts what the user's other clients sent. While it
	// says no more than the reserve remains, once our sends since its
	// answer are taken off, nothing more is sent until its window resets.
	if r := w.reported; r != nil && at.Before(r.until) && w.remaining() <= r.reserve {
		at = r.until
	}
	return at
}

// remaining is Cloudflare's last reported remaining requests less those
// admitted after the request it answered. Requests admitted before its
// answer arrived but after its request may already be in its count, so
// this errs on the side of fewer.
func (w *window) remaining() int {
	r := w.reported
	return r.remaining - int(w.admitted-r.ticket)
}

// cancel gives back the room a caller that stopped waiting had booked for
// the time booked.
func (w *window) cancel(booked time.Time) {
	for i, t := range slices.Backward(w.sent) {
		if t.Equal(booked) {
			w.sent = slices.Delete(w.sent, i, i+1)
			return
		}
	}
}

// observe takes Cloudflare's count from a response to the request admitted
// as t, unless a response to a later request already said more. It returns
// the remaining requests Cloudflare reported, and false when the response
// carried no Ratelimit header.
func (w *window) observe(t ticket, now time.Time, h http.Header) (int, bool) {
	name, remaining, reset, ok := parseRateLimit(h.Get("Ratelimit"))
	if !ok {
		return 0, false
	}
	if w.reported != nil && t < w.reported.ticket {
		return remaining, true
	}
	quota, ok := parseRateLimitPolicy(h.Get("Ratelimit-Policy"), name)
	if !ok {
		quota = w.quota
	}
	// However long Cloudflare says, a report stops counting after one
	// period: a stale or garbled header must not hold requests forever.
	reset = min(max(reset, 0), w.period)
	w.reported = &report{ticket: t, remaining: remaining, reserve: reserveOf(w.reserve, quota), until: now.Add(reset)}
	return remaining, true
}

// forget drops what no longer counts at now: sends older than a period and
// a report whose window has reset.
func (w *window) forget(now time.Time) {
	start := now.Add(-w.period)
	i := 0
	for i < len(w.sent) && !w.sent[i].After(start) {
		i++
	}
	w.sent = slices.Delete(w.sent, 0, i)
	if w.reported != nil && !now.Before(w.reported.until) {
		w.reported = nil
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// parseRateLimit reads a Ratelimit header, `"default";r=50;t=30`: the
// policy's name, the requests remaining and the time until its window
// resets. Of several policies it returns the one with the fewest remaining,
// the one that binds.
func parseRateLimit(v string) (string, int, time.Duration, bool) {
	var (
		name  string
		left  int
		reset time.Duration
		found bool
	)
	for _, it := range parseItems(v) {
		r, err := strconv.Atoi(it.params["r"])
		if err != nil {
			continue
		}
		t, err := strconv.ParseFloat(it.params["t"], 64)
		if err != nil {
			continue
		}
		if !found || r < left {
			name, left, reset, found = it.name, r, time.Duration(t*float64(time.Second)), true
		}
	}
	return name, left, reset, found
}

// parseRateLimitPolicy reads the quota of the policy called name from a
// Ratelimit-Policy header, `"default";q=1200;w=300`.
func parseRateLimitPolicy(v, name string) (int, bool) {
	for _, it := range parseItems(v) {
		if it.name != name {
			continue
		}
		q, err := strconv.Atoi(it.params["q"])
		return q, err == nil && q > 0
	}
	return 0, false
}

// An item is one member of a structured header list: a name and its
// parameters.
type item struct {
	name   string
	params map[string]string
}

// parseItems reads a structured header list of strings or tokens with
// parameters (RFC 9651), as the Ratelimit headers are, leniently: anything
// it cannot read is left out.
func parseItems(v string) []item {
	var items []item
	for member := range strings.SplitSeq(v, ",") {
		parts := strings.Split(member, ";")
		it := item{name: strings.Trim(strings.TrimSpace(parts[0]), `"`), params: map[string]string{}}
		for _, p := range parts[1:] {
			k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
			it.params[k] = strings.Trim(val, `"`)
		}
		items = append(items, it)
	}
	return items
}
