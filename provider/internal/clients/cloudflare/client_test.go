package cloudflare

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConfigValidation(t *testing.T) {
	cases := map[string]struct {
		reason string
		cfg    Config
		err    bool
		url    string
	}{
		"NoAccount":  {reason: "A client needs an account.", cfg: Config{Token: "t"}, err: true},
		"NoToken":    {reason: "A client needs a token.", cfg: Config{AccountID: testAccount}, err: true},
		"DefaultURL": {reason: "No base URL means Cloudflare's.", cfg: Config{AccountID: testAccount, Token: "t"}, url: defaultBaseURL},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := NewRegistry().ClientFor(context.Background(), tc.cfg)
			if diff := cmp.Diff(tc.err, err != nil); diff != "" {
				t.Errorf("\n%s\nerr != nil: -want, +got:\n%s", tc.reason, diff)
			}
			if tc.url != "" {
				if diff := cmp.Diff(tc.url, tc.cfg.baseURL()); diff != "" {
					t.Errorf("\n%s\nbase URL: -want, +got:\n%s", tc.reason, diff)
				}
			}
		})
	}
}

func TestRequestsCarryOnlyTheToken(t *testing.T) {
	t.Setenv("CLOUDFLARE_API_KEY", "env-key")
	t.Setenv("CLOUDFLARE_EMAIL", "env@example.com")
	t.Setenv("CLOUDFLARE_API_TOKEN", "env-token")
	t.Setenv("CLOUDFLARE_BASE_URL", "http://127.0.0.1:1/")
	var got http.Header
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		reply(w, http.StatusOK, map[string]any{"id": testTunnel})
	})
	c, _, _ := newTestClient(t, srv.URL)
	if _, err := c.GetTunnel(context.Background(), testTunnel); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Authorization": "Bearer " + testToken, "X-Auth-Key": "", "X-Auth-Email": ""}
	gotH := map[string]string{"Authorization": got.Get("Authorization"), "X-Auth-Key": got.Get("X-Auth-Key"), "X-Auth-Email": got.Get("X-Auth-Email")}
	if diff := cmp.Diff(want, gotH); diff != "" {
		t.Errorf("credentials sent: -want, +got:\n%s", diff)
	}
}
