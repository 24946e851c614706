package stack

import (
	"bytes"
	"maps"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// A Hold keeps back the fake Cloudflare API's answers to some requests for a
// while after the fake has done what they ask. A process killed meanwhile
// has changed Cloudflare without learning the result: the crash between
// Cloudflare's reply to a create and the write of the external name that
// the managed resource reconciler cannot tell from a create that never
// happened.
type Hold struct {
	match    func(*http.Request) bool
	delay    time.Duration
	held     chan string
	released chan struct{}
	once     sync.Once
	inFlight atomic.Int64
}

// Held receives "METHOD path" for each request whose answer the hold keeps
// back, when it starts to keep it back. It is buffered; when nobody reads,
// later requests are held but not sent.
func (h *Hold) Held() <-chan string { return h.held }

// InFlight returns how many answers the hold keeps back now.
func (h *Hold) InFlight() int { return int(h.inFlight.Load()) }

// Release ends the hold: answers kept back are sent now, later ones at once.
func (h *Hold) Release() { h.once.Do(func() { close(h.released) }) }

// HoldReplies holds back the fake Cloudflare API's answer to every request
// match selects for delay after the fake has done the operation, until
// Release. It replaces the stack's previous hold, if any.
func (s *Stack) HoldReplies(match func(*http.Request) bool, delay time.Duration) *Hold {
	h := &Hold{match: match, delay: delay, held: make(chan string, 100), released: make(chan struct{})}
	if s.holder != nil {
		s.holder.set(h)
	}
	return h
}

// A holder serves the fake Cloudflare API, keeping back the answers of its
// current Hold.
type holder struct {
	next http.Handler
	mu   sync.Mutex
	hold *Hold
}

func (hd *holder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := hd.current()
	if h == nil || !h.match(r) {
		hd.next.ServeHTTP(w, r)
		return
	}
	select {
	case <-h.released:
		hd.next.ServeHTTP(w, r)
		return
	default:
	}
	rec := &recordedReply{header: http.Header{}}
	hd.next.ServeHTTP(rec, r)

	h.inFlight.Add(1)
	select {
	case h.held <- r.Method + " " + r.URL.Path:
	default:
	}
	t := time.NewTimer(h.delay)
	select {
	case <-t.C:
	case <-h.released:
	case <-r.Context().Done(): // The client is gone: nobody to answer.
	}
	t.Stop()
	h.inFlight.Add(-1)

	maps.Copy(w.Header(), rec.header)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

func (hd *holder) set(h *Hold) {
	hd.mu.Lock()
	defer hd.mu.Unlock()
	if hd.hold != nil {
		hd.hold.Release()
	}
	hd.hold = h
}

func (hd *holder) current() *Hold {
	hd.mu.Lock()
	defer hd.mu.Unlock()
	return hd.hold
}

// A recordedReply is an answer kept in memory.
type recordedReply struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recordedReply) Header() http.Header { return r.header }

func (r *recordedReply) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recordedReply) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
