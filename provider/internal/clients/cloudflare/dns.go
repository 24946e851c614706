package cloudflare

import (
	"context"
	"slices"
	"strings"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/dns"
	"github.com/cloudflare/cloudflare-go/v4/option"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// OwnershipComment returns the comment that marks a record as owner's,
// v1alpha1.OwnershipComment: the rule lives in apis, where the function can
// use it too.
func OwnershipComment(owner string) string {
	return v1alpha1.OwnershipComment(owner)
}

// A DNSRecord is a record of a zone. The client writes CNAME, A and AAAA
// records and reads any type.
type DNSRecord struct {
	ID      string
	ZoneID  string
	Name    string
	Type    string
	Content string
	Proxied bool
	// TTL in seconds; 1 means automatic.
	TTL     int64
	Comment string
	// Owner is the owner the comment names, as it names it: a long owner
	// is named by its first characters and a hash (v1alpha1.OwnershipComment).
	// It is "" when the record is not marked as cfzt's. Use OwnedBy to
	// decide whether the record is someone's. When writing, the comment is
	// made from Owner, which is then the whole owner.
	Owner string
}

// OwnedBy reports whether the record's comment marks it as owner's, in
// today's marker or in the longer one written before markers were kept to
// the 100 characters of a Free zone.
func (r DNSRecord) OwnedBy(owner string) bool {
	return v1alpha1.CommentMarksOwner(r.Comment, owner)
}

func (r DNSRecord) id() string { return r.ID }

// DNSRecords reads and writes DNS records, refusing to touch records another
// owner marked, or nobody did.
type DNSRecords interface {
	// FindDNSRecord returns the record named name that owner marked,
	// preferring one of recordType, from the cached list. When there is
	// none but a record of another owner, or none, is in the way (any
	// CNAME, or a record of recordType, or any A/AAAA when recordType is
	// CNAME) it returns a *NotOwnedError. When the name is free it returns
	// an error for which IsNotFound is true: the caller may then create.
	FindDNSRecord(ctx context.Context, zoneID, name, recordType, owner string) (DNSRecord, error)

	// GetDNSRecord returns the record, from the cached list if it is there,
	// else from the API. The caller checks OwnedBy.
	GetDNSRecord(ctx context.Context, zoneID, recordID string) (DNSRecord, error)

	// CreateDNSRecord creates r (Name, Type, Content, Proxied, TTL) with
	// the comment that marks it as r.Owner's. The create goes in one batch
	// with the zone's other writes of the moment, is sent once and never
	// retried: call FindDNSRecord first, on every attempt. A create of the
	// same name, type and owner while one waits or is in flight joins it.
	CreateDNSRecord(ctx context.Context, zoneID string, r DNSRecord) (DNSRecord, error)

	// UpdateDNSRecord overwrites the record with r, after reading it afresh
	// and checking that r.Owner owns it; else it returns a *NotOwnedError.
	UpdateDNSRecord(ctx context.Context, zoneID, recordID string, r DNSRecord) (DNSRecord, error)

	// DeleteDNSRecord deletes the record if owner owns it, and returns a
	// *NotOwnedError if not. A record that is already gone is not an error.
	// The delete goes in one batch with the zone's other writes.
	DeleteDNSRecord(ctx context.Context, zoneID, recordID, owner string) error
}

// dnsRecordsPerPage is the largest page the API's schema allows, so that a
// zone's records are one call however many routes there are.
const dnsRecordsPerPage = 5000000

type dnsRecordJSON struct {
	ID      string  `json:"id"`
	ZoneID  string  `json:"zone_id"`
	Name    string  `json:"name"`
	Type    string  `json:"type"`
	Content string  `json:"content"`
	Proxied bool    `json:"proxied"`
	TTL     float64 `json:"ttl"`
	Comment string  `json:"comment"`
}

func (r dnsRecordJSON) record(zoneID string) DNSRecord {
	if r.ZoneID != "" {
		zoneID = r.ZoneID
	}
	return DNSRecord{
		ID:      r.ID,
		ZoneID:  zoneID,
		Name:    r.Name,
		Type:    r.Type,
		Content: r.Content,
		Proxied: r.Proxied,
		TTL:     int64(r.TTL),
		Comment: r.Comment,
		Owner:   v1alpha1.CommentOwner(r.Comment),
	}
}

// A recordSet is a zone's records, indexed by normalised name and by ID. It
// is immutable once made; writes make a new one.
type recordSet struct {
	records []DNSRecord
	byName  map[string][]DNSRecord
	byID    map[string]DNSRecord
}

func newRecordSet(rs []DNSRecord) *recordSet {
	s := &recordSet{records: rs, byName: make(map[string][]DNSRecord, len(rs)), byID: make(map[string]DNSRecord, len(rs))}
	for _, r := range rs {
		n := v1alpha1.NormalizeHostname(r.Name)
		s.byName[n] = append(s.byName[n], r)
		s.byID[r.ID] = r
	}
	return s
}

// without returns the set without the record id, and with add if it has an
// ID.
func (s *recordSet) without(id string, add DNSRecord) *recordSet {
	out := slices.DeleteFunc(slices.Clone(s.records), func(x DNSRecord) bool { return x.ID == id })
	if add.ID != "" {
		out = append(out, add)
	}
	return newRecordSet(out)
}

func (c *client) zoneRecords(ctx context.Context, zoneID string) (*recordSet, error) {
	rs, err := c.records.get(ctx, zoneID, func(ctx context.Context) (*recordSet, error) {
		ctx = withOperation(ctx, opDNSRecordsList)
		rs, err := listAll(func(opts ...option.RequestOption) error {
			_, err := c.sdk.DNS.Records.List(ctx, dns.RecordListParams{ZoneID: cf.F(zoneID)}, opts...)
			return err
		}, dnsRecordsPerPage, func(r dnsRecordJSON) DNSRecord { return r.record(zoneID) })
		if err != nil {
			return nil, err
		}
		return newRecordSet(rs), nil
	})
	return rs, errors.Wrapf(err, "cannot list DNS records of zone %q", zoneID)
}

// listDNSRecordsByName returns the records of the zone named name, of any
// type and owner, from the zone's cached record list.
func (c *client) listDNSRecordsByName(ctx context.Context, zoneID, name string) ([]DNSRecord, error) {
	rs, err := c.zoneRecords(ctx, zoneID)
	if err != nil {
		return nil, err
	}
	return slices.Clone(rs.byName[v1alpha1.NormalizeHostname(name)]), nil
}

func (c *client) FindDNSRecord(ctx context.Context, zoneID, name, recordType, owner string) (DNSRecord, error) {
	// The cached list holds every record this process made (writes update
	// it); a caller unsure whether an earlier create happened asks for a
	// newer one with FreshSince.
	rs, err := c.listDNSRecordsByName(ctx, zoneID, name)
	if err != nil {
		return DNSRecord{}, err
	}
	// Ours, of the wanted type first.
	slices.SortStableFunc(rs, func(a, b DNSRecord) int {
		return boolRank(!strings.EqualFold(a.Type, recordType)) - boolRank(!strings.EqualFold(b.Type, recordType))
	})
	for _, r := range rs {
		if r.OwnedBy(owner) {
			return r, nil
		}
	}
	for _, r := range rs {
		if clashes(r.Type, recordType) {
			return DNSRecord{}, &NotOwnedError{Kind: "DNS record", Name: name, ID: r.ID, Owner: r.Owner}
		}
	}
	return DNSRecord{}, &NotFoundError{Kind: "DNS record", Name: name}
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// clashes reports whether an existing record of type have stops us creating
// one of type want at the same name: a CNAME stands alone, and we never add
// a second A or AAAA next to someone else's.
func clashes(have, want string) bool {
	have, want = strings.ToUpper(have), strings.ToUpper(want)
	addr := func(t string) bool { return t == "A" || t == "AAAA" || t == "CNAME" }
	return have == want || (have == "CNAME" && addr(want)) || (want == "CNAME" && addr(have))
}

func (c *client) GetDNSRecord(ctx context.Context, zoneID, recordID string) (DNSRecord, error) {
	rs, err := c.zoneRecords(ctx, zoneID)
	if err != nil {
		return DNSRecord{}, err
	}
	if r, ok := rs.byID[recordID]; ok {
		return r, nil
	}
	r, err := c.readDNSRecord(ctx, zoneID, recordID)
	return r, errors.Wrapf(err, "cannot get DNS record %q", recordID)
}

func (c *client) readDNSRecord(ctx context.Context, zoneID, recordID string) (DNSRecord, error) {
	ctx = withOperation(ctx, opDNSRecordsGet)
	raw := dnsRecordJSON{}
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.DNS.Records.Get(ctx, recordID, dns.RecordGetParams{ZoneID: cf.F(zoneID)}, opts...)
		return err
	}, &raw)
	return raw.record(zoneID), err
}

// recordBody is a record parameter the SDK accepts for a create, an update
// and a batch's posts.
type recordBody interface {
	dns.RecordNewParamsBodyUnion
	dns.RecordUpdateParamsBodyUnion
	dns.RecordBatchParamsPostUnion
}

func newRecordBody(r DNSRecord) (recordBody, error) {
	if r.Owner == "" {
		return nil, errors.New("the record has no owner")
	}
	ttl := dns.TTL(max(r.TTL, 1))
	comment := OwnershipComment(r.Owner)
	switch strings.ToUpper(r.Type) {
	case "CNAME":
		return dns.CNAMERecordParam{Name: cf.F(r.Name), Type: cf.F(dns.CNAMERecordTypeCNAME), Content: cf.F(r.Content), Proxied: cf.F(r.Proxied), TTL: cf.F(ttl), Comment: cf.F(comment)}, nil
	case "A":
		return dns.ARecordParam{Name: cf.F(r.Name), Type: cf.F(dns.ARecordTypeA), Content: cf.F(r.Content), Proxied: cf.F(r.Proxied), TTL: cf.F(ttl), Comment: cf.F(comment)}, nil
	case "AAAA":
		return dns.AAAARecordParam{Name: cf.F(r.Name), Type: cf.F(dns.AAAARecordTypeAAAA), Content: cf.F(r.Content), Proxied: cf.F(r.Proxied), TTL: cf.F(ttl), Comment: cf.F(comment)}, nil
	}
	return nil, errors.Errorf("type %q is not one of CNAME, A and AAAA", r.Type)
}

func (c *client) CreateDNSRecord(ctx context.Context, zoneID string, r DNSRecord) (DNSRecord, error) {
	body, err := newRecordBody(r)
	if err != nil {
		return DNSRecord{}, errors.Wrapf(err, "cannot create DNS record %q", r.Name)
	}
	w, err := c.writeDNS(ctx, zoneID, &dnsWrite{key: createKey(r), create: r, body: body})
	if err != nil {
		return DNSRecord{}, errors.Wrapf(err, "cannot wait for DNS record %q to be created", r.Name)
	}
	return w.result, w.err
}

func (c *client) UpdateDNSRecord(ctx context.Context, zoneID, recordID string, r DNSRecord) (DNSRecord, error) {
	body, err := newRecordBody(r)
	if err != nil {
		return DNSRecord{}, errors.Wrapf(err, "cannot update DNS record %q", recordID)
	}
	cur, err := c.readDNSRecord(ctx, zoneID, recordID)
	if err != nil {
		return DNSRecord{}, errors.Wrapf(err, "cannot get DNS record %q", recordID)
	}
	if !cur.OwnedBy(r.Owner) {
		return DNSRecord{}, &NotOwnedError{Kind: "DNS record", Name: cur.Name, ID: cur.ID, Owner: cur.Owner}
	}
	ctx = withOperation(ctx, opDNSRecordsUpdate)
	raw := dnsRecordJSON{}
	err = do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.DNS.Records.Update(ctx, recordID, dns.RecordUpdateParams{ZoneID: cf.F(zoneID), Body: body}, opts...)
		return err
	}, &raw)
	if err != nil {
		if mayHaveHappened(err) {
			c.records.invalidate(zoneID)
		}
		return DNSRecord{}, errors.Wrapf(err, "cannot update DNS record %q", recordID)
	}
	updated := raw.record(zoneID)
	c.records.update(zoneID, func(rs *recordSet) *recordSet { return rs.without(recordID, updated) })
	return updated, nil
}

func (c *client) DeleteDNSRecord(ctx context.Context, zoneID, recordID, owner string) error {
	w, err := c.writeDNS(ctx, zoneID, &dnsWrite{key: deleteKey(recordID, owner), deleteID: recordID, owner: owner})
	if err != nil {
		return errors.Wrapf(err, "cannot wait for DNS record %q to be deleted", recordID)
	}
	return w.err
}

func (c *client) forgetRecord(zoneID, recordID string) {
	c.records.update(zoneID, func(rs *recordSet) *recordSet { return rs.without(recordID, DNSRecord{}) })
}
