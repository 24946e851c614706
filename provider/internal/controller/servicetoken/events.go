package servicetoken

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// reasonExpiring is the reason of the Warning Event an HTTPRoute gets when
// its service token cannot be refreshed and expires soon.
const reasonExpiring event.Reason = "ServiceTokenExpiring"

// httpRouteGVK is the kind of the routes a ServiceToken is composed for.
var httpRouteGVK = schema.GroupVersionKind{Group: "gateway.networking.k8s.io", Version: "v1", Kind: "HTTPRoute"}

// routeEvents records Events on the HTTPRoute a ServiceToken was composed
// for.
type routeEvents struct {
	// routes reads the route, for the UID an Event refers to. Only its
	// metadata is read, so the Gateway API types need not be in the
	// scheme.
	routes client.Reader
	record event.Recorder
}

// warn records a Warning Event of reason with err's message on mg's
// HTTPRoute. A token of no route, or whose route is gone, has nobody to
// warn: that is not an error.
func (r routeEvents) warn(ctx context.Context, mg *v1alpha1.ServiceToken, reason event.Reason, err error) error {
	ns, name, ok := routeOf(mg)
	if !ok {
		return nil
	}
	route := &metav1.PartialObjectMetadata{}
	route.SetGroupVersionKind(httpRouteGVK)
	if err := r.routes.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, route); err != nil {
		return errors.Wrapf(client.IgnoreNotFound(err), "cannot get HTTPRoute %s/%s", ns, name)
	}
	// A read may leave the kind out; the Event's reference needs it.
	route.SetGroupVersionKind(httpRouteGVK)
	r.record.Event(route, event.Warning(reason, err))
	return nil
}
