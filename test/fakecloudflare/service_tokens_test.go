package fakecloudflare_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestServiceTokenSecretOnlyOnce shows that the client secret comes back from
// create and rotate, and from nothing else.
func TestServiceTokenSecretOnlyOnce(t *testing.T) {
	now := seedTime
	f, url := start(t, testSeed(), fake.WithClock(func() time.Time { return now }))
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	acctParam := cloudflare.F(acct)

	created, err := cf.ZeroTrust.Access.ServiceTokens.New(ctx, zero_trust.AccessServiceTokenNewParams{
		AccountID: acctParam, Name: cloudflare.F("cfzt-default-app"), Duration: cloudflare.F("720h"),
	})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "Create returns a secret and a client ID ending in .access.", "secret and client ID",
		[]any{64, true}, []any{len(created.ClientSecret), strings.HasSuffix(created.ClientID, ".access")})
	diff(t, "The token expires its duration after creation.", "expires_at",
		seedTime.Add(720*time.Hour).Format(time.RFC3339), raw(t, created.JSON.RawJSON())["expires_at"])

	secretless := map[string]func() (string, error){
		"Get": func() (string, error) {
			r, err := cf.ZeroTrust.Access.ServiceTokens.Get(ctx, created.ID, zero_trust.AccessServiceTokenGetParams{AccountID: acctParam})
			if err != nil {
				return "", err
			}
			return r.JSON.RawJSON(), nil
		},
		"List": func() (string, error) {
			r, err := cf.ZeroTrust.Access.ServiceTokens.List(ctx, zero_trust.AccessServiceTokenListParams{AccountID: acctParam, Name: cloudflare.F("cfzt-default")})
			if err != nil || len(r.Result) != 1 {
				return "", err
			}
			return r.Result[0].JSON.RawJSON(), nil
		},
		"Update": func() (string, error) {
			r, err := cf.ZeroTrust.Access.ServiceTokens.Update(ctx, created.ID, zero_trust.AccessServiceTokenUpdateParams{AccountID: acctParam, Name: cloudflare.F("cfzt-default-app")})
			if err != nil {
				return "", err
			}
			return r.JSON.RawJSON(), nil
		},
		"Refresh": func() (string, error) {
			r, err := cf.ZeroTrust.Access.ServiceTokens.Refresh(ctx, created.ID, zero_trust.AccessServiceTokenRefreshParams{AccountID: acctParam})
			if err != nil {
				return "", err
			}
			return r.JSON.RawJSON(), nil
		},
	}
	for name, call := range secretless {
		got, err := call()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m := raw(t, got)
		_, has := m["client_secret"]
		diff(t, name+" never returns the secret.", name+" has client_secret", false, has)
		diff(t, name+" keeps the client ID.", name+" client_id", created.ClientID, m["client_id"])
	}

	now = now.Add(48 * time.Hour)
	refreshed, err := cf.ZeroTrust.Access.ServiceTokens.Refresh(ctx, created.ID, zero_trust.AccessServiceTokenRefreshParams{AccountID: acctParam})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "Refresh extends the expiry by the duration from now.", "expires_at",
		now.Add(720*time.Hour).Format(time.RFC3339), raw(t, refreshed.JSON.RawJSON())["expires_at"])

	rotated, err := cf.ZeroTrust.Access.ServiceTokens.Rotate(ctx, created.ID, zero_trust.AccessServiceTokenRotateParams{AccountID: acctParam})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "Rotate returns a new secret for the same client ID.", "new secret, same client ID",
		[]any{true, 64, created.ClientID}, []any{rotated.ClientSecret != created.ClientSecret, len(rotated.ClientSecret), rotated.ClientID})
	diff(t, "The fake keeps the current secret, for tests to compare with what a client stored.", "stored secret",
		rotated.ClientSecret, f.Snapshot().ServiceTokens[0].ClientSecret)

	del, err := cf.ZeroTrust.Access.ServiceTokens.Delete(ctx, created.ID, zero_trust.AccessServiceTokenDeleteParams{AccountID: acctParam})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "Delete answers the token.", "id", created.ID, del.ID)
	_, err = cf.ZeroTrust.Access.ServiceTokens.Get(ctx, created.ID, zero_trust.AccessServiceTokenGetParams{AccountID: acctParam})
	status, _ := cfError(t, err)
	diff(t, "A deleted token is a 404.", "status", http.StatusNotFound, status)
	diff(t, "Every write was counted.", "writes", map[string]int{
		fake.OpServiceTokenCreate: 1, fake.OpServiceTokenUpdate: 1, fake.OpServiceTokenRefresh: 2,
		fake.OpServiceTokenRotate: 1, fake.OpServiceTokenDelete: 1,
	}, f.WriteCounts())
}

func TestServiceTokenCreate(t *testing.T) {
	cases := map[string]struct {
		reason   string
		params   zero_trust.AccessServiceTokenNewParams
		status   int
		duration string
	}{
		"DefaultDuration": {
			reason:   "Without a duration a token lasts a year.",
			params:   zero_trust.AccessServiceTokenNewParams{Name: cloudflare.F("a")},
			duration: "8760h",
		},
		"BadDuration": {
			reason: "A duration must be a Go-style duration.",
			params: zero_trust.AccessServiceTokenNewParams{Name: cloudflare.F("a"), Duration: cloudflare.F("1 year")},
			status: http.StatusBadRequest,
		},
		"NoName": {
			reason: "A token needs a name.",
			params: zero_trust.AccessServiceTokenNewParams{Name: cloudflare.F("")},
			status: http.StatusBadRequest,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, url := start(t, testSeed())
			tc.params.AccountID = cloudflare.F(acct)
			res, err := client(t, url, tokenAcct).ZeroTrust.Access.ServiceTokens.New(context.Background(), tc.params)
			status, _ := cfError(t, err)
			diff(t, tc.reason, "status", tc.status, status)
			if err == nil {
				diff(t, tc.reason, "duration", tc.duration, res.Duration)
			}
		})
	}
}
