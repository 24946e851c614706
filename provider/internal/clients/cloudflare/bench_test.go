package cloudflare

import (
	"context"
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkCachedDNSReads measures observers reading one zone's records from
// the shared cache, in parallel.
func BenchmarkCachedDNSReads(b *testing.B) {
	records := make([]map[string]any, 500)
	for i := range records {
		records[i] = map[string]any{"id": fmt.Sprintf("r%d", i), "name": fmt.Sprintf("app%d.example.com", i), "type": "CNAME", "content": "x.cfargotunnel.com", "comment": "managed-by: cfzt ns/app"}
	}
	srv, count := serve(b, func(w http.ResponseWriter, _ *http.Request) { replyPage(w, records, 1, 1000, 1) })
	c, _, _ := newTestClient(b, srv.URL)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := c.FindDNSRecord(context.Background(), testZone, fmt.Sprintf("app%d.example.com", i%500), "CNAME", "ns/app"); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(count.total()), "api-calls")
}

// BenchmarkTransport measures a GET through the budget and the retrying
// transport to a local server.
func BenchmarkTransport(b *testing.B) {
	srv, _ := serve(b, func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, map[string]any{"id": testTunnel})
	})
	c, _, _ := newTestClient(b, srv.URL)
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.GetTunnel(context.Background(), testTunnel); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateTunnelIngress measures one verified read-modify-write of a
// tunnel configuration of 100 rules, against the project's fake.
func BenchmarkUpdateTunnelIngress(b *testing.B) {
	rules := []map[string]any{}
	for i := range 100 {
		rules = append(rules, map[string]any{"hostname": fmt.Sprintf("f%d.example.com", i), "service": "http://f:80"})
	}
	_, url := newFake(b, tunnelSeed(tunnelConfig(append(rules, catchAll)...), true))
	c, _, _ := newTestClient(b, url)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		r := IngressRule{Hostname: "ours.example.com", Service: fmt.Sprintf("http://v%d:80", i)}
		if _, err := c.UpdateTunnelIngress(context.Background(), testTunnel, func(rs []IngressRule) []IngressRule { return UpsertIngressRule(rs, r) }); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
