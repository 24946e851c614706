package fakecloudflare

import (
	"maps"
	"strings"
	"time"
)

// maxLog is how many requests the log keeps; the oldest go first, so that a
// long demo does not grow without bound.
const maxLog = 10000

// A RequestRecord is one request the fake answered under /client/v4.
type RequestRecord struct {
	// Seq numbers requests from 1 in the order they were answered.
	Seq int `json:"seq"`
	// At is when the fake answered the request, in UTC on its clock (the
	// wall clock to the millisecond unless WithClock): for a write, when
	// it took effect, so that a test can tell how long after its cause
	// each write came.
	At     time.Time `json:"at"`
	Method string    `json:"method"`
	// Path is below /client/v4, such as /zones/<id>/dns_records.
	Path  string `json:"path"`
	Query string `json:"query,omitempty"`
	// Operation is the OpenAPI operation ID; empty for a path the API does
	// not have.
	Operation string `json:"operation,omitempty"`
	Status    int    `json:"status"`
	// Fault is the ID of the fault that answered or delayed the request.
	Fault int `json:"fault,omitempty"`
	// Object is the object a successful write created, changed or
	// deleted; nil for reads and failures, and for a DNS batch, which
	// writes many.
	Object *ObjectRef `json:"object,omitempty"`
	// Batch is what a successful DNS batch wrote, record by record, in the
	// order it wrote them.
	Batch []Write `json:"batch,omitempty"`
}

// A Write is one object's write: the operation of the endpoint that writes
// that object alone, and the object.
type Write struct {
	Operation string    `json:"operation"`
	Object    ObjectRef `json:"object"`
}

// Writes returns the objects a successful write wrote, one by one: a DNS
// batch's records each under its single endpoint's operation (a batch's
// post as OpDNSRecordCreate), any other write's object under its own
// operation. It is empty for reads and failures.
func (r RequestRecord) Writes() []Write {
	if r.Object == nil {
		return r.Batch
	}
	return []Write{{Operation: r.Operation, Object: *r.Object}}
}

// An ObjectRef names the object of a write, so that a test can follow every
// object through the request log: how often one name was created, whether it
// was deleted in between.
type ObjectRef struct {
	ID string `json:"id"`
	// Name is the object's name after the write: a DNS record's, an Access
	// application's or policy's, a service token's or a tunnel's. Empty
	// after a delete.
	Name string `json:"name,omitempty"`
	// Hostnames are, after a write of a tunnel's configuration, the
	// hostnames of its ingress rules, in order.
	Hostnames []string `json:"hostnames,omitempty"`
}

// record logs a request as answered now. The caller holds the lock.
func (s *Server) record(rec RequestRecord) {
	rec.At = s.now()
	if isWrite(rec.Method) && rec.Status >= 200 && rec.Status < 300 {
		rec.Object = s.written(rec)
	}
	s.seqLog++
	rec.Seq = s.seqLog
	if len(s.log) >= maxLog {
		s.log = append(s.log[:0], s.log[len(s.log)-maxLog+1:]...)
	}
	s.log = append(s.log, rec)
}

// Requests returns the request log, oldest first.
func (s *Server) Requests() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RequestRecord(nil), s.log...)
}

// WriteCount returns how many writes (POST, PUT, PATCH, DELETE) of an
// operation succeeded. Rejected writes and faults do not count: a count is
// how many times Cloudflare's state was written.
func (s *Server) WriteCount(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes[op]
}

// WriteCounts returns WriteCount for every operation written at least once.
func (s *Server) WriteCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.writes)
}

// ResetRecords empties the request log and the write counters.
func (s *Server) ResetRecords() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	s.seqLog = 0
	s.writes = map[string]int{}
}

// written returns the object of a successful write, which the state already
// shows. The caller holds the lock.
func (s *Server) written(rec RequestRecord) *ObjectRef {
	st := s.st
	segs := strings.Split(strings.Trim(rec.Path, "/"), "/")
	switch rec.Operation {
	case OpDNSRecordCreate, OpAccessAppCreate, OpAccessPolicyCreate, OpServiceTokenCreate:
		// The newest object: the create just made it.
		for id, seq := range st.seq {
			if seq == st.nextSeq {
				return st.ref(id)
			}
		}
		return nil
	case OpDNSRecordsBatch:
		// A batch writes many records; Batch names them.
		return nil
	case OpTunnelConfigPut, OpServiceTokenRefresh, OpServiceTokenRotate:
		// .../{id}/configurations, .../{id}/refresh, .../{id}/rotate
		return st.ref(segs[len(segs)-2])
	default:
		// Updates and deletes end with the object's ID.
		return st.ref(segs[len(segs)-1])
	}
}

// ref names the object with an ID, if it still exists.
func (st *state) ref(id string) *ObjectRef {
	o := &ObjectRef{ID: id}
	switch {
	case st.records[id] != nil:
		o.Name = st.records[id].Name
	case st.apps[id] != nil:
		o.Name = st.apps[id].Name
	case st.policies[id] != nil:
		o.Name = st.policies[id].Name
	case st.svcTokens[id] != nil:
		o.Name = st.svcTokens[id].Name
	case st.tunnels[id] != nil:
		t := st.tunnels[id]
		o.Name = t.Name
		in, _ := t.Config["ingress"].([]any)
		for _, r := range in {
			m, _ := r.(map[string]any)
			if h, _ := m["hostname"].(string); h != "" {
				o.Hostnames = append(o.Hostnames, h)
			}
		}
	}
	return o
}
