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
	f, url := newFake(t, seed)
	account := "/accounts/" + testAccount + "/tokens/verify"
	cases := map[string]struct {
		reason string
		token  string
		want   string
		auth   bool
		asked  []string
	}{
		"UserToken": {
			reason: "A user token is unknown to the account's endpoint and verifies at /user/tokens/verify.",
			token:  testToken, want: TokenStatusActive, asked: []string{account, "/user/tokens/verify"},
		},
		"AccountToken": {
			reason: "An account-owned token verifies at its account's endpoint, with one request: /user/tokens/verify answers 401 for it (benvinegar/counterscale#268).",
			token:  "account-token", want: TokenStatusActive, asked: []string{account},
		},
		"Disabled": {reason: "A disabled token is refused.", token: "disabled-token", auth: true, asked: []string{account, "/user/tokens/verify"}},
		"Unknown":  {reason: "An unknown token is refused.", token: "nope", auth: true, asked: []string{account, "/user/tokens/verify"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f.ResetRecords()
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
			var asked []string
			for _, r := range f.Requests() {
				asked = append(asked, r.Path)
			}
			if diff := cmp.Diff(tc.asked, asked); diff != "" {
				t.Errorf("\n%s\nendpoints asked: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
