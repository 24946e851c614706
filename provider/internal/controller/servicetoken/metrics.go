package servicetoken

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// newExpiryGauge returns the gauge
//
//	cfzt_service_token_expiry_timestamp_seconds{namespace,route}
//
// the Unix time at which the service token of the HTTPRoute route in
// namespace stops working. It is unregistered.
func newExpiryGauge() *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "cfzt_service_token_expiry_timestamp_seconds",
		Help: "When the service token of an HTTPRoute expires, in seconds since the Unix epoch.",
	}, []string{"namespace", "route"})
}

var (
	expiryOnce  sync.Once
	expiryGauge *prometheus.GaugeVec
	errExpiry   error
)

// registeredExpiryGauge returns the expiry gauge, registered with
// controller-runtime's metrics registry on the first call.
func registeredExpiryGauge() (*prometheus.GaugeVec, error) {
	expiryOnce.Do(func() {
		expiryGauge = newExpiryGauge()
		errExpiry = errors.Wrap(metrics.Registry.Register(expiryGauge), "cannot register the service token expiry metric")
	})
	return expiryGauge, errExpiry
}

// routeOf returns the namespace and name of the HTTPRoute mg was composed
// for, from the labels the function sets; ok is false when it has none.
func routeOf(mg *v1alpha1.ServiceToken) (namespace, name string, ok bool) {
	l := mg.GetLabels()
	namespace, name = l[v1alpha1.LabelHTTPRouteNamespace], l[v1alpha1.LabelHTTPRouteName]
	return namespace, name, namespace != "" && name != ""
}

// recordExpiry sets mg's expiry gauge from its status. A token of no route
// has no gauge.
func (e *external) recordExpiry(mg *v1alpha1.ServiceToken) {
	ns, route, ok := routeOf(mg)
	if e.expiry == nil || !ok {
		return
	}
	at := mg.Status.AtProvider.ExpiresAt
	if at == nil {
		e.expiry.DeleteLabelValues(ns, route)
		return
	}
	e.expiry.WithLabelValues(ns, route).Set(float64(at.Unix()))
}

// forgetExpiry removes mg's expiry gauge.
func (e *external) forgetExpiry(mg *v1alpha1.ServiceToken) {
	if ns, route, ok := routeOf(mg); e.expiry != nil && ok {
		e.expiry.DeleteLabelValues(ns, route)
	}
}
