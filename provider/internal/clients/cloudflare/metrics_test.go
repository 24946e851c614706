package cloudflare

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
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

// gauge reads a gauge.
func gauge(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	d := &dto.Metric{}
	if err := g.Write(d); err != nil {
		t.Fatal(err)
	}
	return d.GetGauge().GetValue()
}
