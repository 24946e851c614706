package cloudflare

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRequestMetrics(t *testing.T) {
	var n atomic.Int32
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) == 1 {
			fail(w, http.StatusServiceUnavailable, 1000, "later")
			return
		}
		reply(w, http.StatusOK, map[string]any{"id": testTunnel})
	})
	c, _, m := newTestClient(t, srv.URL)
	if _, err := c.GetTunnel(context.Background(), testTunnel); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{
		"2xx":   value(t, m.requests.WithLabelValues(opTunnelsGet, "2xx")),
		"5xx":   value(t, m.requests.WithLabelValues(opTunnelsGet, "5xx")),
		"retry": value(t, m.retries.WithLabelValues(opTunnelsGet, "server_error")),
	}
	want := map[string]float64{"2xx": 1, "5xx": 1, "retry": 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics of tunnels.get: -want, +got:\n%s", diff)
	}
}
