package servicetoken

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/test"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// recorded is an Event as a test sees it.
type recorded struct {
	Kind, Namespace, Name string
	UID                   types.UID
	Type                  event.Type
	Reason                event.Reason
	Message               string
}

type recorder struct{ events []recorded }

func (r *recorder) Event(obj runtime.Object, e event.Event) {
	m := obj.(*metav1.PartialObjectMetadata)
	r.events = append(r.events, recorded{
		Kind: m.GroupVersionKind().Kind, Namespace: m.Namespace, Name: m.Name, UID: m.UID,
		Type: e.Type, Reason: e.Reason, Message: e.Message,
	})
}

func (r *recorder) WithAnnotations(...string) event.Recorder { return r }

func TestWarnRoute(t *testing.T) {
	found := &test.MockClient{MockGet: func(_ context.Context, key client.ObjectKey, obj client.Object) error {
		obj.SetUID("route-uid")
		obj.SetNamespace(key.Namespace)
		obj.SetName(key.Name)
		return nil
	}}
	gone := &test.MockClient{MockGet: test.NewMockGetFn(kerrors.NewNotFound(schema.GroupResource{Resource: "httproutes"}, "web"))}
	cases := map[string]struct {
		reason string
		routes client.Reader
		mg     *v1alpha1.ServiceToken
		want   []recorded
		err    error
	}{
		"Warned": {
			reason: "The route named by the token's labels gets a Warning Event.",
			routes: found,
			mg:     serviceToken(withRoute()),
			want: []recorded{{
				Kind: "HTTPRoute", Namespace: "apps", Name: "web", UID: "route-uid",
				Type: event.TypeWarning, Reason: reasonExpiring, Message: "boom",
			}},
		},
		"NoRoute": {
			reason: "A token of no route warns nobody.",
			routes: found,
			mg:     serviceToken(),
		},
		"RouteGone": {
			reason: "A route already gone warns nobody, and is no error.",
			routes: gone,
			mg:     serviceToken(withRoute()),
		},
		"ReadError": {
			reason: "An error reading the route is returned.",
			routes: &test.MockClient{MockGet: test.NewMockGetFn(errBoom)},
			mg:     serviceToken(withRoute()),
			err:    errBoom,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rec := &recorder{}
			err := routeEvents{routes: tc.routes, record: rec}.warn(context.Background(), tc.mg, reasonExpiring, errBoom)
			if diff := cmp.Diff(tc.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\nwarn(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want, rec.events); diff != "" {
				t.Errorf("\n%s\nwarn(...): -want events, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
