// Package controller sets up the provider's managed resource controllers.
package controller

import (
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/provider/internal/controller/accessapp"
	"github.com/cfzt/cfzt/provider/internal/controller/accesspolicy"
	"github.com/cfzt/cfzt/provider/internal/controller/config"
	"github.com/cfzt/cfzt/provider/internal/controller/dnsrecord"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
	"github.com/cfzt/cfzt/provider/internal/controller/servicetoken"
	"github.com/cfzt/cfzt/provider/internal/controller/tunnelroute"
)

// SetupGated adds the ProviderConfig controller and, once its kind is
// served, each managed resource controller. They all share conn, and so
// one Cloudflare client, budget and cache per account.
func SetupGated(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	if err := config.Setup(mgr, o); err != nil {
		return errors.Wrap(err, "cannot set up the ProviderConfig controller")
	}
	for _, setup := range []func(ctrl.Manager, controller.Options, managedctrl.ClientSource) error{
		tunnelroute.SetupGated,
		dnsrecord.SetupGated,
		accessapp.SetupGated,
		accesspolicy.SetupGated,
		servicetoken.SetupGated,
	} {
		if err := setup(mgr, o, conn); err != nil {
			return err
		}
	}
	return nil
}
