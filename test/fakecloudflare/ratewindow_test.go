package fakecloudflare_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/zones"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// Sources of the rules these tests hold the fake to.
const (
	srcLimits  = "(developers.cloudflare.com/fundamentals/api/reference/limits; cloudflare/workers-sdk#10025)"
	srcHeaders = `(Cloudflare changelog 2025-09-03 "rate limiting headers")`
	srcSliding = "(BEHAVIOUR.md: fixed or sliding is not documented; the fake slides, the stricter reading)"
)

// More tokens for the rate window: a second token of acct's user, and two
// tokens of the user alice in different accounts.
const (
	tokenAcct2  = "acct-token-2"
	tokenAlice1 = "alice-token-1"
	tokenAlice2 = "alice-token-2"
)

func rateSeed() fake.Seed {
	s := testSeed()
	s.Tokens = append(s.Tokens,
		fake.APIToken{ID: "e0000000000000000000000000000011", Name: "second", Value: tokenAcct2, AccountID: acct},
		fake.APIToken{ID: "e0000000000000000000000000000012", Name: "alice at Test", Value: tokenAlice1, AccountID: acct, User: "alice"},
		fake.APIToken{ID: "e0000000000000000000000000000013", Name: "alice at Other", Value: tokenAlice2, AccountID: otherAcct, User: "alice"},
	)
	return s
}

// An answer is what a client sees of the rate window in a response.
type answer struct {
	Status     int
	Code       int // the first error's; 0 on success
	RetryAfter string
	Ratelimit  string
	Policy     string
}

func answerOf(t *testing.T, rec *httptest.ResponseRecorder) answer {
	t.Helper()
	var env struct {
		Errors []struct {
			Code int `json:"code"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatalf("cannot decode %q: %v", rec.Body.String(), err)
	}
	a := answer{
		Status:     rec.Code,
		RetryAfter: rec.Header().Get("Retry-After"),
		Ratelimit:  rec.Header().Get("Ratelimit"),
		Policy:     rec.Header().Get("Ratelimit-Policy"),
	}
	if len(env.Errors) > 0 {
		a.Code = env.Errors[0].Code
	}
	return a
}

// send serves one GET in-process, in the test's goroutine, so that the
// test's clock needs no lock.
func send(t *testing.T, f *fake.Server, token, path string) answer {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, fake.APIPrefix+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	return answerOf(t, rec)
}

// A burst is n requests by one token at one moment, after the clock moved
// on by after.
type burst struct {
	after time.Duration
	token string
	n     int
	path  string // /zones/<zoneCom> when empty
}

const defaultPolicy = `"default";q=1200;w=300`

func TestRateWindow(t *testing.T) {
	cases := map[string]struct {
		reason string
		opts   []fake.Option
		bursts []burst
		want   answer // of the last request
	}{
		"LimitReached": {
			reason: "The 1,200th request in five minutes still succeeds, with nothing left " + srcLimits + ".",
			bursts: []burst{{token: tokenAcct, n: 1200}},
			want:   answer{Status: 200, Ratelimit: `"default";r=0;t=300`, Policy: defaultPolicy},
		},
		"LimitExceeded": {
			reason: "The 1,201st request in five minutes is refused with 429, code 971 and Retry-After, and blocks for five minutes " + srcLimits + ".",
			bursts: []burst{{token: tokenAcct, n: 1201}},
			want:   answer{Status: 429, Code: 971, RetryAfter: "300", Ratelimit: `"default";r=0;t=300`, Policy: defaultPolicy},
		},
		"BlockOutlastsWindow": {
			reason: "The block lasts five minutes from the refused request even when the window has room again " + srcLimits + ".",
			bursts: []burst{
				{token: tokenAcct, n: 1200},
				{after: 4*time.Minute + 59*time.Second, token: tokenAcct, n: 1},
				// The first 1,200 left the window a minute ago.
				{after: 2 * time.Minute, token: tokenAcct, n: 1},
			},
			want: answer{Status: 429, Code: 971, RetryAfter: "180", Ratelimit: `"default";r=0;t=180`, Policy: defaultPolicy},
		},
		"BlockEnds": {
			reason: "After the block the user calls again; the calls refused during the block still count " + srcLimits + ".",
			bursts: []burst{
				{token: tokenAcct, n: 1200},
				{after: 4*time.Minute + 59*time.Second, token: tokenAcct, n: 1},
				{after: time.Minute, token: tokenAcct, n: 1},
				{after: 4 * time.Minute, token: tokenAcct, n: 1},
			},
			// In the window: the call refused a minute into the block,
			// which leaves it in 60s, and this one.
			want: answer{Status: 200, Ratelimit: `"default";r=1198;t=60`, Policy: defaultPolicy},
		},
		"Sliding": {
			reason: "1,200 requests just before a fixed window's boundary and one just after: a fixed window would allow the last one, the sliding window refuses it " + srcSliding + ".",
			bursts: []burst{
				{after: 4*time.Minute + 59*time.Second, token: tokenAcct, n: 1200},
				{after: 2 * time.Second, token: tokenAcct, n: 1},
			},
			want: answer{Status: 429, Code: 971, RetryAfter: "300", Ratelimit: `"default";r=0;t=300`, Policy: defaultPolicy},
		},
		"SlidingFrees": {
			reason: "Requests leave the window five minutes after they were made, and t says when the oldest one in it leaves " + srcHeaders + ".",
			bursts: []burst{
				{token: tokenAcct, n: 600},
				{after: 150 * time.Second, token: tokenAcct, n: 600},
				{after: 150 * time.Second, token: tokenAcct, n: 1},
			},
			want: answer{Status: 200, Ratelimit: `"default";r=599;t=150`, Policy: defaultPolicy},
		},
		"HeadersOnSuccess": {
			reason: "A success carries Ratelimit with the requests left and the seconds until the window frees one, and Ratelimit-Policy " + srcHeaders + ".",
			bursts: []burst{{token: tokenAcct, n: 1}, {after: 10 * time.Second, token: tokenAcct, n: 1}},
			want:   answer{Status: 200, Ratelimit: `"default";r=1198;t=290`, Policy: defaultPolicy},
		},
		"HeadersOnError": {
			reason: "An error carries the headers too, and counts " + srcHeaders + ".",
			bursts: []burst{{token: tokenAcct, n: 2}, {token: tokenAcct, n: 1, path: "/zones/c0000000000000000000000000000099"}},
			want:   answer{Status: 404, Code: 7003, Ratelimit: `"default";r=1197;t=300`, Policy: defaultPolicy},
		},
		"PermissionRefusedCounts": {
			reason: "A call a token may not make reached Cloudflare and counts " + srcLimits + ".",
			bursts: []burst{{token: tokenAcct, n: 1200}, {token: tokenAcct, n: 1, path: "/accounts/" + otherAcct + "/cfd_tunnel"}},
			want:   answer{Status: 429, Code: 971, RetryAfter: "300", Ratelimit: `"default";r=0;t=300`, Policy: defaultPolicy},
		},
		"UnknownTokenNotCounted": {
			reason: "A request that authenticates no user counts against no one and shows a full window " + srcHeaders + ".",
			bursts: []burst{{token: "no-such-token", n: 1300}},
			want:   answer{Status: 403, Code: 10000, Ratelimit: `"default";r=1200;t=0`, Policy: defaultPolicy},
		},
		"TokensOfOneAccountShare": {
			reason: "Two tokens of one user share the window: by default the tokens of an account are one user's " + srcLimits + ".",
			bursts: []burst{{token: tokenAcct, n: 1200}, {token: tokenAcct2, n: 1}},
			want:   answer{Status: 429, Code: 971, RetryAfter: "300", Ratelimit: `"default";r=0;t=300`, Policy: defaultPolicy},
		},
		"TokensOfOneUserShare": {
			reason: "Tokens that name the same user share its window across accounts " + srcLimits + ".",
			bursts: []burst{{token: tokenAlice1, n: 1000}, {token: tokenAlice2, n: 201, path: "/zones/" + zoneOther}},
			want:   answer{Status: 429, Code: 971, RetryAfter: "300", Ratelimit: `"default";r=0;t=300`, Policy: defaultPolicy},
		},
		"UsersDoNotShare": {
			reason: "Another user's requests leave a user's window alone " + srcLimits + ".",
			bursts: []burst{{token: tokenAcct, n: 1201}, {token: tokenOther, n: 1, path: "/zones/" + zoneOther}},
			want:   answer{Status: 200, Ratelimit: `"default";r=1199;t=300`, Policy: defaultPolicy},
		},
		"Lowered": {
			reason: "A test can lower the window; the policy header says the lowered one.",
			opts:   []fake.Option{fake.WithRateWindow(3, time.Minute, 10*time.Second)},
			bursts: []burst{{token: tokenAcct, n: 4}},
			want:   answer{Status: 429, Code: 971, RetryAfter: "10", Ratelimit: `"default";r=0;t=10`, Policy: `"default";q=3;w=60`},
		},
		"RefusedCallsStartNewBlock": {
			reason: "A client that calls on through its block has gone over again when it ends, and is blocked again.",
			opts:   []fake.Option{fake.WithRateWindow(3, time.Minute, 10*time.Second)},
			bursts: []burst{{token: tokenAcct, n: 4}, {after: 10 * time.Second, token: tokenAcct, n: 1}},
			want:   answer{Status: 429, Code: 971, RetryAfter: "10", Ratelimit: `"default";r=0;t=10`, Policy: `"default";q=3;w=60`},
		},
		"NoBlock": {
			reason: "With no block, a refused request waits only until the window frees a request.",
			opts:   []fake.Option{fake.WithRateWindow(2, time.Minute, 0)},
			bursts: []burst{{token: tokenAcct, n: 2}, {after: 20 * time.Second, token: tokenAcct, n: 1}},
			want:   answer{Status: 429, Code: 971, RetryAfter: "40", Ratelimit: `"default";r=0;t=40`, Policy: `"default";q=2;w=60`},
		},
		"Lifted": {
			reason: "A limit of 0 lifts the window: no request is refused and no Ratelimit header claims a quota.",
			opts:   []fake.Option{fake.WithRateWindow(0, 0, 0)},
			bursts: []burst{{token: tokenAcct, n: 1300}},
			want:   answer{Status: 200},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			now := seedTime
			f, err := fake.New(rateSeed(), append([]fake.Option{fake.WithClock(func() time.Time { return now })}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			var got answer
			for _, b := range tc.bursts {
				now = now.Add(b.after)
				path := b.path
				if path == "" {
					path = "/zones/" + zoneCom
				}
				for range b.n {
					got = send(t, f, b.token, path)
				}
			}
			diff(t, tc.reason, "answer", tc.want, got)
		})
	}
}

// TestRateWindowLog shows the requests the window refuses in the request
// log, with status 429 and no fault, so that a benchmark can count them.
func TestRateWindowLog(t *testing.T) {
	now := seedTime
	f, err := fake.New(testSeed(), fake.WithClock(func() time.Time { return now }), fake.WithRateWindow(2, time.Minute, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		send(t, f, tokenAcct, "/zones/"+zoneCom)
	}
	type entry struct{ Status, Fault int }
	var got []entry
	for _, r := range f.Requests() {
		got = append(got, entry{r.Status, r.Fault})
	}
	diff(t, "Two successes, then two 429s of the window, which no fault answered "+srcLimits+".", "log",
		[]entry{{200, 0}, {200, 0}, {429, 0}, {429, 0}}, got)
}

// TestRateWindowFaults shows that a fault's reply carries the window's
// headers without counting, and that an injected 429 names the window's
// policy.
func TestRateWindowFaults(t *testing.T) {
	now := seedTime
	f, err := fake.New(testSeed(), fake.WithClock(func() time.Time { return now }), fake.WithRateWindow(10, time.Minute, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	send(t, f, tokenAcct, "/zones/"+zoneCom)
	addFault(t, f, fake.Fault{Operation: fake.OpZoneGet, Status: http.StatusServiceUnavailable, Times: 2})
	addFault(t, f, fake.Fault{Operation: fake.OpZoneGet, Status: http.StatusTooManyRequests, RetryAfter: 5 * time.Second, Times: 1})
	now = now.Add(30 * time.Second)
	got := []answer{
		send(t, f, tokenAcct, "/zones/"+zoneCom),
		send(t, f, tokenAcct, "/zones/"+zoneCom),
		send(t, f, tokenAcct, "/zones/"+zoneCom),
		send(t, f, tokenAcct, "/zones/"+zoneCom),
	}
	diff(t, "Fault replies carry the headers of the window they do not count in; an injected 429 says r=0 and its own wait "+srcHeaders+".", "answers", []answer{
		{Status: 503, Code: 1002, Ratelimit: `"default";r=9;t=30`, Policy: `"default";q=10;w=60`},
		{Status: 503, Code: 1002, Ratelimit: `"default";r=9;t=30`, Policy: `"default";q=10;w=60`},
		{Status: 429, Code: 971, RetryAfter: "5", Ratelimit: `"default";r=0;t=5`, Policy: `"default";q=10;w=60`},
		{Status: 200, Ratelimit: `"default";r=8;t=30`, Policy: `"default";q=10;w=60`},
	}, got)
}

// TestRateWindowSDK shows the SDK reading the window's 429 as Cloudflare's:
// the body passes the schema check and the error carries code 971.
func TestRateWindowSDK(t *testing.T) {
	_, url := start(t, testSeed(), fake.WithRateWindow(1, time.Minute, time.Minute))
	cf := client(t, url, tokenAcct)
	_, err := cf.Zones.Get(context.Background(), zones.ZoneGetParams{ZoneID: cloudflare.F(zoneCom)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cf.Zones.Get(context.Background(), zones.ZoneGetParams{ZoneID: cloudflare.F(zoneCom)})
	status, code := cfError(t, err)
	diff(t, "The second call in the window is refused with 429 and code 971 "+srcLimits+".", "status and code", []int{429, 971}, []int{status, code})
}

// TestRateWindowNew shows that New refuses a window that makes no sense.
func TestRateWindowNew(t *testing.T) {
	cases := map[string]struct {
		reason string
		opt    fake.Option
	}{
		"NegativeLimit": {reason: "A limit is not negative.", opt: fake.WithRateWindow(-1, time.Minute, 0)},
		"NoWindow":      {reason: "A limit needs a window to count in.", opt: fake.WithRateWindow(10, 0, 0)},
		"NegativeBlock": {reason: "A block is not negative.", opt: fake.WithRateWindow(10, time.Minute, -time.Second)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := fake.New(testSeed(), tc.opt)
			diff(t, tc.reason, "refused", true, err != nil)
		})
	}
}

// TestAdminRateLimit drives the window through the admin endpoints, as the
// e2e and `make demo` do.
func TestAdminRateLimit(t *testing.T) {
	now := seedTime
	f, err := fake.New(rateSeed(), fake.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	admin := func(method, path string, body any) (int, fake.RateStatus) {
		t.Helper()
		var b []byte
		if body != nil {
			var err error
			if b, err = json.Marshal(body); err != nil {
				t.Fatal(err)
			}
		}
		req := httptest.NewRequestWithContext(t.Context(), method, fake.AdminPrefix+path, bytes.NewReader(b))
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		var st fake.RateStatus
		if rec.Code == http.StatusOK && path == "/ratelimit" {
			if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
				t.Fatalf("cannot decode %q: %v", rec.Body.String(), err)
			}
		}
		return rec.Code, st
	}

	status, st := admin(http.MethodGet, "/ratelimit", nil)
	diff(t, "By default the fake enforces Cloudflare's window "+srcLimits+".", "status and window",
		[]any{200, fake.RateStatus{RateWindow: fake.RateWindow{Limit: 1200, Window: 5 * time.Minute, Block: 5 * time.Minute}, Users: []fake.RateUser{}}},
		[]any{status, st})

	status, st = admin(http.MethodPut, "/ratelimit", map[string]any{"limit": 2, "window": "1m", "block": "30s"})
	diff(t, "A PUT lowers the window.", "status and window",
		[]any{200, fake.RateWindow{Limit: 2, Window: time.Minute, Block: 30 * time.Second}}, []any{status, st.RateWindow})
	for range 3 {
		send(t, f, tokenAcct, "/zones/"+zoneCom)
	}
	now = now.Add(time.Second)
	_, st = admin(http.MethodGet, "/ratelimit", nil)
	diff(t, "A GET shows each user's count and block.", "users",
		[]fake.RateUser{{User: acct, Count: 3, Remaining: 0, Reset: 29, BlockedUntil: seedTime.Add(30 * time.Second)}}, st.Users)

	status, _ = admin(http.MethodPut, "/ratelimit", map[string]any{"limit": 5, "window": "1m", "block": "30s"})
	diff(t, "Raising the limit succeeds.", "status", 200, status)
	diff(t, "Raising the limit ends the block; the calls made still count.", "answer",
		answer{Status: 200, Ratelimit: `"default";r=1;t=59`, Policy: `"default";q=5;w=60`}, send(t, f, tokenAcct, "/zones/"+zoneCom))

	status, _ = admin(http.MethodPut, "/ratelimit", map[string]any{"limit": 0})
	diff(t, "A limit of 0 lifts the window.", "status", 200, status)
	diff(t, "A lifted window refuses nothing and sends no Ratelimit headers.", "answer",
		answer{Status: 200}, send(t, f, tokenAcct, "/zones/"+zoneCom))

	for name, body := range map[string]any{
		"NegativeLimit": map[string]any{"limit": -1, "window": "1m"},
		"NoWindow":      map[string]any{"limit": 5},
		"BadDuration":   map[string]any{"limit": 5, "window": "a minute"},
		"UnknownField":  map[string]any{"limit": 5, "window": "1m", "burst": 3},
	} {
		status, _ := admin(http.MethodPut, "/ratelimit", body)
		diff(t, "A PUT that makes no sense is refused: "+name+".", "status", http.StatusBadRequest, status)
	}
}

// TestSpendRate counts calls made elsewhere against a user's window, so
// that a test can show a client following the Ratelimit header.
func TestSpendRate(t *testing.T) {
	cases := map[string]struct {
		reason string
		spend  map[string]any
		status int
		then   answer // of the next request with tokenAcct
	}{
		"ByValue": {
			reason: "Calls spent elsewhere leave fewer for the client " + srcLimits + ".",
			spend:  map[string]any{"token": tokenAcct, "n": 100},
			status: 200,
			then:   answer{Status: 200, Ratelimit: `"default";r=1099;t=300`, Policy: defaultPolicy},
		},
		"ByNameOfAnotherTokenOfTheUser": {
			reason: "Calls spent with another token of the same user count against the shared window " + srcLimits + ".",
			spend:  map[string]any{"token": "second", "n": 1199},
			status: 200,
			then:   answer{Status: 200, Ratelimit: `"default";r=0;t=300`, Policy: defaultPolicy},
		},
		"ByID": {
			reason: "A token can be named by its ID.",
			spend:  map[string]any{"token": "e0000000000000000000000000000001", "n": 1},
			status: 200,
			then:   answer{Status: 200, Ratelimit: `"default";r=1198;t=300`, Policy: defaultPolicy},
		},
		"OverTheLimit": {
			reason: "Spending past the limit blocks the user, as the call that went over would have " + srcLimits + ".",
			spend:  map[string]any{"token": tokenAcct, "n": 1201},
			status: 200,
			then:   answer{Status: 429, Code: 971, RetryAfter: "300", Ratelimit: `"default";r=0;t=300`, Policy: defaultPolicy},
		},
		"OtherUser": {
			reason: "Calls spent by another user leave the client's window alone " + srcLimits + ".",
			spend:  map[string]any{"token": tokenOther, "n": 1201},
			status: 200,
			then:   answer{Status: 200, Ratelimit: `"default";r=1199;t=300`, Policy: defaultPolicy},
		},
		"UnknownToken": {
			reason: "A token the fake does not hold is refused.",
			spend:  map[string]any{"token": "no-such-token", "n": 1},
			status: 400,
			then:   answer{Status: 200, Ratelimit: `"default";r=1199;t=300`, Policy: defaultPolicy},
		},
		"NothingToSpend": {
			reason: "Spending needs at least one call.",
			spend:  map[string]any{"token": tokenAcct, "n": 0},
			status: 400,
			then:   answer{Status: 200, Ratelimit: `"default";r=1199;t=300`, Policy: defaultPolicy},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			now := seedTime
			f, err := fake.New(rateSeed(), fake.WithClock(func() time.Time { return now }))
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(tc.spend)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, fake.AdminPrefix+"/ratelimit/spend", bytes.NewReader(b))
			rec := httptest.NewRecorder()
			f.ServeHTTP(rec, req)
			diff(t, tc.reason, "status", tc.status, rec.Code)
			diff(t, tc.reason, "next request", tc.then, send(t, f, tokenAcct, "/zones/"+zoneCom))
		})
	}
}

func TestSpendRateLifted(t *testing.T) {
	f, err := fake.New(testSeed(), fake.WithRateWindow(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.SpendRate(tokenAcct, 1)
	diff(t, "There is no window to spend in when it is lifted.", "refused", true, err != nil)
}

// TestRateWindowReset shows that Reset forgets every user's requests and
// block, and goes back to the window New was given.
func TestRateWindowReset(t *testing.T) {
	now := seedTime
	f, err := fake.New(testSeed(), fake.WithClock(func() time.Time { return now }), fake.WithRateWindow(2, time.Minute, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		send(t, f, tokenAcct, "/zones/"+zoneCom)
	}
	if _, err := f.SetRateWindow(fake.RateWindow{Limit: 1, Window: time.Hour, Block: time.Hour}); err != nil {
		t.Fatal(err)
	}
	f.Reset()
	diff(t, "After Reset the user has its whole window, as New set it.", "answer",
		answer{Status: 200, Ratelimit: `"default";r=1;t=60`, Policy: `"default";q=2;w=60`}, send(t, f, tokenAcct, "/zones/"+zoneCom))
	diff(t, "After Reset the status shows only the request since.", "status",
		fake.RateStatus{RateWindow: fake.RateWindow{Limit: 2, Window: time.Minute, Block: time.Minute}, Users: []fake.RateUser{{User: acct, Count: 1, Remaining: 1, Reset: 60}}},
		f.RateWindowStatus())
}
