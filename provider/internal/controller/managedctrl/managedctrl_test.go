package managedctrl

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	xpfake "github.com/crossplane/crossplane-runtime/v2/pkg/resource/fake"
	"github.com/crossplane/crossplane-runtime/v2/pkg/test"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis"
	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
)

// A recordingManager is a controller manager whose events go nowhere.
type recordingManager struct {
	*xpfake.Manager
}

func (m recordingManager) GetEventRecorderFor(string) record.EventRecorder {
	return record.NewFakeRecorder(100)
}

// TestIncompleteCreate reconciles, with the options every kind's controller
// has, a managed resource whose last create has an unknown result: the
// provider stopped after setting crossplane.io/external-create-pending and
// before recording an external name or the create's outcome.
func TestIncompleteCreate(t *testing.T) {
	type want struct {
		calls        []string
		externalName string
		synced       xpv2.Condition
	}
	cases := map[string]struct {
		reason string
		client managed.TypedExternalClientFns[*v1alpha1.AccessPolicy]
		want   want
	}{
		"AdoptedByCreate": {
			reason: "The reconciler goes on to observe and create, and Create adopts our object, as the Access kinds and ServiceToken do.",
			client: managed.TypedExternalClientFns[*v1alpha1.AccessPolicy]{
				ObserveFn: func(context.Context, *v1alpha1.AccessPolicy) (managed.ExternalObservation, error) {
					return managed.ExternalObservation{}, nil
				},
				CreateFn: func(_ context.Context, mg *v1alpha1.AccessPolicy) (managed.ExternalCreation, error) {
					meta.SetExternalName(mg, "ours")
					return managed.ExternalCreation{}, nil
				},
			},
			want: want{calls: []string{"Observe", "Create"}, externalName: "ours", synced: xpv2.ReconcileSuccess()},
		},
		"AdoptedByObserve": {
			reason: "The reconciler goes on to observe, and Observe adopts our object, as DNSRecord and TunnelRoute do.",
			client: managed.TypedExternalClientFns[*v1alpha1.AccessPolicy]{
				ObserveFn: func(_ context.Context, mg *v1alpha1.AccessPolicy) (managed.ExternalObservation, error) {
					meta.SetExternalName(mg, "ours")
					return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true, ResourceLateInitialized: true}, nil
				},
			},
			want: want{calls: []string{"Observe"}, externalName: "ours", synced: xpv2.ReconcileSuccess()},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			mr := &v1alpha1.AccessPolicy{ObjectMeta: metav1.ObjectMeta{Name: "policy"}}
			mr.SetManagementPolicies(xpv2.ManagementPolicies{xpv2.ManagementActionAll})
			meta.SetExternalCreatePending(mr, time.Now().Add(-time.Minute))

			var calls []string
			e := tc.client
			observe, create := e.ObserveFn, e.CreateFn
			e.ObserveFn = func(ctx context.Context, mg *v1alpha1.AccessPolicy) (managed.ExternalObservation, error) {
				calls = append(calls, "Observe")
				return observe(ctx, mg)
			}
			e.CreateFn = func(ctx context.Context, mg *v1alpha1.AccessPolicy) (managed.ExternalCreation, error) {
				calls = append(calls, "Create")
				return create(ctx, mg)
			}
			e.DisconnectFn = func(context.Context) error { return nil }

			var stored, status *v1alpha1.AccessPolicy
			r := testReconciler(t, mr, e, func(obj *v1alpha1.AccessPolicy) { stored = obj }, func(obj *v1alpha1.AccessPolicy) { status = obj })
			if _, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: mr.GetName()}}); err != nil {
				t.Errorf("\n%s\nReconcile(...): %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want.calls, calls); diff != "" {
				t.Errorf("\n%s\nReconcile(...): -want external calls, +got external calls:\n%s", tc.reason, diff)
			}
			got := ""
			if stored != nil {
				got = meta.GetExternalName(stored)
			}
			if diff := cmp.Diff(tc.want.externalName, got); diff != "" {
				t.Errorf("\n%s\nReconcile(...): -want stored external name, +got stored external name:\n%s", tc.reason, diff)
			}
			synced := xpv2.Condition{Type: xpv2.TypeSynced, Status: corev1.ConditionUnknown}
			if status != nil {
				synced = status.GetCondition(xpv2.TypeSynced)
			}
			if diff := cmp.Diff(tc.want.synced, synced); diff != "" {
				t.Errorf("\n%s\nReconcile(...): -want Synced, +got Synced:\n%s", tc.reason, diff)
			}
		})
	}
}

// testReconciler is the reconciler of AccessPolicies that Setup makes, with
// a one-minute poll, for the one managed resource mr, whose external client
// is e. Each update of mr goes to stored, each status update to status.
func testReconciler(t *testing.T, mr *v1alpha1.AccessPolicy, e managed.TypedExternalClientFns[*v1alpha1.AccessPolicy], stored, status func(*v1alpha1.AccessPolicy)) reconcile.Reconciler {
	t.Helper()
	kube := &test.MockClient{
		MockGet: func(_ context.Context, _ client.ObjectKey, obj client.Object) error {
			mr.DeepCopyInto(obj.(*v1alpha1.AccessPolicy))
			return nil
		},
		MockUpdate: func(_ context.Context, obj client.Object, _ ...client.UpdateOption) error {
			stored(obj.(*v1alpha1.AccessPolicy).DeepCopy())
			return nil
		},
		MockStatusUpdate: func(_ context.Context, obj client.Object, _ ...client.SubResourceUpdateOption) error {
			status(obj.(*v1alpha1.AccessPolicy).DeepCopy())
			return nil
		},
	}
	s := runtime.NewScheme()
	if err := apis.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	mgr := recordingManager{&xpfake.Manager{Client: kube, Scheme: s}}
	c := managed.TypedExternalConnectorFn[*v1alpha1.AccessPolicy](func(context.Context, *v1alpha1.AccessPolicy) (managed.TypedExternalClient[*v1alpha1.AccessPolicy], error) {
		return e, nil
	})
	bw := &budgetWaits{}
	opts := options(mgr, controller.Options{Logger: logging.NewNopLogger(), PollInterval: time.Minute}, "test", noteBudgetWaits(c, bw))
	return bw.reconciler(managed.NewReconciler(mgr, resource.ManagedKind(v1alpha1.AccessPolicyGroupVersionKind), opts...))
}

// TestBudgetWaits reconciles a managed resource whose external client the
// shared Cloudflare budget refuses: the reconcile is retried once the budget
// said it has room, and up to half of that later, instead of with the
// controller's back-off; any other error keeps the back-off, and the wait
// is forgotten once used.
func TestBudgetWaits(t *testing.T) {
	refused := func(d time.Duration) error { return &cloudflare.RateLimitedError{RetryAfter: d} }
	notFound := func(context.Context, *v1alpha1.AccessPolicy) (managed.ExternalObservation, error) {
		return managed.ExternalObservation{}, nil
	}
	cases := map[string]struct {
		reason   string
		client   managed.TypedExternalClientFns[*v1alpha1.AccessPolicy]
		min, max time.Duration
		requeue  bool
	}{
		"ObserveRefused": {
			reason: "An Observe the budget refused for 30 s is retried after 30 to 45 s.",
			client: managed.TypedExternalClientFns[*v1alpha1.AccessPolicy]{
				ObserveFn: func(context.Context, *v1alpha1.AccessPolicy) (managed.ExternalObservation, error) {
					return managed.ExternalObservation{}, refused(30 * time.Second)
				},
			},
			min: 30 * time.Second, max: 45 * time.Second,
		},
		"CreateRefused": {
			reason: "A Create whose error wraps the budget's refusal for 10 s is retried after 10 to 15 s.",
			client: managed.TypedExternalClientFns[*v1alpha1.AccessPolicy]{
				ObserveFn: notFound,
				CreateFn: func(context.Context, *v1alpha1.AccessPolicy) (managed.ExternalCreation, error) {
					return managed.ExternalCreation{}, errors.Wrap(refused(10*time.Second), "cannot create")
				},
			},
			min: 10 * time.Second, max: 15 * time.Second,
		},
		"OtherError": {
			reason: "Any other error is retried with the controller's back-off, as the managed reconciler asks.",
			client: managed.TypedExternalClientFns[*v1alpha1.AccessPolicy]{
				ObserveFn: func(context.Context, *v1alpha1.AccessPolicy) (managed.ExternalObservation, error) {
					return managed.ExternalObservation{}, errors.New("boom")
				},
			},
			requeue: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			mr := &v1alpha1.AccessPolicy{ObjectMeta: metav1.ObjectMeta{Name: "policy"}}
			mr.SetManagementPolicies(xpv2.ManagementPolicies{xpv2.ManagementActionAll})
			meta.SetExternalName(mr, "p1")
			// Once Cloudflare has room, Observe finds the object up to
			// date.
			room := false
			e := tc.client
			observe := e.ObserveFn
			e.ObserveFn = func(ctx context.Context, mg *v1alpha1.AccessPolicy) (managed.ExternalObservation, error) {
				if room {
					return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true}, nil
				}
				return observe(ctx, mg)
			}
			e.DisconnectFn = func(context.Context) error { return nil }
			r := testReconciler(t, mr, e, func(*v1alpha1.AccessPolicy) {}, func(*v1alpha1.AccessPolicy) {})
			req := reconcile.Request{NamespacedName: types.NamespacedName{Name: mr.GetName()}}
			got, err := r.Reconcile(context.Background(), req)
			if err != nil {
				t.Fatalf("\n%s\nReconcile(...): %v", tc.reason, err)
			}
			//nolint:staticcheck // SA1019: the managed reconciler still asks for back-off with Requeue.
			if got.Requeue != tc.requeue || got.RequeueAfter < tc.min || got.RequeueAfter > tc.max {
				t.Errorf("\n%s\nReconcile(...): want Requeue %t, RequeueAfter in [%s, %s], got %+v", tc.reason, tc.requeue, tc.min, tc.max, got)
			}

			// The next reconcile, with room, polls the object again at
			// its kind's next poll, from 6 s to 66 s away (see
			// alignedPolls): the wait was used.
			room = true
			if got, err := r.Reconcile(context.Background(), req); err != nil || got.Requeue || got.RequeueAfter < 6*time.Second || got.RequeueAfter > 66*time.Second { //nolint:staticcheck // SA1019: as above.
				t.Errorf("\n%s\nReconcile(...) once Cloudflare has room: want RequeueAfter in [6s, 1m6s], got %+v, %v", tc.reason, got, err)
			}
		})
	}
}
