// Package servicetoken holds the ServiceToken controller, which keeps a
// Cloudflare Access service token as its managed resource describes it and
// publishes its client ID and secret as connection details.
package servicetoken

import (
	"context"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/controller/config"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
)

// SetupGated adds the ServiceToken controller once its kind is served, when
// o.Gate is set, and at once otherwise. Its clients come from conn.
func SetupGated(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	return managedctrl.SetupGated(mgr, o,
		v1alpha1.ServiceTokenGroupVersionKind,
		&v1alpha1.ServiceToken{},
		// The connection Secret is read live: a cached read just after
		// the secret was published could look empty and cause a rotation.
		&connector{clients: conn, secrets: mgr.GetAPIReader()},
		// crossplane-runtime's default grace period: a token created
		// twice would be a second secret, so a token that seems missing
		// just after its creation is not created again at once.
		managed.WithCreationGracePeriod(30*time.Second))
}

// A clientSource gives a managed resource the Cloudflare client of its
// ProviderConfig; config.Connector is one.
type clientSource interface {
	Client(ctx context.Context, mg resource.LegacyManaged) (cloudflare.Client, error)
}

// A connector makes an external client for each reconcile.
type connector struct {
	clients clientSource
	secrets client.Reader
}

// Connect returns an external client using the Cloudflare client of mg's
// ProviderConfig.
func (c *connector) Connect(ctx context.Context, mg *v1alpha1.ServiceToken) (managed.TypedExternalClient[*v1alpha1.ServiceToken], error) {
	cf, err := c.clients.Client(ctx, mg)
	if err != nil {
		return nil, err
	}
	return &external{cf: cf, secrets: c.secrets}, nil
}
