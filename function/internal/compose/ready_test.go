package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
)

func TestMarkReady(t *testing.T) {
	observedWith := func(c ...xpv2.Condition) resource.ObservedComposed {
		cd := composed.New()
		cd.SetConditions(c...)
		return resource.ObservedComposed{Resource: cd}
	}

	cases := map[string]struct {
		reason   string
		observed map[resource.Name]resource.ObservedComposed
		want     map[resource.Name]resource.Ready
	}{
		"NothingObserved": {
			reason: "A resource that does not exist yet is not ready.",
			want:   map[resource.Name]resource.Ready{NameDNSRecord: resource.ReadyUnspecified, NameState: resource.ReadyTrue},
		},
		"ObservedAvailable": {
			reason: "A resource whose Ready condition is True is ready.",
			observed: map[resource.Name]resource.ObservedComposed{
				NameDNSRecord: observedWith(xpv2.Available()),
			},
			want: map[resource.Name]resource.Ready{NameDNSRecord: resource.ReadyTrue, NameState: resource.ReadyTrue},
		},
		"ObservedCreating": {
			reason: "A resource that is still being created is not ready.",
			observed: map[resource.Name]resource.ObservedComposed{
				NameDNSRecord: observedWith(xpv2.Creating()),
			},
			want: map[resource.Name]resource.Ready{NameDNSRecord: resource.ReadyUnspecified, NameState: resource.ReadyTrue},
		},
		"ObservedWithoutConditions": {
			reason: "A resource with no status yet is not ready.",
			observed: map[resource.Name]resource.ObservedComposed{
				NameDNSRecord: observedWith(),
			},
			want: map[resource.Name]resource.Ready{NameDNSRecord: resource.ReadyUnspecified, NameState: resource.ReadyTrue},
		},
	}

	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			desired := map[resource.Name]*resource.DesiredComposed{
				NameDNSRecord: {Resource: composed.New(), Ready: resource.ReadyUnspecified},
				NameState:     {Resource: composed.New(), Ready: resource.ReadyTrue},
			}
			MarkReady(desired, tc.observed)
			got := map[resource.Name]resource.Ready{}
			for n, d := range desired {
				got[n] = d.Ready
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nMarkReady(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
