package stack

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestHoldReplies(t *testing.T) {
	var done atomic.Int64
	s := &Stack{holder: &holder{next: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		done.Add(1)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "created")
	})}}
	srv := httptest.NewServer(s.holder)
	t.Cleanup(srv.Close)
	post := func() (int, string, time.Duration) {
		t.Helper()
		began := time.Now()
		rsp, err := http.Post(srv.URL+"/things", "text/plain", nil) //nolint:noctx // A test request.
		if err != nil {
			t.Fatal(err)
		}
		defer rsp.Body.Close() //nolint:errcheck // Read to the end.
		b, _ := io.ReadAll(rsp.Body)
		return rsp.StatusCode, string(b), time.Since(began)
	}

	const delay = 300 * time.Millisecond
	h := s.HoldReplies(func(r *http.Request) bool { return r.Method == http.MethodPost }, delay)
	type reply struct {
		status int
		body   string
		took   time.Duration
	}
	got := make(chan reply, 1)
	go func() {
		st, b, d := post()
		got <- reply{st, b, d}
	}()
	select {
	case req := <-h.Held():
		if req != "POST /things" || done.Load() != 1 || h.InFlight() != 1 {
			t.Errorf("when an answer is held: want the request POST /things done once and one answer in flight, got %q, done %d, in flight %d", req, done.Load(), h.InFlight())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the request was not held")
	}
	r := <-got
	if r.status != http.StatusCreated || r.body != "created" || r.took < delay {
		t.Errorf("a held answer: want 201 created after at least %s, got %d %q after %s", delay, r.status, r.body, r.took)
	}

	h.Release()
	if st, b, d := post(); st != http.StatusCreated || b != "created" || d >= delay {
		t.Errorf("after Release: want 201 created at once, got %d %q after %s", st, b, d)
	}
}
