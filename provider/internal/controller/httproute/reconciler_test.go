package httproute

import (
	"context"
	"maps"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource/unstructured/claim"
	"github.com/crossplane/crossplane-runtime/v2/pkg/test"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// hashOf returns the inputs hash a route of tenant home sees in kube.
func hashOf(t *testing.T, kube client.Reader, r *gatewayv1.HTTPRoute) string {
	t.Helper()
	in, err := lookup{kube: kube, operatorNamespace: opNS}.inputs(context.Background(), r.GetNamespace(), r.GetAnnotations())
	if err != nil {
		t.Fatal(err)
	}
	h, err := in.Hash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func stateConfigMap(r *gatewayv1.HTTPRoute, lastReconcile string) *corev1.ConfigMap {
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: opNS,
			Name:      v1alpha1.StateConfigMapName(r.GetNamespace(), r.GetName()),
			Labels:    stateLabels(r.GetNamespace(), r.GetName()),
		},
		Data: map[string]string{"hostname": "x", "tenant_name": "home"},
	}
	if lastReconcile != "" {
		cm.Data[v1alpha1.StateKeyLastReconcile] = lastReconcile
	}
	return cm
}

// readyStatus is a claim status with results and Ready.
func readyStatus() map[string]any {
	c := claim.New(claim.WithConditions(xpv2.ReconcileSuccess(), xpv2.Available()))
	st := c.Object["status"].(map[string]any)
	st["hostnameRouteId"] = "hr-1"
	st["cnameRecordId"] = "cn-1"
	st["accessAppId"] = "app-1"
	st["accessPolicyIds"] = []any{"p1", "p2"}
	return st
}

func TestReconcile(t *testing.T) {
	www := route("www", published("www.example.com"), withBackend("web", 8080))
	nn := types.NamespacedName{Namespace: appNS, Name: "www"}
	home := tenant(opNS, "home")
	wantTS := lastReconcile(epoch.Add(60 * 60 * 1e9))
	results := map[string]string{
		v1alpha1.AnnotationHostnameRouteID: "hr-1",
		v1alpha1.AnnotationCNAMERecordID:   "cn-1",
		v1alpha1.AnnotationAccessAppID:     "app-1",
		v1alpha1.AnnotationAccessPolicyIDs: "p1,p2",
	}
	withResults := func(ts string) routeMod {
		return func(r *gatewayv1.HTTPRoute) {
			for k, v := range results {
				withAnnotations(k, v)(r)
			}
			withAnnotations(v1alpha1.AnnotationLastReconcile, ts)(r)
		}
	}
	// The hash www sees with only Tenant home.
	homeHash := hashOf(t, newFakeClient(nil, home), www)
	deprecatedBase := template(opNS, "base-home", "8h")
	deprecatedBase.Spec.TenantRef = "home" //nolint:staticcheck // SA1019: the deprecated field is set on purpose.

	type want struct {
		err     error
		result  reconcile.Result
		claim   *v1alpha1.RouteSpec // nil: no claim
		written map[string]string   // the route's written-back annotations
		state   string              // last_reconcile of the state ConfigMap
		events  []event.Reason
		writes  writes
	}
	cases := map[string]struct {
		reason string
		objs   []client.Object
		kube   client.Client // Overrides the fake built from objs.
		live   client.Reader // Overrides the fake as the uncached reader.
		want   want
	}{
		"CreatesClaim": {
			reason: "A published route gets a claim with its input annotations, backendRef and inputs hash.",
			objs:   []client.Object{www, home},
			want: want{
				claim:  new(claimSpec(www, homeHash)),
				writes: writes{"apply ZeroTrustRoute": 1},
			},
		},
		"UpToDate": {
			reason: "A route whose claim and results are up to date causes no write at all.",
			objs: []client.Object{
				route("www", published("www.example.com"), withBackend("web", 8080), withResults("2026-01-01T00:00:00Z")),
				home,
				ownedClaim(www, homeHash, withStatus(readyStatus())),
				stateConfigMap(www, "2026-01-01T00:00:00Z"),
			},
			want: want{
				claim:   new(claimSpec(www, homeHash)),
				written: withLastReconcile(results, "2026-01-01T00:00:00Z"),
				state:   "2026-01-01T00:00:00Z",
				writes:  writes{},
			},
		},
		"WritesBack": {
			reason: "New results are written back with lastReconcile, into the state ConfigMap too, and announced.",
			objs: []client.Object{
				www, home,
				ownedClaim(www, homeHash, withStatus(readyStatus())),
				stateConfigMap(www, ""),
			},
			want: want{
				claim:   new(claimSpec(www, homeHash)),
				written: withLastReconcile(results, wantTS),
				state:   wantTS,
				events:  []event.Reason{ReasonAccessAttached, ReasonPublished},
				writes:  writes{"patch HTTPRoute": 1, "apply ConfigMap": 1},
			},
		},
		"Rerenders": {
			reason: "A claim whose inputs hash is out of date (a Template changed) is applied again.",
			objs: []client.Object{
				www, home, template(opNS, "base-home", "8h"),
				ownedClaim(www, homeHash),
			},
			want: want{
				claim:  new(claimSpec(www, hashOf(t, newFakeClient(nil, home, template(opNS, "base-home", "8h")), www))),
				writes: writes{"apply ZeroTrustRoute": 1},
			},
		},
		"Disabled": {
			reason: "A route no longer enabled loses its claim and its written-back annotations.",
			objs: []client.Object{
				route("www", published("www.example.com"), withBackend("web", 8080), withResults("t"),
					withAnnotations(v1alpha1.AnnotationEnabled, "false")),
				home,
				ownedClaim(www, homeHash),
			},
			want: want{
				written: map[string]string{},
				events:  []event.Reason{ReasonUnpublished},
				writes:  writes{"delete ZeroTrustRoute": 1, "patch HTTPRoute": 1},
			},
		},
		"EnabledInvalid": {
			reason: "A route whose enabled annotation is neither \"true\" nor \"false\" is not published and is told so.",
			objs: []client.Object{
				route("www", published("www.example.com"), withBackend("web", 8080), withAnnotations(v1alpha1.AnnotationEnabled, "yes")),
				home,
			},
			want: want{
				events: []event.Reason{ReasonInvalidInput},
				writes: writes{},
			},
		},
		"EnabledInvalidUnpublishes": {
			reason: "A published route whose enabled annotation turns to \"True\" loses its claim, and is told why.",
			objs: []client.Object{
				route("www", published("www.example.com"), withBackend("web", 8080), withResults("t"),
					withAnnotations(v1alpha1.AnnotationEnabled, "True")),
				home,
				ownedClaim(www, homeHash),
			},
			want: want{
				written: map[string]string{},
				events:  []event.Reason{ReasonInvalidInput, ReasonUnpublished},
				writes:  writes{"delete ZeroTrustRoute": 1, "patch HTTPRoute": 1},
			},
		},
		"DeprecatedTemplateFields": {
			reason: "A route whose Template sets fields that have no effect is published, and told which fields to remove.",
			objs: []client.Object{
				www, home, deprecatedBase,
			},
			want: want{
				claim:  new(claimSpec(www, hashOf(t, newFakeClient(nil, home, deprecatedBase), www))),
				events: []event.Reason{ReasonDeprecatedField},
				writes: writes{"apply ZeroTrustRoute": 1},
			},
		},
		"HostnameConflict": {
			reason: "A route asking for a hostname another route's claim holds is refused and changes nothing.",
			objs: []client.Object{
				www, home,
				ownedClaim(route("first", inNamespace(otherNS), published("WWW.example.com")), "h", claimCreatedAt(epoch.Add(24*60*60*1e9))),
			},
			want: want{
				events: []event.Reason{ReasonHostnameConflict},
				writes: writes{},
			},
		},
		"HostnameTieOlderWins": {
			reason: "Between two routes without claims the older one gets the hostname.",
			objs: []client.Object{
				www, home,
				route("older", published("www.example.com"), createdAt(epoch.Add(-60*1e9))),
			},
			want: want{
				events: []event.Reason{ReasonHostnameConflict},
				writes: writes{},
			},
		},
		"HostnameTieRefusedPeerIgnored": {
			reason: "An older route that its Tenant refuses does not block the hostname.",
			objs: []client.Object{
				www, tenant(opNS, "home", allowNamespaces(appNS)),
				route("older", inNamespace(otherNS), published("www.example.com"), createdAt(epoch.Add(-60*1e9))),
			},
			want: want{
				claim:  new(claimSpec(www, hashOf(t, newFakeClient(nil, tenant(opNS, "home", allowNamespaces(appNS))), www))),
				writes: writes{"apply ZeroTrustRoute": 1},
			},
		},
		"HostnameChangeToTaken": {
			reason: "A route moving to a hostname another route holds keeps its claim for the old hostname unchanged.",
			objs: []client.Object{
				route("www", published("taken.example.com"), withBackend("web", 8080)), home,
				ownedClaim(www, homeHash),
				ownedClaim(route("holder", inNamespace(otherNS), published("taken.example.com")), "h"),
			},
			want: want{
				claim:  new(claimSpec(www, homeHash)),
				events: []event.Reason{ReasonHostnameConflict},
				writes: writes{},
			},
		},
		"LiveClaimNotCached": {
			reason: "A claim the API server has but the cache does not show yet still holds its hostname.",
			objs:   []client.Object{www, home},
			live: newFakeClient(nil,
				ownedClaim(route("quick", inNamespace(otherNS), published("www.example.com")), "h")),
			want: want{
				events: []event.Reason{ReasonHostnameConflict},
				writes: writes{},
			},
		},
		"Adopts": {
			reason: "A claim the controller wrote for this route that lost its owner reference is adopted.",
			objs: []client.Object{www, home, ownedClaim(www, homeHash, func(c *claim.Unstructured) {
				c.SetOwnerReferences(nil)
			})},
			want: want{
				claim:  new(claimSpec(www, homeHash)),
				writes: writes{"apply ZeroTrustRoute": 1},
			},
		},
		"NamespaceFence": {
			reason: "A route outside the Tenant's namespaces is refused and its claim deleted.",
			objs: []client.Object{
				www, tenant(opNS, "home", allowNamespaces("elsewhere")),
				ownedClaim(www, homeHash),
			},
			want: want{
				written: map[string]string{},
				events:  []event.Reason{ReasonNamespaceNotAllowed, ReasonUnpublished},
				writes:  writes{"delete ZeroTrustRoute": 1},
			},
		},
		"HostnameFence": {
			reason: "A hostname outside the Tenant's suffixes is refused; no claim is created.",
			objs:   []client.Object{www, tenant(opNS, "home", allowSuffixes("example.org"))},
			want: want{
				written: map[string]string{},
				events:  []event.Reason{ReasonHostnameNotAllowed},
				writes:  writes{},
			},
		},
		"TenantMissing": {
			reason: "A route whose Tenant does not exist waits, without a claim.",
			objs:   []client.Object{www},
			want: want{
				events: []event.Reason{ReasonTenantNotFound},
				writes: writes{},
			},
		},
		"TenantMissingKeepsClaim": {
			reason: "A published route whose Tenant disappears keeps its claim unchanged.",
			objs:   []client.Object{www, ownedClaim(www, homeHash)},
			want: want{
				claim:  new(claimSpec(www, homeHash)),
				events: []event.Reason{ReasonTenantNotFound},
				writes: writes{},
			},
		},
		"TenantInOtherNamespace": {
			reason: "A Tenant in another application namespace is refused, with a message that says so.",
			objs:   []client.Object{www, tenant(otherNS, "home")},
			want: want{
				events: []event.Reason{ReasonTenantNotAllowed},
				writes: writes{},
			},
		},
		"ClaimNameTaken": {
			reason: "A hand-written claim of the route's name is never touched.",
			objs: []client.Object{www, home, ownedClaim(www, "mine", func(c *claim.Unstructured) {
				c.SetOwnerReferences(nil)
				c.SetLabels(nil)
			})},
			want: want{
				claim:  new(claimSpec(www, "mine")),
				events: []event.Reason{ReasonClaimNameTaken},
				writes: writes{},
			},
		},
		"StaleClaim": {
			reason: "The claim of an earlier route of the same name is left to the garbage collector.",
			objs: []client.Object{www, home, ownedClaim(route("www", published("www.example.com"), withBackend("web", 8080),
				func(r *gatewayv1.HTTPRoute) { r.SetUID("old") }), homeHash)},
			want: want{
				claim:  new(claimSpec(www, homeHash)),
				result: reconcile.Result{RequeueAfter: staleClaimWait},
				writes: writes{},
			},
		},
		"RouteGone": {
			reason: "The claim of a route that no longer exists is deleted.",
			objs:   []client.Object{home, ownedClaim(www, homeHash)},
			want: want{
				writes: writes{"delete ZeroTrustRoute": 1},
			},
		},
		"GetError": {
			reason: "An error reading the route is returned.",
			kube:   &test.MockClient{MockGet: test.NewMockGetFn(errBoom)},
			want:   want{err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := writes{}
			kube := tc.kube
			if kube == nil {
				kube = newFakeClient(w, tc.objs...)
			}
			rec := &recorder{}
			r := newTestReconciler(kube, rec)
			if tc.live != nil {
				r.live = tc.live
			}

			res, err := r.Reconcile(t.Context(), reconcile.Request{NamespacedName: nn})
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("%s\nReconcile(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.result, res); diff != "" {
				t.Errorf("%s\nReconcile(...): -want result, +got result:\n%s", tc.reason, diff)
			}
			if tc.kube != nil {
				return
			}
			if diff := cmp.Diff(tc.want.events, rec.reasons(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s\nReconcile(...): -want events, +got events:\n%s\n%v", tc.reason, diff, rec.events)
			}
			if diff := cmp.Diff(tc.want.writes, w); diff != "" {
				t.Errorf("%s\nReconcile(...): -want writes, +got writes:\n%s", tc.reason, diff)
			}

			c := newClaim()
			var got *v1alpha1.RouteSpec
			switch err := kube.Get(t.Context(), nn, c); {
			case err == nil:
				s, err := getClaimSpec(c)
				if err != nil {
					t.Fatal(err)
				}
				got = &s
				if tc.want.writes["apply ZeroTrustRoute"] > 0 && !metav1.IsControlledBy(c, www) {
					t.Errorf("%s\nReconcile(...): the applied claim is not controlled by the route: %v", tc.reason, c.GetOwnerReferences())
				}
			case !kerrors.IsNotFound(err):
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want.claim, got); diff != "" {
				t.Errorf("%s\nReconcile(...): -want claim spec, +got claim spec:\n%s", tc.reason, diff)
			}

			rt := &gatewayv1.HTTPRoute{}
			if err := kube.Get(t.Context(), nn, rt); err == nil && tc.want.written != nil {
				if diff := cmp.Diff(tc.want.written, written(rt.GetAnnotations())); diff != "" {
					t.Errorf("%s\nReconcile(...): -want route annotations, +got route annotations:\n%s", tc.reason, diff)
				}
			}

			cm := &corev1.ConfigMap{}
			if err := kube.Get(t.Context(), types.NamespacedName{Namespace: opNS, Name: v1alpha1.StateConfigMapName(appNS, "www")}, cm); err == nil {
				if diff := cmp.Diff(tc.want.state, cm.Data[v1alpha1.StateKeyLastReconcile]); diff != "" {
					t.Errorf("%s\nReconcile(...): -want last_reconcile, +got last_reconcile:\n%s", tc.reason, diff)
				}
			}
		})
	}
}

// written returns the written-back annotations among a.
func written(a map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range writtenAnnotations {
		if v, ok := a[k]; ok {
			out[k] = v
		}
	}
	return out
}

func withLastReconcile(m map[string]string, ts string) map[string]string {
	out := map[string]string{v1alpha1.AnnotationLastReconcile: ts}
	maps.Copy(out, m)
	return out
}

// TestReconcileIdempotent runs a published route through two reconciles
// and a write-back: the second pass writes nothing.
func TestReconcileIdempotent(t *testing.T) {
	www := route("www", published("www.example.com"), withBackend("web", 8080))
	nn := types.NamespacedName{Namespace: appNS, Name: "www"}
	w := writes{}
	kube := newFakeClient(w, www, tenant(opNS, "home"), stateConfigMap(www, ""))
	rec := &recorder{}
	r := newTestReconciler(kube, rec)

	reconcileOnce := func() {
		t.Helper()
		if _, err := r.Reconcile(t.Context(), reconcile.Request{NamespacedName: nn}); err != nil {
			t.Fatal(err)
		}
	}
	reconcileOnce()

	// Crossplane reports the results on the claim.
	c := newClaim()
	if err := kube.Get(t.Context(), nn, c); err != nil {
		t.Fatal(err)
	}
	c.Object["status"] = readyStatus()
	if err := kube.Update(t.Context(), &c.Unstructured); err != nil {
		t.Fatal(err)
	}
	reconcileOnce()
	reconcileOnce()
	reconcileOnce()

	want := writes{"apply ZeroTrustRoute": 1, "update ZeroTrustRoute": 1, "patch HTTPRoute": 1, "apply ConfigMap": 1}
	if diff := cmp.Diff(want, w); diff != "" {
		t.Errorf("Reconcile(...) x4: the controller's own write-back must not lead to more writes: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff([]event.Reason{ReasonAccessAttached, ReasonPublished}, rec.reasons()); diff != "" {
		t.Errorf("Reconcile(...) x4: each event once: -want, +got:\n%s", diff)
	}
}
