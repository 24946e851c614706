package httproute

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource/unstructured/claim"
	"github.com/crossplane/crossplane-runtime/v2/pkg/test"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestSweep(t *testing.T) {
	live := route("live", published("live.example.com"))
	gone := route("gone", published("gone.example.com"))
	off := route("off", withAnnotations(v1alpha1.AnnotationEnabled, "false", v1alpha1.AnnotationTenant, "home", v1alpha1.AnnotationHostname, "off.example.com"))
	handWritten := ownedClaim(route("manual", published("manual.example.com")), "h", func(c *claim.Unstructured) {
		c.SetOwnerReferences(nil)
		c.SetLabels(nil)
	})

	type want struct {
		err     error
		remains []string
	}
	cases := map[string]struct {
		reason string
		objs   []client.Object
		live   client.Reader // Overrides the fake for the route lookups.
		want   want
	}{
		"Orphans": {
			reason: "State ConfigMaps and claims of routes that are gone or unpublished are deleted; the rest stays.",
			objs: []client.Object{
				live, off,
				stateConfigMap(live, ""), stateConfigMap(gone, ""), stateConfigMap(off, ""),
				ownedClaim(live, "h"), ownedClaim(gone, "h"), ownedClaim(off, "h"), handWritten,
			},
			want: want{remains: []string{
				"ConfigMap cloudflare-zero-trust/cfzt-app-live",
				"ZeroTrustRoute app/live",
				"ZeroTrustRoute app/manual",
			}},
		},
		"LiveReadError": {
			reason: "When the API server cannot confirm a route is gone, nothing is deleted.",
			objs:   []client.Object{stateConfigMap(gone, ""), ownedClaim(gone, "h")},
			live:   &test.MockClient{MockGet: test.NewMockGetFn(errBoom)},
			want: want{
				err: errBoom,
				remains: []string{
					"ConfigMap cloudflare-zero-trust/cfzt-app-gone",
					"ZeroTrustRoute app/gone",
				},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			kube := newFakeClient(nil, tc.objs...)
			s := &sweeper{kube: kube, configMaps: kube, live: kube, namespace: opNS, log: logging.NewNopLogger()}
			if tc.live != nil {
				s.live = tc.live
			}
			err := s.sweep(t.Context())
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("%s\nsweep(...): -want error, +got error:\n%s", tc.reason, diff)
			}

			var remains []string
			cms := &corev1.ConfigMapList{}
			if err := kube.List(t.Context(), cms); err != nil {
				t.Fatal(err)
			}
			for _, cm := range cms.Items {
				remains = append(remains, "ConfigMap "+cm.GetNamespace()+"/"+cm.GetName())
			}
			claims := newClaimList()
			if err := kube.List(t.Context(), claims); err != nil {
				t.Fatal(err)
			}
			for _, c := range claims.Items {
				remains = append(remains, "ZeroTrustRoute "+c.GetNamespace()+"/"+c.GetName())
			}
			if diff := cmp.Diff(tc.want.remains, remains, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("%s\nsweep(...): -want remaining, +got remaining:\n%s", tc.reason, diff)
			}
		})
	}
}
