package httproute

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func TestHostnameOwner(t *testing.T) {
	at := func(minute int) metav1.Time { return metav1.NewTime(epoch.Add(time.Duration(minute) * time.Minute)) }
	nn := func(ns, name string) types.NamespacedName { return types.NamespacedName{Namespace: ns, Name: name} }
	self := contender{Route: nn("b", "self"), Since: at(10)}

	type args struct {
		selfHolds bool
		holders   []contender
		newcomers []contender
	}
	cases := map[string]struct {
		reason string
		args   args
		want   types.NamespacedName
	}{
		"Alone": {
			reason: "A route alone with its hostname owns it.",
			want:   self.Route,
		},
		"ExistingClaimWins": {
			reason: "An existing claim keeps its hostname against an older newcomer route.",
			args:   args{holders: []contender{{Route: nn("a", "first"), Since: at(20)}}},
			want:   nn("a", "first"),
		},
		"SelfHolds": {
			reason: "A route whose claim holds the hostname keeps it against newcomers.",
			args:   args{selfHolds: true, newcomers: []contender{{Route: nn("a", "old"), Since: at(1)}}},
			want:   self.Route,
		},
		"TwoClaimsOldestWins": {
			reason: "Of two claims carrying the hostname (a race), the older keeps it.",
			args:   args{selfHolds: true, holders: []contender{{Route: nn("a", "first"), Since: at(5)}}},
			want:   nn("a", "first"),
		},
		"NewcomersOlderWins": {
			reason: "Between new routes the older creationTimestamp wins.",
			args:   args{newcomers: []contender{{Route: nn("z", "older"), Since: at(9)}, {Route: nn("a", "newer"), Since: at(11)}}},
			want:   nn("z", "older"),
		},
		"NewcomersTieByName": {
			reason: "Between new routes of the same age, namespace/name decides.",
			args:   args{newcomers: []contender{{Route: nn("b", "aaa"), Since: at(10)}}},
			want:   nn("b", "aaa"),
		},
		"NewcomersTieSelfFirst": {
			reason: "The same tie won by the route itself.",
			args:   args{newcomers: []contender{{Route: nn("c", "aaa"), Since: at(10)}}},
			want:   self.Route,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := hostnameOwner(self, tc.args.selfHolds, tc.args.holders, tc.args.newcomers)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nhostnameOwner(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
