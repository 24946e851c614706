package cloudflare

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

func TestVerifyToken(t *testing.T) {
	seed := accessSeed()
	seed.Tokens = []fakecloudflare.APIToken{
		{ID: "f0000000000000000000000000000001", Value: "disabled-token", Status: fakecloudflare.TokenDisabled},
		{ID: "f0000000000000000000000000000002", Value: "account-token", AccountID: testAccount, Status: fakecloudflare.TokenActive},
	}
	_, url := newFake(t, seed)
	cases := map[string]struct {
		reason string
		token  string
		want   string
		auth   bool
	}{
		"Active":       {reason: "A working token is active.", token: testToken, want: TokenStatusActive},
		"AccountToken": {reason: "An account-owned token is active.", token: "account-token", want: TokenStatusActive},
		"Disabled":     {reason: "A disabled token is refused.", token: "disabled-token", auth: true},
		"Unknown":      {reason: "An unknown token is refused.", token: "nope", auth: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			base, _, _ := newTestClient(t, url)
			c, err := newClient(Config{BaseURL: url, AccountID: testAccount, Token: tc.token}, optionsOf(base), base.budget, newKeyedMutex())
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.VerifyToken(context.Background())
			if diff := cmp.Diff(tc.auth, IsAuth(err)); diff != "" {
				t.Errorf("\n%s\nIsAuth: -want, +got:\n%s\nerr: %v", tc.reason, diff, err)
			}
			if diff := cmp.Diff(tc.want, s.Status); diff != "" {
				t.Errorf("\n%s\nstatus: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
