package managedctrl

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// TestAlignedPolls polls resources first seen at random moments, each as
// the managed reconciler would: again after the wait the hook returns.
// From its second poll on, every resource of a kind polls at the same
// moments, once an interval; no wait is shorter than a tenth of an interval
// or longer than 1.1 intervals; every poll is at its kind's share of the
// interval; and two kinds poll at different moments.
func TestAlignedPolls(t *testing.T) {
	const interval = time.Minute
	start := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	moments := func(kind string, share float64) map[time.Time]int {
		var now time.Time
		hook := alignedPolls(share, func() time.Time { return now })
		seen := map[time.Time]int{}
		for range 200 {
			// First seen at any moment of ten minutes, and each poll
			// up to two seconds late, as a busy controller's are.
			now = start.Add(time.Duration(rng.Int64N(int64(10 * time.Minute))))
			for poll := range 20 {
				wait := hook(nil, interval)
				if wait < interval/10 || wait > interval*11/10 {
					t.Fatalf("%s: at %s the next poll is in %s, want within [%s, %s]", kind, now, wait, interval/10, interval*11/10)
				}
				due := now.Add(wait)
				if off := due.Sub(due.Truncate(interval)); off != time.Duration(share*float64(interval)) {
					t.Fatalf("%s: polled at %s, %s into the minute; want its moment, %s into it", kind, due, off, time.Duration(share*float64(interval)))
				}
				if poll > 0 {
					seen[due]++
				}
				now = due.Add(time.Duration(rng.Int64N(int64(2 * time.Second))))
			}
		}
		return seen
	}
	apps := moments("accessapp", 0.4)
	// 200 resources first seen in the first ten minutes, polled 19 times
	// each after their first poll: from the eleventh minute to the
	// nineteenth, all 200 poll at one moment a minute.
	together := 0
	for due, n := range apps {
		if due.After(start.Add(11*time.Minute)) && due.Before(start.Add(19*time.Minute)) {
			together++
			if n != 200 {
				t.Errorf("accessapp: %d polls at %s; want all 200", n, due)
			}
		}
		for other := range apps {
			if d := other.Sub(due); d > 0 && d < interval {
				t.Fatalf("accessapp: polls at %s and %s, less than an interval apart", due, other)
			}
		}
	}
	if together != 8 {
		t.Errorf("accessapp: %d moments with polls from the eleventh minute to the nineteenth; want 8", together)
	}
	for due := range moments("dnsrecord", 0.2) {
		if apps[due] > 0 {
			t.Errorf("dnsrecord and accessapp both poll at %s; want each kind at its own moment", due)
		}
	}
}

// TestPollsAligned reconciles two resources at two moments with the
// options every kind's controller has: both are polled next at the same
// moment.
func TestPollsAligned(t *testing.T) {
	upToDate := managed.TypedExternalClientFns[*v1alpha1.AccessPolicy]{
		ObserveFn: func(context.Context, *v1alpha1.AccessPolicy) (managed.ExternalObservation, error) {
			return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true}, nil
		},
		DisconnectFn: func(context.Context) error { return nil },
	}
	due := func(name string) (earliest, latest time.Time) {
		mr := &v1alpha1.AccessPolicy{ObjectMeta: metav1.ObjectMeta{Name: name}}
		mr.SetManagementPolicies(xpv2.ManagementPolicies{xpv2.ManagementActionAll})
		meta.SetExternalName(mr, name)
		r := testReconciler(t, mr, upToDate, func(*v1alpha1.AccessPolicy) {}, func(*v1alpha1.AccessPolicy) {})
		before := time.Now()
		got, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: name}})
		after := time.Now()
		if err != nil || got.RequeueAfter <= 0 {
			t.Fatalf("Reconcile(%s): want a poll later, got %+v, %v", name, got, err)
		}
		return before.Add(got.RequeueAfter), after.Add(got.RequeueAfter)
	}
	e1, l1 := due("one")
	time.Sleep(50 * time.Millisecond)
	e2, l2 := due("two")
	if l1.Before(e2) || l2.Before(e1) {
		t.Errorf("Reconcile(...): the first resource is polled next between %s and %s, the second, reconciled 50 ms later, between %s and %s; want the same moment",
			e1.Format(time.StampMicro), l1.Format(time.StampMicro), e2.Format(time.StampMicro), l2.Format(time.StampMicro))
	}
}
