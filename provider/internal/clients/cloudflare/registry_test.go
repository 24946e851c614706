package cloudflare

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRegistryClientFor(t *testing.T) {
	a := Config{BaseURL: "http://cf.test/client/v4", AccountID: testAccount, Token: "one"}
	otherAccount := Config{BaseURL: a.BaseURL, AccountID: "fedcba9876543210fedcba9876543210", Token: "one"}
	rotated := Config{BaseURL: a.BaseURL, AccountID: testAccount, Token: "two"}
	otherURL := Config{BaseURL: "http://other.test/client/v4", AccountID: testAccount, Token: "one"}

	type want struct {
		sameClient, sameBudget, sameTunnelLock bool
		clients, budgets                       int
	}
	cases := map[string]struct {
		reason string
		second Config
		want   want
	}{
		"Same": {
			reason: "The same account and token get the same client, caches and budget.",
			second: a,
			want:   want{sameClient: true, sameBudget: true, sameTunnelLock: true, clients: 1, budgets: 1},
		},
		"OtherAccountSameToken": {
			reason: "Another account of the same token is another client on the same budget: Cloudflare limits per user.",
			second: otherAccount,
			want:   want{sameBudget: true, clients: 2, budgets: 1},
		},
		"TokenRotated": {
			reason: "A new token for an account replaces the old client and the old token's budget goes with it; both write the account's tunnels under one lock.",
			second: rotated,
			want:   want{sameTunnelLock: true, clients: 1, budgets: 1},
		},
		"OtherBaseURL": {
			reason: "Another API is another client and budget.",
			second: otherURL,
			want:   want{clients: 2, budgets: 2},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := NewRegistry()
			c1, err := r.ClientFor(context.Background(), a)
			if err != nil {
				t.Fatal(err)
			}
			c2, err := r.ClientFor(context.Background(), tc.second)
			if err != nil {
				t.Fatal(err)
			}
			x, _ := c1.(*client)
			y, _ := c2.(*client)
			got := want{
				sameClient: x == y,
				sameBudget: x.budget == y.budget,
				// One lock table per Registry; the same key means the two
				// clients serialise writes to a tunnel together.
				sameTunnelLock: x.tunnelLocks == y.tunnelLocks && x.lockPrefix == y.lockPrefix,
				clients:        len(r.clients),
				budgets:        len(r.budgets),
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
