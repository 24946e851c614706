package fakecloudflare

import (
	"encoding/json"
)

// How many changes one batch may hold: 200 on Free, 3,500 on Pro, Business
// and Enterprise (developers.cloudflare.com/dns/manage-dns-records/how-to/
// batch-record-changes, "Availability and limits"). The page counts
// "records that you can operate with in one action"; the fake counts every
// delete, patch, put and post together, the stricter reading.
const (
	batchLimitFree = 200
	batchLimitPaid = 3500
)

// batchLimit is how many changes one batch to the zone may hold.
func (z *Zone) batchLimit() int {
	if z.paid() {
		return batchLimitPaid
	}
	return batchLimitFree
}

// batchInput is a batch as a client sends it: each list holds JSON objects,
// each in the form its single endpoint takes (a delete only its id).
type batchInput struct {
	Deletes []json.RawMessage `json:"deletes"`
	Patches []json.RawMessage `json:"patches"`
	Puts    []json.RawMessage `json:"puts"`
	Posts   []json.RawMessage `json:"posts"`
}

func (in batchInput) size() int {
	return len(in.Deletes) + len(in.Patches) + len(in.Puts) + len(in.Posts)
}

// batchDNSRecords serves POST /zones/{zone_id}/dns_records/batch as
// Cloudflare documents it (API reference "Batch DNS Records";
// batch-record-changes): one transaction, run deletes first, then patches,
// puts and posts, each list in the order sent. Each element is the request
// its single endpoint would get and goes through that endpoint's own code,
// so it meets exactly its rules: record validation, ownership of the zone,
// CNAME and NS exclusivity (against the records the batch has written so
// far, too) and the record quota. If any element fails, nothing of the batch
// stays and the answer is the first error met, as that element's endpoint
// words it.
//
// Whether Cloudflare's error says which element failed (the errors' source
// pointer, which the SDK's envelope type has room for, or an index in the
// message) is not documented. The fake names it in no way a client could
// rely on: a client has to find the failing element itself.
//
// The result holds the four lists, each with the whole records it wrote:
// the deleted records as they were, the others as they are now
// (cloudflare-go v4.6.0 dns.RecordBatchResponse). A list the request left
// out comes back empty.
func (s *Server) batchDNSRecords(c *call) (reply, error) {
	z, err := s.zone(c, c.r.PathValue("zone_id"))
	if err != nil {
		return reply{}, err
	}
	var in batchInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if n := in.size(); n > z.batchLimit() {
		// Cloudflare's answer to a batch over the plan's limit is not
		// documented; the fake refuses the whole request before it
		// changes anything, with a code of its own.
		return reply{}, badRequest(codeInvalidRequest, "The batch holds %d changes; the zone's plan allows at most %d in one batch.", n, z.batchLimit())
	}
	undo := s.recordsSavepoint()
	out, writes, err := s.runBatch(c, in)
	if err != nil {
		undo()
		return reply{}, err
	}
	return reply{result: out, writes: writes}, nil
}

// runBatch runs each change of the batch through its single endpoint, in
// Cloudflare's order, and stops at the first failure. It returns the result
// and, for the request log, each record it wrote.
func (s *Server) runBatch(c *call, in batchInput) (map[string]any, []Write, error) {
	out := map[string]any{}
	var writes []Write
	steps := []struct {
		key   string
		op    string
		items []json.RawMessage
		run   func(sub *call) (any, error)
	}{
		{"deletes", OpDNSRecordDelete, in.Deletes, func(sub *call) (any, error) {
			// The result holds the deleted record as it was; the single
			// endpoint returns only its id.
			r, _, err := s.dnsRecord(sub)
			if err != nil {
				return nil, err
			}
			was := s.recordJSON(r)
			_, err = s.deleteDNSRecord(sub)
			return was, err
		}},
		{"patches", OpDNSRecordPatch, in.Patches, s.resultOf((*Server).patchDNSRecord)},
		{"puts", OpDNSRecordUpdate, in.Puts, s.resultOf((*Server).updateDNSRecord)},
		{"posts", OpDNSRecordCreate, in.Posts, s.resultOf((*Server).createDNSRecord)},
	}
	for _, step := range steps {
		results := make([]any, 0, len(step.items))
		for _, item := range step.items {
			sub, err := c.batchElement(step.key, item)
			if err != nil {
				return nil, nil, err
			}
			r, err := step.run(sub)
			if err != nil {
				return nil, nil, err
			}
			results = append(results, r)
			writes = append(writes, batchWrite(step.op, r))
		}
		out[step.key] = results
	}
	return out, writes, nil
}

// batchWrite names the record of one step's result as the request log
// names a single endpoint's: a deleted record by its ID alone.
func batchWrite(op string, result any) Write {
	m, _ := result.(map[string]any)
	w := Write{Operation: op}
	w.Object.ID, _ = m["id"].(string)
	if op != OpDNSRecordDelete {
		w.Object.Name, _ = m["name"].(string)
	}
	return w
}

// resultOf adapts a single record endpoint to a batch step.
func (s *Server) resultOf(handle func(*Server, *call) (reply, error)) func(*call) (any, error) {
	return func(sub *call) (any, error) {
		rep, err := handle(s, sub)
		return rep.result, err
	}
}

// batchElement is the call the element's single endpoint would get: the
// batch's zone and token, the element as its body, and, for a delete, patch
// or put, the element's id as the record in the path.
func (c *call) batchElement(list string, item json.RawMessage) (*call, error) {
	var ref struct {
		ID *string `json:"id"`
	}
	if err := json.Unmarshal(item, &ref); err != nil {
		return nil, badRequest(codeInvalidRequest, "each of %s must be a JSON object: %v", list, err)
	}
	r := c.r.Clone(c.r.Context())
	if list != "posts" {
		// The API reference requires an id on every delete, patch and
		// put (cloudflare-go v4.6.0 RecordBatchParamsDelete,
		// BatchPatch…Param, BatchPut…Param).
		if ref.ID == nil || *ref.ID == "" {
			return nil, badRequest(codeInvalidRequest, "each of %s needs the id of a record", list)
		}
		r.SetPathValue("dns_record_id", *ref.ID)
	}
	return &call{r: r, op: c.op, token: c.token, body: item}, nil
}

// recordsSavepoint remembers the DNS records and returns a function that
// puts them back as they were: the records of the zone, their values, the
// creation order and the IDs handed out. The caller holds the lock.
func (s *Server) recordsSavepoint() (undo func()) {
	st := s.st
	saved := make(map[string]*DNSRecord, len(st.records))
	values := make(map[string]DNSRecord, len(st.records))
	for id, r := range st.records {
		saved[id] = r
		values[id] = *r
	}
	nextSeq, ids := st.nextSeq, s.ids
	return func() {
		for id := range st.records {
			if saved[id] == nil {
				delete(st.seq, id)
			}
		}
		for id, r := range saved {
			// Updates write through the pointer; every field is
			// replaced, none changed in place, so a copy of the value
			// is the record as it was.
			*r = values[id]
		}
		st.records = saved
		st.nextSeq, s.ids = nextSeq, ids
	}
}
