package httproute

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// writtenClaimOf returns a claim of that name in otherNS with that UID, as
// an apply returns it.
func writtenClaimOf(name string, uid types.UID) *unstructured.Unstructured {
	c := ownedClaim(route(name, inNamespace(otherNS), published("www.example.com")), "h")
	c.SetUID(uid)
	return &c.Unstructured
}

func TestWrittenClaims(t *testing.T) {
	const host = "www.example.com"
	quick := writtenClaimOf("quick", "quick-uid")
	holder := contender{Route: types.NamespacedName{Namespace: otherNS, Name: "quick"}}
	now := epoch

	type want struct {
		holders []contender
		recheck time.Duration
	}
	cases := map[string]struct {
		reason string
		setup  func(w *writtenClaims)
		cached []unstructured.Unstructured
		at     time.Time
		want   want
	}{
		"NotCachedYet": {
			reason: "A written claim the cache does not list holds its hostname until the TTL runs out.",
			setup:  func(w *writtenClaims) { w.add(host, quick, holder, now) },
			at:     now.Add(15 * time.Second),
			want:   want{holders: []contender{holder}, recheck: writtenClaimTTL - 15*time.Second},
		},
		"Cached": {
			reason: "A written claim the cache lists is no longer counted twice.",
			setup:  func(w *writtenClaims) { w.add(host, quick, holder, now) },
			cached: []unstructured.Unstructured{*quick},
			at:     now,
		},
		"Expired": {
			reason: "A written claim the cache never showed stops counting after the TTL.",
			setup:  func(w *writtenClaims) { w.add(host, quick, holder, now) },
			at:     now.Add(writtenClaimTTL),
		},
		"Seen": {
			reason: "A written claim whose event the controller saw is forgotten.",
			setup: func(w *writtenClaims) {
				w.add(host, quick, holder, now)
				w.seen(quick)
			},
			at: now,
		},
		"SeenOtherHostname": {
			reason: "An event of the claim with another hostname does not show the hostname it was written with.",
			setup: func(w *writtenClaims) {
				w.add(host, quick, holder, now)
				old := quick.DeepCopy()
				setClaimHostname(t, old, "old.example.com")
				w.seen(old)
			},
			at:   now,
			want: want{holders: []contender{holder}, recheck: writtenClaimTTL},
		},
		"Forgotten": {
			reason: "A claim the controller deleted is forgotten.",
			setup: func(w *writtenClaims) {
				w.add(host, quick, holder, now)
				w.forget(holder.Route)
			},
			at: now,
		},
		"MovedAway": {
			reason: "A claim written again with another hostname no longer holds the first one.",
			setup: func(w *writtenClaims) {
				w.add(host, quick, holder, now)
				w.add("other.example.com", quick, holder, now)
			},
			at: now,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWrittenClaims()
			tc.setup(w)
			got, recheck := w.holders(host, tc.cached, tc.at)
			if diff := cmp.Diff(tc.want.holders, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s\nholders(...): -want, +got:\n%s", tc.reason, diff)
			}
			if recheck != tc.want.recheck {
				t.Errorf("%s\nholders(...): recheck after %v, want %v", tc.reason, recheck, tc.want.recheck)
			}
			if again, _ := w.holders(host, nil, tc.at); len(tc.want.holders) == 0 && len(again) != 0 {
				t.Errorf("%s\nholders(...) counts a forgotten claim again: %v", tc.reason, again)
			}
		})
	}
}

func setClaimHostname(t *testing.T, c *unstructured.Unstructured, hostname string) {
	t.Helper()
	if err := unstructured.SetNestedField(c.Object, hostname, "spec", "annotations", v1alpha1.AnnotationHostname); err != nil {
		t.Fatal(err)
	}
}
