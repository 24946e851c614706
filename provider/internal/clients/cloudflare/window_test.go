package cloudflare

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// A step of a window script: move the clock, send requests one after
// another, or answer a request with Cloudflare's headers.
type step struct {
	advance time.Duration
	send    int
	// answer is the Ratelimit header of the response to the request
	// admitted as of (0: the latest admitted), with policy as its
	// Ratelimit-Policy header.
	answer string
	policy string
	of     ticket
}

func advance(d time.Duration) step { return step{advance: d} }

func requests(n int) step { return step{send: n} }

func answer(ratelimit, policy string) step { return step{answer: ratelimit, policy: policy} }

func answerTo(of ticket, ratelimit, policy string) step {
	return step{answer: ratelimit, policy: policy, of: of}
}

// play plays steps against a budget of rl on a fake clock and reports each
// request's fate: how long it waited ("0s" for at once), or "refused <d>"
// when it would have waited longer than maxWait.
func play(t *testing.T, rl RateLimit, maxWait time.Duration, steps []step) []string {
	t.Helper()
	clk := newFakeClock()
	o := defaultOptions()
	for _, fn := range []Option{withClock(clk), WithMetrics(NewMetrics()), WithRateLimit(rl), withMaxWait(maxWait)} {
		fn(&o)
	}
	b := o.newBudget()
	var got []string
	var last ticket
	for _, s := range steps {
		clk.Advance(s.advance)
		for range s.send {
			start := clk.Now()
			tk, err := b.wait(context.Background())
			if rl, ok := errors.AsType[*RateLimitedError](err); ok {
				got = append(got, fmt.Sprintf("refused %s", rl.RetryAfter))
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			last = tk
			got = append(got, clk.Now().Sub(start).String())
		}
		if s.answer != "" {
			of := s.of
			if of == 0 {
				of = last
			}
			h := http.Header{}
			h.Set("Ratelimit", s.answer)
			if s.policy != "" {
				h.Set("Ratelimit-Policy", s.policy)
			}
			b.observe(of, h)
		}
	}
	return got
}

// repeat is n copies of s.
func repeat(n int, s string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestWindow(t *testing.T) {
	// Ten requests a minute with a 20 % reserve: eight of ours in any
	// minute, and nothing while Cloudflare says two or fewer remain.
	ten := RateLimit{Requests: 10, Period: time.Minute, Reserve: 0.2}
	const policy = `"default";q=10;w=60`

	cases := map[string]struct {
		reason  string
		rl      RateLimit
		maxWait time.Duration
		steps   []step
		want    []string
	}{
		"BurstWhileRoom": {
			reason:  "Requests go through at once while the window has room, not at an average rate.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(8)},
			want:    repeat(8, "0s"),
		},
		"ReserveKept": {
			reason:  "Once Requests×(1−Reserve) were sent in the last Period, the next waits until the oldest of them leaves it.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(9)},
			want:    append(repeat(8, "0s"), "1m0s"),
		},
		"NoReserve": {
			reason:  "Without a reserve the whole limit is ours.",
			rl:      RateLimit{Requests: 10, Period: time.Minute},
			maxWait: time.Hour,
			steps:   []step{requests(11)},
			want:    append(repeat(10, "0s"), "1m0s"),
		},
		"WaitsUntilOldestLeaves": {
			reason:  "A full window opens as its oldest sends leave it: four sent at 0s leave at 60s, the four sent at 20s at 80s.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(4), advance(20 * time.Second), requests(4), requests(5)},
			want:    concat(repeat(8, "0s"), []string{"40s", "0s", "0s", "0s", "20s"}),
		},
		"RefusedBeyondMaxWait": {
			reason:  "A wait longer than the maximum is not waited for and books nothing: the caller is told how long, and the next caller is told the same.",
			rl:      ten,
			maxWait: 20 * time.Second,
			steps:   []step{requests(8), advance(30 * time.Second), requests(2), advance(15 * time.Second), requests(1)},
			want:    concat(repeat(8, "0s"), []string{"refused 30s", "refused 30s", "15s"}),
		},
		"FollowsCallsMadeElsewhere": {
			reason: "Cloudflare says 5 remain after our first request: the user's other clients sent 4. " +
				"Three more of ours leave 2, the reserve, and the next waits until Cloudflare's window resets.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(1), answer(`"default";r=5;t=30`, policy), requests(4)},
			want:    concat(repeat(4, "0s"), []string{"30s"}),
		},
		"RequestsInFlightCount": {
			reason: "Requests let through after the one Cloudflare answered are taken off what it says remains, " +
				"even those sent before its answer arrived.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(3), answerTo(1, `"default";r=5;t=30`, policy), requests(2)},
			want:    concat(repeat(4, "0s"), []string{"30s"}),
		},
		"RecoversAfterReset": {
			reason: "When Cloudflare's reset time passes its count stops holding requests back; " +
				"our own window of the last minute still does.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(1), answer(`"default";r=2;t=30`, policy), requests(8)},
			want:    concat([]string{"0s", "30s"}, repeat(6, "0s"), []string{"30s"}),
		},
		"StaleHeaderBounded": {
			reason:  "A report that claims a reset far away holds requests back for one Period at most.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(1), answer(`"default";r=0;t=86400`, policy), requests(1)},
			want:    []string{"0s", "1m0s"},
		},
		"OlderAnswerIgnored": {
			reason:  "The answer to an earlier request, arriving last, does not replace what a later request's answer said.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(2), answerTo(2, `"default";r=2;t=10`, policy), answerTo(1, `"default";r=9;t=10`, policy), requests(1)},
			want:    []string{"0s", "0s", "10s"},
		},
		"LooserServerIgnored": {
			reason:  "Cloudflare saying many remain never lets more through than our own window.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(1), answer(`"default";r=1000;t=60`, `"default";q=1200;w=300`), requests(8)},
			want:    concat(repeat(8, "0s"), []string{"1m0s"}),
		},
		"ReserveOfCloudflaresQuota": {
			reason:  "The reserve is a share of the quota Cloudflare names: 20 % of 100 is 20, so 21 remaining lets one through and 20 none.",
			rl:      RateLimit{Requests: 1000, Period: time.Minute, Reserve: 0.2},
			maxWait: time.Hour,
			steps:   []step{requests(1), answer(`"default";r=21;t=5`, `"default";q=100;w=60`), requests(2)},
			want:    []string{"0s", "0s", "5s"},
		},
		"PolicyMissing": {
			reason:  "Without a Ratelimit-Policy the reserve is a share of the configured limit.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(1), answer(`"default";r=3;t=5`, ""), requests(2)},
			want:    []string{"0s", "0s", "5s"},
		},
		"TightestPolicyBinds": {
			reason:  "Of several policies in one header, the one with the fewest remaining holds requests back.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(1), answer(`"burst";r=1;t=4, "default";r=9;t=50`, `"burst";q=5;w=10, "default";q=10;w=60`), requests(1)},
			want:    []string{"0s", "4s"},
		},
		"GarbledHeaderIgnored": {
			reason:  "A header the window cannot read changes nothing.",
			rl:      ten,
			maxWait: time.Hour,
			steps:   []step{requests(1), answer(`"default";r=none;t=30`, policy), requests(7)},
			want:    repeat(8, "0s"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := play(t, tc.rl, tc.maxWait, tc.steps)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\n%s\nrequests: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestWindowCancelGivesRoomBack(t *testing.T) {
	// A caller that stops waiting gives its booked time back: the next
	// caller waits as long as it would have, not behind it.
	w := newWindow(RateLimit{Requests: 1, Period: time.Minute})
	now := newFakeClock().Now()
	if _, _, d, ok := w.admit(now, time.Hour); !ok || d != 0 {
		t.Fatalf("first admit: want at once, got %v, %v", d, ok)
	}
	_, at, d, ok := w.admit(now, time.Hour)
	if !ok || d != time.Minute {
		t.Fatalf("second admit: want a minute, got %v, %v", d, ok)
	}
	w.cancel(at)
	if _, _, d, _ := w.admit(now, time.Hour); d != time.Minute {
		t.Errorf("admit after cancel: want a minute, got %v", d)
	}
}

func TestNewWindowAllowed(t *testing.T) {
	cases := map[string]struct {
		reason string
		rl     RateLimit
		want   int
	}{
		"Default": {
			reason: "Cloudflare's 1,200 less a 20 % reserve is 960, exactly, not 959.",
			rl:     RateLimit{Requests: defaultRateLimitRequests, Period: defaultRateLimitPeriod, Reserve: defaultRateLimitReserve},
			want:   960,
		},
		"NoReserve": {
			reason: "Without a reserve the whole limit is ours.",
			rl:     RateLimit{Requests: 1200, Period: time.Minute},
			want:   1200,
		},
		"ReserveAll": {
			reason: "A reserve of everything still lets one request through, or the provider could never learn Cloudflare's count.",
			rl:     RateLimit{Requests: 10, Period: time.Minute, Reserve: 1},
			want:   1,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, newWindow(tc.rl).allowed); diff != "" {
				t.Errorf("\n%s\nallowed: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestWindowKeepsCloudflaresLimit(t *testing.T) {
	// The project's fake enforces Cloudflare's sliding 1,200 requests per
	// user in any 5 minutes, blocks the user for 5 minutes once that is
	// exceeded, and reports its count in Ratelimit headers. The client's
	// default window sends n requests one after another, while the user's
	// other clients spend elsewhere requests at the start and another
	// elsewhere every 500 of ours. Time is the fake clock's, shared by the
	// client and the fake.
	cases := map[string]struct {
		reason    string
		n         int
		elsewhere int
		// within is the longest the requests may take, as a multiple of
		// n ÷ Cloudflare's 4 a second; 0 for no bound.
		within float64
	}{
		"Ten": {
			reason: "A few requests go at once.",
			n:      10,
			within: 0.001,
		},
		"OneWindow": {
			reason: "960 requests, the window less the reserve, go at once.",
			n:      960,
			within: 0.001,
		},
		"ThousandRoutes": {
			reason: "4,000 requests, about what 1,000 full routes take, take 1,200 s: 960 in each 5 minutes, the whole window less the reserve.",
			n:      4000,
			within: 1.25,
		},
		"CallsMadeElsewhere": {
			reason:    "With the user's other clients spending 300 at the start and 100 every 500 of ours, Cloudflare's count, not ours, says when to stop.",
			n:         4000,
			elsewhere: 300,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			clk := newFakeClock()
			f, url := newFake(t, tunnelSeed(tunnelConfig(catchAll), true), fakecloudflare.WithClock(clk.Now))
			c, _, m := newTestClient(t, url, withClock(clk), withWindow(RateLimit{Requests: defaultRateLimitRequests, Period: defaultRateLimitPeriod, Reserve: defaultRateLimitReserve}), withMaxWait(time.Hour))
			spend := func(n int) {
				if n == 0 {
					return
				}
				if _, err := f.SpendRate(testToken, n); err != nil {
					t.Fatal(err)
				}
			}
			start := clk.Now()
			spend(tc.elsewhere)
			for i := range tc.n {
				if i > 0 && i%500 == 0 {
					spend(tc.elsewhere / 3)
				}
				if _, err := c.GetTunnel(context.Background(), testTunnel); err != nil {
					t.Fatalf("request %d: %v", i+1, err)
				}
			}
			took := clk.Now().Sub(start)
			if got := value(t, m.requests.WithLabelValues(opTunnelsGet, "4xx")); got != 0 {
				t.Errorf("\n%s\n%v requests answered 429 (or another 4xx), want none", tc.reason, got)
			}
			if limit := time.Duration(tc.within * float64(tc.n) / 4 * float64(time.Second)); tc.within > 0 && took > limit {
				t.Errorf("\n%s\n%d requests took %s, want at most %s", tc.reason, tc.n, took, limit)
			}
			t.Logf("%d requests, %d elsewhere at the start: %s, %.2f× n ÷ 4/s", tc.n, tc.elsewhere, took, took.Seconds()/(float64(tc.n)/4))
		})
	}
}
