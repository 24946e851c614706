// Package tunnelroute is the TunnelRoute controller: it keeps one ingress
// rule of a remotely managed Cloudflare Tunnel in step with a TunnelRoute,
// leaving every other rule of the tunnel as it is.
package tunnelroute

import (
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/controller/config"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
)

// SetupGated adds the TunnelRoute controller once its kind is served, when
// o.Gate is set, and at once otherwise. Its clients come from conn. A
// TunnelRoute's external name is the hostname, set by Create.
func SetupGated(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	return managedctrl.SetupGated(mgr, o,
		v1alpha1.TunnelRouteGroupVersionKind,
		&v1alpha1.TunnelRoute{}, &connector{source: conn})
}
