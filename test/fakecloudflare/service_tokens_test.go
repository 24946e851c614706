package fakecloudflare_test

import (
	"context"
	"io"
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

// Sources of the service token tests.
const (
	srcRotateExpiry = "API reference: Access service tokens, rotate: previous_client_secret_expires_at (optional " +
		"date-time; if not provided it defaults to the current timestamp, to expire the previous secret at once)"
	srcSecretVersion = "API reference: Access service tokens, client_secret_version (the version of the current " +
		"client_secret; incrementing it triggers a rotation)"
	srcRefresh = "API reference: Access service tokens, refresh (extends expires_at; client_id and client_secret " +
		"unchanged); BEHAVIOUR.md, Access"
	srcAccessErrors = "The fake's Access validation errors: 400 with code 12130 access.api.error.invalid_request " +
		"(accessInvalid), as for every other Access body"
)

// rotateWithBody rotates a service token with a body as the API reference
// describes it. It goes around the SDK and the schema checks: cloudflare-go
// v4.6.0 sends no body on rotate, and testdata/openapi.json (2024) declares
// none, so these requests are newer than both (validate_test.go,
// RotateWithoutBody). It returns the status and the decoded envelope.
func rotateWithBody(t *testing.T, url, id, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+fake.APIPrefix+"/accounts/"+acct+"/access/service_tokens/"+id+"/rotate", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tokenAcct)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close() //nolint:errcheck // Read to the end below.
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, raw(t, string(b))
}

// errorCode is the first error code of a decoded envelope, or 0.
func errorCode(env map[string]any) int {
	errs, _ := env["errors"].([]any)
	if len(errs) == 0 {
		return 0
	}
	code, _ := errs[0].(map[string]any)["code"].(float64)
	return int(code)
}

// admits reports whether the fake's Access lets svcToken's client ID with a
// secret into svcHost.
func admits(f *fake.Server, secret string) bool {
	return f.CheckAccess(svcHost, svcClientID, secret).Admitted
}

// TestServiceTokenRotate shows how long the old secret works after a
// rotation, and what a rotation's body may say.
func TestServiceTokenRotate(t *testing.T) {
	cases := map[string]struct {
		reason string
		source string
		// body is the rotation's body; "-" rotates through the SDK, with no
		// body and every schema check.
		body string
		// status and code are the answer's; 200 and 0 for success.
		status int
		code   int
		// until is how long after the rotation the old secret still works.
		until time.Duration
	}{
		"NoBody": {
			reason: "A rotation without a body makes the old secret stop at once.",
			source: srcRotateExpiry,
			body:   "-",
			status: http.StatusOK,
		},
		"EmptyObject": {
			reason: "A body without previous_client_secret_expires_at makes the old secret stop at once.",
			source: srcRotateExpiry,
			body:   `{}`,
			status: http.StatusOK,
		},
		"NullExpiry": {
			reason: "previous_client_secret_expires_at: null is the same as leaving it out.",
			source: srcRotateExpiry,
			body:   `{"previous_client_secret_expires_at": null}`,
			status: http.StatusOK,
		},
		"FutureExpiry": {
			reason: "A future previous_client_secret_expires_at keeps both secrets working until then, and only the new one after.",
			source: srcRotateExpiry,
			body:   `{"previous_client_secret_expires_at": "` + checkNow.Add(time.Hour).Format(time.RFC3339) + `"}`,
			status: http.StatusOK,
			until:  time.Hour,
		},
		"FutureExpiryWithOffset": {
			reason: "The date-time may have a zone offset and fractions of a second.",
			source: srcRotateExpiry,
			body:   `{"previous_client_secret_expires_at": "` + checkNow.Add(90*time.Minute+500*time.Millisecond).In(time.FixedZone("", 2*3600)).Format(time.RFC3339Nano) + `"}`,
			status: http.StatusOK,
			until:  90*time.Minute + 500*time.Millisecond,
		},
		"PastExpiry": {
			reason: "A previous_client_secret_expires_at in the past makes the old secret stop at once.",
			source: srcRotateExpiry,
			body:   `{"previous_client_secret_expires_at": "` + checkNow.Add(-time.Hour).Format(time.RFC3339) + `"}`,
			status: http.StatusOK,
			until:  -time.Hour,
		},
		"MalformedExpiry": {
			reason: "A previous_client_secret_expires_at that is not a date-time is refused, and nothing rotates.",
			source: srcRotateExpiry + "; " + srcAccessErrors,
			body:   `{"previous_client_secret_expires_at": "tomorrow"}`,
			status: http.StatusBadRequest,
			code:   12130,
		},
		"DateWithoutTime": {
			reason: "A date without a time is not a date-time.",
			source: srcRotateExpiry + "; " + srcAccessErrors,
			body:   `{"previous_client_secret_expires_at": "2025-01-03"}`,
			status: http.StatusBadRequest,
			code:   12130,
		},
		"ExpiryNotAString": {
			reason: "A previous_client_secret_expires_at that is a number is refused.",
			source: srcRotateExpiry + "; " + srcAccessErrors,
			body:   `{"previous_client_secret_expires_at": 1735786800}`,
			status: http.StatusBadRequest,
			code:   12130,
		},
		"NotJSON": {
			reason: "A body that is not JSON is refused as a malformed request.",
			source: "The fake's request decoding (server.go, decode): 400 with code 1001, as for every body",
			body:   `{`,
			status: http.StatusBadRequest,
			code:   1001,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			now := checkNow
			f, url := start(t, tokenSeed(), fake.WithClock(func() time.Time { return now }))
			why := tc.reason + "\nSource: " + tc.source
			status, result, code := rotateOnce(t, url, tc.body)
			diff(t, why, "status and error code", []int{tc.status, tc.code}, []int{status, code})
			if status != http.StatusOK {
				diff(t, why, "old secret works, version, previous expiry", []any{true, 1.0, false},
					[]any{admits(f, svcSecret), tokenJSON(t, url)["client_secret_version"], hasKey(tokenJSON(t, url), "previous_client_secret_expires_at")})
				return
			}
			newSecret, _ := result["client_secret"].(string)
			until := now.Add(tc.until)
			diff(t, why, "rotate's answer: new secret, same client ID, version, previous expiry",
				[]any{true, svcClientID, 2.0, until.Format(time.RFC3339Nano)},
				[]any{len(newSecret) == 64 && newSecret != svcSecret, result["client_id"], result["client_secret_version"], result["previous_client_secret_expires_at"]})
			diff(t, why, "right after the rotation: new secret works, old secret works", []bool{true, tc.until > 0},
				[]bool{admits(f, newSecret), admits(f, svcSecret)})
			if tc.until > 0 {
				now = until.Add(-time.Second)
				diff(t, why, "a second before the previous expiry: old secret works", true, admits(f, svcSecret))
				now = until
				diff(t, why, "at the previous expiry: new secret works, old secret works", []bool{true, false},
					[]bool{admits(f, newSecret), admits(f, svcSecret)})
			}
			if got := f.CheckAccess(svcHost, svcClientID, svcSecret).Reason; !strings.Contains(got, "expired client secret") {
				t.Errorf("\n%s\nthe old secret's refusal: want it to say the secret expired, got %q", why, got)
			}
		})
	}
}

// rotateOnce rotates svcToken with body ("-": through the SDK, with no body)
// and returns the status, the result and the first error code.
func rotateOnce(t *testing.T, url, body string) (status int, result map[string]any, code int) {
	t.Helper()
	if body != "-" {
		status, env := rotateWithBody(t, url, svcToken, body)
		result, _ := env["result"].(map[string]any)
		return status, result, errorCode(env)
	}
	res, err := client(t, url, tokenAcct).ZeroTrust.Access.ServiceTokens.Rotate(context.Background(), svcToken,
		zero_trust.AccessServiceTokenRotateParams{AccountID: cloudflare.F(acct)})
	if err != nil {
		status, code := cfError(t, err)
		return status, nil, code
	}
	return http.StatusOK, raw(t, res.JSON.RawJSON()), 0
}

// tokenJSON is svcToken as GET answers it.
func tokenJSON(t *testing.T, url string) map[string]any {
	t.Helper()
	res, err := client(t, url, tokenAcct).ZeroTrust.Access.ServiceTokens.Get(context.Background(), svcToken,
		zero_trust.AccessServiceTokenGetParams{AccountID: cloudflare.F(acct)})
	if err != nil {
		t.Fatal(err)
	}
	return raw(t, res.JSON.RawJSON())
}

func hasKey(m map[string]any, key string) bool {
	_, ok := m[key]
	return ok
}

// TestServiceTokenSecretVersion shows client_secret_version in every answer:
// 1 from create, one more per rotation.
func TestServiceTokenSecretVersion(t *testing.T) {
	why := "client_secret_version starts at 1 and goes up by one per rotation, in every token answer.\nSource: " + srcSecretVersion
	_, url := start(t, testSeed())
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	acctParam := cloudflare.F(acct)
	created, err := cf.ZeroTrust.Access.ServiceTokens.New(ctx, zero_trust.AccessServiceTokenNewParams{AccountID: acctParam, Name: cloudflare.F("versioned")})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{raw(t, created.JSON.RawJSON())["client_secret_version"]}
	for range 2 {
		r, err := cf.ZeroTrust.Access.ServiceTokens.Rotate(ctx, created.ID, zero_trust.AccessServiceTokenRotateParams{AccountID: acctParam})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, raw(t, r.JSON.RawJSON())["client_secret_version"])
	}
	g, err := cf.ZeroTrust.Access.ServiceTokens.Get(ctx, created.ID, zero_trust.AccessServiceTokenGetParams{AccountID: acctParam})
	if err != nil {
		t.Fatal(err)
	}
	l, err := cf.ZeroTrust.Access.ServiceTokens.List(ctx, zero_trust.AccessServiceTokenListParams{AccountID: acctParam})
	if err != nil || len(l.Result) != 1 {
		t.Fatalf("List: %v, %d tokens", err, len(l.Result))
	}
	got = append(got, raw(t, g.JSON.RawJSON())["client_secret_version"], raw(t, l.Result[0].JSON.RawJSON())["client_secret_version"])
	diff(t, why, "versions from create, two rotations, get and list", []any{1.0, 2.0, 3.0, 3.0, 3.0}, got)

	_, url = start(t, tokenSeed())
	diff(t, "A seeded token without a version is at version 1.\nSource: "+srcSecretVersion, "seeded version", 1.0,
		tokenJSON(t, url)["client_secret_version"])
}

// TestServiceTokenRotateTwice shows that a second rotation ends the first
// secret even when its time was not up: a token has one previous secret.
func TestServiceTokenRotateTwice(t *testing.T) {
	why := "After two rotations the first secret stops; the second works until its expiry and the third works.\n" +
		"Source: " + srcRotateExpiry + " (one previous client_secret; inferred)"
	now := checkNow
	f, url := start(t, tokenSeed(), fake.WithClock(func() time.Time { return now }))
	body := `{"previous_client_secret_expires_at": "` + checkNow.Add(time.Hour).Format(time.RFC3339) + `"}`
	_, first := rotateWithBody(t, url, svcToken, body)
	second, _ := first["result"].(map[string]any)["client_secret"].(string)
	_, env := rotateWithBody(t, url, svcToken, body)
	third, _ := env["result"].(map[string]any)["client_secret"].(string)
	diff(t, why, "first, second, third secret work", []bool{false, true, true},
		[]bool{admits(f, svcSecret), admits(f, second), admits(f, third)})
	diff(t, why, "version", 3.0, env["result"].(map[string]any)["client_secret_version"])
}

// TestServiceTokenRefreshKeepsSecrets shows that a refresh changes only the
// expiry: the secret, the previous secret and its expiry stay, and an expired
// token works again.
func TestServiceTokenRefreshKeepsSecrets(t *testing.T) {
	why := "Refresh extends expires_at by the duration from now and keeps the secrets.\nSource: " + srcRefresh
	now := checkNow
	f, url := start(t, tokenSeed(), fake.WithClock(func() time.Time { return now }))
	until := checkNow.Add(2 * time.Hour)
	_, env := rotateWithBody(t, url, svcToken, `{"previous_client_secret_expires_at": "`+until.Format(time.RFC3339)+`"}`)
	secret, _ := env["result"].(map[string]any)["client_secret"].(string)

	now = checkNow.Add(time.Hour)
	refreshed, err := client(t, url, tokenAcct).ZeroTrust.Access.ServiceTokens.Refresh(context.Background(), svcToken,
		zero_trust.AccessServiceTokenRefreshParams{AccountID: cloudflare.F(acct)})
	if err != nil {
		t.Fatal(err)
	}
	m := raw(t, refreshed.JSON.RawJSON())
	diff(t, why, "refresh's answer: client ID, expires_at, version, previous expiry, has client_secret",
		[]any{svcClientID, now.Add(720 * time.Hour).Format(time.RFC3339), 2.0, until.Format(time.RFC3339), false},
		[]any{m["client_id"], m["expires_at"], m["client_secret_version"], m["previous_client_secret_expires_at"], hasKey(m, "client_secret")})
	tok := f.Snapshot().ServiceTokens[0]
	diff(t, why, "kept secrets", []any{secret, svcSecret, until}, []any{tok.ClientSecret, tok.PreviousClientSecret, tok.PreviousClientSecretExpiresAt})
	diff(t, why, "after the refresh: new secret works, old secret works until its expiry", []bool{true, true},
		[]bool{admits(f, secret), admits(f, svcSecret)})
	now = until
	diff(t, why, "at the previous expiry: new secret works, old secret works", []bool{true, false},
		[]bool{admits(f, secret), admits(f, svcSecret)})

	why = "An expired token is refused; a refresh makes it work again with the same secret.\nSource: " + srcRefresh + "; " + srcTokenExpiry
	now = now.Add(720 * time.Hour)
	refusal := f.CheckAccess(svcHost, svcClientID, secret).Reason
	if _, err := client(t, url, tokenAcct).ZeroTrust.Access.ServiceTokens.Refresh(context.Background(), svcToken,
		zero_trust.AccessServiceTokenRefreshParams{AccountID: cloudflare.F(acct)}); err != nil {
		t.Fatal(err)
	}
	diff(t, why, "expired refusal, then admitted", []any{true, true},
		[]any{strings.Contains(refusal, "expired at"), admits(f, secret)})
}
