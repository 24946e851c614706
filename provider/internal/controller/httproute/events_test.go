package httproute

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource/unstructured/claim"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestClaimHealth(t *testing.T) {
	cond := func(ct xpv2.ConditionType, s corev1.ConditionStatus, r xpv2.ConditionReason, msg string) xpv2.Condition {
		return xpv2.Condition{Type: ct, Status: s, Reason: r, Message: msg}
	}
	cases := map[string]struct {
		reason string
		conds  []xpv2.Condition
		want   health
	}{
		"New": {
			reason: "A claim without conditions is in progress.",
			want:   health{},
		},
		"Ready": {
			reason: "A Ready claim is published.",
			conds:  []xpv2.Condition{xpv2.ReconcileSuccess(), xpv2.Available()},
			want:   health{Ready: true},
		},
		"Creating": {
			reason: "Ready=False while creating is progress, not a problem.",
			conds:  []xpv2.Condition{xpv2.ReconcileSuccess(), xpv2.Creating().WithMessage("Unready resources: dnsrecord")},
			want:   health{},
		},
		"SyncedFalse": {
			reason: "Synced=False is a problem whose reason and message are copied.",
			conds: []xpv2.Condition{
				cond(xpv2.TypeSynced, corev1.ConditionFalse, xpv2.ReasonReconcileError, `invalid cfzt.cloudflare.com/dnsIp "x": not an IP address`),
				xpv2.Available(),
			},
			want: health{Problem: &event.Event{
				Type: event.TypeWarning, Reason: "ReconcileError",
				Message: `invalid cfzt.cloudflare.com/dnsIp "x": not an IP address`,
			}},
		},
		"AcceptedFalse": {
			reason: "Accepted=False, the function's refusal, is the problem shown, though Synced is True and Ready only waits.",
			conds: []xpv2.Condition{
				xpv2.ReconcileSuccess(),
				cond(xpv2.TypeReady, corev1.ConditionFalse, "Waiting", "Claim is waiting for composite resource to become Ready"),
				cond(v1alpha1.TypeAccepted, corev1.ConditionFalse, v1alpha1.ReasonInvalidInput, `cannot use annotation cfzt.cloudflare.com/access.sessionDuration: "forever" is not a duration`),
			},
			want: health{Problem: &event.Event{
				Type: event.TypeWarning, Reason: v1alpha1.ReasonInvalidInput,
				Message: `cannot use annotation cfzt.cloudflare.com/access.sessionDuration: "forever" is not a duration`,
			}},
		},
		"AcceptedTrue": {
			reason: "Accepted=True with a Ready claim is published.",
			conds:  []xpv2.Condition{xpv2.ReconcileSuccess(), xpv2.Available(), cond(v1alpha1.TypeAccepted, corev1.ConditionTrue, v1alpha1.ReasonAccepted, "")},
			want:   health{Ready: true},
		},
		"PublishedFalse": {
			reason: "Published=False, a managed resource's Cloudflare problem, is shown.",
			conds: []xpv2.Condition{
				xpv2.ReconcileSuccess(),
				cond(xpv2.TypeReady, corev1.ConditionFalse, "Waiting", "Claim is waiting for composite resource to become Ready"),
				cond(v1alpha1.TypeAccepted, corev1.ConditionTrue, v1alpha1.ReasonAccepted, ""),
				cond(v1alpha1.TypePublished, corev1.ConditionFalse, xpv2.ReasonReconcileError, "DNSRecord www-d: zone not found"),
			},
			want: health{Problem: &event.Event{
				Type: event.TypeWarning, Reason: "ReconcileError",
				Message: "DNSRecord www-d: zone not found",
			}},
		},
		"ReadyFalse": {
			reason: "Ready=False for another reason than progress is a problem.",
			conds:  []xpv2.Condition{xpv2.ReconcileSuccess(), cond(xpv2.TypeReady, corev1.ConditionFalse, "Conflict", "record owned by someone else")},
			want: health{Problem: &event.Event{
				Type: event.TypeWarning, Reason: "Conflict",
				Message: "record owned by someone else",
			}},
		},
		"NoMessage": {
			reason: "A problem without a message still says which condition.",
			conds:  []xpv2.Condition{cond(xpv2.TypeSynced, corev1.ConditionFalse, "", "")},
			want: health{Problem: &event.Event{
				Type: event.TypeWarning, Reason: ReasonClaimError,
				Message: "ZeroTrustRoute condition Synced is False ()",
			}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := claim.New(claim.WithConditions(tc.conds...))
			if diff := cmp.Diff(tc.want, claimHealth(c)); diff != "" {
				t.Errorf("%s\nclaimHealth(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestResultEvents(t *testing.T) {
	now := map[string]string{
		v1alpha1.AnnotationAccessAppID:            "app",
		v1alpha1.AnnotationAccessPolicyIDs:        "p1,p2",
		v1alpha1.AnnotationServiceTokenID:         "tok",
		v1alpha1.AnnotationServiceTokenSecretName: "cfzt-svctoken-www",
	}
	cases := map[string]struct {
		reason  string
		changes map[string]string
		want    []event.Event
	}{
		"Both": {
			reason:  "A new Access application and a new service token are announced.",
			changes: map[string]string{v1alpha1.AnnotationAccessAppID: "app", v1alpha1.AnnotationServiceTokenID: "tok"},
			want: []event.Event{
				{Type: event.TypeNormal, Reason: ReasonAccessAttached, Message: "Access application app protects a.example.com (policies p1,p2)", Annotations: map[string]string{}},
				{Type: event.TypeNormal, Reason: ReasonServiceTokenIssued, Message: "Service token tok issued for a.example.com; its client ID and secret are in Secret cfzt-svctoken-www", Annotations: map[string]string{}},
			},
		},
		"Unrelated": {
			reason:  "Other changes announce nothing.",
			changes: map[string]string{v1alpha1.AnnotationCNAMERecordID: "cn"},
		},
		"Removed": {
			reason:  "A removed ID announces nothing.",
			changes: map[string]string{v1alpha1.AnnotationAccessAppID: ""},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, resultEvents("a.example.com", tc.changes, now)); diff != "" {
				t.Errorf("%s\nresultEvents(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestMemory(t *testing.T) {
	nn := types.NamespacedName{Namespace: appNS, Name: "www"}
	warn := func(msg string) event.Event {
		return event.Event{Type: event.TypeWarning, Reason: ReasonHostnameConflict, Message: msg}
	}
	problem := health{Problem: &event.Event{Reason: "ReconcileError", Message: "bad"}}

	// A step is one call; emit is whether it reports its Event due.
	type step struct {
		refuse      *event.Event
		disable     *event.Event // unpublished with this Warning
		enable      bool         // unpublished without a Warning
		deprecate   *event.Event
		undeprecate bool
		admit       bool
		observe     *health
		settled     bool
		uid         types.UID
		forget      bool
		wantEmit    bool
	}
	cases := map[string]struct {
		reason string
		steps  []step
	}{
		"RefusalOnce": {
			reason: "The same refusal is reported once, a different one again.",
			steps: []step{
				{refuse: new(warn("a")), wantEmit: true},
				{refuse: new(warn("a")), wantEmit: false},
				{refuse: new(warn("b")), wantEmit: true},
			},
		},
		"RefusalAfterAdmission": {
			reason: "A refusal that comes back after the route was admitted is reported again.",
			steps: []step{
				{refuse: new(warn("a")), wantEmit: true},
				{admit: true},
				{refuse: new(warn("a")), wantEmit: true},
			},
		},
		"NewRouteSameName": {
			reason: "A new route of the same name (another UID) starts afresh.",
			steps: []step{
				{refuse: new(warn("a")), wantEmit: true},
				{refuse: new(warn("a")), uid: "other", wantEmit: true},
			},
		},
		"PublishedOnce": {
			reason: "Ready is announced once when it is reached.",
			steps: []step{
				{observe: &health{}, wantEmit: false},
				{observe: &health{Ready: true}, settled: true, wantEmit: true},
				{observe: &health{Ready: true}, settled: true, wantEmit: false},
			},
		},
		"PublishedAfterRestart": {
			reason: "A claim already Ready and written back when first seen (a restart) is not announced again.",
			steps: []step{
				{admit: true},
				{observe: &health{Ready: true}, settled: true, wantEmit: false},
			},
		},
		"PublishedFirstSight": {
			reason: "A claim first seen Ready with new results to write back is announced.",
			steps: []step{
				{observe: &health{Ready: true}, settled: false, wantEmit: true},
			},
		},
		"ProblemOnceAndAgain": {
			reason: "A problem is reported once, and again when it comes back after being fixed.",
			steps: []step{
				{observe: &problem, wantEmit: true},
				{observe: &problem, wantEmit: false},
				{observe: &health{Ready: true}, settled: true, wantEmit: true},
				{observe: &problem, wantEmit: true},
			},
		},
		"UnpublishedWarningOnce": {
			reason: "The Warning of an unpublished route is reported once, a different one again.",
			steps: []step{
				{disable: new(warn("a")), wantEmit: true},
				{disable: new(warn("a")), wantEmit: false},
				{disable: new(warn("b")), wantEmit: true},
			},
		},
		"UnpublishedWarningAfterFix": {
			reason: "The Warning of an unpublished route comes back after the route was fixed.",
			steps: []step{
				{disable: new(warn("a")), wantEmit: true},
				{enable: true},
				{disable: new(warn("a")), wantEmit: true},
			},
		},
		"UnpublishedThenPublishedAgain": {
			reason: "A route published again after a Warning announces Ready again.",
			steps: []step{
				{observe: &health{Ready: true}, settled: false, wantEmit: true},
				{disable: new(warn("a")), wantEmit: true},
				{admit: true},
				{observe: &health{Ready: true}, settled: false, wantEmit: true},
			},
		},
		"DeprecationOnce": {
			reason: "Deprecated fields are reported once, a different set again, and again after they were removed and came back.",
			steps: []step{
				{deprecate: new(warn("a")), wantEmit: true},
				{deprecate: new(warn("a")), wantEmit: false},
				{deprecate: new(warn("b")), wantEmit: true},
				{undeprecate: true},
				{deprecate: new(warn("b")), wantEmit: true},
			},
		},
		"Forgotten": {
			reason: "A forgotten route reports its refusal again.",
			steps: []step{
				{refuse: new(warn("a")), wantEmit: true},
				{forget: true},
				{refuse: new(warn("a")), wantEmit: true},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := newMemory()
			for i, s := range tc.steps {
				uid := types.UID("uid")
				if s.uid != "" {
					uid = s.uid
				}
				got := false
				switch {
				case s.refuse != nil:
					got = m.refused(nn, uid, *s.refuse)
				case s.disable != nil:
					got = m.unpublished(nn, uid, s.disable)
				case s.enable:
					got = m.unpublished(nn, uid, nil)
				case s.deprecate != nil:
					got = m.deprecated(nn, uid, s.deprecate)
				case s.undeprecate:
					got = m.deprecated(nn, uid, nil)
				case s.admit:
					m.admitted(nn, uid)
				case s.observe != nil:
					got = m.observed(nn, uid, *s.observe, s.settled)
				case s.forget:
					m.forget(nn)
				}
				if diff := cmp.Diff(s.wantEmit, got); diff != "" {
					t.Errorf("%s\nstep %d: emit: -want, +got:\n%s", tc.reason, i, diff)
				}
			}
		})
	}
}
