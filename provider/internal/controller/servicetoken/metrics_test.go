package servicetoken

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare/fake"
)

func tokenGetter(tok cloudflare.ServiceToken) *fake.MockClient {
	return &fake.MockClient{
		MockGetServiceToken:    func(context.Context, string) (cloudflare.ServiceToken, error) { return tok, nil },
		MockDeleteServiceToken: func(context.Context, string) error { return nil },
	}
}

// gauges reads the gauge's values by their labels.
func gauges(t *testing.T, c prometheus.Collector) map[string]float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 10)
	c.Collect(ch)
	close(ch)
	out := map[string]float64{}
	for m := range ch {
		d := &dto.Metric{}
		if err := m.Write(d); err != nil {
			t.Fatal(err)
		}
		key := ""
		for _, l := range d.GetLabel() {
			key += l.GetName() + "=" + l.GetValue() + ","
		}
		out[key] = d.GetGauge().GetValue()
	}
	return out
}

func TestExpiryMetric(t *testing.T) {
	gauge := newExpiryGauge()
	e := &external{cf: tokenGetter(cloudToken()), secrets: secretWith(full), now: clock, expiry: gauge}

	if _, err := e.Observe(context.Background(), serviceToken(withExternalName(tokenID))); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]float64{}, gauges(t, gauge)); diff != "" {
		t.Errorf("a token of no route has no gauge: -want, +got:\n%s", diff)
	}

	mg := serviceToken(withExternalName(tokenID), withRoute())
	if _, err := e.Observe(context.Background(), mg); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]float64{"namespace=apps,route=web,": float64(expires.Unix())}, gauges(t, gauge)); diff != "" {
		t.Errorf("Observe sets the route's token expiry: -want, +got:\n%s", diff)
	}
	if _, err := e.Delete(context.Background(), mg); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]float64{}, gauges(t, gauge)); diff != "" {
		t.Errorf("Delete removes the gauge: -want, +got:\n%s", diff)
	}
}
