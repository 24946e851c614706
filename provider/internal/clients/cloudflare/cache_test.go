package cloudflare

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCacheReaders(t *testing.T) {
	type want struct {
		lists  int
		hits   float64
		misses float64
	}
	cases := map[string]struct {
		reason  string
		readers int
		ttl     time.Duration
		advance time.Duration
		want    want
	}{
		"ManyReadersOneCall": {
			reason:  "Fifty concurrent readers of one zone's records, and fifty more later, cause one list call; every reader but the first is a hit, whether it joined the call or found its result.",
			readers: 50,
			ttl:     30 * time.Second,
			want:    want{lists: 2, hits: 49 + 50, misses: 2},
		},
		"Expired": {
			reason:  "After the TTL the next reader lists again.",
			readers: 1,
			ttl:     30 * time.Second,
			advance: 31 * time.Second,
			want:    want{lists: 3, hits: 1, misses: 3},
		},
		"Disabled": {
			reason:  "A TTL of zero caches nothing; each read lists.",
			readers: 1,
			ttl:     0,
			want:    want{lists: 4, misses: 4},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			release := make(chan struct{})
			var once sync.Once
			srv, count := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				// Hold the first list until every reader has asked.
				once.Do(func() { <-release })
				replyPage(w, []map[string]any{{"id": "r1", "name": "app.example.com", "type": "CNAME", "content": "x.cfargotunnel.com"}}, 1, 1000, 1)
			})
			c, clk, m := newTestClient(t, srv.URL, WithCacheTTL(tc.ttl))

			var wg sync.WaitGroup
			var started sync.WaitGroup
			started.Add(tc.readers)
			errs := make(chan error, tc.readers)
			for range tc.readers {
				wg.Go(func() {
					started.Done()
					rs, err := c.listDNSRecordsByName(context.Background(), testZone, "app.example.com")
					if err == nil && len(rs) != 1 {
						t.Errorf("reader got %d records, want 1", len(rs))
					}
					errs <- err
				})
			}
			started.Wait()
			close(release)
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			// A second round of readers is served from the cache.
			for range tc.readers {
				if _, err := c.listDNSRecordsByName(context.Background(), testZone, "app.example.com"); err != nil {
					t.Fatal(err)
				}
			}
			clk.Advance(tc.advance)
			if tc.advance > 0 || tc.ttl == 0 {
				if _, err := c.listDNSRecordsByName(context.Background(), testZone, "app.example.com"); err != nil {
					t.Fatal(err)
				}
			}
			// One more list of another zone, for contrast: keys are per zone.
			if _, err := c.listDNSRecordsByName(context.Background(), "zone-2", "app.example.com"); err != nil {
				t.Fatal(err)
			}
			got := want{
				lists:  count.total(),
				hits:   value(t, m.cacheHits.WithLabelValues(cacheDNSRecords)),
				misses: value(t, m.cacheMisses.WithLabelValues(cacheDNSRecords)),
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestCacheDropsReadThatRacedAWrite(t *testing.T) {
	clk := newFakeClock()
	c := newCache[int]("test", time.Minute, clk, NewMetrics())
	release, done := readUnderWay(c, 1)
	c.invalidate("k") // a write whose outcome is unknown
	close(release)
	if diff := cmp.Diff(1, <-done); diff != "" {
		t.Errorf("the racing reader's own result: -want, +got:\n%s", diff)
	}
	fetched := 0
	v, err := c.get(context.Background(), "k", func(context.Context) (int, error) { fetched++; return 2, nil })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(2, v); diff != "" {
		t.Errorf("a read after the write must not see the older result: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(1, fetched); diff != "" {
		t.Errorf("fetches after the write: -want, +got:\n%s", diff)
	}
}

func TestCacheCallerCancel(t *testing.T) {
	c := newCache[int]("test", time.Minute, newFakeClock(), NewMetrics())
	inFetch := make(chan struct{})
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())

	leader := make(chan error)
	go func() {
		_, err := c.get(ctx, "k", func(context.Context) (int, error) {
			close(inFetch)
			<-release
			return 7, nil
		})
		leader <- err
	}()
	<-inFetch
	cancel()
	if diff := cmp.Diff(context.Canceled, <-leader, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("a cancelled caller stops waiting: -want, +got:\n%s", diff)
	}
	close(release)
	// The shared read runs on for everybody else: the next caller joins it
	// or finds its stored result, and never fetches again.
	v, err := c.get(context.Background(), "k", func(context.Context) (int, error) { return 0, errBoom })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(7, v); diff != "" {
		t.Errorf("get after the cancelled caller: -want, +got:\n%s", diff)
	}
}

func TestCacheFreshSinceStartsItsOwnRead(t *testing.T) {
	clk := newFakeClock()
	c := newCache[int]("test", time.Minute, clk, NewMetrics())
	// A read under way that started before the create.
	release, done := readUnderWay(c, 1)
	created := clk.Now()
	clk.Advance(time.Second)
	v, err := c.get(FreshSince(context.Background(), created), "k", func(context.Context) (int, error) { return 2, nil })
	if err != nil {
		t.Fatal(err)
	}
	close(release)
	if diff := cmp.Diff(2, v); diff != "" {
		t.Errorf("a reader that must see the create joined a read that started before it: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(1, <-done); diff != "" {
		t.Errorf("the earlier reader's own result: -want, +got:\n%s", diff)
	}
}

// readUnderWay starts a read of key "k" whose fetch returns v once release
// is closed, and returns when the fetch has started; done gets what the
// read returned.
func readUnderWay(c *cache[int], v int) (release chan struct{}, done chan int) {
	inFetch := make(chan struct{})
	release, done = make(chan struct{}), make(chan int)
	go func() {
		got, _ := c.get(context.Background(), "k", func(context.Context) (int, error) {
			close(inFetch)
			<-release
			return v, nil
		})
		done <- got
	}()
	<-inFetch
	return release, done
}
