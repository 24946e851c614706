package httproute

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/resource/unstructured/claim"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestInputAnnotations(t *testing.T) {
	cases := map[string]struct {
		reason string
		a      map[string]string
		want   map[string]string
	}{
		"WrittenBackDropped": {
			reason: "Annotations the controller writes back are never copied into the claim.",
			a: map[string]string{
				v1alpha1.AnnotationEnabled:         "true",
				v1alpha1.AnnotationHostname:        "a.example.com",
				v1alpha1.AnnotationAccessAppID:     "app-1",
				v1alpha1.AnnotationAccessPolicyIDs: "p1,p2",
				v1alpha1.AnnotationLastReconcile:   "2026-01-01T00:00:00Z",
			},
			want: map[string]string{
				v1alpha1.AnnotationEnabled:  "true",
				v1alpha1.AnnotationHostname: "a.example.com",
			},
		},
		"OthersDropped": {
			reason: "Unknown cfzt keys and foreign annotations are not input.",
			a: map[string]string{
				v1alpha1.AnnotationPrefix + "access.enable":        "true",
				"kubectl.kubernetes.io/last-applied-configuration": "{}",
				v1alpha1.AnnotationAccessAllowEmails:               "a@example.com,b@example.com",
			},
			want: map[string]string{v1alpha1.AnnotationAccessAllowEmails: "a@example.com,b@example.com"},
		},
		"None": {
			reason: "A route without input annotations yields none.",
			a:      map[string]string{"foo": "bar"},
			want:   nil,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, inputAnnotations(tc.a)); diff != "" {
				t.Errorf("%s\ninputAnnotations(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestFirstBackendRef(t *testing.T) {
	port := func(p int32) *int32 { return &p }
	ns := gatewayv1.Namespace("shared")
	svc := gatewayv1.Kind("Service")
	other := gatewayv1.Kind("Bucket")
	group := gatewayv1.Group("storage.example.com")

	cases := map[string]struct {
		reason string
		route  *gatewayv1.HTTPRoute
		want   *v1alpha1.BackendRef
	}{
		"DefaultNamespace": {
			reason: "A backendRef without a namespace is in the route's namespace.",
			route:  route("www", withBackend("web", 8080)),
			want:   &v1alpha1.BackendRef{Name: "web", Namespace: appNS, Port: port(8080)},
		},
		"FirstWins": {
			reason: "The first backendRef of the first rule with one is the origin.",
			route:  route("www", withBackend("web", 8080), withBackend("api", 9090)),
			want:   &v1alpha1.BackendRef{Name: "web", Namespace: appNS, Port: port(8080)},
		},
		"ExplicitNamespaceNoPort": {
			reason: "An explicit namespace is kept; a missing port stays missing for the function to default.",
			route: route("www", func(r *gatewayv1.HTTPRoute) {
				r.Spec.Rules = []gatewayv1.HTTPRouteRule{{}, {BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{
					BackendObjectReference: gatewayv1.BackendObjectReference{Name: "web", Namespace: &ns, Kind: &svc},
				}}}}}
			}),
			want: &v1alpha1.BackendRef{Name: "web", Namespace: "shared"},
		},
		"NotAService": {
			reason: "A backendRef of another kind has no cluster URL; the next Service is used.",
			route: route("www", func(r *gatewayv1.HTTPRoute) {
				r.Spec.Rules = []gatewayv1.HTTPRouteRule{{BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{
					BackendObjectReference: gatewayv1.BackendObjectReference{Name: "bucket", Group: &group, Kind: &other},
				}}}}}
			}, withBackend("web", 80)),
			want: &v1alpha1.BackendRef{Name: "web", Namespace: appNS, Port: port(80)},
		},
		"None": {
			reason: "A route without backendRefs has no default origin.",
			route:  route("www"),
			want:   nil,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, firstBackendRef(tc.route)); diff != "" {
				t.Errorf("%s\nfirstBackendRef(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestDesiredClaim(t *testing.T) {
	r := route("www", withBackend("web", 8080), published("WWW.example.com"),
		withAnnotations(v1alpha1.AnnotationTemplate, "protected", v1alpha1.AnnotationAccessAppID, "app-1"))

	want := map[string]any{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind":       "ZeroTrustRoute",
		"metadata": map[string]any{
			"namespace": appNS,
			"name":      "www",
			"labels": map[string]any{
				"app.kubernetes.io/managed-by":      "cfzt-operator",
				"cfzt.cloudflare.com/hostname-hash": hostnameHash("www.example.com"),
			},
			"ownerReferences": []any{map[string]any{
				"apiVersion":         "gateway.networking.k8s.io/v1",
				"kind":               "HTTPRoute",
				"name":               "www",
				"uid":                "uid-www",
				"controller":         true,
				"blockOwnerDeletion": true,
			}},
		},
		"spec": map[string]any{
			"route": map[string]any{"namespace": appNS, "name": "www"},
			"annotations": map[string]any{
				"cfzt.cloudflare.com/enabled":  "true",
				"cfzt.cloudflare.com/tenant":   "home",
				"cfzt.cloudflare.com/hostname": "WWW.example.com",
				"cfzt.cloudflare.com/template": "protected",
			},
			"backendRef": map[string]any{"name": "web", "namespace": appNS, "port": int64(8080)},
			"inputsHash": "h1",
		},
	}

	c, err := desiredClaim(r, claimSpec(r, "h1"))
	if err != nil {
		t.Fatalf("desiredClaim(...): %v", err)
	}
	// The claim is compared as the API server sees it: through JSON.
	b, err := c.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, u.Object); diff != "" {
		t.Errorf("desiredClaim(...): -want, +got:\n%s", diff)
	}
	if h, wantH := hostnameHash("www.example.com."), hostnameHash("WWW.Example.com"); h != wantH {
		t.Errorf("hostnameHash(...): a trailing dot or case made a different hash: %q != %q", h, wantH)
	}
}

func TestRelate(t *testing.T) {
	r := route("www", published("a.example.com"))
	foreignOwner := metav1.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: "www", UID: "x", Controller: new(true)}
	earlier := metav1.OwnerReference{APIVersion: "gateway.networking.k8s.io/v1", Kind: "HTTPRoute", Name: "www", UID: "old", Controller: new(true)}

	cases := map[string]struct {
		reason string
		claim  *unstructured.Unstructured
		want   claimRelation
	}{
		"Absent": {
			reason: "No claim is absent.",
			claim:  nil,
			want:   claimAbsent,
		},
		"Owned": {
			reason: "A claim controlled by the route's UID is the route's.",
			claim:  &ownedClaim(r, "h").Unstructured,
			want:   claimOwned,
		},
		"Stale": {
			reason: "A claim controlled by an earlier route of the same name waits for the garbage collector.",
			claim: &ownedClaim(r, "h", func(c *claim.Unstructured) {
				c.SetOwnerReferences([]metav1.OwnerReference{earlier})
			}).Unstructured,
			want: claimStale,
		},
		"Adoptable": {
			reason: "A claim the controller wrote for this route that lost its owner reference is adopted.",
			claim: &ownedClaim(r, "h", func(c *claim.Unstructured) {
				c.SetOwnerReferences(nil)
			}).Unstructured,
			want: claimAdoptable,
		},
		"HandWritten": {
			reason: "A claim without the controller's label is someone else's.",
			claim: &ownedClaim(r, "h", func(c *claim.Unstructured) {
				c.SetOwnerReferences(nil)
				c.SetLabels(nil)
			}).Unstructured,
			want: claimForeign,
		},
		"OtherController": {
			reason: "A claim controlled by something else is not the route's.",
			claim: &ownedClaim(r, "h", func(c *claim.Unstructured) {
				c.SetOwnerReferences([]metav1.OwnerReference{foreignOwner})
			}).Unstructured,
			want: claimForeign,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, relate(tc.claim, r)); diff != "" {
				t.Errorf("%s\nrelate(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestClaimUpToDate(t *testing.T) {
	r := route("www", published("a.example.com"), withBackend("web", 80))
	desired := ownedClaim(r, "h1")

	cases := map[string]struct {
		reason   string
		existing *claim.Unstructured
		want     bool
	}{
		"Same": {
			reason: "A claim with the desired spec, labels and owner needs no apply, whatever Crossplane added.",
			existing: ownedClaim(r, "h1", func(c *claim.Unstructured) {
				c.Object["spec"].(map[string]any)["resourceRef"] = map[string]any{"name": "x"}
			}),
			want: true,
		},
		"HashChanged": {
			reason:   "A new inputs hash needs an apply.",
			existing: ownedClaim(r, "h0"),
			want:     false,
		},
		"AnnotationChanged": {
			reason:   "A changed input annotation needs an apply.",
			existing: ownedClaim(route("www", published("b.example.com"), withBackend("web", 80)), "h1"),
			want:     false,
		},
		"PortChanged": {
			reason:   "A changed backend port needs an apply.",
			existing: ownedClaim(route("www", published("a.example.com"), withBackend("web", 81)), "h1"),
			want:     false,
		},
		"LabelMissing": {
			reason:   "A claim without the controller's labels needs an apply.",
			existing: ownedClaim(r, "h1", func(c *claim.Unstructured) { c.SetLabels(nil) }),
			want:     false,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := claimUpToDate(tc.existing, desired)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nclaimUpToDate(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
