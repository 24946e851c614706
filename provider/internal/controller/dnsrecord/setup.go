// Package dnsrecord is the DNSRecord controller: it keeps one CNAME, A or
// AAAA record of a Cloudflare zone in step with a DNSRecord, and never
// adopts, changes or deletes a record another owner marked, or nobody did.
package dnsrecord

import (
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/controller/config"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
)

// SetupGated adds the DNSRecord controller once its kind is served, when
// o.Gate is set, and at once otherwise. Its clients come from conn. A
// DNSRecord's external name is the record ID, set by Create or by adopting
// our own record.
func SetupGated(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	return managedctrl.SetupGated(mgr, o,
		v1alpha1.DNSRecordGroupVersionKind,
		&v1alpha1.DNSRecord{}, &connector{source: conn})
}
