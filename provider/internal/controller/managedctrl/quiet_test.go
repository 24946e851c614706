package managedctrl

import (
	"context"
	"sync"
	"testing"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// quietFixture is a quietClient over a fake API server whose reads can be
// made stale, counting the status updates that reach it.
type quietFixture struct {
	c      quietClient
	writes int
	// stale, when set, is what reads return instead of the API server's
	// object: a cache that has not seen the latest write.
	stale *v1alpha1.DNSRecord
}

func newQuietFixture(ctx context.Context, t *testing.T) (*quietFixture, *v1alpha1.DNSRecord) {
	t.Helper()
	s := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	mg := &v1alpha1.DNSRecord{ObjectMeta: metav1.ObjectMeta{Name: "r", UID: types.UID("u1")}}
	mg.SetConditions(xpv2.Creating())
	f := &quietFixture{}
	kube := fake.NewClientBuilder().WithScheme(s).WithObjects(mg).WithStatusSubresource(mg).
		WithInterceptorFuncs(interceptor.Funcs{
			Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
				if f.stale != nil {
					f.stale.DeepCopyInto(obj.(*v1alpha1.DNSRecord))
					return nil
				}
				return c.Get(ctx, key, obj, opts...)
			},
			SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
				f.writes++
				return c.SubResource(sub).Update(ctx, obj, opts...)
			},
		}).Build()
	f.c = quietClient{Client: kube, written: &sync.Map{}}
	got := &v1alpha1.DNSRecord{}
	if err := f.c.Get(ctx, types.NamespacedName{Name: "r"}, got); err != nil {
		t.Fatal(err)
	}
	return f, got
}

func TestQuietStatusUpdate(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		reason string
		// steps change the object read from the API server, or the
		// fixture, then update its status; want is how many of the
		// updates reached the API server.
		steps []func(f *quietFixture, mg *v1alpha1.DNSRecord)
		want  int
	}{
		"Unchanged": {
			reason: "A status the API server holds is not written again, as at each poll.",
			steps:  []func(*quietFixture, *v1alpha1.DNSRecord){func(*quietFixture, *v1alpha1.DNSRecord) {}},
			want:   0,
		},
		"Changed": {
			reason: "A status that changed is written.",
			steps: []func(*quietFixture, *v1alpha1.DNSRecord){func(_ *quietFixture, mg *v1alpha1.DNSRecord) {
				mg.SetConditions(xpv2.Available())
			}},
			want: 1,
		},
		"OtherVersion": {
			reason: "An object read at another version than the cache's is written: the reconciler updated it in between.",
			steps: []func(*quietFixture, *v1alpha1.DNSRecord){func(_ *quietFixture, mg *v1alpha1.DNSRecord) {
				mg.SetResourceVersion("998")
			}},
			want: 1,
		},
		"StaleCache": {
			reason: "After a write the cache has not seen, the status it still holds is written back, not skipped: the API server holds the newer one.",
			steps: []func(*quietFixture, *v1alpha1.DNSRecord){
				func(f *quietFixture, mg *v1alpha1.DNSRecord) {
					f.stale = mg.DeepCopy()
					mg.SetConditions(xpv2.Available())
				},
				func(f *quietFixture, mg *v1alpha1.DNSRecord) {
					f.stale.DeepCopyInto(mg)
				},
			},
			want: 2,
		},
		"CaughtUp": {
			reason: "Once the cache holds the last write, the same status is not written again.",
			steps: []func(*quietFixture, *v1alpha1.DNSRecord){
				func(_ *quietFixture, mg *v1alpha1.DNSRecord) {
					mg.SetConditions(xpv2.Available())
				},
				func(f *quietFixture, mg *v1alpha1.DNSRecord) {
					if err := f.c.Get(ctx, types.NamespacedName{Name: "r"}, mg); err != nil {
						t.Fatal(err)
					}
					mg.SetConditions(xpv2.Available())
				},
			},
			want: 1,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, mg := newQuietFixture(ctx, t)
			for _, step := range tc.steps {
				step(f, mg)
				// A conflict is the API server refusing a stale
				// write: it was not skipped.
				if err := f.c.Status().Update(ctx, mg); err != nil && !kerrors.IsConflict(err) {
					t.Fatal(err)
				}
			}
			if f.writes != tc.want {
				t.Errorf("%s\nstatus updates that reached the API server: want %d, got %d", tc.reason, tc.want, f.writes)
			}
		})
	}
}

func TestQuietForgetsDeleted(t *testing.T) {
	ctx := context.Background()
	f, mg := newQuietFixture(ctx, t)
	mg.SetConditions(xpv2.Available())
	if err := f.c.Status().Update(ctx, mg); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.c.written.Load(mg.GetUID()); !ok {
		t.Fatal("the written status was not recorded")
	}
	mg.SetFinalizers([]string{"finalizer.managedresource.crossplane.io"})
	if err := f.c.Update(ctx, mg); err != nil {
		t.Fatal(err)
	}
	if err := f.c.Delete(ctx, mg); err != nil {
		t.Fatal(err)
	}
	if err := f.c.Get(ctx, types.NamespacedName{Name: "r"}, mg); err != nil {
		t.Fatal(err)
	}
	mg.SetFinalizers(nil)
	if err := f.c.Update(ctx, mg); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.c.written.Load(mg.GetUID()); ok {
		t.Error("the written status of a deleted object is still recorded after its last finalizer went")
	}
}
