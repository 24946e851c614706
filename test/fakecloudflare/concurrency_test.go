package fakecloudflare_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/dns"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"
	"github.com/cloudflare/cloudflare-go/v4/zones"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestConcurrentClients runs writers and readers at once (run it with -race):
// no write is lost, every record gets its own ID, and the tunnel
// configuration's version counts every PUT.
func TestConcurrentClients(t *testing.T) {
	const workers, each = 4, 6
	f, url := start(t, testSeed())
	addFault(t, f, fake.Fault{Operation: fake.OpZonesList, Status: 503, Probability: 0.3})
	cf := client(t, url, tokenAcct)
	ctx := context.Background()

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(3)
		go func() {
			defer wg.Done()
			for i := range each {
				name := fmt.Sprintf("w%d-%d.example.com", w, i)
				if _, err := cf.DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: cloudflare.F(zoneCom), Body: cname(name, "managed-by: cfzt")}); err != nil {
					t.Errorf("create %s: %v", name, err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range each {
				_, err := cf.ZeroTrust.Tunnels.Cloudflared.Configurations.Update(ctx, tunnelRemote, zero_trust.TunnelCloudflaredConfigurationUpdateParams{
					AccountID: cloudflare.F(acct),
					Config:    cloudflare.F(zero_trust.TunnelCloudflaredConfigurationUpdateParamsConfig{Ingress: cloudflare.F(ingress([2]string{"", "http_status:404"}))}),
				})
				if err != nil {
					t.Errorf("put configuration: %v", err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range each {
				_, _ = cf.Zones.List(ctx, zones.ZoneListParams{})
				// Another zone, so that the answers stay small: checking and
				// decoding DNS records is the slow part of this test.
				if _, err := cf.DNS.Records.List(ctx, dns.RecordListParams{ZoneID: cloudflare.F(zoneOrg)}); err != nil {
					t.Errorf("list records: %v", err)
				}
				_ = f.Snapshot()
			}
		}()
	}
	wg.Wait()

	snap := f.Snapshot()
	ids := map[string]bool{}
	for _, r := range snap.DNSRecords {
		ids[r.ID] = true
	}
	diff(t, "Every create made one record with its own ID.", "records", 2+workers*each, len(ids))
	diff(t, "Every PUT added one to the version.", "version", 4+workers*each, snap.Tunnels[0].ConfigVersion)
	diff(t, "The counters saw every write.", "writes", map[string]int{
		fake.OpDNSRecordCreate: workers * each, fake.OpTunnelConfigPut: workers * each,
	}, f.WriteCounts())
}
