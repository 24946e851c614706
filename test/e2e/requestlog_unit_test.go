package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestReplay shows that the checks of the fault tests can fail: replaying a
// request log finds a name created twice, by single creates or in a DNS
// batch, a write to someone else's record
// and tunnel configurations that route a hostname twice or drop someone
// else's rule, and leftovers finds what is left; a name created again after
// its delete is no duplicate. It needs no stack.
func TestReplay(t *testing.T) {
	seed, err := fakecloudflare.Load(filepath.Join("..", "..", "examples", "fake-cloudflare", "seed.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cf, err := fakecloudflare.New(seed)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(cf)
	t.Cleanup(srv.Close)
	rec := newRecorder(t, cf)

	do := func(method, path string, body any) string {
		t.Helper()
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+fakecloudflare.APIPrefix+path, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer demo-token")
		rsp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer rsp.Body.Close() //nolint:errcheck // Read to the end.
		out, _ := io.ReadAll(rsp.Body)
		var env struct {
			Result struct {
				ID string `json:"id"`
			} `json:"result"`
		}
		if err := json.Unmarshal(out, &env); err != nil || rsp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, rsp.StatusCode, out)
		}
		return env.Result.ID
	}
	records := "/zones/" + zoneExampleCom + "/dns_records"
	a := func(ip string) map[string]any {
		return map[string]any{"type": "A", "name": "dup.example.com", "content": ip}
	}
	first := do(http.MethodPost, records, a("192.0.2.1"))
	second := do(http.MethodPost, records, a("192.0.2.2"))
	do(http.MethodDelete, records+"/"+first, nil)
	do(http.MethodDelete, records+"/"+second, nil)
	do(http.MethodPost, records, a("192.0.2.1"))
	// A batch that creates one name twice is a duplicate too.
	batched := func(ip string) map[string]any {
		return map[string]any{"type": "A", "name": "batch.example.com", "content": ip}
	}
	do(http.MethodPost, records+"/batch", map[string]any{"posts": []any{batched("192.0.2.3"), batched("192.0.2.4")}})
	do(http.MethodPatch, records+"/a1b2c3d4e5f60718293a4b5c6d7e8f92", map[string]any{"comment": "mine now"})
	do(http.MethodPut, "/accounts/4f1c2a7e9b3d45e8a6c0d2f1b7e9a3c5/cfd_tunnel/"+tunnelID+"/configurations", map[string]any{"config": map[string]any{"ingress": []any{
		map[string]any{"hostname": "legacy.example.com", "service": "http://legacy.home.arpa:8080"},
		map[string]any{"hostname": "twice.example.com", "service": "http://a"},
		map[string]any{"hostname": "twice.example.com", "service": "http://b"},
		map[string]any{"service": catchAllService},
	}}})

	rp := rec.replay()
	for what, got := range map[string][]string{"twice": rp.twice, "foreign": rp.foreign, "rules": rp.rules} {
		t.Logf("%s: %q", what, got)
	}
	if len(rp.twice) != 2 || !strings.Contains(rp.twice[0], second) || !strings.Contains(rp.twice[0], first) || !strings.Contains(rp.twice[1], "batch.example.com") {
		t.Errorf("replay().twice: want the second create of dup.example.com while the first existed, and not the third, after both were deleted, then the batch's second create of batch.example.com; got %q", rp.twice)
	}
	if len(rp.foreign) != 2 || !strings.Contains(rp.foreign[0], "mail.example.com") || !strings.Contains(rp.foreign[1], "nas.example.org") {
		t.Errorf("replay().foreign: want the write to mail.example.com's record and the configuration without nas.example.org's rule, got %q", rp.foreign)
	}
	if len(rp.rules) != 1 || !strings.Contains(rp.rules[0], "twice.example.com") {
		t.Errorf("replay().rules: want the configuration that routes twice.example.com twice, got %q", rp.rules)
	}
	if got := rp.creates[kindDNSRecord]; got != 5 {
		t.Errorf("replay().creates[%q]: want 5, got %d", kindDNSRecord, got)
	}
	if left := rec.leftovers(); len(left) != 5 {
		t.Errorf("leftovers(): want the last record of dup.example.com, the two of batch.example.com and the two rules of twice.example.com, got %q", left)
	}
}
