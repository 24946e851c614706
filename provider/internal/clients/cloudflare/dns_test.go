package cloudflare

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

const (
	recOurs    = "d0000000000000000000000000000001"
	recForeign = "d0000000000000000000000000000002"
	recOther   = "d0000000000000000000000000000003"
	recTXT     = "d0000000000000000000000000000004"
	recNoted   = "d0000000000000000000000000000005"
	recLong    = "d0000000000000000000000000000006"
	recLegacy  = "d0000000000000000000000000000007"
	owner      = "apps/web"
)

// longOwner is a route of a 63-character namespace and name, whose whole
// owner does not fit in a Free zone's 100-character comment.
var longOwner = strings.Repeat("n", 63) + "/" + strings.Repeat("r", 63)

func dnsSeed() fakecloudflare.Seed {
	return fakecloudflare.Seed{
		Zones: []fakecloudflare.Zone{{ID: testZone, Name: "example.com", AccountID: testAccount, Status: "active"}},
		DNSRecords: []fakecloudflare.DNSRecord{
			{ID: recOurs, ZoneID: testZone, Type: "CNAME", Name: "app.example.com", Content: testTunnel + ".cfargotunnel.com", Proxied: true, TTL: 1, Comment: "managed-by: cfzt apps/web"},
			{ID: recForeign, ZoneID: testZone, Type: "CNAME", Name: "foreign.example.com", Content: "elsewhere.example.net", TTL: 300},
			{ID: recOther, ZoneID: testZone, Type: "A", Name: "other.example.com", Content: "192.0.2.1", TTL: 120, Comment: "managed-by: cfzt apps/other"},
			{ID: recTXT, ZoneID: testZone, Type: "TXT", Name: "txt.example.com", Content: "hello", TTL: 120},
			{ID: recNoted, ZoneID: testZone, Type: "A", Name: "noted.example.com", Content: "192.0.2.2", TTL: 120, Comment: "managed-by: cfzt apps/web edited by hand"},
			{ID: recLong, ZoneID: testZone, Type: "A", Name: "long.example.com", Content: "192.0.2.3", TTL: 120, Comment: v1alpha1.OwnershipComment(longOwner)},
			// Marked before markers were kept to 100 characters.
			{ID: recLegacy, ZoneID: testZone, Type: "A", Name: "legacy.example.com", Content: "192.0.2.4", TTL: 120, Comment: "managed-by: cfzt " + longOwner},
		},
	}
}

func ops(f *fakecloudflare.Server, op string) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Operation == op {
			n++
		}
	}
	return n
}

func TestFindDNSRecord(t *testing.T) {
	type args struct {
		name, recordType, owner string
	}
	type want struct {
		id       string
		notFound bool
		notOwned *NotOwnedError
	}
	cases := map[string]struct {
		reason string
		args   args
		want   want
	}{
		"Ours": {
			reason: "A record marked with our owner is found.",
			args:   args{name: "app.example.com", recordType: "CNAME", owner: owner},
			want:   want{id: recOurs},
		},
		"OursAnyCase": {
			reason: "Names compare without case or trailing dot.",
			args:   args{name: "APP.example.com.", recordType: "CNAME", owner: owner},
			want:   want{id: recOurs},
		},
		"OursWithNote": {
			reason: "Text added after the owner in the dashboard does not orphan the record.",
			args:   args{name: "noted.example.com", recordType: "A", owner: owner},
			want:   want{id: recNoted},
		},
		"OursLongOwner": {
			reason: "A record marked with a long owner's truncated and hashed marker is found.",
			args:   args{name: "long.example.com", recordType: "A", owner: longOwner},
			want:   want{id: recLong},
		},
		"OursLegacyLongMarker": {
			reason: "A record marked with the whole long owner, as before markers were kept short, is still ours.",
			args:   args{name: "legacy.example.com", recordType: "A", owner: longOwner},
			want:   want{id: recLegacy},
		},
		"LongOwnerSharingPrefix": {
			reason: "A long owner that shares the marker's first 50 characters with ours is another owner, named as the marker names it.",
			args:   args{name: "long.example.com", recordType: "A", owner: longOwner[:len(longOwner)-1] + "x"},
			want:   want{notOwned: &NotOwnedError{Kind: "DNS record", Name: "long.example.com", ID: recLong, Owner: strings.TrimPrefix(v1alpha1.OwnershipComment(longOwner), v1alpha1.OwnershipCommentPrefix)}},
		},
		"ForeignCNAME": {
			reason: "An unmarked CNAME where we want ours is not adopted.",
			args:   args{name: "foreign.example.com", recordType: "CNAME", owner: owner},
			want:   want{notOwned: &NotOwnedError{Kind: "DNS record", Name: "foreign.example.com", ID: recForeign}},
		},
		"ForeignCNAMEBlocksA": {
			reason: "A CNAME blocks an A record at the same name.",
			args:   args{name: "foreign.example.com", recordType: "A", owner: owner},
			want:   want{notOwned: &NotOwnedError{Kind: "DNS record", Name: "foreign.example.com", ID: recForeign}},
		},
		"OtherOwner": {
			reason: "Another route's record is not ours, and the error names its owner.",
			args:   args{name: "other.example.com", recordType: "A", owner: owner},
			want:   want{notOwned: &NotOwnedError{Kind: "DNS record", Name: "other.example.com", ID: recOther, Owner: "apps/other"}},
		},
		"OtherOwnerBlocksCNAME": {
			reason: "An A record blocks a CNAME at the same name.",
			args:   args{name: "other.example.com", recordType: "CNAME", owner: owner},
			want:   want{notOwned: &NotOwnedError{Kind: "DNS record", Name: "other.example.com", ID: recOther, Owner: "apps/other"}},
		},
		"TXTDoesNotBlockA": {
			reason: "A TXT record does not stand in the way of an A record.",
			args:   args{name: "txt.example.com", recordType: "A", owner: owner},
			want:   want{notFound: true},
		},
		"Free": {
			reason: "A name with no record is free to create.",
			args:   args{name: "new.example.com", recordType: "CNAME", owner: owner},
			want:   want{notFound: true},
		},
	}
	f, url := newFake(t, dnsSeed())
	c, _, _ := newTestClient(t, url)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r, err := c.FindDNSRecord(context.Background(), testZone, tc.args.name, tc.args.recordType, tc.args.owner)
			var no *NotOwnedError
			errors.As(err, &no)
			got := want{id: r.ID, notFound: IsNotFound(err), notOwned: no}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nFindDNSRecord(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
	// Finds share the zone's cached list: one list for every find within
	// the cache TTL, however many routes look.
	if diff := cmp.Diff(1, ops(f, fakecloudflare.OpDNSRecordsList)); diff != "" {
		t.Errorf("lists, one for all finds: -want, +got:\n%s", diff)
	}
}

func TestDNSRecordWrites(t *testing.T) {
	newCNAME := DNSRecord{Name: "new.example.com", Type: "CNAME", Content: testTunnel + ".cfargotunnel.com", Proxied: true, Owner: owner}

	type want struct {
		record   DNSRecord
		stored   *fakecloudflare.DNSRecord
		writes   map[string]int
		conflict bool
		notOwned bool
		err      bool
	}
	cases := map[string]struct {
		reason string
		do     func(c *client) (DNSRecord, error)
		id     string
		fault  *fakecloudflare.Fault
		want   want
	}{
		"Create": {
			reason: "A created record carries the ownership comment and automatic TTL.",
			do:     func(c *client) (DNSRecord, error) { return c.CreateDNSRecord(context.Background(), testZone, newCNAME) },
			want: want{
				record: DNSRecord{ZoneID: testZone, Name: "new.example.com", Type: "CNAME", Content: testTunnel + ".cfargotunnel.com", Proxied: true, TTL: 1, Comment: "managed-by: cfzt apps/web", Owner: owner},
				stored: &fakecloudflare.DNSRecord{ZoneID: testZone, Name: "new.example.com", Type: "CNAME", Content: testTunnel + ".cfargotunnel.com", Proxied: true, TTL: 1, Comment: "managed-by: cfzt apps/web"},
				writes: map[string]int{fakecloudflare.OpDNSRecordsBatch: 1},
			},
		},
		"CreateA": {
			reason: "A DNS-only A record is created with its TTL.",
			do: func(c *client) (DNSRecord, error) {
				return c.CreateDNSRecord(context.Background(), testZone, DNSRecord{Name: "ip.example.com", Type: "A", Content: "198.51.100.7", TTL: 120, Owner: owner})
			},
			want: want{
				record: DNSRecord{ZoneID: testZone, Name: "ip.example.com", Type: "A", Content: "198.51.100.7", TTL: 120, Comment: "managed-by: cfzt apps/web", Owner: owner},
				stored: &fakecloudflare.DNSRecord{ZoneID: testZone, Name: "ip.example.com", Type: "A", Content: "198.51.100.7", TTL: 120, Comment: "managed-by: cfzt apps/web"},
				writes: map[string]int{fakecloudflare.OpDNSRecordsBatch: 1},
			},
		},
		"CreateLongOwner": {
			reason: "A long owner's record is created with a marker that fits a Free zone's 100 characters.",
			do: func(c *client) (DNSRecord, error) {
				r := newCNAME
				r.Owner = longOwner
				return c.CreateDNSRecord(context.Background(), testZone, r)
			},
			want: want{
				record: DNSRecord{ZoneID: testZone, Name: "new.example.com", Type: "CNAME", Content: testTunnel + ".cfargotunnel.com", Proxied: true, TTL: 1, Comment: v1alpha1.OwnershipComment(longOwner), Owner: strings.TrimPrefix(v1alpha1.OwnershipComment(longOwner), v1alpha1.OwnershipCommentPrefix)},
				stored: &fakecloudflare.DNSRecord{ZoneID: testZone, Name: "new.example.com", Type: "CNAME", Content: testTunnel + ".cfargotunnel.com", Proxied: true, TTL: 1, Comment: v1alpha1.OwnershipComment(longOwner)},
				writes: map[string]int{fakecloudflare.OpDNSRecordsBatch: 1},
			},
		},
		"CreateConflict": {
			reason: "Cloudflare refusing a CNAME where another record is, is a conflict.",
			do: func(c *client) (DNSRecord, error) {
				r := newCNAME
				r.Name = "foreign.example.com"
				return c.CreateDNSRecord(context.Background(), testZone, r)
			},
			want: want{err: true, conflict: true, writes: map[string]int{}},
		},
		"CreateNoOwner": {
			reason: "A record without an owner is never created.",
			do: func(c *client) (DNSRecord, error) {
				r := newCNAME
				r.Owner = ""
				return c.CreateDNSRecord(context.Background(), testZone, r)
			},
			want: want{err: true, writes: map[string]int{}},
		},
		"CreateServerErrorSentOnce": {
			reason: "A create whose batch was answered 500 is not sent again.",
			do:     func(c *client) (DNSRecord, error) { return c.CreateDNSRecord(context.Background(), testZone, newCNAME) },
			fault:  &fakecloudflare.Fault{Operation: fakecloudflare.OpDNSRecordsBatch, Status: 500},
			want:   want{err: true, writes: map[string]int{}},
		},
		"UpdateOurs": {
			reason: "Our record is overwritten and keeps its mark.",
			id:     recOurs,
			do: func(c *client) (DNSRecord, error) {
				return c.UpdateDNSRecord(context.Background(), testZone, recOurs, DNSRecord{Name: "app.example.com", Type: "CNAME", Content: "other.cfargotunnel.com", Proxied: true, Owner: owner})
			},
			want: want{
				record: DNSRecord{ID: recOurs, ZoneID: testZone, Name: "app.example.com", Type: "CNAME", Content: "other.cfargotunnel.com", Proxied: true, TTL: 1, Comment: "managed-by: cfzt apps/web", Owner: owner},
				stored: &fakecloudflare.DNSRecord{ID: recOurs, ZoneID: testZone, Name: "app.example.com", Type: "CNAME", Content: "other.cfargotunnel.com", Proxied: true, TTL: 1, Comment: "managed-by: cfzt apps/web"},
				writes: map[string]int{fakecloudflare.OpDNSRecordUpdate: 1},
			},
		},
		"UpdateLegacyMarker": {
			reason: "A record with the long marker of before is ours to update, and gets the marker that fits.",
			id:     recLegacy,
			do: func(c *client) (DNSRecord, error) {
				return c.UpdateDNSRecord(context.Background(), testZone, recLegacy, DNSRecord{Name: "legacy.example.com", Type: "A", Content: "192.0.2.4", TTL: 120, Owner: longOwner})
			},
			want: want{
				record: DNSRecord{ID: recLegacy, ZoneID: testZone, Name: "legacy.example.com", Type: "A", Content: "192.0.2.4", TTL: 120, Comment: v1alpha1.OwnershipComment(longOwner), Owner: strings.TrimPrefix(v1alpha1.OwnershipComment(longOwner), v1alpha1.OwnershipCommentPrefix)},
				stored: &fakecloudflare.DNSRecord{ID: recLegacy, ZoneID: testZone, Name: "legacy.example.com", Type: "A", Content: "192.0.2.4", TTL: 120, Comment: v1alpha1.OwnershipComment(longOwner)},
				writes: map[string]int{fakecloudflare.OpDNSRecordUpdate: 1},
			},
		},
		"DeleteLongOwnerSharingPrefix": {
			reason: "A long owner's record is never deleted for another owner that shares its first 50 characters.",
			id:     recLong,
			do: func(c *client) (DNSRecord, error) {
				return DNSRecord{}, c.DeleteDNSRecord(context.Background(), testZone, recLong, longOwner[:len(longOwner)-1]+"x")
			},
			want: want{
				err: true, conflict: true, notOwned: true, writes: map[string]int{},
				stored: &fakecloudflare.DNSRecord{ID: recLong, ZoneID: testZone, Type: "A", Name: "long.example.com", Content: "192.0.2.3", TTL: 120, Comment: v1alpha1.OwnershipComment(longOwner)},
			},
		},
		"UpdateNotOurs": {
			reason: "A record we do not own is never changed.",
			id:     recOther,
			do: func(c *client) (DNSRecord, error) {
				return c.UpdateDNSRecord(context.Background(), testZone, recOther, DNSRecord{Name: "other.example.com", Type: "A", Content: "192.0.2.9", Owner: owner})
			},
			want: want{
				err: true, conflict: true, notOwned: true, writes: map[string]int{},
				stored: &fakecloudflare.DNSRecord{ID: recOther, ZoneID: testZone, Type: "A", Name: "other.example.com", Content: "192.0.2.1", TTL: 120, Comment: "managed-by: cfzt apps/other"},
			},
		},
		"DeleteOurs": {
			reason: "Our record is deleted.",
			id:     recOurs,
			do: func(c *client) (DNSRecord, error) {
				return DNSRecord{}, c.DeleteDNSRecord(context.Background(), testZone, recOurs, owner)
			},
			want: want{writes: map[string]int{fakecloudflare.OpDNSRecordsBatch: 1}},
		},
		"DeleteNotOurs": {
			reason: "A record we do not own is never deleted.",
			id:     recForeign,
			do: func(c *client) (DNSRecord, error) {
				return DNSRecord{}, c.DeleteDNSRecord(context.Background(), testZone, recForeign, owner)
			},
			want: want{
				err: true, conflict: true, notOwned: true, writes: map[string]int{},
				stored: &fakecloudflare.DNSRecord{ID: recForeign, ZoneID: testZone, Type: "CNAME", Name: "foreign.example.com", Content: "elsewhere.example.net", TTL: 300},
			},
		},
		"DeleteGone": {
			reason: "Deleting a record that is already gone is not an error.",
			id:     "d00000000000000000000000000000ff",
			do: func(c *client) (DNSRecord, error) {
				return DNSRecord{}, c.DeleteDNSRecord(context.Background(), testZone, "d00000000000000000000000000000ff", owner)
			},
			want: want{writes: map[string]int{}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, url := newFake(t, dnsSeed())
			if tc.fault != nil {
				if _, err := f.AddFault(*tc.fault); err != nil {
					t.Fatal(err)
				}
			}
			c, _, _ := newTestClient(t, url)
			got, err := tc.do(c)

			if diff := cmp.Diff(tc.want.err, err != nil); diff != "" {
				t.Errorf("\n%s\nerr != nil: -want, +got:\n%s\nerr: %v", tc.reason, diff, err)
			}
			if diff := cmp.Diff(tc.want.conflict, IsConflict(err)); diff != "" {
				t.Errorf("\n%s\nIsConflict: -want, +got:\n%s", tc.reason, diff)
			}
			var no *NotOwnedError
			if diff := cmp.Diff(tc.want.notOwned, errors.As(err, &no)); diff != "" {
				t.Errorf("\n%s\nNotOwnedError: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.record, got, cmpopts.IgnoreFields(DNSRecord{}, "ID"), cmpopts.EquateEmpty()); diff != "" && tc.want.record.Name != "" {
				t.Errorf("\n%s\nreturned record: -want, +got:\n%s", tc.reason, diff)
			}
			writes := f.WriteCounts()
			if diff := cmp.Diff(tc.want.writes, writes, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\nwrites: -want, +got:\n%s", tc.reason, diff)
			}
			if tc.want.stored != nil {
				id := tc.want.stored.ID
				if id == "" {
					id = got.ID
				}
				var stored *fakecloudflare.DNSRecord
				for _, r := range f.Snapshot().DNSRecords {
					if r.ID == id {
						stored = &r
					}
				}
				if diff := cmp.Diff(tc.want.stored, stored, cmpopts.IgnoreFields(fakecloudflare.DNSRecord{}, "ID", "CreatedOn", "ModifiedOn")); diff != "" {
					t.Errorf("\n%s\nstored record: -want, +got:\n%s", tc.reason, diff)
				}
			}
			if tc.id != "" && tc.want.writes[fakecloudflare.OpDNSRecordsBatch] > 0 {
				for _, r := range f.Snapshot().DNSRecords {
					if r.ID == tc.id {
						t.Errorf("\n%s\nrecord %s is still there", tc.reason, tc.id)
					}
				}
			}
			if tc.fault != nil {
				if diff := cmp.Diff(1, ops(f, tc.fault.Operation)); diff != "" {
					t.Errorf("\n%s\nrequests sent: -want, +got:\n%s", tc.reason, diff)
				}
			}
		})
	}
}

func TestDNSRecordCacheFollowsWrites(t *testing.T) {
	f, url := newFake(t, dnsSeed())
	c, _, _ := newTestClient(t, url)
	ctx := context.Background()

	if _, err := c.FindDNSRecord(ctx, testZone, "new.example.com", "CNAME", owner); !IsNotFound(err) {
		t.Fatalf("FindDNSRecord(new): want not found, got %v", err)
	}
	created, err := c.CreateDNSRecord(ctx, testZone, DNSRecord{Name: "new.example.com", Type: "CNAME", Content: "x.cfargotunnel.com", Proxied: true, Owner: owner})
	if err != nil {
		t.Fatal(err)
	}
	// The find and the get are served from the list the create updated.
	if r, err := c.FindDNSRecord(ctx, testZone, "new.example.com", "CNAME", owner); err != nil || r.ID != created.ID {
		t.Errorf("FindDNSRecord after create: got %v, %v", r, err)
	}
	if r, err := c.GetDNSRecord(ctx, testZone, created.ID); err != nil || r.ID != created.ID {
		t.Errorf("GetDNSRecord after create: got %v, %v", r, err)
	}
	if diff := cmp.Diff([2]int{1, 0}, [2]int{ops(f, fakecloudflare.OpDNSRecordsList), ops(f, fakecloudflare.OpDNSRecordGet)}); diff != "" {
		t.Errorf("[lists, gets] after create: -want, +got:\n%s", diff)
	}

	// A failed create drops the cached list: the next find reads afresh and
	// sees what the lost reply would have said.
	if _, err := f.AddFault(fakecloudflare.Fault{Operation: fakecloudflare.OpDNSRecordsBatch, Status: 502, Times: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDNSRecord(ctx, testZone, DNSRecord{Name: "lost.example.com", Type: "CNAME", Content: "x.cfargotunnel.com", Owner: owner}); err == nil {
		t.Fatal("CreateDNSRecord with a 502: want an error")
	}
	if _, err := f.PutDNSRecord(fakecloudflare.DNSRecord{ZoneID: testZone, Type: "CNAME", Name: "lost.example.com", Content: "x.cfargotunnel.com", TTL: 1, Comment: "managed-by: cfzt apps/web"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FindDNSRecord(ctx, testZone, "lost.example.com", "CNAME", owner); err != nil {
		t.Errorf("FindDNSRecord after a failed create: want the record, got %v", err)
	}

	// A record deleted in the dashboard is not reported gone from a stale
	// list: Get asks the API for an ID the list does not hold.
	if _, err := c.GetDNSRecord(ctx, testZone, "d00000000000000000000000000000ff"); !IsNotFound(err) {
		t.Errorf("GetDNSRecord(unknown): want not found, got %v", err)
	}
}

func TestFindDNSRecordFreshSince(t *testing.T) {
	f, url := newFake(t, dnsSeed())
	c, clk, _ := newTestClient(t, url)
	ctx := context.Background()

	if _, err := c.FindDNSRecord(ctx, testZone, "made.example.com", "CNAME", owner); !IsNotFound(err) {
		t.Fatalf("FindDNSRecord(made): want not found, got %v", err)
	}
	// A create this client did not see, such as one a stopped process sent
	// before it could record the result.
	clk.Advance(time.Second)
	sent := clk.Now()
	if _, err := f.PutDNSRecord(fakecloudflare.DNSRecord{ZoneID: testZone, Type: "CNAME", Name: "made.example.com", Content: "x.cfargotunnel.com", TTL: 1, Comment: OwnershipComment(owner)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FindDNSRecord(ctx, testZone, "made.example.com", "CNAME", owner); !IsNotFound(err) {
		t.Errorf("FindDNSRecord from the cached list: want not found, got %v", err)
	}
	if diff := cmp.Diff(1, ops(f, fakecloudflare.OpDNSRecordsList)); diff != "" {
		t.Errorf("lists before FreshSince: -want, +got:\n%s", diff)
	}
	clk.Advance(time.Second)
	fresh := FreshSince(ctx, sent)
	if _, err := c.FindDNSRecord(fresh, testZone, "made.example.com", "CNAME", owner); err != nil {
		t.Errorf("FindDNSRecord(FreshSince(create)): want the record the create made, got %v", err)
	}
	// The list read for it is newer than the create: asking again costs
	// nothing, nor does a find that trusts the cache.
	if _, err := c.FindDNSRecord(fresh, testZone, "made.example.com", "CNAME", owner); err != nil {
		t.Errorf("FindDNSRecord(FreshSince(create)) again: %v", err)
	}
	if _, err := c.FindDNSRecord(ctx, testZone, "made.example.com", "CNAME", owner); err != nil {
		t.Errorf("FindDNSRecord after a fresh list: %v", err)
	}
	if diff := cmp.Diff(2, ops(f, fakecloudflare.OpDNSRecordsList)); diff != "" {
		t.Errorf("lists, one for the fresh finds: -want, +got:\n%s", diff)
	}

	// A create Cloudflare refused with a 4xx did nothing: the list stays.
	if _, err := c.CreateDNSRecord(ctx, testZone, DNSRecord{Name: "bad.example.com", Type: "CNAME", Content: "x.cfargotunnel.com", TTL: 5, Owner: owner}); err == nil {
		t.Fatal("CreateDNSRecord with a TTL of 5: want Cloudflare's refusal")
	}
	if _, err := c.FindDNSRecord(ctx, testZone, "made.example.com", "CNAME", owner); err != nil {
		t.Errorf("FindDNSRecord after a refused create: %v", err)
	}
	if diff := cmp.Diff(2, ops(f, fakecloudflare.OpDNSRecordsList)); diff != "" {
		t.Errorf("lists after a refused create: -want, +got:\n%s", diff)
	}
}
