// Package accesspolicy holds the AccessPolicy controller, which keeps a
// reusable Cloudflare Access policy as its managed resource describes it.
package accesspolicy

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/controller/config"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
)

// SetupGated adds the AccessPolicy controller once its kind is served, when
// o.Gate is set, and at once otherwise. Its clients come from conn.
func SetupGated(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	return managedctrl.SetupGated(mgr, o,
		v1alpha1.AccessPolicyGroupVersionKind,
		&v1alpha1.AccessPolicy{}, &connector{clients: conn})
}

// A clientSource gives a managed resource the Cloudflare client of its
// ProviderConfig; config.Connector is one.
type clientSource interface {
	Client(ctx context.Context, mg resource.LegacyManaged) (cloudflare.Client, error)
}

// A connector makes an external client for each reconcile.
type connector struct {
	clients clientSource
}

// Connect returns an external client using the Cloudflare client of mg's
// ProviderConfig.
func (c *connector) Connect(ctx context.Context, mg *v1alpha1.AccessPolicy) (managed.TypedExternalClient[*v1alpha1.AccessPolicy], error) {
	cf, err := c.clients.Client(ctx, mg)
	if err != nil {
		return nil, err
	}
	return &external{cf: cf}, nil
}
