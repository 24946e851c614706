package managedctrl

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
)

// budgetWaits remembers, for each managed resource whose reconcile the
// shared Cloudflare request budget refused, how long until the budget said
// it has room again, and has the reconcile retried then.
//
// The managed reconciler retries a failed reconcile with the controller's
// back-off, 1 s doubling to 60 s. While the budget is full, as it is for
// most of a large provisioning, most of those retries are refused again,
// each writing the resource's status; once it has room, a resource may
// still sleep most of a minute, and the routes that wait for it with it.
// Retrying when the budget has room does neither.
type budgetWaits struct {
	mu   sync.Mutex
	wait map[types.NamespacedName]time.Duration
}

// note remembers the wait of err, if the budget refused the call that
// returned it, for mg's reconcile.
func (b *budgetWaits) note(mg resource.Managed, err error) {
	var rl *cloudflare.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.wait == nil {
		b.wait = map[types.NamespacedName]time.Duration{}
	}
	b.wait[types.NamespacedName{Namespace: mg.GetNamespace(), Name: mg.GetName()}] = rl.RetryAfter
}

// take returns and forgets the wait noted for the resource n.
func (b *budgetWaits) take(n types.NamespacedName) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.wait[n]
	delete(b.wait, n)
	return d, ok
}

// reconciler has r's reconciles that the budget refused retried once it has
// room: after the wait noted, and up to half of it more, so that the
// resources it refused together do not all come back for the same room.
func (b *budgetWaits) reconciler(r reconcile.Reconciler) reconcile.Reconciler {
	return reconcile.Func(func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
		res, err := r.Reconcile(ctx, req)
		d, ok := b.take(req.NamespacedName)
		if !ok || err != nil {
			return res, err
		}
		return reconcile.Result{RequeueAfter: d + rand.N(d/2+1)}, nil //nolint:gosec // Jitter, not a secret.
	})
}

// noteBudgetWaits has the external clients c connects note in b every call
// the budget refused.
func noteBudgetWaits[T resource.Managed](c managed.TypedExternalConnector[T], b *budgetWaits) managed.TypedExternalConnector[T] {
	return managed.TypedExternalConnectorFn[T](func(ctx context.Context, mg T) (managed.TypedExternalClient[T], error) {
		e, err := c.Connect(ctx, mg)
		if err != nil {
			b.note(mg, err)
			return nil, err
		}
		return managed.TypedExternalClientFns[T]{
			ObserveFn: func(ctx context.Context, mg T) (managed.ExternalObservation, error) {
				return noted[managed.ExternalObservation](b, mg)(e.Observe(ctx, mg))
			},
			CreateFn: func(ctx context.Context, mg T) (managed.ExternalCreation, error) {
				return noted[managed.ExternalCreation](b, mg)(e.Create(ctx, mg))
			},
			UpdateFn: func(ctx context.Context, mg T) (managed.ExternalUpdate, error) {
				return noted[managed.ExternalUpdate](b, mg)(e.Update(ctx, mg))
			},
			DeleteFn: func(ctx context.Context, mg T) (managed.ExternalDelete, error) {
				return noted[managed.ExternalDelete](b, mg)(e.Delete(ctx, mg))
			},
			DisconnectFn: e.Disconnect,
		}, nil
	})
}

// noted returns what an external client's call returned, after noting in b
// whether the budget refused it.
func noted[R any](b *budgetWaits, mg resource.Managed) func(R, error) (R, error) {
	return func(r R, err error) (R, error) {
		b.note(mg, err)
		return r, err
	}
}
