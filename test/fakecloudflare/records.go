package fakecloudflare

import "maps"

// maxLog is how many requests the log keeps; the oldest go first, so that a
// long demo does not grow without bound.
const maxLog = 10000

// A RequestRecord is one request the fake answered under /client/v4.
type RequestRecord struct {
	// Seq numbers requests from 1 in the order they were answered.
	Seq    int    `json:"seq"`
	Method string `json:"method"`
	// Path is below /client/v4, such as /zones/<id>/dns_records.
	Path  string `json:"path"`
	Query string `json:"query,omitempty"`
	// Operation is the OpenAPI operation ID; empty for a path the API does
	// not have.
	Operation string `json:"operation,omitempty"`
	Status    int    `json:"status"`
	// Fault is the ID of the fault that answered or delayed the request.
	Fault int `json:"fault,omitempty"`
}

// record logs a request. The caller holds the lock.
func (s *Server) record(rec RequestRecord) {
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
