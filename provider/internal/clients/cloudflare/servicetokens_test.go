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
	if diff := cmp.Diff(ServiceToken{ID: created.ID, Name: "cfzt-svctoken-new", ClientID: stored.ClientID, Duration: "720h"}, created, cmpopts.IgnoreFields(ServiceToken{}, "ClientSecret", "ExpiresAt")); diff != "" {
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
	if diff := cmp.Diff(ServiceToken{ID: tokOurs, Name: "cfzt-svctoken-web", ClientID: "ours.access", Duration: "8760h"}, got, cmpopts.IgnoreFields(ServiceToken{}, "ExpiresAt")); diff != "" {
		t.Errorf("GetServiceToken(...): -want, +got:\n%s", diff)
	}

	updated, err := c.UpdateServiceToken(ctx, created.ID, "cfzt-svctoken-new", "8760h")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("8760h", updated.Duration); diff != "" {
		t.Errorf("UpdateServiceToken(...) duration: -want, +got:\n%s", diff)
	}

	rotated, err := c.RotateServiceToken(ctx, created.ID)
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
