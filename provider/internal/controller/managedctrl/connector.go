package managedctrl

import (
	"context"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
)

// Managed is one of our managed resources. They are cluster-scoped, which
// crossplane-runtime v2 calls legacy and deprecates in favour of namespaced
// ones; docs/decisions.md (1) says why ours stay cluster-scoped.
type Managed = resource.LegacyManaged //nolint:staticcheck // Cluster-scoped by decision, see above.

// A ClientSource gives a managed resource the Cloudflare client of its
// ProviderConfig's account; *config.Connector is one.
type ClientSource interface {
	// Client returns the Cloudflare client of mg's ProviderConfig.
	Client(ctx context.Context, mg Managed) (cloudflare.Client, error)
}

// An ExternalClient keeps one Cloudflare object as its managed resource of
// kind T describes it. It is crossplane-runtime's TypedExternalClient
// without Disconnect: Cloudflare clients are shared, so there is nothing to
// close when a reconcile ends.
type ExternalClient[T resource.Managed] interface {
	// Observe reports whether the object exists and is up to date.
	Observe(ctx context.Context, mg T) (managed.ExternalObservation, error)

	// Create creates the object, unless it finds ours, which a create
	// whose result was lost may have made, and adopts it instead. It
	// never adopts an object that is not ours, and never makes a second
	// one: the reconciler relies on it to proceed after a create whose
	// result it does not know.
	Create(ctx context.Context, mg T) (managed.ExternalCreation, error)

	// Update makes the object as mg describes it.
	Update(ctx context.Context, mg T) (managed.ExternalUpdate, error)

	// Delete deletes the object; one already gone is not an error.
	Delete(ctx context.Context, mg T) (managed.ExternalDelete, error)
}

// Connector returns the connector of a kind: for each reconcile it gets
// the Cloudflare client of the managed resource's ProviderConfig from src,
// and has newExternal make the external client that uses it.
func Connector[T Managed](src ClientSource, newExternal func(mg T, cf cloudflare.Client) ExternalClient[T]) managed.TypedExternalConnectorFn[T] {
	return func(ctx context.Context, mg T) (managed.TypedExternalClient[T], error) {
		cf, err := src.Client(ctx, mg)
		if err != nil {
			return nil, err
		}
		e := newExternal(mg, cf)
		// Connect runs before the reconciler marks a create of this
		// reconcile pending, so mg still says whether the last one's
		// result is unknown.
		fresh := freshAfterUnknownCreate(mg)
		return managed.TypedExternalClientFns[T]{
			ObserveFn: func(ctx context.Context, mg T) (managed.ExternalObservation, error) {
				return e.Observe(fresh(ctx), mg)
			},
			CreateFn: func(ctx context.Context, mg T) (managed.ExternalCreation, error) {
				return e.Create(fresh(ctx), mg)
			},
			UpdateFn:     e.Update,
			DeleteFn:     e.Delete,
			DisconnectFn: func(context.Context) error { return nil },
		}, nil
	}
}

// freshAfterUnknownCreate returns what this reconcile's Observe and Create
// do to their context: ask for Cloudflare lists read after mg's last create
// when that create's result was never recorded (the provider stopped between
// sending it and writing the external name), and nothing otherwise. Every
// other find trusts the client's shared cache, which holds every object
// this process made. Both calls ask, as a kind may look for its object in
// either.
func freshAfterUnknownCreate(mg resource.Managed) func(context.Context) context.Context {
	if !meta.ExternalCreateIncomplete(mg) {
		return func(ctx context.Context) context.Context { return ctx }
	}
	// The annotation keeps whole seconds: a list read within the second of
	// the create may predate it.
	since := meta.GetExternalCreatePending(mg).Add(time.Second)
	return func(ctx context.Context) context.Context { return cloudflare.FreshSince(ctx, since) }
}
