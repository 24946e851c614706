package cloudflare

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/dns"
	"github.com/cloudflare/cloudflare-go/v4/option"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// defaultDNSLinger is how long the first DNS write of a zone waits for
// others to join its batch. Routes applied together reach the provider
// spread over a few hundred milliseconds, as Crossplane composes them one
// by one: make bench measured almost one batch per record with 50 ms. Half
// a second groups them, for half a second on a record's first publication.
const defaultDNSLinger = 500 * time.Millisecond

// A dnsWrite is one caller's create or delete of a DNS record, waiting to be
// sent in a batch. Callers that ask for the same write while it waits or is
// in flight share it, so that a caller who gave up and asks again never
// makes a second record.
type dnsWrite struct {
	key    string
	queued time.Time

	// A create: the record asked for and its body.
	create DNSRecord
	body   recordBody
	// A delete: the record and the owner that must own it.
	deleteID string
	owner    string

	done   chan struct{}
	result DNSRecord
	err    error
}

func (w *dnsWrite) isDelete() bool { return w.deleteID != "" }

// wrap says which write failed, as the single calls did.
func (w *dnsWrite) wrap(err error) error {
	if w.isDelete() {
		return errors.Wrapf(err, "cannot delete DNS record %q", w.deleteID)
	}
	return errors.Wrapf(err, "cannot create DNS record %q", w.create.Name)
}

// A dnsQueue holds the writes waiting for one zone, and the writes waiting
// or in flight by key, which a caller asking for the same write joins.
type dnsQueue struct {
	commitQueue[*dnsWrite]

	mu     sync.Mutex
	writes map[string]*dnsWrite
}

// dnsQueues are a client's queues, one per zone, and the batch limit of
// each zone the client has seen in a zones list.
type dnsQueues struct {
	perKey[dnsQueue]
	// linger is the wait of a batch's first write; zero means
	// defaultDNSLinger. Tests set it.
	linger time.Duration

	mu     sync.Mutex
	limits map[string]int
}

// learnLimits remembers the batch limit of every zone of a zones list.
func (d *dnsQueues) learnLimits(zs []Zone) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.limits == nil {
		d.limits = map[string]int{}
	}
	for _, z := range zs {
		d.limits[z.ID] = z.dnsBatchLimit()
	}
}

func (d *dnsQueues) limit(zoneID string) (int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n, ok := d.limits[zoneID]
	return n, ok
}

// dnsBatchLimit is how many changes a batch to the zone may hold, from the
// zones list: a plan not yet known is read from it (the list is shared and
// cached, and the controllers read it anyway to find a hostname's zone).
// When the list cannot be read the batch keeps to Free's limit.
func (c *client) dnsBatchLimit(ctx context.Context, zoneID string) int {
	if n, ok := c.dnsQueues.limit(zoneID); ok {
		return n
	}
	if _, err := c.ListZones(ctx); err == nil {
		if n, ok := c.dnsQueues.limit(zoneID); ok {
			return n
		}
	}
	return dnsBatchLimitFree
}

// writeDNS queues w, or joins the same write already waiting or in flight,
// and waits for the batch that sends it. When ctx ends first the write is
// still sent; the caller's next find sees whether it was done, and a caller
// that asks for it again meanwhile joins it.
func (c *client) writeDNS(ctx context.Context, zoneID string, w *dnsWrite) (*dnsWrite, error) {
	w.queued = c.clock.Now()
	w.done = make(chan struct{})
	q := c.dnsQueues.get(zoneID)
	lead := false
	q.mu.Lock()
	if same, ok := q.writes[w.key]; ok {
		w = same
	} else {
		if q.writes == nil {
			q.writes = map[string]*dnsWrite{}
		}
		q.writes[w.key] = w
		lead = q.add(w)
	}
	q.mu.Unlock()
	if lead {
		// The commit runs for every writer that joins it: not bound to
		// this caller's end, nor to the list freshness it asked for.
		go c.commitDNS(FreshSince(context.WithoutCancel(ctx), time.Time{}), zoneID, q)
	}
	select {
	case <-w.done:
		return w, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// commitDNS sends the queue's writes, batch by batch, until none is left.
// The first batch waits the linger, so that writes arriving together go
// together; each later batch takes what queued while the one before was in
// flight, up to the zone's limit.
func (c *client) commitDNS(ctx context.Context, zoneID string, q *dnsQueue) {
	linger(c.dnsQueues.linger, defaultDNSLinger)
	for group := q.take(c.dnsBatchLimit(ctx, zoneID)); len(group) > 0; group = q.take(c.dnsBatchLimit(ctx, zoneID)) {
		c.commitDNSGroup(ctx, zoneID, q, group)
	}
}

// commitDNSGroup checks the group's deletes and sends the rest in one
// batch, deletes first, as Cloudflare runs them.
func (c *client) commitDNSGroup(ctx context.Context, zoneID string, q *dnsQueue, group []*dnsWrite) {
	ctx, cancel := context.WithTimeout(ctx, commitTimeout)
	defer cancel()
	slices.SortStableFunc(group, func(a, b *dnsWrite) int {
		return boolRank(!a.isDelete()) - boolRank(!b.isDelete())
	})
	group = c.checkDeletes(ctx, zoneID, q, group)
	c.sendDNSBatch(ctx, zoneID, q, group)
}

// checkDeletes finishes the deletes of records that are gone or not their
// owner's, and returns the writes left to send.
//
// Ownership is read from the zone's list, read once for the whole group and
// after every delete of it was asked for (FreshSince): the same check the
// single delete made with a GET just before its DELETE, as close to the
// write, at one call per batch rather than one per record. A list merely
// cached would not do: it may be up to the cache TTL old, and a record that
// changed hands in the dashboard within that time would be deleted. A
// record that the fresh list does not hold is gone, as a 404 to the GET
// said: Cloudflare's IDs are never reused, so no other record can take it.
func (c *client) checkDeletes(ctx context.Context, zoneID string, q *dnsQueue, group []*dnsWrite) []*dnsWrite {
	var since time.Time
	for _, w := range group {
		if w.isDelete() && (since.IsZero() || w.queued.Before(since)) {
			since = w.queued
		}
	}
	if since.IsZero() {
		return group
	}
	rs, err := c.zoneRecords(FreshSince(ctx, since), zoneID)
	out := group[:0:0]
	for _, w := range group {
		if !w.isDelete() {
			out = append(out, w)
			continue
		}
		if err != nil {
			c.finishDNS(q, w, DNSRecord{}, errors.Wrapf(err, "cannot get DNS record %q", w.deleteID))
			continue
		}
		cur, ok := rs.byID[w.deleteID]
		switch {
		case !ok:
			c.forgetRecord(zoneID, w.deleteID)
			c.finishDNS(q, w, DNSRecord{}, nil)
		case !cur.OwnedBy(w.owner):
			c.finishDNS(q, w, DNSRecord{}, &NotOwnedError{Kind: "DNS record", Name: cur.Name, ID: cur.ID, Owner: cur.Owner})
		default:
			out = append(out, w)
		}
	}
	return out
}

// sendDNSBatch sends the group in one batch. Cloudflare runs a batch in one
// transaction, so a batch it refused with a 4xx did nothing: its writes are
// sent again in halves, and halves of halves, until the writes it refuses
// are alone, each with its own answer, and every other write is done. A
// create is never sent again after an answer that leaves its outcome open.
func (c *client) sendDNSBatch(ctx context.Context, zoneID string, q *dnsQueue, group []*dnsWrite) {
	if len(group) == 0 {
		return
	}
	res, err := c.postDNSBatch(ctx, zoneID, group)
	if err == nil {
		c.applyDNSBatch(zoneID, q, group, res)
		return
	}
	if mayHaveHappened(err) {
		// The batch may have been done although we got no reply, or
		// something the list does not show is in the way.
		c.records.invalidate(zoneID)
	}
	if isolable(err) && len(group) > 1 {
		mid := len(group) / 2
		c.sendDNSBatch(ctx, zoneID, q, group[:mid])
		c.sendDNSBatch(ctx, zoneID, q, group[mid:])
		return
	}
	for _, w := range group {
		if w.isDelete() && IsNotFound(err) {
			// Gone between the check and the batch.
			c.forgetRecord(zoneID, w.deleteID)
			c.finishDNS(q, w, DNSRecord{}, nil)
			continue
		}
		c.finishDNS(q, w, DNSRecord{}, w.wrap(err))
	}
}

// isolable reports whether Cloudflare refused a batch, having done nothing,
// for what one of its writes holds: a 4xx, but not 429, nor a refusal of
// the token (401, 403) or of the zone (7003, no such zone), which every
// write alone would meet too.
func isolable(err error) bool {
	e, ok := apiError(err)
	if !ok || e.StatusCode < http.StatusBadRequest || e.StatusCode >= http.StatusInternalServerError {
		return false
	}
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		return false
	}
	return !hasCode(e, notFoundCodes)
}

// dnsBatchResult is the part of a batch's result the client reads.
type dnsBatchResult struct {
	Deletes []dnsRecordJSON `json:"deletes"`
	Posts   []dnsRecordJSON `json:"posts"`
}

func (c *client) postDNSBatch(ctx context.Context, zoneID string, group []*dnsWrite) (dnsBatchResult, error) {
	var deletes []dns.RecordBatchParamsDelete
	var posts []dns.RecordBatchParamsPostUnion
	for _, w := range group {
		if w.isDelete() {
			deletes = append(deletes, dns.RecordBatchParamsDelete{ID: cf.F(w.deleteID)})
		} else {
			posts = append(posts, w.body)
		}
	}
	params := dns.RecordBatchParams{ZoneID: cf.F(zoneID)}
	if len(deletes) > 0 {
		params.Deletes = cf.F(deletes)
	}
	if len(posts) > 0 {
		params.Posts = cf.F(posts)
	}
	ctx = withOperation(ctx, opDNSRecordsBatch)
	var res dnsBatchResult
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.DNS.Records.Batch(ctx, params, opts...)
		return err
	}, &res)
	return res, err
}

// applyDNSBatch hands each writer its record and keeps the zone's cached
// list in step, in one update for the whole batch. A result that does not
// answer every write leaves what happened unknown: the list is dropped and
// every writer gets an error, so that the next find reads afresh.
func (c *client) applyDNSBatch(zoneID string, q *dnsQueue, group []*dnsWrite, res dnsBatchResult) {
	var creates []*dnsWrite
	deleted := map[string]bool{}
	for _, w := range group {
		if w.isDelete() {
			deleted[w.deleteID] = true
		} else {
			creates = append(creates, w)
		}
	}
	made, ok := matchCreates(zoneID, creates, res.Posts)
	ok = ok && len(res.Deletes) == len(deleted)
	for _, raw := range res.Deletes {
		ok = ok && deleted[raw.ID]
	}
	if !ok {
		c.records.invalidate(zoneID)
		err := errors.New("cannot read the result of a DNS batch: it does not answer each change")
		for _, w := range group {
			c.finishDNS(q, w, DNSRecord{}, w.wrap(err))
		}
		return
	}
	c.records.update(zoneID, func(rs *recordSet) *recordSet {
		out := slices.DeleteFunc(slices.Clone(rs.records), func(x DNSRecord) bool { return deleted[x.ID] })
		return newRecordSet(append(out, made...))
	})
	for i, w := range creates {
		c.finishDNS(q, w, made[i], nil)
	}
	for _, w := range group {
		if w.isDelete() {
			c.finishDNS(q, w, DNSRecord{}, nil)
		}
	}
}

// matchCreates pairs each create with the record the batch made for it:
// the one in its place, as Cloudflare runs posts in the order sent and its
// result lists them so, or else, should the result be in another order, the
// one of its type, name and ownership comment, which no other create of the
// batch has (a create of the same name, type and owner joins the one
// queued). ok is false when a create has no record.
func matchCreates(zoneID string, creates []*dnsWrite, posts []dnsRecordJSON) (made []DNSRecord, ok bool) {
	if len(posts) != len(creates) {
		return nil, false
	}
	made = make([]DNSRecord, len(creates))
	used := make([]bool, len(posts))
	var rest []int
	for i, raw := range posts {
		if r := raw.record(zoneID); r.ID != "" && answers(creates[i].create, r) {
			made[i], used[i] = r, true
			continue
		}
		rest = append(rest, i)
	}
	for _, i := range rest {
		j := -1
		for k, raw := range posts {
			if !used[k] && raw.ID != "" && answers(creates[i].create, raw.record(zoneID)) {
				j = k
				break
			}
		}
		if j < 0 {
			return nil, false
		}
		made[i], used[j] = posts[j].record(zoneID), true
	}
	return made, true
}

// answers reports whether got is the record a create of want made: its
// type, its name (Cloudflare returns it within the zone and in Punycode)
// and its ownership comment.
func answers(want, got DNSRecord) bool {
	name, gotName := v1alpha1.NormalizeHostname(want.Name), v1alpha1.NormalizeHostname(got.Name)
	return strings.EqualFold(want.Type, got.Type) && (gotName == name || strings.HasPrefix(gotName, name+".")) &&
		got.Comment == OwnershipComment(want.Owner)
}

// finishDNS gives a write its outcome and lets the next caller asking for
// the same write queue a new one. The cached list already shows the
// outcome, so that a caller who finds after this sees it.
func (c *client) finishDNS(q *dnsQueue, w *dnsWrite, r DNSRecord, err error) {
	q.mu.Lock()
	if q.writes[w.key] == w {
		delete(q.writes, w.key)
	}
	q.mu.Unlock()
	w.result, w.err = r, err
	close(w.done)
}

// createKey and deleteKey say when two writes are the same: a create of one
// name and type for one owner, whatever its content, or a delete of one
// record for one owner.
func createKey(r DNSRecord) string {
	return "create\x00" + v1alpha1.NormalizeHostname(r.Name) + "\x00" + strings.ToUpper(r.Type) + "\x00" + r.Owner
}

func deleteKey(recordID, owner string) string {
	return "delete\x00" + recordID + "\x00" + owner
}
