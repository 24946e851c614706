package fakecloudflare_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/dns"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/zones"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

func statuses(f *fake.Server) []int {
	out := []int{}
	for _, r := range f.Requests() {
		out = append(out, r.Status)
	}
	return out
}

func addFault(t *testing.T, f *fake.Server, flt fake.Fault) int {
	t.Helper()
	id, err := f.AddFault(flt)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRateLimit shows a 429 as Cloudflare sends it, and the SDK waiting for
// Retry-After before it tries again.
func TestRateLimit(t *testing.T) {
	f, url := start(t, testSeed())
	id := addFault(t, f, fake.Fault{Operation: fake.OpZonesList, Status: http.StatusTooManyRequests, RetryAfter: time.Second, Times: 1})

	_, err := client(t, url, tokenAcct).Zones.List(context.Background(), zones.ZoneListParams{})
	var e *cloudflare.Error
	if !errors.As(err, &e) {
		t.Fatalf("Zones.List(...): want a *cloudflare.Error, got %v", err)
	}
	diff(t, "A rate-limited request gets 429, Retry-After and Ratelimit headers, and code 971 "+
		"(developers.cloudflare.com/fundamentals/api/reference/limits; cloudflare/workers-sdk#10025).", "429",
		[]any{429, 971, "1", `"default";r=0;t=1`, `"default";q=1200;w=300`},
		[]any{e.StatusCode, int(e.Errors[0].Code), e.Response.Header.Get("Retry-After"), e.Response.Header.Get("Ratelimit"), e.Response.Header.Get("Ratelimit-Policy")})

	addFault(t, f, fake.Fault{Operation: fake.OpZonesList, Status: http.StatusTooManyRequests, RetryAfter: time.Second, Times: 1})
	began := time.Now()
	res, err := client(t, url, tokenAcct, option.WithMaxRetries(2)).Zones.List(context.Background(), zones.ZoneListParams{})
	took := time.Since(began)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "After the 429 the SDK's retry succeeds.", "zones", 2, len(res.Result))
	diff(t, "The SDK waited for Retry-After (1s) and no longer.", "waited about 1s", true, took >= time.Second && took < 3*time.Second)
	diff(t, "The log shows each 429 and the success.", "statuses", []int{429, 429, 200}, statuses(f))
	diff(t, "The log names the fault that answered.", "fault", id, f.Requests()[0].Fault)
}

// TestServerErrors shows 5xx faults before a write: the SDK retries the
// POST, and only the attempt that reached the API wrote.
func TestServerErrors(t *testing.T) {
	f, url := start(t, testSeed())
	addFault(t, f, fake.Fault{Method: http.MethodPost, Path: "/zones/*/dns_records", Status: http.StatusServiceUnavailable, Times: 2})
	cf := client(t, url, tokenAcct, option.WithMaxRetries(2))
	_, err := cf.DNS.Records.New(context.Background(), dns.RecordNewParams{ZoneID: cloudflare.F(zoneCom), Body: cname("app.example.com", "")})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "Two 503s, then the create.", "statuses", []int{503, 503, 200}, statuses(f))
	diff(t, "A faulted attempt writes nothing.", "writes", 1, f.WriteCount(fake.OpDNSRecordCreate))

	f.ResetRecords()
	addFault(t, f, fake.Fault{Operation: fake.OpZoneGet, Status: http.StatusInternalServerError, NoRetry: true})
	_, err = cf.Zones.Get(context.Background(), zones.ZoneGetParams{ZoneID: cloudflare.F(zoneCom)})
	status, code := cfError(t, err)
	diff(t, "x-should-retry: false stops the SDK's retries.", "status, code and requests", []int{500, 1002, 1}, []int{status, code, len(f.Requests())})
}

func TestFaultTriggers(t *testing.T) {
	cases := map[string]struct {
		reason string
		fault  fake.Fault
		want   []int
	}{
		"Always": {
			reason: "A fault with no trigger fires on every request.",
			fault:  fake.Fault{Operation: fake.OpZoneGet, Status: 502},
			want:   []int{502, 502, 502, 502, 502},
		},
		"Every": {
			reason: "every: 2 fires on every second request.",
			fault:  fake.Fault{Operation: fake.OpZoneGet, Status: 500, Every: 2},
			want:   []int{200, 500, 200, 500, 200},
		},
		"NextN": {
			reason: "times: 3 fires on the next three requests.",
			fault:  fake.Fault{Operation: fake.OpZoneGet, Status: 429, Times: 3},
			want:   []int{429, 429, 429, 200, 200},
		},
		"EveryAndTimes": {
			reason: "every and times together: every second request, twice.",
			fault:  fake.Fault{Operation: fake.OpZoneGet, Status: 500, Every: 2, Times: 2},
			want:   []int{200, 500, 200, 500, 200},
		},
		"OtherOperation": {
			reason: "A fault for another operation does not fire.",
			fault:  fake.Fault{Operation: fake.OpZonesList, Status: 500},
			want:   []int{200, 200, 200, 200, 200},
		},
		"PathPattern": {
			reason: "A path pattern matches with * per segment.",
			fault:  fake.Fault{Path: "/zones/*", Status: 503},
			want:   []int{503, 503, 503, 503, 503},
		},
		"PathPrefix": {
			reason: "A pattern ending in /** matches everything below.",
			fault:  fake.Fault{Path: "/client/v4/zones/**", Status: 503, Times: 1},
			want:   []int{503, 200, 200, 200, 200},
		},
		"OtherMethod": {
			reason: "A fault for another method does not fire.",
			fault:  fake.Fault{Method: http.MethodPut, Path: "/zones/*", Status: 503},
			want:   []int{200, 200, 200, 200, 200},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, url := start(t, testSeed())
			addFault(t, f, tc.fault)
			cf := client(t, url, tokenAcct)
			for range 5 {
				_, _ = cf.Zones.Get(context.Background(), zones.ZoneGetParams{ZoneID: cloudflare.F(zoneCom)})
			}
			diff(t, tc.reason, "statuses", tc.want, statuses(f))
		})
	}
}

// TestFaultProbability shows that a probabilistic fault follows the fake's
// random seed: the same seed fails the same requests.
func TestFaultProbability(t *testing.T) {
	run := func(seed uint64) []int {
		f, url := start(t, testSeed(), fake.WithRandomSeed(seed))
		addFault(t, f, fake.Fault{Operation: fake.OpZoneGet, Status: 500, Probability: 0.5})
		cf := client(t, url, tokenAcct)
		for range 20 {
			_, _ = cf.Zones.Get(context.Background(), zones.ZoneGetParams{ZoneID: cloudflare.F(zoneCom)})
		}
		return statuses(f)
	}
	a, b := run(42), run(42)
	diff(t, "The same seed gives the same failures.", "statuses", a, b)
	failed := 0
	for _, s := range a {
		if s == 500 {
			failed++
		}
	}
	diff(t, "Some requests fail and some do not.", "some but not all failed", true, failed > 0 && failed < 20)
}

func TestFaultLatency(t *testing.T) {
	f, url := start(t, testSeed())
	addFault(t, f, fake.Fault{Operation: fake.OpZoneGet, Latency: 200 * time.Millisecond})
	cf := client(t, url, tokenAcct)
	began := time.Now()
	if _, err := cf.Zones.Get(context.Background(), zones.ZoneGetParams{ZoneID: cloudflare.F(zoneCom)}); err != nil {
		t.Fatal(err)
	}
	diff(t, "Latency delays the answer.", "took at least 200ms", true, time.Since(began) >= 200*time.Millisecond)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := cf.Zones.Get(ctx, zones.ZoneGetParams{ZoneID: cloudflare.F(zoneCom)})
	diff(t, "A client that gives up before the answer sees its deadline.", "error", context.DeadlineExceeded, err, cmpopts.EquateErrors())
}

func TestAddFaultErrors(t *testing.T) {
	cases := map[string]struct {
		reason string
		fault  fake.Fault
	}{
		"NothingToDo":     {reason: "A fault needs a status or a latency.", fault: fake.Fault{Operation: fake.OpZoneGet}},
		"NotAnError":      {reason: "The status must be an error status.", fault: fake.Fault{Status: 204}},
		"BadProbability":  {reason: "A probability is between 0 and 1.", fault: fake.Fault{Status: 500, Probability: 2}},
		"BadPathPattern":  {reason: "The path must be a valid pattern.", fault: fake.Fault{Status: 500, Path: "/zones/["}},
		"NegativeLatency": {reason: "Durations are not negative.", fault: fake.Fault{Latency: -time.Second}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, _ := start(t, testSeed())
			_, err := f.AddFault(tc.fault)
			diff(t, tc.reason, "error", true, err != nil)
			diff(t, tc.reason, "faults", 0, len(f.Faults()))
		})
	}
}

// TestAdminFaults drives faults through the admin endpoint, as the e2e and
// `make demo` do.
func TestAdminFaults(t *testing.T) {
	f, url := start(t, testSeed())
	status, body := do(t, http.MethodPost, url+"/__admin/faults", nil, map[string]any{
		"operation": fake.OpZonesList, "status": 429, "retry_after": "2s", "times": 1,
	})
	diff(t, "Adding a fault answers 201.", "status", http.StatusCreated, status)
	var added fake.Fault
	if err := json.Unmarshal(body, &added); err != nil {
		t.Fatal(err)
	}
	diff(t, "The fault reads back as sent, with its ID.", "fault",
		fake.Fault{ID: 1, Operation: fake.OpZonesList, Status: 429, RetryAfter: 2 * time.Second, Times: 1}, added)

	status, _ = get(t, url+fake.APIPrefix+"/zones", bearer(tokenAcct))
	diff(t, "The fault answers the next request.", "status", http.StatusTooManyRequests, status)

	_, body = get(t, url+"/__admin/faults", nil)
	var list []fake.Fault
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	diff(t, "The fault counts what it did.", "matched and fired", []int{1, 1}, []int{list[0].Matched, list[0].Fired})

	status, _ = do(t, http.MethodPost, url+"/__admin/faults", nil, map[string]any{"status": 200})
	diff(t, "A fault that is not an error is refused.", "status", http.StatusBadRequest, status)
	status, _ = do(t, http.MethodPost, url+"/__admin/faults", nil, map[string]any{"status": 500, "color": "red"})
	diff(t, "An unknown field is refused.", "status", http.StatusBadRequest, status)

	status, _ = do(t, http.MethodDelete, url+"/__admin/faults/1", nil, nil)
	diff(t, "A fault is removed by ID.", "status and faults", []int{200, 0}, []int{status, len(f.Faults())})
	status, _ = do(t, http.MethodDelete, url+"/__admin/faults/1", nil, nil)
	diff(t, "Removing it again is a 404.", "status", http.StatusNotFound, status)

	addFault(t, f, fake.Fault{Status: 500})
	status, _ = do(t, http.MethodDelete, url+"/__admin/faults", nil, nil)
	diff(t, "All faults are removed at once.", "status and faults", []int{200, 0}, []int{status, len(f.Faults())})
}
