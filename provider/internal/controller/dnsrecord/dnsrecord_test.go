package dnsrecord

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/test"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare/fake"
)

const (
	zoneID = "0b7e3f9a2c4d4e6f8a1b3c5d7e9f1a2b"
	// oldZoneID is the zone a record was in before its hostname moved.
	oldZoneID = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
	recordID  = "c0ffee00c0ffee00c0ffee00c0ffee00"
	name      = "app.example.com"
	target    = "6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com"
	owner     = "apps/app"
)

var (
	errBoom     = errors.New("boom")
	errNotFound = &cloudflare.NotFoundError{Kind: "DNS record", Name: name}
	errNotOwned = &cloudflare.NotOwnedError{Kind: "DNS record", Name: name, ID: "f00"}
	errLimited  = &cloudflare.RateLimitedError{}
)

type recordModifier func(*v1alpha1.DNSRecord)

func withExternalName(n string) recordModifier {
	return func(cr *v1alpha1.DNSRecord) { meta.SetExternalName(cr, n) }
}

func withAtProvider(o v1alpha1.DNSRecordObservation) recordModifier {
	return func(cr *v1alpha1.DNSRecord) { cr.Status.AtProvider = o }
}

func withConditions(c ...xpv2.Condition) recordModifier {
	return func(cr *v1alpha1.DNSRecord) { cr.SetConditions(c...) }
}

func withDeleted() recordModifier {
	return func(cr *v1alpha1.DNSRecord) { cr.SetDeletionTimestamp(new(metav1.Unix(1, 0))) }
}

func withTTL(ttl int64) recordModifier {
	return func(cr *v1alpha1.DNSRecord) { cr.Spec.ForProvider.TTL = &ttl }
}

func withProxied(p bool) recordModifier {
	return func(cr *v1alpha1.DNSRecord) { cr.Spec.ForProvider.Proxied = &p }
}

func withName(n string) recordModifier {
	return func(cr *v1alpha1.DNSRecord) { cr.Spec.ForProvider.Name = n }
}

func withOwner(o string) recordModifier {
	return func(cr *v1alpha1.DNSRecord) { cr.Spec.ForProvider.Owner = o }
}

// withPrivateA makes the record an A record to a private address.
func withPrivateA() recordModifier {
	return func(cr *v1alpha1.DNSRecord) {
		cr.Spec.ForProvider.Type = "A"
		cr.Spec.ForProvider.Content = "10.0.0.5"
	}
}

// longOwner is a route of a 63-character namespace and name, whose whole
// owner does not fit in a Free zone's 100-character comment.
var longOwner = strings.Repeat("n", 63) + "/" + strings.Repeat("r", 63)

func dnsRecord(mods ...recordModifier) *v1alpha1.DNSRecord {
	cr := &v1alpha1.DNSRecord{
		ObjectMeta: metav1.ObjectMeta{Name: "app"},
		Spec: v1alpha1.DNSRecordSpec{ForProvider: v1alpha1.DNSRecordParameters{
			Name:    name,
			Type:    "CNAME",
			Content: target,
			Proxied: new(true),
			Owner:   owner,
		}},
	}
	for _, m := range mods {
		m(cr)
	}
	return cr
}

// ours is the record the default DNSRecord asks for, as Cloudflare holds it.
func ours(mods ...func(*cloudflare.DNSRecord)) cloudflare.DNSRecord {
	r := cloudflare.DNSRecord{
		ID: recordID, ZoneID: zoneID, Name: name, Type: "CNAME", Content: target, Proxied: true, TTL: 1,
		Comment: v1alpha1.OwnershipComment(owner), Owner: owner,
	}
	for _, m := range mods {
		m(&r)
	}
	return r
}

var observed = v1alpha1.DNSRecordObservation{ZoneID: zoneID, Content: target, Proxied: true, TTL: 1}

func zoneFound(_ context.Context, _ string) (cloudflare.Zone, error) {
	return cloudflare.Zone{ID: zoneID, Name: "example.com"}, nil
}

func zoneMissing(_ context.Context, h string) (cloudflare.Zone, error) {
	return cloudflare.Zone{}, &cloudflare.NotFoundError{Kind: "zone", Name: h}
}

func zones(_ context.Context) ([]cloudflare.Zone, error) {
	return []cloudflare.Zone{{ID: zoneID, Name: "example.org"}, {ID: "z2", Name: "example.com"}}, nil
}

func get(r cloudflare.DNSRecord, err error) func(context.Context, string, string) (cloudflare.DNSRecord, error) {
	return func(_ context.Context, z, _ string) (cloudflare.DNSRecord, error) {
		if z != zoneID {
			return cloudflare.DNSRecord{}, errors.Errorf("wrong zone %q", z)
		}
		return r, err
	}
}

func find(r cloudflare.DNSRecord, err error) func(context.Context, string, string, string, string) (cloudflare.DNSRecord, error) {
	return func(_ context.Context, z, n, typ, o string) (cloudflare.DNSRecord, error) {
		if z != zoneID || n != name || typ != "CNAME" || o != owner {
			return cloudflare.DNSRecord{}, errors.Errorf("wrong find %s %s %s %s", z, n, typ, o)
		}
		return r, err
	}
}

// deleteIn is a delete that expects our record in zone and answers err.
func deleteIn(zone string, err error) func(context.Context, string, string, string) error {
	return func(_ context.Context, z, id, o string) error {
		if z != zone || id != recordID || o != owner {
			return errors.Errorf("wrong delete: zone %s, record %s, owner %s", z, id, o)
		}
		return err
	}
}

type want struct {
	o   managed.ExternalObservation
	cr  *v1alpha1.DNSRecord
	err error
	msg string
}

// checkErr compares err with want's sentinel and message.
func checkErr(t *testing.T, reason, call string, w want, err error) {
	t.Helper()
	if w.err != nil {
		if diff := cmp.Diff(w.err, err, cmpopts.EquateErrors()); diff != "" {
			t.Errorf("\n%s\n%s(...): -want error, +got error:\n%s", reason, call, diff)
		}
	}
	if w.msg != "" && (err == nil || !strings.Contains(err.Error(), w.msg)) {
		t.Errorf("\n%s\n%s(...): want error containing %q, got %v", reason, call, w.msg, err)
	}
	if w.err == nil && w.msg == "" && err != nil {
		t.Errorf("\n%s\n%s(...): unexpected error %v", reason, call, err)
	}
}

func TestObserve(t *testing.T) {
	foreign := cloudflare.DNSRecord{ID: "f00", ZoneID: zoneID, Name: name, Type: "CNAME", Content: "x", Comment: "set up by hand by alice"}
	cases := map[string]struct {
		reason string
		client *fake.MockClient
		cr     *v1alpha1.DNSRecord
		want   want
	}{
		"UpToDate": {
			reason: "Our record, read by its ID, with the desired settings is up to date.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(), nil)},
			cr:     dnsRecord(withExternalName(recordID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: dnsRecord(withExternalName(recordID), withAtProvider(observed), withConditions(xpv2.Available())),
			},
		},
		"ContentDrift": {
			reason: "A record whose content was changed in the dashboard needs an update.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(func(r *cloudflare.DNSRecord) { r.Content = "elsewhere.example.net" }), nil)},
			cr:     dnsRecord(withExternalName(recordID)),
			want: want{
				o: managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: dnsRecord(withExternalName(recordID), withConditions(xpv2.Available()),
					withAtProvider(v1alpha1.DNSRecordObservation{ZoneID: zoneID, Content: "elsewhere.example.net", Proxied: true, TTL: 1})),
			},
		},
		"ProxiedDrift": {
			reason: "A record no longer proxied needs an update.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(func(r *cloudflare.DNSRecord) { r.Proxied = false }), nil)},
			cr:     dnsRecord(withExternalName(recordID)),
			want: want{
				o: managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: dnsRecord(withExternalName(recordID), withConditions(xpv2.Available()),
					withAtProvider(v1alpha1.DNSRecordObservation{ZoneID: zoneID, Content: target, TTL: 1})),
			},
		},
		"CommentDrift": {
			reason: "A note added after our marker is rewritten to the marker alone.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(func(r *cloudflare.DNSRecord) { r.Comment += " note" }), nil)},
			cr:     dnsRecord(withExternalName(recordID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: dnsRecord(withExternalName(recordID), withAtProvider(observed), withConditions(xpv2.Available())),
			},
		},
		"ProxiedTTLNotCompared": {
			reason: "A proxied record asked for with TTL 300 is kept at 1 by Cloudflare: that is no drift.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(), nil)},
			cr:     dnsRecord(withExternalName(recordID), withTTL(300)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: dnsRecord(withExternalName(recordID), withTTL(300), withAtProvider(observed), withConditions(xpv2.Available())),
			},
		},
		"UnproxiedTTLDrift": {
			reason: "An unproxied record whose TTL differs needs an update.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(func(r *cloudflare.DNSRecord) { r.Proxied, r.TTL = false, 120 }), nil)},
			cr:     dnsRecord(withExternalName(recordID), withTTL(300), withProxied(false)),
			want: want{
				o: managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: dnsRecord(withExternalName(recordID), withTTL(300), withProxied(false), withConditions(xpv2.Available()),
					withAtProvider(v1alpha1.DNSRecordObservation{ZoneID: zoneID, Content: target, TTL: 120})),
			},
		},
		"UnicodeNameUpToDate": {
			reason: "A record asked for in Unicode and returned by Cloudflare in Punycode is up to date, not rewritten on every poll.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(func(r *cloudflare.DNSRecord) { r.Name = "xn--bcher-kva.example.com" }), nil)},
			cr:     dnsRecord(withExternalName(recordID), withName("Bücher.example.com")),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: dnsRecord(withExternalName(recordID), withName("Bücher.example.com"), withAtProvider(observed), withConditions(xpv2.Available())),
			},
		},
		"LongOwnerUpToDate": {
			reason: "A long owner's record, marked with the truncated and hashed marker, is ours and up to date.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(func(r *cloudflare.DNSRecord) {
				r.Comment = v1alpha1.OwnershipComment(longOwner)
				r.Owner = v1alpha1.CommentOwner(r.Comment)
			}), nil)},
			cr: dnsRecord(withExternalName(recordID), withOwner(longOwner)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: dnsRecord(withExternalName(recordID), withOwner(longOwner), withAtProvider(observed), withConditions(xpv2.Available())),
			},
		},
		"LegacyLongMarker": {
			reason: "A record marked with the whole long owner, before markers were kept to 100 characters, is still ours; it is rewritten with the marker that fits.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(func(r *cloudflare.DNSRecord) {
				r.Comment = v1alpha1.OwnershipCommentPrefix + longOwner
				r.Owner = longOwner
			}), nil)},
			cr: dnsRecord(withExternalName(recordID), withOwner(longOwner)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: dnsRecord(withExternalName(recordID), withOwner(longOwner), withAtProvider(observed), withConditions(xpv2.Available())),
			},
		},
		"GoneByID": {
			reason: "A record deleted in the dashboard does not exist, so it is created again.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(cloudflare.DNSRecord{}, errNotFound)},
			cr:     dnsRecord(withExternalName(recordID)),
			want:   want{o: managed.ExternalObservation{ResourceExists: false}, cr: dnsRecord(withExternalName(recordID))},
		},
		"NotOursByID": {
			reason: "A record whose ownership comment was changed is a conflict, not ours to update.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(func(r *cloudflare.DNSRecord) { r.Comment, r.Owner = "alice's now", "" }), nil)},
			cr:     dnsRecord(withExternalName(recordID)),
			want:   want{cr: dnsRecord(withExternalName(recordID)), msg: `is no longer marked as managed by cfzt for "apps/app" (comment "alice's now")`},
		},
		"NotOursWhileDeleting": {
			reason: "A deleted DNSRecord lets go of a record that is no longer ours without touching it.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(func(r *cloudflare.DNSRecord) { r.Comment, r.Owner = "alice's now", "" }), nil)},
			cr:     dnsRecord(withExternalName(recordID), withDeleted()),
			want:   want{o: managed.ExternalObservation{ResourceExists: false}, cr: dnsRecord(withExternalName(recordID), withDeleted())},
		},
		"AdoptLostCreate": {
			reason: "Without an external name, our marked record (a create whose reply was lost) is adopted and its ID persisted.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockFindDNSRecord: find(ours(), nil)},
			cr:     dnsRecord(),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true, ResourceLateInitialized: true},
				cr: dnsRecord(withExternalName(recordID), withAtProvider(observed), withConditions(xpv2.Available())),
			},
		},
		"FreeName": {
			reason: "Without an external name and with the name free, the record does not exist yet.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockFindDNSRecord: find(cloudflare.DNSRecord{}, errNotFound)},
			cr:     dnsRecord(),
			want:   want{o: managed.ExternalObservation{ResourceExists: false}, cr: dnsRecord()},
		},
		"ForeignRecordInTheWay": {
			reason: "A record nobody marked is never adopted: the DNSRecord reports a conflict naming its comment.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockFindDNSRecord: find(cloudflare.DNSRecord{}, errNotOwned), MockGetDNSRecord: get(foreign, nil)},
			cr:     dnsRecord(),
			want: want{
				cr:  dnsRecord(),
				msg: `DNS record CNAME app.example.com already exists and is not managed by cfzt (comment "set up by hand by alice"): remove it or choose another hostname`,
			},
		},
		"OtherOwnerInTheWay": {
			reason: "A record another owner marked is a conflict naming that owner.",
			client: &fake.MockClient{
				MockZoneForHostname: zoneFound,
				MockFindDNSRecord:   find(cloudflare.DNSRecord{}, &cloudflare.NotOwnedError{Kind: "DNS record", Name: name, ID: "f00", Owner: "other/route"}),
				MockGetDNSRecord:    get(foreign, nil),
			},
			cr:   dnsRecord(),
			want: want{cr: dnsRecord(), msg: `already exists and is managed by cfzt for "other/route", not "apps/app"`},
		},
		"Ambiguous": {
			reason: "Two records of ours for one name is a conflict, never a third create.",
			client: &fake.MockClient{
				MockZoneForHostname: zoneFound,
				MockFindDNSRecord:   find(cloudflare.DNSRecord{}, &cloudflare.AmbiguousError{Kind: "DNS record", Name: name, IDs: []string{"a", "b"}}),
			},
			cr:   dnsRecord(),
			want: want{cr: dnsRecord(), msg: "more than once (IDs a, b): delete all but one"},
		},
		"ZoneMissing": {
			reason: "A hostname in none of the account's zones is an error naming the zones there are.",
			client: &fake.MockClient{MockZoneForHostname: zoneMissing, MockListZones: zones},
			cr:     dnsRecord(),
			want: want{
				cr:  dnsRecord(),
				msg: `cannot find a zone for hostname "app.example.com" in the account of ProviderConfig "default": add the zone or use a hostname in one of example.com, example.org`,
			},
		},
		"ZoneMissingWhileDeleting": {
			reason: "Without its zone the record is gone, so a deleted DNSRecord can go.",
			client: &fake.MockClient{MockZoneForHostname: zoneMissing},
			cr:     dnsRecord(withExternalName(recordID), withDeleted()),
			want:   want{o: managed.ExternalObservation{ResourceExists: false}, cr: dnsRecord(withExternalName(recordID), withDeleted())},
		},
		"MovedToAnotherZone": {
			reason: "A hostname moved to another zone: our record is deleted from the zone it was in and reported missing, so that Create makes it in the new zone.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(cloudflare.DNSRecord{}, errNotFound), MockDeleteDNSRecord: deleteIn(oldZoneID, nil)},
			cr:     dnsRecord(withExternalName(recordID), withAtProvider(v1alpha1.DNSRecordObservation{ZoneID: oldZoneID, Content: target})),
			want:   want{o: managed.ExternalObservation{ResourceExists: false}, cr: dnsRecord(withExternalName(""))},
		},
		"MovedAlready": {
			reason: "A record found in its hostname's zone is observed there, whatever zone the status still names: the status of a record just moved may lag.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(ours(), nil)},
			cr:     dnsRecord(withExternalName(recordID), withAtProvider(v1alpha1.DNSRecordObservation{ZoneID: oldZoneID})),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: dnsRecord(withExternalName(recordID), withAtProvider(observed), withConditions(xpv2.Available())),
			},
		},
		"MovedOldRecordGone": {
			reason: "A moved hostname whose old record is already gone (a crash after its delete) goes on to Create.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(cloudflare.DNSRecord{}, errNotFound), MockDeleteDNSRecord: deleteIn(oldZoneID, errNotFound)},
			cr:     dnsRecord(withExternalName(recordID), withAtProvider(v1alpha1.DNSRecordObservation{ZoneID: oldZoneID})),
			want:   want{o: managed.ExternalObservation{ResourceExists: false}, cr: dnsRecord(withExternalName(""))},
		},
		"MovedOldRecordNotOurs": {
			reason: "A moved hostname's old record that someone else marked since is let go, not deleted.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(cloudflare.DNSRecord{}, errNotFound), MockDeleteDNSRecord: deleteIn(oldZoneID, errNotOwned)},
			cr:     dnsRecord(withExternalName(recordID), withAtProvider(v1alpha1.DNSRecordObservation{ZoneID: oldZoneID})),
			want:   want{o: managed.ExternalObservation{ResourceExists: false}, cr: dnsRecord(withExternalName(""))},
		},
		"MovedDeleteFailed": {
			reason: "A failed delete of a moved hostname's old record keeps its ID and zone, to try again.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(cloudflare.DNSRecord{}, errNotFound), MockDeleteDNSRecord: deleteIn(oldZoneID, errBoom)},
			cr:     dnsRecord(withExternalName(recordID), withAtProvider(v1alpha1.DNSRecordObservation{ZoneID: oldZoneID})),
			want:   want{cr: dnsRecord(withExternalName(recordID), withAtProvider(v1alpha1.DNSRecordObservation{ZoneID: oldZoneID})), err: errBoom},
		},
		"MovedOutOfTheAccountWhileDeleting": {
			reason: "A deleted DNSRecord whose hostname is in none of the account's zones now deletes its record from the zone it was in.",
			client: &fake.MockClient{MockZoneForHostname: zoneMissing, MockDeleteDNSRecord: deleteIn(oldZoneID, nil)},
			cr:     dnsRecord(withExternalName(recordID), withDeleted(), withAtProvider(v1alpha1.DNSRecordObservation{ZoneID: oldZoneID})),
			want:   want{o: managed.ExternalObservation{ResourceExists: false}, cr: dnsRecord(withExternalName(""), withDeleted())},
		},
		"PinnedZone": {
			reason: "A pinned zone is used without looking the hostname up.",
			client: &fake.MockClient{MockGetDNSRecord: get(ours(), nil)},
			cr:     dnsRecord(withExternalName(recordID), func(cr *v1alpha1.DNSRecord) { cr.Spec.ForProvider.ZoneID = zoneID }),
			want: want{
				o: managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: dnsRecord(withExternalName(recordID), func(cr *v1alpha1.DNSRecord) { cr.Spec.ForProvider.ZoneID = zoneID },
					withAtProvider(observed), withConditions(xpv2.Available())),
			},
		},
		"RateLimited": {
			reason: "A rate-limited read returns its error at once so that the reconciler requeues.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(cloudflare.DNSRecord{}, errLimited)},
			cr:     dnsRecord(withExternalName(recordID)),
			want:   want{cr: dnsRecord(withExternalName(recordID)), err: errLimited},
		},
		"GetFailed": {
			reason: "Any other error reading the record is returned.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockGetDNSRecord: get(cloudflare.DNSRecord{}, errBoom)},
			cr:     dnsRecord(withExternalName(recordID)),
			want:   want{cr: dnsRecord(withExternalName(recordID)), err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := &external{client: tc.client, providerConfig: "default"}
			got, err := e.Observe(context.Background(), tc.cr)
			checkErr(t, tc.reason, "Observe", tc.want, err)
			if diff := cmp.Diff(tc.want.o, got); diff != "" {
				t.Errorf("\n%s\nObserve(...): -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.cr, tc.cr, test.EquateConditions()); diff != "" {
				t.Errorf("\n%s\nObserve(...): -want managed resource, +got managed resource:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestCreate(t *testing.T) {
	created := 0
	create := func(_ context.Context, z string, r cloudflare.DNSRecord) (cloudflare.DNSRecord, error) {
		created++
		want := cloudflare.DNSRecord{Name: name, Type: "CNAME", Content: target, Proxied: true, TTL: 1, Owner: owner}
		if z != zoneID || !cmp.Equal(want, r) {
			return cloudflare.DNSRecord{}, errors.Errorf("wrong create in %s: %s", z, cmp.Diff(want, r))
		}
		return ours(), nil
	}
	type wantCreate struct {
		want
		created int
	}
	cases := map[string]struct {
		reason string
		client *fake.MockClient
		// cr is the DNSRecord to create; nil means dnsRecord().
		cr   *v1alpha1.DNSRecord
		want wantCreate
	}{
		"ProxiedPrivateRefused": {
			reason: "A proxied A record to a private address, which Cloudflare refuses, is never sent, and the error says which fields to change.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockFindDNSRecord: find(cloudflare.DNSRecord{}, errNotFound), MockCreateDNSRecord: create},
			cr:     dnsRecord(withPrivateA()),
			want: wantCreate{want: want{
				cr:  dnsRecord(withPrivateA()),
				msg: "cannot create DNS record A app.example.com: spec.forProvider.proxied is true, and spec.forProvider.content, address 10.0.0.5, is a private address (RFC 1918), which Cloudflare does not proxy to; set proxied to false to publish the record DNS-only, or use a public address",
			}},
		},
		"CreatesWhenFree": {
			reason: "Create sends one create after a find that found nothing, and records the new ID.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockFindDNSRecord: find(cloudflare.DNSRecord{}, errNotFound), MockCreateDNSRecord: create},
			want:   wantCreate{want: want{cr: dnsRecord(withExternalName(recordID))}, created: 1},
		},
		"AdoptsLostCreate": {
			reason: "A record our lost create made is adopted, never created twice.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockFindDNSRecord: find(ours(), nil), MockCreateDNSRecord: create},
			want:   wantCreate{want: want{cr: dnsRecord(withExternalName(recordID))}},
		},
		"Conflict": {
			reason: "A foreign record in the way is a conflict, with no write.",
			client: &fake.MockClient{
				MockZoneForHostname: zoneFound, MockFindDNSRecord: find(cloudflare.DNSRecord{}, errNotOwned),
				MockGetDNSRecord: get(cloudflare.DNSRecord{}, errBoom), MockCreateDNSRecord: create,
			},
			want: wantCreate{want: want{cr: dnsRecord(), msg: `DNS record CNAME app.example.com already exists and is not managed by cfzt (comment "")`}},
		},
		"FindFailed": {
			reason: "A failed find is returned, with no create.",
			client: &fake.MockClient{MockZoneForHostname: zoneFound, MockFindDNSRecord: find(cloudflare.DNSRecord{}, errBoom), MockCreateDNSRecord: create},
			want:   wantCreate{want: want{cr: dnsRecord(), err: errBoom}},
		},
		"CreateFailed": {
			reason: "A failed create is returned and sets no external name.",
			client: &fake.MockClient{
				MockZoneForHostname: zoneFound, MockFindDNSRecord: find(cloudflare.DNSRecord{}, errNotFound),
				MockCreateDNSRecord: func(context.Context, string, cloudflare.DNSRecord) (cloudflare.DNSRecord, error) {
					created++
					return cloudflare.DNSRecord{}, errBoom
				},
			},
			want: wantCreate{want: want{cr: dnsRecord(), err: errBoom}, created: 1},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			created = 0
			cr := tc.cr
			if cr == nil {
				cr = dnsRecord()
			}
			e := &external{client: tc.client, providerConfig: "default"}
			_, err := e.Create(context.Background(), cr)
			checkErr(t, tc.reason, "Create", tc.want.want, err)
			if diff := cmp.Diff(tc.want.cr, cr); diff != "" {
				t.Errorf("\n%s\nCreate(...): -want managed resource, +got managed resource:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.created, created); diff != "" {
				t.Errorf("\n%s\nCreate(...): -want creates, +got creates:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	var sent cloudflare.DNSRecord
	update := func(err error) func(context.Context, string, string, cloudflare.DNSRecord) (cloudflare.DNSRecord, error) {
		return func(_ context.Context, z, id string, r cloudflare.DNSRecord) (cloudflare.DNSRecord, error) {
			if z != zoneID || id != recordID {
				return cloudflare.DNSRecord{}, errors.Errorf("wrong record %s/%s", z, id)
			}
			sent = r
			return r, err
		}
	}
	cases := map[string]struct {
		reason string
		cr     *v1alpha1.DNSRecord
		err    error
		want   want
		sent   cloudflare.DNSRecord
	}{
		"Overwrites": {
			reason: "Update sends the desired record, whose TTL is automatic when proxied.",
			cr:     dnsRecord(withExternalName(recordID), func(cr *v1alpha1.DNSRecord) { cr.Spec.ForProvider.TTL = new(int64(300)) }),
			want:   want{},
			sent:   cloudflare.DNSRecord{Name: name, Type: "CNAME", Content: target, Proxied: true, TTL: 1, Owner: owner},
		},
		"UnproxiedTTL": {
			reason: "An unproxied record gets the TTL asked for.",
			cr: dnsRecord(withExternalName(recordID), func(cr *v1alpha1.DNSRecord) {
				cr.Spec.ForProvider.Proxied = nil
				cr.Spec.ForProvider.TTL = new(int64(300))
			}),
			sent: cloudflare.DNSRecord{Name: name, Type: "CNAME", Content: target, TTL: 300, Owner: owner},
		},
		"ProxiedPrivateRefused": {
			reason: "A record changed to be proxied to a unique local address is never sent.",
			cr: dnsRecord(withExternalName(recordID), func(cr *v1alpha1.DNSRecord) {
				cr.Spec.ForProvider.Type = "AAAA"
				cr.Spec.ForProvider.Content = "fd00::5"
			}),
			want: want{msg: "spec.forProvider.content, address fd00::5, is a unique local address (fc00::/7)"},
		},
		"UnproxiedPrivate": {
			reason: "A DNS-only record may point at a private address.",
			cr:     dnsRecord(withExternalName(recordID), withPrivateA(), withProxied(false)),
			sent:   cloudflare.DNSRecord{Name: name, Type: "A", Content: "10.0.0.5", TTL: 1, Owner: owner},
		},
		"UnicodeName": {
			reason: "A Unicode name is sent in Punycode, the form Cloudflare stores.",
			cr:     dnsRecord(withExternalName(recordID), withName("bücher.example.com")),
			sent:   cloudflare.DNSRecord{Name: "xn--bcher-kva.example.com", Type: "CNAME", Content: target, Proxied: true, TTL: 1, Owner: owner},
		},
		"NotOurs": {
			reason: "A record someone else marked since is refused by the client and reported.",
			cr:     dnsRecord(withExternalName(recordID)),
			err:    errNotOwned,
			want:   want{msg: `it is not marked as managed by cfzt for "apps/app"`},
			sent:   cloudflare.DNSRecord{Name: name, Type: "CNAME", Content: target, Proxied: true, TTL: 1, Owner: owner},
		},
		"Failed": {
			reason: "Any other error is returned.",
			cr:     dnsRecord(withExternalName(recordID)),
			err:    errBoom,
			want:   want{err: errBoom},
			sent:   cloudflare.DNSRecord{Name: name, Type: "CNAME", Content: target, Proxied: true, TTL: 1, Owner: owner},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			sent = cloudflare.DNSRecord{}
			e := &external{client: &fake.MockClient{MockZoneForHostname: zoneFound, MockUpdateDNSRecord: update(tc.err)}}
			_, err := e.Update(context.Background(), tc.cr)
			checkErr(t, tc.reason, "Update", tc.want, err)
			if diff := cmp.Diff(tc.sent, sent); diff != "" {
				t.Errorf("\n%s\nUpdate(...): -want sent, +got sent:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	cases := map[string]struct {
		reason  string
		cr      *v1alpha1.DNSRecord
		err     error
		want    want
		deleted bool
	}{
		"Deletes": {
			reason:  "Delete asks the client to delete our record, as its owner.",
			cr:      dnsRecord(withExternalName(recordID)),
			deleted: true,
		},
		"NotFound": {
			reason:  "A record already gone is success.",
			cr:      dnsRecord(withExternalName(recordID)),
			err:     errNotFound,
			deleted: true,
		},
		"NotOurs": {
			reason:  "A record that is not ours is refused, with an actionable message.",
			cr:      dnsRecord(withExternalName(recordID)),
			err:     errNotOwned,
			want:    want{msg: "delete the DNSRecord with deletionPolicy Orphan"},
			deleted: true,
		},
		"NoExternalName": {
			reason: "A DNSRecord that never got a record deletes nothing.",
			cr:     dnsRecord(),
		},
		"Failed": {
			reason:  "Any other error is returned.",
			cr:      dnsRecord(withExternalName(recordID)),
			err:     errBoom,
			want:    want{err: errBoom},
			deleted: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			deleted := false
			e := &external{client: &fake.MockClient{
				MockZoneForHostname: zoneFound,
				MockDeleteDNSRecord: func(_ context.Context, z, id, o string) error {
					if z != zoneID || id != recordID || o != owner {
						return errors.Errorf("wrong delete %s %s %s", z, id, o)
					}
					deleted = true
					return tc.err
				},
			}}
			_, err := e.Delete(context.Background(), tc.cr)
			checkErr(t, tc.reason, "Delete", tc.want, err)
			if diff := cmp.Diff(tc.deleted, deleted); diff != "" {
				t.Errorf("\n%s\nDelete(...): -want deleted, +got deleted:\n%s", tc.reason, diff)
			}
		})
	}
}
