package fakecloudflare_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestRecorder shows that a Recorder keeps the requests answered after its
// start, beyond the 10,000 the server's log keeps as long as it reads in
// between, counts what the log dropped before a read, and runs onRead after
// each read.
func TestRecorder(t *testing.T) {
	f, url := start(t, testSeed(), fake.WithRateWindow(0, 0, 0))
	get := func(n int) {
		t.Helper()
		for range n {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+fake.APIPrefix+"/zones", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tokenAcct)
			rsp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = rsp.Body.Close()
		}
	}
	get(2)
	var reads atomic.Int32
	// An hour between reads: only Mark and Requests read.
	rec := fake.NewRecorder(f, time.Hour, func() { reads.Add(1) })
	defer rec.Close()

	get(3)
	first := rec.Mark()
	if got := rec.Requests(0, 0); len(got) != 3 || got[0].Seq != 3 || first != 5 {
		t.Fatalf("after 2 requests before the start and 3 after: want requests 3 to 5, marked 5; got %d requests, marked %d", len(got), first)
	}
	if n := reads.Load(); n < 2 {
		t.Errorf("onRead: want a call at least for the start's read and Mark's, got %d", n)
	}

	// 6,000 and 6,000 with a read between: the log never held more than
	// 10,000 unread, so nothing is lost.
	get(6000)
	rec.Mark()
	get(6000)
	if got := rec.Requests(first, 0); len(got) != 12000 || rec.Lost() != 0 {
		t.Errorf("12,000 requests read in two parts: want 12,000 kept and none lost, got %d kept, %d lost", len(got), rec.Lost())
	}
	// 10,005 more unread: the log dropped the oldest 5.
	mark := rec.Mark()
	get(10005)
	if got := rec.Requests(mark, 0); len(got) != 10000 || rec.Lost() != 5 {
		t.Errorf("10,005 requests unread: want 10,000 kept and 5 lost, got %d kept, %d lost", len(got), rec.Lost())
	}
	if got := rec.Requests(first, first+2); len(got) != 2 || got[1].Seq != first+2 {
		t.Errorf("Requests(from, to): want the 2 after from, up to and including to, got %d", len(got))
	}
	rec.Close()
}
