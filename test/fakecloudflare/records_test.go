package fakecloudflare_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestRequestLogObjects shows that the request log names the object of each
// successful write, so that a test can count the creates of one name: the
// created object, the updated one, the hostnames of a tunnel configuration,
// the deleted object's ID; and nothing for reads, rejected writes and
// faults.
func TestRequestLogObjects(t *testing.T) {
	f, url := start(t, testSeed())
	api := url + fake.APIPrefix
	h := bearer(tokenAcct)

	result := func(status int, body []byte) map[string]any {
		t.Helper()
		var env struct {
			Result map[string]any `json:"result"`
		}
		if err := json.Unmarshal(body, &env); err != nil || status >= 300 {
			t.Fatalf("status %d, body %s: %v", status, body, err)
		}
		return env.Result
	}

	rec := result(do(t, http.MethodPost, api+"/zones/"+zoneCom+"/dns_records", h,
		map[string]any{"type": "A", "name": "app.example.com", "content": "192.0.2.1"}))
	id, _ := rec["id"].(string)
	result(do(t, http.MethodPatch, api+"/zones/"+zoneCom+"/dns_records/"+id, h, map[string]any{"name": "web.example.com"}))
	result(do(t, http.MethodGet, api+"/zones/"+zoneCom+"/dns_records/"+id, h, nil))
	if status, _ := do(t, http.MethodPost, api+"/zones/"+zoneCom+"/dns_records", h, map[string]any{"type": "A"}); status != http.StatusBadRequest {
		t.Fatalf("a record without a name: want status 400, got %d", status)
	}
	result(do(t, http.MethodPut, api+"/accounts/"+acct+"/cfd_tunnel/"+tunnelRemote+"/configurations", h, map[string]any{
		"config": map[string]any{"ingress": []any{
			map[string]any{"hostname": "legacy.example.com", "service": "http://legacy:8080"},
			map[string]any{"hostname": "web.example.com", "service": "http://web:80"},
			map[string]any{"service": "http_status:404"},
		}},
	}))
	addFault(t, f, fake.Fault{Status: http.StatusInternalServerError, Times: 1})
	if status, _ := do(t, http.MethodDelete, api+"/zones/"+zoneCom+"/dns_records/"+id, h, nil); status != http.StatusInternalServerError {
		t.Fatalf("a delete with an injected 500: want status 500, got %d", status)
	}
	result(do(t, http.MethodDelete, api+"/zones/"+zoneCom+"/dns_records/"+id, h, nil))

	var got []*fake.ObjectRef
	for _, r := range f.Requests() {
		got = append(got, r.Object)
	}
	diff(t, "Each successful write names its object; reads, rejected writes and faults name none.", "objects by request", []*fake.ObjectRef{
		{ID: id, Name: "app.example.com"},
		{ID: id, Name: "web.example.com"},
		nil,
		nil,
		{ID: tunnelRemote, Name: "home", Hostnames: []string{"legacy.example.com", "web.example.com"}},
		nil,
		{ID: id},
	}, got)
}

// TestRequestLogTimes shows that each request in the log carries the time
// the fake answered it on its clock: reads, writes and faults alike.
func TestRequestLogTimes(t *testing.T) {
	t0 := time.Date(2026, time.March, 4, 5, 6, 7, 0, time.UTC)
	now := t0
	f, url := start(t, testSeed(), fake.WithClock(func() time.Time { return now }))
	api := url + fake.APIPrefix
	h := bearer(tokenAcct)

	get(t, api+"/zones", h)
	now = now.Add(1500 * time.Millisecond)
	do(t, http.MethodPost, api+"/zones/"+zoneCom+"/dns_records", h, map[string]any{"type": "A", "name": "app.example.com", "content": "192.0.2.1"})
	now = now.Add(time.Minute)
	addFault(t, f, fake.Fault{Status: http.StatusInternalServerError, Times: 1})
	get(t, api+"/zones", h)

	var got []time.Time
	for _, r := range f.Requests() {
		got = append(got, r.At)
	}
	diff(t, "Each request is logged with the time it was answered.", "times by request", []time.Time{
		t0, t0.Add(1500 * time.Millisecond), t0.Add(time.Minute + 1500*time.Millisecond),
	}, got)
}
