package compose

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
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

func TestPublish(t *testing.T) {
	mr := func(kind, name string, c ...xpv2.Condition) resource.ObservedComposed {
		cd := composed.New()
		cd.SetAPIVersion("cfzt.cloudflare.com/v1alpha1")
		cd.SetKind(kind)
		cd.SetName(name)
		cd.SetConditions(c...)
		return resource.ObservedComposed{Resource: cd}
	}
	desiredOf := func(kinds map[resource.Name]string) map[resource.Name]*resource.DesiredComposed {
		out := map[resource.Name]*resource.DesiredComposed{NameState: {Resource: composed.New(), Ready: resource.ReadyTrue}}
		for n, k := range kinds {
			cd := composed.New()
			cd.SetKind(k)
			out[n] = &resource.DesiredComposed{Resource: cd}
		}
		return out
	}
	// heldOf returns resources held back, which never include the state.
	heldOf := func(kinds map[resource.Name]string) map[resource.Name]*resource.DesiredComposed {
		out := desiredOf(kinds)
		delete(out, NameState)
		return out
	}
	desired := desiredOf(map[resource.Name]string{NameDNSRecord: "DNSRecord", NameTunnelRoute: "TunnelRoute"})
	conflict := xpv2.ReconcileError(errors.New(`DNS record CNAME www.example.com is not marked as managed by cfzt`))

	withToken := desiredOf(map[resource.Name]string{
		NameDNSRecord: "DNSRecord", NameTunnelRoute: "TunnelRoute", NameAccessApp: "AccessApp",
		NameAccessPolicy: "AccessPolicy", NameServiceToken: "ServiceToken", NameTokenPolicy: "AccessPolicy",
	})
	allReady := func(except resource.Name, o resource.ObservedComposed) map[resource.Name]resource.ObservedComposed {
		out := map[resource.Name]resource.ObservedComposed{}
		for n, d := range withToken {
			if n != NameState {
				out[n] = mr(d.Resource.GetKind(), "app-"+string(n), xpv2.ReconcileSuccess(), xpv2.Available())
			}
		}
		out[except] = o
		return out
	}
	badToken := xpv2.ReconcileError(errors.New(`cannot create Access policy "cfzt-app.example.com-token": service token 9e8d7c6b-5a4f-4e3d-8c2b-0fc2f1a01975 not found`))

	cases := map[string]struct {
		reason string
		// desired is the DNS record and tunnel route when nil.
		desired  map[resource.Name]*resource.DesiredComposed
		held     map[resource.Name]*resource.DesiredComposed
		observed map[resource.Name]resource.ObservedComposed
		want     Publication
	}{
		"NothingObserved": {
			reason: "Resources not created yet are waited for, by kind, in a stable order.",
			want:   Publication{Status: corev1.ConditionUnknown, Reason: v1alpha1.ReasonPublishing, Message: "waiting for DNSRecord, TunnelRoute"},
		},
		"Creating": {
			reason: "Ready=False while creating is progress.",
			observed: map[resource.Name]resource.ObservedComposed{
				NameDNSRecord:   mr("DNSRecord", "www-d", xpv2.ReconcileSuccess(), xpv2.Creating()),
				NameTunnelRoute: mr("TunnelRoute", "www-t", xpv2.ReconcileSuccess(), xpv2.Available()),
			},
			want: Publication{Status: corev1.ConditionUnknown, Reason: v1alpha1.ReasonPublishing, Message: "waiting for DNSRecord"},
		},
		"AllReady": {
			reason: "When every managed resource is Ready the route is published.",
			observed: map[resource.Name]resource.ObservedComposed{
				NameDNSRecord:   mr("DNSRecord", "www-d", xpv2.ReconcileSuccess(), xpv2.Available()),
				NameTunnelRoute: mr("TunnelRoute", "www-t", xpv2.ReconcileSuccess(), xpv2.Available()),
			},
			want: Publication{Status: corev1.ConditionTrue, Reason: v1alpha1.ReasonPublished},
		},
		"SyncedFalse": {
			reason: "A managed resource that cannot sync is the problem, with its kind, name, reason and message, even while another waits.",
			observed: map[resource.Name]resource.ObservedComposed{
				NameDNSRecord: mr("DNSRecord", "www-d", conflict, xpv2.Creating()),
			},
			want: Publication{
				Status: corev1.ConditionFalse, Reason: string(xpv2.ReasonReconcileError),
				Message: "DNSRecord www-d: " + conflict.Message,
			},
		},
		"ReadyFalse": {
			reason: "Ready=False for another reason than progress is a problem.",
			observed: map[resource.Name]resource.ObservedComposed{
				NameDNSRecord:   mr("DNSRecord", "www-d", xpv2.ReconcileSuccess(), xpv2.Available()),
				NameTunnelRoute: mr("TunnelRoute", "www-t", xpv2.ReconcileSuccess(), xpv2.Unavailable().WithMessage("tunnel is down")),
			},
			want: Publication{Status: corev1.ConditionFalse, Reason: string(xpv2.ReasonUnavailable), Message: "TunnelRoute www-t: tunnel is down"},
		},
		"BothPoliciesWaiting": {
			reason:  "The allow and token policies are both AccessPolicies: the kind is waited for once.",
			desired: withToken,
			want: Publication{
				Status: corev1.ConditionUnknown, Reason: v1alpha1.ReasonPublishing,
				Message: "waiting for AccessApp, AccessPolicy, DNSRecord, ServiceToken, TunnelRoute",
			},
		},
		"TokenPolicyWaiting": {
			reason:   "The route is not published until its token policy is Ready too.",
			desired:  withToken,
			observed: allReady(NameTokenPolicy, mr("AccessPolicy", "app-token-policy", xpv2.ReconcileSuccess(), xpv2.Creating())),
			want:     Publication{Status: corev1.ConditionUnknown, Reason: v1alpha1.ReasonPublishing, Message: "waiting for AccessPolicy"},
		},
		"TokenPolicyFails": {
			reason:   "A token policy that cannot sync is the problem, named as the policy it is.",
			desired:  withToken,
			observed: allReady(NameTokenPolicy, mr("AccessPolicy", "app-token-policy", badToken, xpv2.Creating())),
			want: Publication{
				Status: corev1.ConditionFalse, Reason: string(xpv2.ReasonReconcileError),
				Message: "AccessPolicy app-token-policy: " + badToken.Message,
			},
		},
		"TunnelHeldForAccess": {
			reason:  "A tunnel rule held back until Access protects the route is waited for like one not created yet, so that the route is not Published while the application it waits for is Ready.",
			desired: desiredOf(map[resource.Name]string{NameDNSRecord: "DNSRecord", NameAccessApp: "AccessApp"}),
			held:    heldOf(map[resource.Name]string{NameTunnelRoute: "TunnelRoute"}),
			observed: map[resource.Name]resource.ObservedComposed{
				NameDNSRecord: mr("DNSRecord", "www-d", xpv2.ReconcileSuccess(), xpv2.Available()),
				NameAccessApp: mr("AccessApp", "www-a", xpv2.ReconcileSuccess(), xpv2.Available()),
			},
			want: Publication{Status: corev1.ConditionUnknown, Reason: v1alpha1.ReasonPublishing, Message: "waiting for TunnelRoute"},
		},
		"AppAndTunnelHeld": {
			reason: "While the application waits for its policies the message names everything the route still needs, as when all of it was composed at once.",
			desired: desiredOf(map[resource.Name]string{
				NameDNSRecord: "DNSRecord", NameAccessPolicy: "AccessPolicy", NameServiceToken: "ServiceToken",
			}),
			held: heldOf(map[resource.Name]string{NameAccessApp: "AccessApp", NameTunnelRoute: "TunnelRoute"}),
			want: Publication{
				Status: corev1.ConditionUnknown, Reason: v1alpha1.ReasonPublishing,
				Message: "waiting for AccessApp, AccessPolicy, DNSRecord, ServiceToken, TunnelRoute",
			},
		},
		"HeldButFailing": {
			reason:   "A resource that cannot sync is still the problem while others are held back for it.",
			desired:  desiredOf(map[resource.Name]string{NameDNSRecord: "DNSRecord", NameAccessApp: "AccessApp"}),
			held:     heldOf(map[resource.Name]string{NameTunnelRoute: "TunnelRoute"}),
			observed: map[resource.Name]resource.ObservedComposed{NameAccessApp: mr("AccessApp", "www-a", conflict, xpv2.Creating())},
			want: Publication{
				Status: corev1.ConditionFalse, Reason: string(xpv2.ReasonReconcileError),
				Message: "AccessApp www-a: " + conflict.Message,
			},
		},
		"AllReadyWithToken": {
			reason:   "With the token policy Ready like everything else the route is published.",
			desired:  withToken,
			observed: allReady(NameTokenPolicy, mr("AccessPolicy", "app-token-policy", xpv2.ReconcileSuccess(), xpv2.Available())),
			want:     Publication{Status: corev1.ConditionTrue, Reason: v1alpha1.ReasonPublished},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			d := desired
			if tc.desired != nil {
				d = tc.desired
			}
			if diff := cmp.Diff(tc.want, Publish(d, tc.held, tc.observed)); diff != "" {
				t.Errorf("%s\nPublish(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
