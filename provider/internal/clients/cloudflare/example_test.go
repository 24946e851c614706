package cloudflare_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// Example shows how a controller uses the client: one Registry per process,
// find by ownership marker before create, and tunnel rules changed by
// read-modify-write.
func Example() {
	const (
		account = "0123456789abcdef0123456789abcdef"
		zone    = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		tunnel  = "11111111-2222-3333-4444-555555555555"
	)
	f, err := fakecloudflare.New(fakecloudflare.Seed{
		Accounts: []fakecloudflare.Account{{ID: account}},
		Zones:    []fakecloudflare.Zone{{ID: zone, Name: "example.com", AccountID: account, Status: "active"}},
		Tunnels:  []fakecloudflare.Tunnel{{ID: tunnel, AccountID: account, Name: "home", RemoteConfig: true}},
	}.WithToken("token"))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(f)
	defer srv.Close()

	ctx := context.Background()
	reg := cloudflare.NewRegistry() // once per process, shared by every controller
	c, err := reg.ClientFor(ctx, cloudflare.Config{BaseURL: srv.URL + fakecloudflare.APIPrefix, AccountID: account, Token: "token"})
	if err != nil {
		panic(err)
	}

	// Find before create, on every attempt: a create whose reply was lost
	// is found here the next time.
	r, err := c.FindDNSRecord(ctx, zone, "app.example.com", "CNAME", "apps/web")
	switch {
	case cloudflare.IsNotFound(err):
		r, err = c.CreateDNSRecord(ctx, zone, cloudflare.DNSRecord{
			Name: "app.example.com", Type: "CNAME", Content: tunnel + ".cfargotunnel.com", Proxied: true, Owner: "apps/web",
		})
	case cloudflare.IsConflict(err):
		// Someone else's record: report it, never adopt it.
	}
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %s %q\n", r.Type, r.Name, r.Comment)

	// Change only our rule; the client keeps the others and the catch-all.
	cfg, err := c.UpdateTunnelIngress(ctx, tunnel, func(rules []cloudflare.IngressRule) []cloudflare.IngressRule {
		return cloudflare.UpsertIngressRule(rules, cloudflare.IngressRule{Hostname: "app.example.com", Service: "http://web.apps.svc.cluster.local:80"})
	})
	if err != nil {
		panic(err)
	}
	for _, rule := range cfg.Ingress {
		fmt.Printf("%q -> %s\n", rule.Hostname, rule.Service)
	}

	// Output:
	// CNAME app.example.com "managed-by: cfzt apps/web"
	// "app.example.com" -> http://web.apps.svc.cluster.local:80
	// "" -> http_status:404
}
