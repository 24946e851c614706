package fakecloudflare

import (
	"slices"
	"sync"
	"time"
)

// A Recorder keeps every request a Server answers from the Recorder's start
// on. The server's log keeps only its last 10,000 requests, so a Recorder
// reads it every interval, and again before each answer, and counts what the
// log dropped before it was read.
type Recorder struct {
	s      *Server
	onRead func()

	mu   sync.Mutex
	log  []RequestRecord
	last int // the Seq of the last request kept
	lost int

	stop chan struct{}
	done chan struct{}
}

// NewRecorder starts reading s's log every interval; Close stops it.
// onRead, when not nil, runs after each read, for what a caller keeps at the
// same pace, such as the secrets of the tokens the fake holds.
func NewRecorder(s *Server, every time.Duration, onRead func()) *Recorder {
	rec := &Recorder{s: s, onRead: onRead, stop: make(chan struct{}), done: make(chan struct{})}
	if l := s.Requests(); len(l) > 0 {
		rec.last = l[len(l)-1].Seq
	}
	go func() {
		defer close(rec.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			rec.read()
			select {
			case <-rec.stop:
				return
			case <-t.C:
			}
		}
	}()
	return rec
}

// Close stops the reading; it may be called more than once.
func (rec *Recorder) Close() {
	select {
	case <-rec.stop:
	default:
		close(rec.stop)
	}
	<-rec.done
}

// Mark returns the Seq of the last request answered so far, which starts or
// ends a phase.
func (rec *Recorder) Mark() int {
	rec.read()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.last
}

// Requests returns the requests kept after Seq from up to and including Seq
// to, or up to the last with to 0, after reading the log once more.
func (rec *Recorder) Requests(from, to int) []RequestRecord {
	rec.read()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []RequestRecord
	for _, r := range rec.log {
		if r.Seq > from && (to == 0 || r.Seq <= to) {
			out = append(out, r)
		}
	}
	return slices.Clip(out)
}

// Lost returns how many requests the server's log dropped before the
// Recorder read them.
func (rec *Recorder) Lost() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.lost
}

// read keeps the requests answered since the last read.
func (rec *Recorder) read() {
	l := rec.s.Requests()
	rec.mu.Lock()
	for _, r := range l {
		if r.Seq <= rec.last {
			continue
		}
		rec.lost += r.Seq - rec.last - 1
		rec.log = append(rec.log, r)
		rec.last = r.Seq
	}
	rec.mu.Unlock()
	if rec.onRead != nil {
		rec.onRead()
	}
}
