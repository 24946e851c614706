package fakecloudflare_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/accounts"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

func TestAuthentication(t *testing.T) {
	_, url := start(t, testSeed())
	cases := map[string]struct {
		reason  string
		token   string
		account string
		status  int
		code    int
	}{
		"AccountToken": {
			reason: "A token restricted to an account reaches that account.",
			token:  tokenAcct, account: acct,
		},
		"UserToken": {
			reason: "An unrestricted token reaches every account.",
			token:  tokenUser, account: otherAcct,
		},
		"OtherAccount": {
			reason: "A token restricted to one account is refused on another, with Cloudflare's 10000.",
			token:  tokenOther, account: acct,
			status: http.StatusForbidden, code: 10000,
		},
		"Unknown": {
			reason: "An unknown token is refused.",
			token:  "who-am-i", account: acct,
			status: http.StatusForbidden, code: 10000,
		},
		"Disabled": {
			reason: "A disabled token is refused.",
			token:  tokenDisabled, account: acct,
			status: http.StatusForbidden, code: 10000,
		},
		"UnknownAccount": {
			reason: "An account the fake does not hold is a 404.",
			token:  tokenUser, account: "ffffffffffffffffffffffffffffffff",
			status: http.StatusNotFound, code: 7003,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := client(t, url, tc.token).ZeroTrust.Access.Groups.List(context.Background(),
				zero_trust.AccessGroupListParams{AccountID: cloudflare.F(tc.account)})
			status, code := cfError(t, err)
			diff(t, tc.reason, "status and code", []int{tc.status, tc.code}, []int{status, code})
		})
	}
}

// TestNoToken sends requests no SDK client would send, so outside the schema
// checks: without a token, and with a token that is not a bearer token.
func TestNoToken(t *testing.T) {
	_, url := start(t, testSeed())
	cases := map[string]struct {
		reason string
		header http.Header
	}{
		"None":   {reason: "A request without a token is refused."},
		"APIKey": {reason: "The fake accepts API tokens only, not a global API key.", header: http.Header{"X-Auth-Key": {"k"}, "X-Auth-Email": {"e@example.com"}}},
		"Basic":  {reason: "An Authorization header that is not Bearer is refused.", header: http.Header{"Authorization": {"Basic dTpw"}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			status, body := get(t, url+fake.APIPrefix+"/zones", tc.header)
			diff(t, tc.reason, "status", http.StatusForbidden, status)
			var env map[string]any
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatal(err)
			}
			diff(t, tc.reason, "envelope", map[string]any{
				"success": false, "errors": []any{map[string]any{"code": 10000.0, "message": "Authentication error"}},
				"messages": []any{}, "result": nil,
			}, env)
		})
	}
}

func TestTokenVerify(t *testing.T) {
	_, url := start(t, testSeed())
	ctx := context.Background()
	type want struct {
		status, code int
		id           string
	}
	cases := map[string]struct {
		reason  string
		token   string
		account string // account verify when set, user verify when not
		want    want
	}{
		"User": {
			reason: "A valid token verifies at /user/tokens/verify.",
			token:  tokenUser,
			want:   want{id: "e0000000000000000000000000000002"},
		},
		"UserWithAccountToken": {
			reason: "An account-owned token is an invalid token to /user/tokens/verify: 401, code 1000; it verifies at its account (benvinegar/counterscale#268).",
			token:  tokenAcct,
			want:   want{status: http.StatusUnauthorized, code: 1000},
		},
		"AccountWithUserToken": {
			reason: "A user's token does not verify at an account's endpoint (not verified against Cloudflare; the fake's stricter choice).",
			token:  tokenUser, account: acct,
			want: want{status: http.StatusUnauthorized, code: 1000},
		},
		"Account": {
			reason: "An account's token verifies at its account.",
			token:  tokenAcct, account: acct,
			want: want{id: "e0000000000000000000000000000001"},
		},
		"AccountOther": {
			reason: "A token does not verify at an account it cannot reach.",
			token:  tokenOther, account: acct,
			want: want{status: http.StatusForbidden, code: 10000},
		},
		"Invalid": {
			reason: "An unknown token answers 401 Invalid API Token, as Cloudflare's verify does.",
			token:  "nope",
			want:   want{status: http.StatusUnauthorized, code: 1000},
		},
		"Disabled": {
			reason: "A disabled token does not verify.",
			token:  tokenDisabled, account: acct,
			want: want{status: http.StatusUnauthorized, code: 1000},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cf := client(t, url, tc.token)
			var id, status string
			var err error
			if tc.account == "" {
				r, e := cf.User.Tokens.Verify(ctx)
				if err = e; e == nil {
					id, status = r.ID, string(r.Status)
				}
			} else {
				r, e := cf.Accounts.Tokens.Verify(ctx, accounts.TokenVerifyParams{AccountID: cloudflare.F(tc.account)})
				if err = e; e == nil {
					id, status = r.ID, string(r.Status)
				}
			}
			s, code := cfError(t, err)
			diff(t, tc.reason, "status and code", []int{tc.want.status, tc.want.code}, []int{s, code})
			if err == nil {
				diff(t, tc.reason, "id and status", []string{tc.want.id, "active"}, []string{id, status})
			}
		})
	}
}
