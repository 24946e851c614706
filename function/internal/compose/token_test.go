package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/function/internal/merge"
)

func TestServiceToken(t *testing.T) {
	token := func(forProvider string) string {
		return `{
			"apiVersion": "cfzt.cloudflare.com/v1alpha1",
			"kind": "ServiceToken",
			"metadata": {"labels": ` + labelsJSON + `},
			"spec": {
				"providerConfigRef": {"name": "cloudflare-zero-trust.home"},
				"writeConnectionSecretToRef": {"name": "cfzt-svctoken-app", "namespace": "web"},
				"forProvider": ` + forProvider + `
			}
		}`
	}
	cases := map[string]struct {
		reason string
		in     Inputs
		want   string
	}{
		"Defaults": {
			reason: "The token's secret goes to cfzt-svctoken-<route> in the route's namespace; it is refreshed and rotated with the default margins and never rotated on its own.",
			in:     testInputs(func(s *merge.Settings) { s.ServiceToken.Enabled = true }),
			want:   token(`{"name": "cfzt-app.example.com", "duration": "8760h", "rotationOverlap": "24h", "refreshBefore": "720h"}`),
		},
		"Rotation": {
			reason: "The route's duration, rotation and refresh settings are passed to the provider as they are.",
			in: testInputs(func(s *merge.Settings) {
				s.ServiceToken = merge.ServiceToken{
					Enabled: true, Duration: "720h", Attach: true, Rotate: "2026-11-29",
					RotateEvery: "168h", RotationOverlap: "1h", RefreshBefore: "240h",
				}
			}),
			want: token(`{"name": "cfzt-app.example.com", "duration": "720h", "rotate": "2026-11-29",
				"rotateEvery": "168h", "rotationOverlap": "1h", "refreshBefore": "240h"}`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			u, err := ServiceToken(tc.in)
			if err != nil {
				t.Fatalf("\n%s\nServiceToken(...): unexpected error: %v", tc.reason, err)
			}
			if diff := cmp.Diff(resource.MustStructJSON(tc.want), asStruct(t, u), protocmp.Transform()); diff != "" {
				t.Errorf("\n%s\nServiceToken(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
