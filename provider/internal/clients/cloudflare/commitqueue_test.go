package cloudflare

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

func TestGroupCommitWaitsWhileItsWritersCan(t *testing.T) {
	// Ten requests a minute with a 20 % reserve, eight of them spent: a
	// commit's first call must wait a minute for room, past maxWait.
	const maxWait = 10 * time.Second
	window := RateLimit{Requests: 10, Period: time.Minute, Reserve: 0.2}

	type want struct {
		rateLimited bool
		writes      int
		slept       []time.Duration
	}
	cases := map[string]struct {
		reason string
		// deadline is the writer's reconcile's; zero for none.
		deadline time.Duration
		want     want
	}{
		"WritersCanWait": {
			reason:   "A writer with two minutes left keeps its group commit waiting a minute for the window rather than sent away at maxWait to come back to a smaller group.",
			deadline: 2 * time.Minute,
			want:     want{writes: 1, slept: []time.Duration{time.Minute}},
		},
		"WritersCannotWait": {
			reason:   "A writer with 30 s left, less the margin for recording the outcome, cannot wait a minute: the commit fails fast, sending nothing.",
			deadline: 30 * time.Second,
			want:     want{rateLimited: true},
		},
		"NoDeadline": {
			reason: "A writer with no deadline says nothing of how long it waits; the commit waits maxWait, as every call.",
			want:   want{rateLimited: true},
		},
	}
	// Each commit writes once: the tunnel's configuration, or the zone's
	// batch.
	commits := map[string]struct {
		seed fakecloudflare.Seed
		// writes counts the commit's writes in f.
		writes func(f *fakecloudflare.Server) int
		write  func(context.Context, *client) error
	}{
		"Tunnel": {
			seed:   tunnelSeed(tunnelConfig(foreignRule, catchAll), true),
			writes: func(f *fakecloudflare.Server) int { return ops(f, fakecloudflare.OpTunnelConfigPut) },
			write: func(ctx context.Context, c *client) error {
				_, err := c.UpdateTunnelIngress(ctx, testTunnel, func(r []IngressRule) []IngressRule {
					return UpsertIngressRule(r, IngressRule{Hostname: "new.example.com", Service: "http://new:80"})
				})
				return err
			},
		},
		"DNS": {
			seed:   dnsSeed(),
			writes: func(f *fakecloudflare.Server) int { return ops(f, fakecloudflare.OpDNSRecordsBatch) },
			write: func(ctx context.Context, c *client) error {
				_, err := c.CreateDNSRecord(ctx, testZone, routeRecords(1, "example.com")[0])
				return err
			},
		},
	}
	for cname, cm := range commits {
		for name, tc := range cases {
			t.Run(cname+"/"+name, func(t *testing.T) {
				f, url := newFake(t, cm.seed)
				c, clk, _ := newTestClient(t, url, withWindow(window), withMaxWait(maxWait))
				c.tunnelQueues.linger, c.dnsQueues.linger = -1, -1
				for range 8 {
					if _, err := c.budget.wait(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				ctx := context.Background()
				if tc.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.deadline)
					defer cancel()
				}

				err := cm.write(ctx, c)

				if diff := cmp.Diff(tc.want.rateLimited, IsRateLimited(err)); diff != "" {
					t.Errorf("\n%s\nIsRateLimited(%v): -want, +got:\n%s", tc.reason, err, diff)
				}
				if !tc.want.rateLimited && err != nil {
					t.Errorf("\n%s\nwrite: %v", tc.reason, err)
				}
				if diff := cmp.Diff(tc.want.writes, cm.writes(f)); diff != "" {
					t.Errorf("\n%s\nwrites: -want, +got:\n%s", tc.reason, diff)
				}
				if diff := cmp.Diff(tc.want.slept, clk.Slept()); diff != "" {
					t.Errorf("\n%s\nwaits: -want, +got:\n%s", tc.reason, diff)
				}
			})
		}
	}
}
