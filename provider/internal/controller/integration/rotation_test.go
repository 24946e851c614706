package integration

import (
	"fmt"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/controller/servicetoken"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// secretAnnotations returns the annotations of st's connection Secret.
func (h *harness) secretAnnotations(t *testing.T, st *v1alpha1.ServiceToken) map[string]string {
	t.Helper()
	ref := st.GetWriteConnectionSecretToReference()
	s := &corev1.Secret{}
	if err := h.kube.Get(t.Context(), types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}, s); err != nil {
		return nil
	}
	return s.GetAnnotations()
}

// TestServiceTokenRotate rotates a token by a new spec.forProvider.rotate:
// the connection Secret gets the new secret, the old one keeps working for
// the rotation overlap, and Access admits both meanwhile.
func TestServiceTokenRotate(t *testing.T) {
	h := setup(t)
	const (
		name     = "cfzt-token-rotate.example.com"
		hostname = "token-rotate.example.com"
	)
	st := serviceToken("token-rotate", name)
	st.Spec.ForProvider.RotationOverlap = "1h"
	h.create(t, st)
	h.waitReady(t, st)
	old := h.checkCredentials(t, st, name)
	if diff := old.ExpiresAt.UTC().Format(time.RFC3339); h.secretAnnotations(t, st)[servicetoken.AnnotationExpiresAt] != diff {
		t.Errorf("the connection Secret's %s: want %s, got %q", servicetoken.AnnotationExpiresAt, diff, h.secretAnnotations(t, st)[servicetoken.AnnotationExpiresAt])
	}

	// Access admits the token through a Service Auth policy that includes
	// it by ID.
	pol := accessPolicy("token-rotate-policy", "cfzt-"+hostname+"-token")
	pol.Spec.ForProvider.Decision = "non_identity"
	pol.Spec.ForProvider.IncludeGroups, pol.Spec.ForProvider.IncludeEmails = nil, nil
	pol.Spec.ForProvider.IncludeServiceTokenIDs = []string{old.ID}
	h.create(t, pol)
	h.waitReady(t, pol)
	app := accessApp("token-rotate-app", hostname, func(p *v1alpha1.AccessAppParameters) {
		p.ExistingPolicyNames = []string{pol.Spec.ForProvider.Name}
	})
	h.create(t, app)
	h.waitReady(t, app)
	if c := h.fake.CheckAccess(hostname, old.ClientID, old.ClientSecret); !c.Admitted {
		t.Fatalf("before the rotation Access refuses the token: %s", c.Reason)
	}

	rotatedAt := time.Now()
	h.update(t, st, func() { st.Spec.ForProvider.Rotate = "2026-01-01" })
	var tok fakecloudflare.ServiceToken
	eventually(t, "the rotated secret in the connection Secret", func() (bool, error) {
		ts := h.tokensNamed(name)
		if len(ts) != 1 {
			return false, fmt.Errorf("%d tokens called %s", len(ts), name)
		}
		tok = ts[0]
		d := h.connectionSecret(t, st)
		return tok.ClientSecret != old.ClientSecret && string(d["client_secret"]) == tok.ClientSecret,
			fmt.Errorf("the token or its connection Secret still has the old secret")
	})
	if tok.ID != old.ID || tok.ClientID != old.ClientID || tok.PreviousClientSecret != old.ClientSecret {
		t.Errorf("the rotation must keep the token and its client ID and make the old secret the previous one")
	}
	if lo, hi := rotatedAt.Add(time.Hour-time.Minute), time.Now().Add(time.Hour+time.Minute); tok.PreviousClientSecretExpiresAt.Before(lo) || tok.PreviousClientSecretExpiresAt.After(hi) {
		t.Errorf("the old secret must work for the overlap of 1h: it stops at %v", tok.PreviousClientSecretExpiresAt)
	}
	for what, secret := range map[string]string{"new": tok.ClientSecret, "old": old.ClientSecret} {
		if c := h.fake.CheckAccess(hostname, tok.ClientID, secret); !c.Admitted {
			t.Errorf("during the overlap Access refuses the %s secret: %s", what, c.Reason)
		}
	}
	if c := h.fake.CheckAccess(hostname, tok.ClientID, "not-the-secret"); c.Admitted {
		t.Errorf("Access admits a wrong secret")
	}

	eventually(t, "the rotation in the status and the Secret's annotations", func() (bool, error) {
		if err := h.get(t, st); err != nil {
			return false, err
		}
		at := st.Status.AtProvider
		a := h.secretAnnotations(t, st)
		return at.Rotated == "2026-01-01" && at.RotatedAt != nil && at.PreviousSecretExpiresAt != nil &&
				a[servicetoken.AnnotationPreviousClientSecretExpiresAt] == at.PreviousSecretExpiresAt.UTC().Format(time.RFC3339),
			fmt.Errorf("status %+v, annotations %v", at, a)
	})

	// The rotation is carried out once.
	time.Sleep(3 * pollInterval)
	if got := h.checkCredentials(t, st, name); got.ClientSecret != tok.ClientSecret {
		t.Errorf("the token was rotated again while spec.forProvider.rotate stayed the same")
	}
	h.deleteAndWait(t, app)
	h.deleteAndWait(t, pol)
	h.deleteAndWait(t, st)
}

// TestServiceTokenRefresh refreshes a short-lived token at half its life:
// its expiry moves on, its secret stays.
func TestServiceTokenRefresh(t *testing.T) {
	h := setup(t)
	const name = "cfzt-token-refresh.example.com"
	st := serviceToken("token-refresh", name)
	// Refreshed once less than 10s (half its life) are left.
	st.Spec.ForProvider.Duration = "20s"
	h.create(t, st)
	h.waitReady(t, st)
	tok := h.checkCredentials(t, st, name)
	first := tok.ExpiresAt

	eventually(t, "the refresh", func() (bool, error) {
		ts := h.tokensNamed(name)
		return len(ts) == 1 && ts[0].ExpiresAt.After(first), fmt.Errorf("tokens %d, expiry not after %v", len(ts), first)
	})
	if got := h.checkCredentials(t, st, name); got.ClientSecret != tok.ClientSecret || got.ClientSecretVersion > 1 {
		t.Errorf("refreshing the token changed its secret")
	}
	if ops := h.fake.WriteCount(fakecloudflare.OpServiceTokenRefresh); ops == 0 {
		t.Errorf("no refresh was sent")
	}
	eventually(t, "the new expiry in the status and the Secret's annotation", func() (bool, error) {
		if err := h.get(t, st); err != nil {
			return false, err
		}
		at := st.Status.AtProvider.ExpiresAt
		a := h.secretAnnotations(t, st)[servicetoken.AnnotationExpiresAt]
		return at != nil && at.After(first) && a == at.UTC().Format(time.RFC3339), fmt.Errorf("status %v, annotation %q", at, a)
	})
	h.deleteAndWait(t, st)
}

// TestAccessPolicyServiceTokens writes a policy's service token include
// rules, and puts them back after a dashboard edit removes them.
func TestAccessPolicyServiceTokens(t *testing.T) {
	h := setup(t)
	const name = "cfzt-policy-tokens.example.com"
	st := serviceToken("policy-tokens", name)
	h.create(t, st)
	h.waitReady(t, st)
	tok := h.checkCredentials(t, st, name)

	pol := accessPolicy("policy-tokens", "cfzt-policy-tokens.example.com-token")
	pol.Spec.ForProvider.Decision = "non_identity"
	pol.Spec.ForProvider.IncludeGroups = nil
	pol.Spec.ForProvider.IncludeServiceTokenIDs = []string{tok.ID}
	h.create(t, pol)
	h.waitReady(t, pol)
	id := pol.GetAnnotations()["crossplane.io/external-name"]
	want := fakecloudflare.Rule{"service_token": map[string]any{"token_id": tok.ID}}
	hasToken := func() (bool, error) {
		p, _ := h.policy(id)
		return slices.ContainsFunc(p.Include, func(r fakecloudflare.Rule) bool { return fmt.Sprint(r) == fmt.Sprint(want) }),
			fmt.Errorf("include %v", p.Include)
	}
	eventually(t, "the service token rule", hasToken)

	p, _ := h.policy(id)
	p.Include = slices.DeleteFunc(p.Include, func(r fakecloudflare.Rule) bool { return r["service_token"] != nil })
	if _, err := h.fake.Edit("PUT", "/accounts/"+accountID+"/access/policies/"+id, p); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the service token rule's repair", hasToken)
	h.deleteAndWait(t, pol)
	h.deleteAndWait(t, st)
}
