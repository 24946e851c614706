package extra

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNamespaces(t *testing.T) {
	cases := map[string]struct {
		reason string
		l      Lookup
		want   []string
	}{
		"RouteFirst": {
			reason: "The route's namespace is searched before the operator namespace.",
			l:      Tenant("home", "web", "cloudflare-zero-trust"),
			want:   []string{"web", "cloudflare-zero-trust"},
		},
		"Once": {
			reason: "A route in the operator namespace searches it once.",
			l:      BaseTemplate("base-home", "cloudflare-zero-trust", "cloudflare-zero-trust"),
			want:   []string{"cloudflare-zero-trust"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.l.Namespaces()); diff != "" {
				t.Errorf("\n%s\nNamespaces(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
