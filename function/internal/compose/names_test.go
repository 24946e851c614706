package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNames(t *testing.T) {
	cases := map[string]struct {
		reason string
		got    string
		want   string
	}{
		"Secret": {
			reason: "The service token Secret is cfzt-svctoken-<route-name>, as in the operator this project replaces.",
			got:    SecretName(testRoute),
			want:   "cfzt-svctoken-app",
		},
		"App": {
			reason: "The Access application is cfzt-<hostname>, as in the operator this project replaces.",
			got:    AppName("app.example.com"),
			want:   "cfzt-app.example.com",
		},
		"Policy": {
			reason: "The allow policy is cfzt-<hostname>-allow, as in the operator this project replaces.",
			got:    PolicyName("app.example.com"),
			want:   "cfzt-app.example.com-allow",
		},
		"TokenPolicy": {
			reason: "The policy admitting the service token is cfzt-<hostname>-token, next to the allow policy.",
			got:    TokenPolicyName("app.example.com"),
			want:   "cfzt-app.example.com-token",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	want := map[string]string{
		"app.kubernetes.io/managed-by":            "cfzt-operator",
		"cfzt.cloudflare.com/httproute-name":      "app",
		"cfzt.cloudflare.com/httproute-namespace": "web",
		"cfzt.cloudflare.com/tenant":              "home",
	}
	if diff := cmp.Diff(want, Labels(testRoute)); diff != "" {
		t.Errorf("Labels(): everything composed carries the state labels of the operator this project replaces: -want, +got:\n%s", diff)
	}
}
