package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestAccessAppDomainCovered refuses to create an application for a
// hostname a foreign application covers by its self_hosted_domains or a
// public destination, rather than only by its domain: Cloudflare allows one
// application per domain. The AccessApp says which application is in the
// way and what to do, and the foreign application is neither adopted nor
// written to.
func TestAccessAppDomainCovered(t *testing.T) {
	h := setup(t)
	cases := map[string]struct {
		reason  string
		foreign map[string]any
		host    string
	}{
		"SelfHostedDomain": {
			reason: "A hostname among a foreign application's self_hosted_domains is taken.",
			foreign: map[string]any{
				"name": "Team Wiki", "type": "self_hosted", "domain": "wiki-covered.example.com",
				"self_hosted_domains": []any{"wiki-covered.example.com", "docs-covered.example.com"},
			},
			host: "docs-covered.example.com",
		},
		"PublicDestination": {
			reason: "A foreign application's public destination, written in upper case with a trailing dot, is taken.",
			foreign: map[string]any{
				"name": "Status Page", "type": "self_hosted", "domain": "portal-covered.example.com",
				"destinations": []any{
					map[string]any{"type": "public", "uri": "portal-covered.example.com"},
					map[string]any{"type": "public", "uri": "STATUS-covered.example.com."},
				},
			},
			host: "status-covered.example.com",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			raw, err := h.fake.Edit(http.MethodPost, "/accounts/"+accountID+"/access/apps", tc.foreign)
			if err != nil {
				t.Fatalf("cannot create the foreign application: %v", err)
			}
			var created struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(raw, &created); err != nil {
				t.Fatal(err)
			}
			before, _ := h.app(created.ID)
			since := lastSeq(h.fake)

			app := accessApp("access-covered-"+strings.ToLower(name), tc.host)
			h.create(t, app)
			h.waitFor(t, app, xpv2.TypeSynced, corev1.ConditionFalse,
				fmt.Sprintf("Access application %q (ID %s) already covers %q and is not managed by cfzt", tc.foreign["name"], created.ID, tc.host))
			h.waitFor(t, app, xpv2.TypeSynced, corev1.ConditionFalse, "remove the cfzt.cloudflare.com/access.enabled annotation")
			if got := h.appsNamed("cfzt-" + tc.host); len(got) != 0 {
				t.Errorf("%s\nan application was created next to the foreign one: %+v", tc.reason, got)
			}
			if ext := app.GetAnnotations()["crossplane.io/external-name"]; ext != "" {
				t.Errorf("%s\nthe foreign application was adopted: external name %q", tc.reason, ext)
			}

			h.deleteAndWait(t, app)
			after, ok := h.app(created.ID)
			if !ok {
				t.Fatalf("%s\nthe foreign application %s is gone", tc.reason, created.ID)
			}
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("%s\nthe foreign application changed: -before, +after:\n%s", tc.reason, diff)
			}
			for _, r := range h.fake.Requests() {
				if r.Seq <= since || r.Method == http.MethodGet {
					continue
				}
				ours := r.Object != nil && r.Object.Name == "cfzt-"+tc.host
				if strings.Contains(r.Path, created.ID) || ours {
					t.Errorf("%s\nan application was written: %s %s answered %d", tc.reason, r.Method, r.Path, r.Status)
				}
			}
		})
	}
}

// lastSeq is the sequence number of the fake's last logged request.
func lastSeq(f *fakecloudflare.Server) int {
	log := f.Requests()
	if len(log) == 0 {
		return 0
	}
	return log[len(log)-1].Seq
}
