// Package dnsrecord is the DNSRecord controller: it keeps one CNAME, A or
// AAAA record of a Cloudflare zone in step with a DNSRecord, and never
// adopts, changes or deletes a record another owner marked, or nobody did.
package dnsrecord

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/controller/config"
)

// SetupGated adds the controller once the DNSRecord kind is served, when
// o.Gate is set, and at once otherwise.
func SetupGated(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	if o.Gate == nil {
		return Setup(mgr, o, conn)
	}
	o.Gate.Register(func() {
		if err := Setup(mgr, o, conn); err != nil {
			panic(errors.Wrap(err, "cannot set up the DNSRecord controller"))
		}
	}, v1alpha1.DNSRecordGroupVersionKind)
	return nil
}

// Setup adds the DNSRecord controller to mgr. Its clients come from conn.
func Setup(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	name := managed.ControllerName(v1alpha1.DNSRecordKind)
	r := managed.NewReconciler(mgr, resource.ManagedKind(v1alpha1.DNSRecordGroupVersionKind),
		managed.WithTypedExternalConnector[*v1alpha1.DNSRecord](&connector{source: conn}),
		// The external name is the record ID, set by Create or by
		// adopting our own record; never metadata.name.
		managed.WithInitializers(),
		managed.WithLogger(o.Logger.WithValues("controller", name)),
		//nolint:staticcheck // SA1019: crossplane-runtime's event.Recorder wraps the core/v1 recorder.
		managed.WithRecorder(event.NewAPIRecorder(mgr.GetEventRecorderFor(name))),
		managed.WithPollInterval(o.PollInterval),
		// Reads after our writes are consistent (the client updates its
		// cache), so a missing object is missing: no grace period that
		// would delay re-creation and deletion by 30 s.
		managed.WithCreationGracePeriod(0))

	var rec reconcile.Reconciler = r
	if o.GlobalRateLimiter != nil {
		rec = ratelimiter.NewReconciler(name, r, o.GlobalRateLimiter)
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named(name).
		WithOptions(o.ForControllerRuntime()).
		WithEventFilter(resource.DesiredStateChanged()).
		For(&v1alpha1.DNSRecord{}).
		Complete(rec)
}
