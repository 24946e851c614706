// Package dnsrecord is the DNSRecord controller: it keeps one CNAME, A or
// AAAA record of a Cloudflare zone in step with a DNSRecord, and never
// adopts, changes or deletes a record another owner marked, or nobody did.
package dnsrecord

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
)

// SetupGated adds the DNSRecord controller once its kind is served, when
// o.Gate is set, and at once otherwise. Its clients come from src. A
// DNSRecord's external name is the record ID, set by Create or by adopting
// our own record.
func SetupGated(mgr ctrl.Manager, o controller.Options, src managedctrl.ClientSource, extra ...managed.ReconcilerOption) error {
	return managedctrl.SetupGated(mgr, o, v1alpha1.DNSRecordGroupVersionKind, managedctrl.Connector(src, newExternal), extra...)
}

// newExternal returns the external client of a DNSRecord, which names its
// ProviderConfig in messages.
func newExternal(cr *v1alpha1.DNSRecord, cf cloudflare.Client) managedctrl.ExternalClient[*v1alpha1.DNSRecord] {
	pc := ""
	if ref := cr.GetProviderConfigReference(); ref != nil {
		pc = ref.Name
	}
	return &external{client: cf, providerConfig: pc}
}

// The dnsClient is the part of the Cloudflare client a DNSRecord uses.
type dnsClient interface {
	cloudflare.Zones
	cloudflare.DNSRecords
}

// An external keeps one DNS record. It never blocks: a rate-limited call
// returns its error and the reconciler requeues. It never adopts, changes
// or deletes a record that its owner did not mark.
type external struct {
	client dnsClient
	// providerConfig names the account in messages.
	providerConfig string
}

// Observe reads the record by its ID, or, before it has one, looks for the
// record the owner marked: a record found is adopted (the reply to our
// create was lost), a record of someone else in the way is a conflict.
func (e *external) Observe(ctx context.Context, cr *v1alpha1.DNSRecord) (managed.ExternalObservation, error) {
	p := cr.Spec.ForProvider
	id, was := meta.GetExternalName(cr), cr.Status.AtProvider.ZoneID
	zoneID, err := e.findZone(ctx, p)
	if cloudflare.IsNotFound(err) && meta.WasDeleted(cr) {
		if id != "" && was != "" {
			// The hostname has no zone now, but the record we made
			// is in the zone it was in, unless that zone is gone too.
			return e.moved(ctx, cr, was, id)
		}
		// Without its zone the record is gone too.
		return managed.ExternalObservation{ResourceExists: false}, nil
	}
	if err != nil {
		return managed.ExternalObservation{}, e.zoneError(ctx, p, err)
	}

	if id == "" {
		r, err := e.client.FindDNSRecord(ctx, zoneID, p.Name, p.Type, p.Owner)
		if isFree(err) || (err != nil && meta.WasDeleted(cr)) {
			return managed.ExternalObservation{ResourceExists: false}, nil
		}
		if err != nil {
			return managed.ExternalObservation{}, e.findError(ctx, zoneID, p, err)
		}
		meta.SetExternalName(cr, r.ID)
		observe(cr, zoneID, r)
		return managed.ExternalObservation{
			ResourceExists:   true,
			ResourceUpToDate: upToDate(p, r),
			// Persists the external name of the adopted record.
			ResourceLateInitialized: true,
		}, nil
	}

	r, err := e.client.GetDNSRecord(ctx, zoneID, id)
	if cloudflare.IsNotFound(err) && was != "" && was != zoneID {
		return e.moved(ctx, cr, was, id)
	}
	if cloudflare.IsNotFound(err) {
		return managed.ExternalObservation{ResourceExists: false}, nil
	}
	if err != nil {
		return managed.ExternalObservation{}, errors.Wrapf(err, "cannot get DNS record %s %s (ID %s)", p.Type, p.Name, id)
	}
	if !r.OwnedBy(p.Owner) {
		if meta.WasDeleted(cr) {
			// Not ours any more: let go of it without deleting it.
			return managed.ExternalObservation{ResourceExists: false}, nil
		}
		return managed.ExternalObservation{}, errors.Errorf("DNS record %s %s (ID %s) is no longer marked as managed by cfzt for %q (comment %q): restore the comment, or delete the DNSRecord with deletionPolicy Orphan to let go of it", r.Type, r.Name, r.ID, p.Owner, r.Comment)
	}
	observe(cr, zoneID, r)
	return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: upToDate(p, r)}, nil
}

// Create looks for the record the owner marked once more, adopting it if a
// create whose reply was lost made it, and creates it only when the name is
// free.
//
// Proceeding after a create whose result is unknown is therefore safe: every
// record we create carries the ownership comment of its owner (the route),
// so Observe, and Create after it, find the record that create made by that
// marker and adopt it; a record of that name and type that carries no
// marker, or another owner's, is a conflict that is never adopted; and a
// record is created only when there is neither.
func (e *external) Create(ctx context.Context, cr *v1alpha1.DNSRecord) (managed.ExternalCreation, error) {
	p := cr.Spec.ForProvider
	if err := refusedByCloudflare(p); err != nil {
		return managed.ExternalCreation{}, errors.Wrapf(err, "cannot create DNS record %s %s", p.Type, p.Name)
	}
	zoneID, err := e.zoneID(ctx, p)
	if err != nil {
		return managed.ExternalCreation{}, err
	}
	r, err := e.client.FindDNSRecord(ctx, zoneID, p.Name, p.Type, p.Owner)
	switch {
	case err == nil:
		meta.SetExternalName(cr, r.ID)
		return managed.ExternalCreation{}, nil
	case !isFree(err):
		return managed.ExternalCreation{}, e.findError(ctx, zoneID, p, err)
	}
	r, err = e.client.CreateDNSRecord(ctx, zoneID, desired(p))
	if err != nil {
		return managed.ExternalCreation{}, errors.Wrapf(err, "cannot create DNS record %s %s", p.Type, p.Name)
	}
	meta.SetExternalName(cr, r.ID)
	return managed.ExternalCreation{}, nil
}

// Update overwrites the record with the desired content, proxy setting, TTL
// and ownership comment.
func (e *external) Update(ctx context.Context, cr *v1alpha1.DNSRecord) (managed.ExternalUpdate, error) {
	p := cr.Spec.ForProvider
	if err := refusedByCloudflare(p); err != nil {
		return managed.ExternalUpdate{}, errors.Wrapf(err, "cannot update DNS record %s %s", p.Type, p.Name)
	}
	zoneID, err := e.zoneID(ctx, p)
	if err != nil {
		return managed.ExternalUpdate{}, err
	}
	id := meta.GetExternalName(cr)
	_, err = e.client.UpdateDNSRecord(ctx, zoneID, id, desired(p))
	var ne *cloudflare.NotOwnedError
	if errors.As(err, &ne) {
		return managed.ExternalUpdate{}, errors.Errorf("cannot update DNS record %s %s (ID %s): it is not marked as managed by cfzt for %q", p.Type, p.Name, id, p.Owner)
	}
	return managed.ExternalUpdate{}, errors.Wrapf(err, "cannot update DNS record %s %s (ID %s)", p.Type, p.Name, id)
}

// Delete deletes the record if it is still the owner's. A record already
// gone is not an error; a record someone else marked is never deleted.
func (e *external) Delete(ctx context.Context, cr *v1alpha1.DNSRecord) (managed.ExternalDelete, error) {
	p := cr.Spec.ForProvider
	id := meta.GetExternalName(cr)
	if id == "" {
		return managed.ExternalDelete{}, nil
	}
	zoneID, err := e.findZone(ctx, p)
	if cloudflare.IsNotFound(err) {
		// Without its zone the record is gone too.
		return managed.ExternalDelete{}, nil
	}
	if err != nil {
		return managed.ExternalDelete{}, e.zoneError(ctx, p, err)
	}
	err = e.client.DeleteDNSRecord(ctx, zoneID, id, p.Owner)
	var ne *cloudflare.NotOwnedError
	switch {
	case errors.As(err, &ne):
		return managed.ExternalDelete{}, errors.Errorf("cannot delete DNS record %s %s (ID %s): it is not marked as managed by cfzt for %q; delete the DNSRecord with deletionPolicy Orphan to let go of it", p.Type, p.Name, id, p.Owner)
	case cloudflare.IsNotFound(err):
		return managed.ExternalDelete{}, nil
	}
	return managed.ExternalDelete{}, errors.Wrapf(err, "cannot delete DNS record %s %s (ID %s)", p.Type, p.Name, id)
}

// moved handles a record that is not in its hostname's zone but in the zone
// the status says it was in: the hostname moved to another zone (a route
// renamed from app.example.com to app.example.org, or a new zone pinned). A
// record cannot move with it, so moved deletes ours from the zone it was in
// and reports it missing, so that Create makes it in the new zone, or the
// finalizer goes if the DNSRecord is being deleted. A record in the old zone
// that is gone or no longer ours is let go. A crash in between is safe:
// until the new record's ID is stored, the external name and status still
// name the old zone's record, whose delete is then already done, and Create
// adopts a record it made before.
func (e *external) moved(ctx context.Context, cr *v1alpha1.DNSRecord, was, id string) (managed.ExternalObservation, error) {
	p := cr.Spec.ForProvider
	err := e.client.DeleteDNSRecord(ctx, was, id, p.Owner)
	var ne *cloudflare.NotOwnedError
	if err != nil && !cloudflare.IsNotFound(err) && !errors.As(err, &ne) {
		return managed.ExternalObservation{}, errors.Wrapf(err, "cannot delete DNS record %s (ID %s) from zone %s, which %s is no longer in", p.Type, id, was, p.Name)
	}
	meta.SetExternalName(cr, "")
	cr.Status.AtProvider = v1alpha1.DNSRecordObservation{}
	return managed.ExternalObservation{ResourceExists: false}, nil
}

// zoneID returns the record's zone, or an error that explains why there is
// none.
func (e *external) zoneID(ctx context.Context, p v1alpha1.DNSRecordParameters) (string, error) {
	id, err := e.findZone(ctx, p)
	if err != nil {
		return "", e.zoneError(ctx, p, err)
	}
	return id, nil
}

// findZone returns the pinned zone, or the account's zone whose name is the
// longest suffix of the record's name.
func (e *external) findZone(ctx context.Context, p v1alpha1.DNSRecordParameters) (string, error) {
	if p.ZoneID != "" {
		return p.ZoneID, nil
	}
	z, err := e.client.ZoneForHostname(ctx, p.Name)
	return z.ID, err
}

// zoneError explains why findZone failed, naming the account's zones when
// the hostname is in none of them.
func (e *external) zoneError(ctx context.Context, p v1alpha1.DNSRecordParameters, err error) error {
	if !cloudflare.IsNotFound(err) {
		return errors.Wrapf(err, "cannot find the zone of hostname %q", p.Name)
	}
	names := "no zone"
	if zones, lerr := e.client.ListZones(ctx); lerr == nil && len(zones) > 0 {
		n := make([]string, 0, len(zones))
		for _, z := range zones {
			n = append(n, z.Name)
		}
		slices.Sort(n)
		names = strings.Join(n, ", ")
	}
	return errors.Wrapf(err, "cannot find a zone for hostname %q in the account of ProviderConfig %q: add the zone or use a hostname in one of %s", p.Name, e.providerConfig, names)
}

// findError explains why a record cannot be created: someone else's record
// is in the way, the owner marked more than one, or the find failed.
func (e *external) findError(ctx context.Context, zoneID string, p v1alpha1.DNSRecordParameters, err error) error {
	var ne *cloudflare.NotOwnedError
	if errors.As(err, &ne) {
		typ, name, comment := p.Type, ne.Name, ""
		if r, gerr := e.client.GetDNSRecord(ctx, zoneID, ne.ID); gerr == nil {
			typ, name, comment = r.Type, r.Name, r.Comment
		}
		if name == "" {
			name = p.Name
		}
		if ne.Owner != "" {
			return errors.Errorf("DNS record %s %s already exists and is managed by cfzt for %q, not %q: remove it or choose another hostname", typ, name, ne.Owner, p.Owner)
		}
		return errors.Errorf("DNS record %s %s already exists and is not managed by cfzt (comment %q): remove it or choose another hostname", typ, name, comment)
	}
	var ae *cloudflare.AmbiguousError
	if errors.As(err, &ae) {
		return errors.Errorf("DNS record %s %s is marked as managed by cfzt for %q more than once (IDs %s): delete all but one", p.Type, p.Name, p.Owner, strings.Join(ae.IDs, ", "))
	}
	return errors.Wrapf(err, "cannot look for DNS record %s %s", p.Type, p.Name)
}

// isFree reports whether a find says that no record is in the way.
func isFree(err error) bool {
	return err != nil && cloudflare.IsNotFound(err) && !cloudflare.IsConflict(err)
}

// refusedByCloudflare returns an error for a record Cloudflare is known to
// refuse, so that it is never sent: a proxied A or AAAA record to an address
// the proxy does not connect to.
func refusedByCloudflare(p v1alpha1.DNSRecordParameters) error {
	proxied := p.Proxied != nil && *p.Proxied
	if why := v1alpha1.ProxiedTargetError(p.Type, p.Content, proxied); why != "" {
		return errors.Errorf("spec.forProvider.proxied is true, and spec.forProvider.content, %s; set proxied to false to publish the record DNS-only, or use a public address", why)
	}
	return nil
}

// desired is the record p asks for, named in Punycode as Cloudflare returns
// names. A proxied record's TTL is always automatic, as Cloudflare sets it.
func desired(p v1alpha1.DNSRecordParameters) cloudflare.DNSRecord {
	r := cloudflare.DNSRecord{
		Name:    v1alpha1.NormalizeHostname(p.Name),
		Type:    p.Type,
		Content: p.Content,
		TTL:     1,
		Owner:   p.Owner,
	}
	if p.Proxied != nil {
		r.Proxied = *p.Proxied
	}
	if p.TTL != nil && !r.Proxied {
		r.TTL = *p.TTL
	}
	return r
}

// upToDate reports whether got has the name, type, content, proxy setting,
// TTL and ownership comment p asks for. Names compare in Punycode, the form
// Cloudflare returns them in. A proxied record's TTL is Cloudflare's to
// set, so it is compared only for a record that is not proxied. A record
// marked in the long form of before is rewritten with the marker that fits.
func upToDate(p v1alpha1.DNSRecordParameters, got cloudflare.DNSRecord) bool {
	w := desired(p)
	return v1alpha1.NormalizeHostname(got.Name) == w.Name &&
		got.Type == w.Type &&
		sameContent(w.Type, w.Content, got.Content) &&
		got.Proxied == w.Proxied &&
		(w.Proxied || got.TTL == w.TTL) &&
		got.Comment == v1alpha1.OwnershipComment(w.Owner)
}

// sameContent compares IP addresses by value and host names without case
// or a trailing dot, as Cloudflare may return them differently.
func sameContent(recordType, want, got string) bool {
	if recordType == "A" || recordType == "AAAA" {
		w, werr := netip.ParseAddr(want)
		g, gerr := netip.ParseAddr(got)
		if werr == nil && gerr == nil {
			return w == g
		}
		return want == got
	}
	return strings.EqualFold(strings.TrimSuffix(want, "."), strings.TrimSuffix(got, "."))
}

// observe records what Cloudflare holds in the DNSRecord's status.
func observe(cr *v1alpha1.DNSRecord, zoneID string, r cloudflare.DNSRecord) {
	cr.Status.AtProvider = v1alpha1.DNSRecordObservation{
		ZoneID:  zoneID,
		Content: r.Content,
		Proxied: r.Proxied,
		TTL:     r.TTL,
	}
	cr.SetConditions(xpv2.Available())
}
