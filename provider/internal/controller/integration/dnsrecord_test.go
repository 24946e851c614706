package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
)

func dnsRecord(name, hostname, owner string) *v1alpha1.DNSRecord {
	return &v1alpha1.DNSRecord{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.DNSRecordSpec{ForProvider: v1alpha1.DNSRecordParameters{
			Name:    hostname,
			Type:    "CNAME",
			Content: tunnelHost,
			Proxied: new(true),
			Owner:   owner,
		}},
	}
}

// TestDNSRecordLifecycle creates a record, leaves it alone while nothing
// changes, repairs dashboard edits, recreates it when deleted in the
// dashboard, moves it when its hostname moves to another zone, and deletes
// it.
func TestDNSRecordLifecycle(t *testing.T) {
	h := setup(t)
	const host, owner = "dns-lifecycle.example.com", "apps/dns-lifecycle"
	cr := dnsRecord("dns-lifecycle", host, owner)
	h.create(t, cr)
	h.waitReady(t, cr)

	rs := h.dnsRecords(host)
	if len(rs) != 1 || rs[0].Content != tunnelHost || !rs[0].Proxied || rs[0].Comment != cloudflare.OwnershipComment(owner) {
		t.Fatalf("want one proxied CNAME to %s marked as %s's, got %+v", tunnelHost, owner, rs)
	}
	if got := cr.GetAnnotations()["crossplane.io/external-name"]; got != rs[0].ID {
		t.Errorf("external name: want the record ID %q, got %q", rs[0].ID, got)
	}
	if cr.Status.AtProvider.ZoneID != rs[0].ZoneID || cr.Status.AtProvider.Content != tunnelHost {
		t.Errorf("status.atProvider: %+v", cr.Status.AtProvider)
	}
	h.checkSeedIntact(t)

	t.Run("NoOpObserveWritesNothing", func(t *testing.T) {
		before := h.writes()
		time.Sleep(3 * pollInterval)
		if after := h.writes(); after != before {
			t.Errorf("%d writes while nothing changed: %v", after-before, h.fake.WriteCounts())
		}
	})

	t.Run("DriftRepaired", func(t *testing.T) {
		r := h.dnsRecords(host)[0]
		r.Content = "elsewhere.example.net"
		r.Proxied = false
		if _, err := h.fake.PutDNSRecord(r); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the record's repair", func() (bool, error) {
			rs := h.dnsRecords(host)
			return len(rs) == 1 && rs[0].ID == r.ID && rs[0].Content == tunnelHost && rs[0].Proxied, fmt.Errorf("records %+v", rs)
		})
	})

	t.Run("DeletedInDashboardRecreated", func(t *testing.T) {
		old := h.dnsRecords(host)[0]
		if err := h.fake.DeleteDNSRecord(old.ID); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the record's re-creation", func() (bool, error) {
			rs := h.dnsRecords(host)
			return len(rs) == 1 && rs[0].ID != old.ID && rs[0].Content == tunnelHost, fmt.Errorf("records %+v", rs)
		})
		eventually(t, "the new external name", func() (bool, error) {
			if err := h.get(t, cr); err != nil {
				return false, err
			}
			rs := h.dnsRecords(host)
			return len(rs) == 1 && cr.GetAnnotations()["crossplane.io/external-name"] == rs[0].ID, nil
		})
	})

	// A route renamed into another zone: its record cannot move, so it
	// is deleted from example.com and made in example.org.
	const moved = "dns-lifecycle.example.org"
	t.Run("RenamedToAnotherZone", func(t *testing.T) {
		var was string
		h.update(t, cr, func() {
			was = cr.Status.AtProvider.ZoneID
			cr.Spec.ForProvider.Name = moved
		})
		eventually(t, "the record's move to "+moved, func() (bool, error) {
			if err := h.get(t, cr); err != nil {
				return false, err
			}
			old, rs := h.dnsRecords(host), h.dnsRecords(moved)
			return len(old) == 0 && len(rs) == 1 && rs[0].ZoneID != was && rs[0].Comment == cloudflare.OwnershipComment(owner) &&
					cr.GetAnnotations()["crossplane.io/external-name"] == rs[0].ID && cr.Status.AtProvider.ZoneID == rs[0].ZoneID,
				fmt.Errorf("records of %s: %+v, of %s: %+v, external name %q, status zone %q", host, old, moved, rs, cr.GetAnnotations()["crossplane.io/external-name"], cr.Status.AtProvider.ZoneID)
		})
		h.checkSeedIntact(t)
	})

	t.Run("DeleteRemovesTheRecord", func(t *testing.T) {
		h.deleteAndWait(t, cr)
		if rs := append(h.dnsRecords(host), h.dnsRecords(moved)...); len(rs) != 0 {
			t.Errorf("the record survived its DNSRecord: %+v", rs)
		}
		h.checkSeedIntact(t)
	})
}

// TestDNSRecordForeignRecordProtected asks for hostnames whose records
// belong to someone else: the DNSRecord reports the conflict and Cloudflare
// is not written, before and after the DNSRecord is deleted.
func TestDNSRecordForeignRecordProtected(t *testing.T) {
	h := setup(t)
	cases := map[string]struct {
		reason string
		host   string
		msg    string
	}{
		"Unmarked": {
			reason: "A record set up by hand is not cfzt's.",
			host:   "legacy.example.com",
			msg:    `DNS record CNAME legacy.example.com already exists and is not managed by cfzt (comment "set up by hand by alice, do not change"): remove it or choose another hostname`,
		},
		"OtherMarker": {
			reason: "A record another tool marked is not cfzt's either.",
			host:   "nas.example.org",
			msg:    `DNS record CNAME nas.example.org already exists and is not managed by cfzt (comment "managed-by: bob")`,
		},
		"ARecordInTheWay": {
			reason: "A CNAME cannot take the name of someone's A record.",
			host:   "mail.example.com",
			msg:    `DNS record A mail.example.com already exists and is not managed by cfzt (comment "mail server of carol")`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := h.writes()
			cr := dnsRecord("foreign-"+strings.ToLower(name), tc.host, "apps/intruder")
			h.create(t, cr)
			h.waitFor(t, cr, xpv2.TypeSynced, corev1.ConditionFalse, tc.msg)
			if got := cr.GetAnnotations()["crossplane.io/external-name"]; got != "" {
				t.Errorf("%s\nthe foreign record was adopted as %q", tc.reason, got)
			}
			h.deleteAndWait(t, cr)
			if after := h.writes(); after != before {
				t.Errorf("%s\n%d writes to Cloudflare: %v", tc.reason, after-before, h.fake.WriteCounts())
			}
			h.checkSeedIntact(t)
		})
	}
}

// TestDNSRecordZoneMissing asks for a hostname in no zone of the account:
// the DNSRecord says which zones there are.
func TestDNSRecordZoneMissing(t *testing.T) {
	h := setup(t)
	cr := dnsRecord("no-zone", "app.example.net", "apps/no-zone")
	h.create(t, cr)
	h.waitFor(t, cr, xpv2.TypeSynced, corev1.ConditionFalse,
		`cannot find a zone for hostname "app.example.net" in the account of ProviderConfig "default": add the zone or use a hostname in one of example.com, example.org`)
	h.deleteAndWait(t, cr)
}
