package httproute

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Field managers of the controller's server-side applies. They differ from
// Crossplane's, so neither takes the other's fields.
const (
	fieldManagerClaim = "cfzt-route-controller"
	fieldManagerState = "cfzt-route-controller/state"
)

// stateLabels are the labels that tie a state ConfigMap to its route. The
// controller applies them with last_reconcile, so that a ConfigMap its apply
// ever re-created after Crossplane deleted it is still found by the sweep.
func stateLabels(routeNS, routeName string) map[string]string {
	return map[string]string{
		v1alpha1.LabelManagedBy:          v1alpha1.LabelManagedByValue,
		v1alpha1.LabelHTTPRouteNamespace: routeNS,
		v1alpha1.LabelHTTPRouteName:      routeName,
	}
}

// A stateWriter keeps last_reconcile of the state ConfigMaps.
type stateWriter struct {
	// configMaps reads state ConfigMaps, from a cache of the operator
	// namespace only.
	configMaps client.Reader

	// kube applies to the API server.
	kube client.Client

	namespace string
}

// setLastReconcile makes the route's state ConfigMap carry ts as
// last_reconcile. It does nothing while the ConfigMap does not exist: the
// function creates it, and its creation triggers another reconcile.
func (s stateWriter) setLastReconcile(ctx context.Context, routeNS, routeName, ts string) error {
	name := v1alpha1.StateConfigMapName(routeNS, routeName)
	cm := &corev1.ConfigMap{}
	err := s.configMaps.Get(ctx, types.NamespacedName{Namespace: s.namespace, Name: name}, cm)
	if kerrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return errors.Wrapf(err, "cannot get state ConfigMap %s/%s", s.namespace, name)
	}
	if cm.Data[v1alpha1.StateKeyLastReconcile] == ts {
		return nil
	}
	ac := corev1ac.ConfigMap(name, s.namespace).
		WithLabels(stateLabels(routeNS, routeName)).
		WithData(map[string]string{v1alpha1.StateKeyLastReconcile: ts})
	err = s.kube.Apply(ctx, ac, client.FieldOwner(fieldManagerState), client.ForceOwnership)
	return errors.Wrapf(err, "cannot apply %s to state ConfigMap %s/%s", v1alpha1.StateKeyLastReconcile, s.namespace, name)
}
