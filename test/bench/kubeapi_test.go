package bench

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRequestTotals(t *testing.T) {
	metrics := `# HELP apiserver_request_total [STABLE] Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="cfzt.cloudflare.com",resource="dnsrecords",scope="cluster",subresource="status",verb="PUT",version="v1alpha1"} 12
apiserver_request_total{code="409",component="apiserver",dry_run="",group="cfzt.cloudflare.com",resource="dnsrecords",scope="cluster",subresource="status",verb="PUT",version="v1alpha1"} 3
apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="secrets",scope="resource",subresource="",verb="POST",version="v1"} 7
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="secrets",scope="cluster",subresource="",verb="WATCH",version="v1"} 4
apiserver_request_duration_seconds_count{verb="GET"} 99
`
	got, err := parseRequestTotals([]byte(metrics))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"PUT dnsrecords/status": 15, "POST secrets": 7}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseRequestTotals(): -want, +got:\n%s", diff)
	}
	if d := cmp.Diff(map[string]int{"PUT dnsrecords/status": 5}, since(map[string]int{"PUT dnsrecords/status": 10, "POST secrets": 7}, got)); d != "" {
		t.Errorf("since(): -want, +got:\n%s", d)
	}
}
