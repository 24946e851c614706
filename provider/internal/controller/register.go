// Package controller sets up the provider's managed resource controllers.
package controller

import (
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"

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
	// Each kind polls its managed resources at its own moment of the poll
	// interval, the moments evenly spread (managedctrl.PollMoment): at
	// 1,000 routes each kind's polls are a burst of 1,000 reconciles
	// (2,000 for the policies), which the reconcile rate limit spreads
	// over seconds; bursts that overlapped would outlast the cache TTL
	// and read their lists twice.
	setups := []func(ctrl.Manager, controller.Options, managedctrl.ClientSource, ...managed.ReconcilerOption) error{
		tunnelroute.SetupGated,
		dnsrecord.SetupGated,
		accessapp.SetupGated,
		accesspolicy.SetupGated,
		servicetoken.SetupGated,
	}
	for i, setup := range setups {
		if err := setup(mgr, o, conn, managedctrl.PollMoment(i, len(setups))); err != nil {
			return err
		}
	}
	return nil
}
