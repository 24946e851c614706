package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestUnknown(t *testing.T) {
	cases := map[string]struct {
		reason      string
		annotations map[string]string
		want        []string
	}{
		"Known": {
			reason: "Input and written-back annotations are known.",
			annotations: map[string]string{
				v1alpha1.AnnotationEnabled:     "true",
				v1alpha1.AnnotationAccessAppID: "id",
			},
			want: nil,
		},
		"OtherPrefix": {
			reason:      "Annotations of other tools are none of our business.",
			annotations: map[string]string{"kubectl.kubernetes.io/last-applied-configuration": "{}"},
			want:        nil,
		},
		"Misspelt": {
			reason: "Misspelt keys under the prefix are reported, sorted.",
			annotations: map[string]string{
				"cfzt.cloudflare.com/acess.enabled": "true",
				"cfzt.cloudflare.com/Hostname":      "app.example.com",
			},
			want: []string{"cfzt.cloudflare.com/Hostname", "cfzt.cloudflare.com/acess.enabled"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Unknown(tc.annotations)); diff != "" {
				t.Errorf("\n%s\nUnknown(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
