package cloudflare

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

func TestServiceTokens(t *testing.T) {
	f, url := newFake(t, accessSeed())
	c, _, _ := newTestClient(t, url)
	ctx := context.Background()

	if _, err := c.FindServiceToken(ctx, "dup"); !IsConflict(err) {
		t.Errorf("FindServiceToken(dup): want a conflict, got %v", err)
	}
	if _, err := c.FindServiceToken(ctx, "cfzt-svctoken-new"); !IsNotFound(err) {
		t.Fatalf("FindServiceToken(new): want not found, got %v", err)
	}

	created, err := c.CreateServiceToken(ctx, "cfzt-svctoken-new", "720h")
	if err != nil {
		t.Fatal(err)
	}
	var stored fakecloudflare.ServiceToken
	for _, st := range f.Snapshot().ServiceTokens {
		if st.ID == created.ID {
			stored = st
		}
	}
	if diff := cmp.Diff(stored.ClientSecret, created.ClientSecret.Reveal()); diff != "" || stored.ClientSecret == "" {
		t.Errorf("CreateServiceToken returns the secret Cloudflare made: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(ServiceToken{ID: created.ID, Name: "cfzt-svctoken-new", ClientID: stored.ClientID, ClientSecretVersion: 1, Duration: "720h"}, created, cmpopts.IgnoreFields(ServiceToken{}, "ClientSecret", "ExpiresAt", "CreatedAt", "UpdatedAt")); diff != "" {
		t.Errorf("CreateServiceToken(...): -want, +got:\n%s", diff)
	}

	found, err := c.FindServiceToken(ctx, "cfzt-svctoken-new")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Secret(""), found.ClientSecret); diff != "" {
		t.Errorf("a found token carries no secret: -want, +got:\n%s", diff)
	}
	got, err := c.GetServiceToken(ctx, tokOurs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ServiceToken{ID: tokOurs, Name: "cfzt-svctoken-web", ClientID: "ours.access", ClientSecretVersion: 1, Duration: "8760h"}, got, cmpopts.IgnoreFields(ServiceToken{}, "ExpiresAt", "CreatedAt", "UpdatedAt")); diff != "" {
		t.Errorf("GetServiceToken(...): -want, +got:\n%s", diff)
	}

	updated, err := c.UpdateServiceToken(ctx, created.ID, "cfzt-svctoken-new", "8760h")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("8760h", updated.Duration); diff != "" {
		t.Errorf("UpdateServiceToken(...) duration: -want, +got:\n%s", diff)
	}

	rotated, err := c.RotateServiceToken(ctx, created.ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if rotated.ClientSecret == "" || rotated.ClientSecret == created.ClientSecret {
		t.Errorf("RotateServiceToken(...): want a new secret")
	}

	if err := c.DeleteServiceToken(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteServiceToken(ctx, created.ID); err != nil {
		t.Errorf("DeleteServiceToken of a gone token: want nil, got %v", err)
	}
	if _, err := c.FindServiceToken(ctx, "cfzt-svctoken-new"); !IsNotFound(err) {
		t.Errorf("FindServiceToken after delete: want not found, got %v", err)
	}
}

func TestCreateServiceTokenSentOnce(t *testing.T) {
	cases := map[string]struct {
		reason string
		fault  fakecloudflare.Fault
	}{
		"ServerError": {
			reason: "A create answered 500 may have made a token whose secret we never saw; it is not sent again.",
			fault:  fakecloudflare.Fault{Operation: fakecloudflare.OpServiceTokenCreate, Status: 500},
		},
		"RateLimited": {
			reason: "A create answered 429 is not sent again either.",
			fault:  fakecloudflare.Fault{Operation: fakecloudflare.OpServiceTokenCreate, Status: 429, RetryAfter: time.Second},
		},
		"Timeout": {
			reason: "A create whose answer is slower than the caller's patience is not sent again.",
			fault:  fakecloudflare.Fault{Operation: fakecloudflare.OpServiceTokenCreate, Latency: 50 * time.Millisecond},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, url, count := newCountedFake(t, accessSeed())
			if _, err := f.AddFault(tc.fault); err != nil {
				t.Fatal(err)
			}
			c, _, _ := newTestClient(t, url)
			ctx := context.Background()
			if tc.fault.Latency > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.fault.Latency/5)
				defer cancel()
			}
			if _, err := c.CreateServiceToken(ctx, "cfzt-svctoken-new", ""); err == nil {
				t.Fatal("CreateServiceToken: want an error")
			}
			if diff := cmp.Diff(1, count.get(http.MethodPost+" /client/v4/accounts/"+testAccount+"/access/service_tokens")); diff != "" {
				t.Errorf("\n%s\ncreates sent: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestSecretRedacted(t *testing.T) {
	tok := ServiceToken{ID: "id", ClientSecret: Secret("s3cr3t")}
	for _, s := range []string{fmt.Sprintf("%v", tok), fmt.Sprintf("%+v", tok), fmt.Sprintf("%#v", tok), fmt.Sprint(tok.ClientSecret)} {
		if strings.Contains(s, "s3cr3t") {
			t.Errorf("%q shows the secret", s)
		}
	}
	if diff := cmp.Diff("s3cr3t", tok.ClientSecret.Reveal()); diff != "" {
		t.Errorf("Reveal(): -want, +got:\n%s", diff)
	}
}

func TestRotateServiceTokenWithOverlap(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f, url := newFake(t, accessSeed(), fakecloudflare.WithClock(func() time.Time { return now }))
	c, _, _ := newTestClient(t, url)
	ctx := context.Background()

	until := now.Add(24 * time.Hour)
	rotated, err := c.RotateServiceToken(ctx, tokOurs, until)
	if err != nil {
		t.Fatal(err)
	}
	var stored fakecloudflare.ServiceToken
	for _, st := range f.Snapshot().ServiceTokens {
		if st.ID == tokOurs {
			stored = st
		}
	}
	if diff := cmp.Diff("seeded-secret", stored.PreviousClientSecret); diff != "" {
		t.Errorf("the old secret becomes the previous one: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(until, stored.PreviousClientSecretExpiresAt); diff != "" {
		t.Errorf("Cloudflare is sent previous_client_secret_expires_at: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(stored.ClientSecret, rotated.ClientSecret.Reveal()); diff != "" || rotated.ClientSecret == "" {
		t.Errorf("RotateServiceToken returns the new secret: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(float64(2), rotated.ClientSecretVersion); diff != "" {
		t.Errorf("RotateServiceToken(...) client_secret_version: -want, +got:\n%s", diff)
	}
	if rotated.PreviousClientSecretExpiresAt == nil || !rotated.PreviousClientSecretExpiresAt.Equal(until) {
		t.Errorf("RotateServiceToken(...) previous_client_secret_expires_at: want %v, got %v", until, rotated.PreviousClientSecretExpiresAt)
	}

	// Without an overlap the old secret stops at once.
	if _, err := c.RotateServiceToken(ctx, tokOurs, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, st := range f.Snapshot().ServiceTokens {
		if st.ID == tokOurs && !st.PreviousClientSecretExpiresAt.Equal(now) {
			t.Errorf("a rotation without an overlap: want the previous secret to expire now, got %v", st.PreviousClientSecretExpiresAt)
		}
	}
	if diff := cmp.Diff(2, ops(f, fakecloudflare.OpServiceTokenRotate)); diff != "" {
		t.Errorf("rotations sent: -want, +got:\n%s", diff)
	}
}

func TestRefreshServiceToken(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f, url := newFake(t, accessSeed(), fakecloudflare.WithClock(func() time.Time { return now }))
	c, _, m := newTestClient(t, url)
	ctx := context.Background()

	created, err := c.CreateServiceToken(ctx, "cfzt-svctoken-new", "720h")
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(700 * time.Hour)
	refreshed, err := c.RefreshServiceToken(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(720 * time.Hour); refreshed.ExpiresAt == nil || !refreshed.ExpiresAt.Equal(want) {
		t.Errorf("RefreshServiceToken(...) expires_at: want %v, got %v", want, refreshed.ExpiresAt)
	}
	if diff := cmp.Diff(Secret(""), refreshed.ClientSecret); diff != "" {
		t.Errorf("a refreshed token carries no secret: -want, +got:\n%s", diff)
	}
	for _, st := range f.Snapshot().ServiceTokens {
		if st.ID == created.ID && st.ClientSecret != created.ClientSecret.Reveal() {
			t.Error("RefreshServiceToken changed the secret")
		}
	}
	got, err := c.GetServiceToken(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(refreshed.ExpiresAt, got.ExpiresAt); diff != "" {
		t.Errorf("GetServiceToken after a refresh reads the new expiry: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(1.0, value(t, m.requests.WithLabelValues(opServiceTokensRefresh, "2xx"))); diff != "" {
		t.Errorf("refreshes counted: -want, +got:\n%s", diff)
	}
}
