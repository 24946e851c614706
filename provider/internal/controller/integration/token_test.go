package integration

import (
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

const backupJobTokenID = "f2a4c6e8-1b3d-4f5a-8c7e-9d0b1a2c3e01"

func serviceToken(name, tokenName string) *v1alpha1.ServiceToken {
	st := &v1alpha1.ServiceToken{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.ServiceTokenSpec{ForProvider: v1alpha1.ServiceTokenParameters{
			Name:     tokenName,
			Duration: "8760h",
		}},
	}
	st.SetWriteConnectionSecretToReference(&xpv2.SecretReference{Namespace: "default", Name: "cfzt-svctoken-" + name})
	return st
}

// tokensNamed returns the fake's service tokens called name.
func (h *harness) tokensNamed(name string) []fakecloudflare.ServiceToken {
	return named(h.fake.Snapshot().ServiceTokens, name, func(st fakecloudflare.ServiceToken) string { return st.Name })
}

// connectionSecret returns the data of st's connection Secret.
func (h *harness) connectionSecret(t *testing.T, st *v1alpha1.ServiceToken) map[string][]byte {
	t.Helper()
	ref := st.GetWriteConnectionSecretToReference()
	s := &corev1.Secret{}
	if err := h.kube.Get(t.Context(), types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name}, s); err != nil {
		return nil
	}
	return s.Data
}

// checkCredentials waits until st's connection Secret holds the client ID
// and secret of the fake's only token called name, and returns that token.
func (h *harness) checkCredentials(t *testing.T, st *v1alpha1.ServiceToken, name string) fakecloudflare.ServiceToken {
	t.Helper()
	var tok fakecloudflare.ServiceToken
	eventually(t, "the connection Secret", func() (bool, error) {
		ts := h.tokensNamed(name)
		if len(ts) != 1 {
			return false, fmt.Errorf("%d tokens called %s", len(ts), name)
		}
		tok = ts[0]
		d := h.connectionSecret(t, st)
		// Compare without printing the secret.
		return string(d["client_id"]) == tok.ClientID && string(d["client_secret"]) == tok.ClientSecret && tok.ClientSecret != "",
			fmt.Errorf("the Secret's keys do not hold the token's client ID and secret")
	})
	return tok
}

// checkBackupJobIntact fails unless the seeded foreign token is as the seed
// has it.
func (h *harness) checkBackupJobIntact(t *testing.T) {
	t.Helper()
	ts := h.tokensNamed("backup-job")
	if len(ts) != 1 || ts[0].ID != backupJobTokenID || ts[0].ClientID != "1a2b3c4d5e6f708192a3b4c5d6e7f801.access" ||
		ts[0].ClientSecret != "8f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0" || ts[0].Duration != "8760h" {
		t.Errorf("the foreign token backup-job changed")
	}
}

// TestServiceTokenLifecycle creates a token once, publishes its client ID
// and secret, keeps the secret across observations, repairs a dashboard
// edit of its duration without rotating it, and deletes it.
func TestServiceTokenLifecycle(t *testing.T) {
	h := setup(t)
	const name = "cfzt-token-lifecycle.example.com"
	st := serviceToken("token-lifecycle", name)
	h.create(t, st)
	h.waitReady(t, st)
	tok := h.checkCredentials(t, st, name)
	if st.GetAnnotations()["crossplane.io/external-name"] != tok.ID || st.Status.AtProvider.ClientID != tok.ClientID || st.Status.AtProvider.ExpiresAt == nil {
		t.Errorf("external name %q and status %+v do not match token %s", st.GetAnnotations()["crossplane.io/external-name"], st.Status.AtProvider, tok.ID)
	}
	h.checkBackupJobIntact(t)

	t.Run("SecretKeptAcrossObservations", func(t *testing.T) {
		time.Sleep(3 * pollInterval)
		if got := h.checkCredentials(t, st, name); got.ClientSecret != tok.ClientSecret {
			t.Errorf("the token was rotated while nothing changed")
		}
	})

	t.Run("DurationDriftRepaired", func(t *testing.T) {
		if _, err := h.fake.Edit("PUT", "/accounts/"+accountID+"/access/service_tokens/"+tok.ID,
			map[string]any{"name": name, "duration": "24h"}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the duration's repair", func() (bool, error) {
			ts := h.tokensNamed(name)
			return len(ts) == 1 && ts[0].Duration == "8760h", fmt.Errorf("tokens %d, duration %v", len(ts), ts)
		})
		if got := h.checkCredentials(t, st, name); got.ClientSecret != tok.ClientSecret {
			t.Errorf("repairing the duration rotated the token")
		}
	})

	t.Run("Deleted", func(t *testing.T) {
		h.deleteAndWait(t, st)
		if ts := h.tokensNamed(name); len(ts) != 0 {
			t.Errorf("the token is still in the fake")
		}
		h.checkBackupJobIntact(t)
	})
}

// TestServiceTokenLostCreate adopts a token a create whose reply was lost
// left behind, rotating it to obtain the secret, rather than creating a
// second one. The token is made in Cloudflare behind the client's back, and
// the ServiceToken is left as the provider that sent the create and stopped
// leaves it (external-create-pending, no external name): finds trust the
// shared cache, and only that annotation tells the next Observe to read the
// tokens afresh.
func TestServiceTokenLostCreate(t *testing.T) {
	h := setup(t)
	const name = "cfzt-token-lost.example.com"
	if _, err := h.fake.Edit("POST", "/accounts/"+accountID+"/access/service_tokens", map[string]any{"name": name}); err != nil {
		t.Fatal(err)
	}
	orphan := h.tokensNamed(name)[0]
	st := serviceToken("token-lost", name)
	h.createIncomplete(t, st)
	h.waitReady(t, st)
	tok := h.checkCredentials(t, st, name)
	if tok.ID != orphan.ID || tok.ClientSecret == orphan.ClientSecret {
		t.Errorf("want token %s adopted and rotated, got token %s (rotated: %t)", orphan.ID, tok.ID, tok.ClientSecret != orphan.ClientSecret)
	}
	h.deleteAndWait(t, st)
	h.checkBackupJobIntact(t)
}
