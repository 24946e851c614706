package e2e

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// tokenRoute publishes robot.example.com behind Access with an allow policy
// and a service token that lives two minutes, so that it is refreshed (at
// half its life) while the test watches.
const tokenRoute = `
apiVersion: v1
kind: Namespace
metadata:
  name: e2e-token
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: robot
  namespace: e2e-token
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: home
    cfzt.cloudflare.com/hostname: robot.example.com
    cfzt.cloudflare.com/access.enabled: "true"
    cfzt.cloudflare.com/access.allowEmails: dave@example.com
    cfzt.cloudflare.com/serviceToken.enabled: "true"
    cfzt.cloudflare.com/serviceToken.duration: 2m
spec:
  rules:
    - backendRefs:
        - name: robot
          port: 8080
`

// Annotations the provider writes on a service token's Secret.
const (
	annotationExpiresAt               = v1alpha1.AnnotationPrefix + "expires-at"
	annotationPreviousSecretExpiresAt = v1alpha1.AnnotationPrefix + "previous-client-secret-expires-at"
)

// TestServiceToken is scenario 7: a route's service token opens its Access
// application, through a non_identity policy of ours that includes only
// that token; a rotation asked for with an annotation puts a new secret in
// the Secret and leaves the old one working until the overlap ends; a token
// close to expiry is refreshed and keeps its secret; its expiry is on the
// provider's /metrics; and attach "false" takes the policy away again.
func TestServiceToken(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	cf := s.Cloudflare()
	const ns, name, host = "e2e-token", "robot", "robot.example.com"
	t.Cleanup(func() { unpublish(t, s, ns, name) })

	if err := s.ApplyYAML(t.Context(), []byte(tokenRoute)); err != nil {
		t.Fatal(err)
	}
	waitClaimReady(t, s, ns, name)

	// Admission: the policy exists, is non_identity, includes exactly the
	// route's token, and is attached to the app after the allow policy; a
	// request with the Secret's client ID and secret is let in.
	eventually(t, s, "the route's token to be admitted to its Access application", func(ctx context.Context) error {
		if err := checkTokenPolicy(cf.Snapshot(), host); err != nil {
			return err
		}
		id, secret, err := tokenSecret(ctx, s, ns, name)
		if err != nil {
			return err
		}
		if got := cf.CheckAccess(host, id, secret); !got.Admitted {
			return errors.Errorf("a request with the Secret's token is refused: %s", got.Reason)
		}
		return nil
	})

	// Manual rotation with a 30-second overlap.
	_, old, err := tokenSecret(t.Context(), s, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	annotateRoute(t, s, ns, name, map[string]string{
		v1alpha1.AnnotationServiceTokenRotationOverlap: "30s",
		v1alpha1.AnnotationServiceTokenRotate:          "2026-11-29",
	})
	var rotated string
	var overlapEnds time.Time
	eventually(t, s, "the rotation to put a new secret in the Secret", func(ctx context.Context) error {
		sec, err := secret(ctx, s, ns, name)
		if err != nil {
			return err
		}
		if string(sec.Data["client_secret"]) == old {
			return errors.New("the Secret still holds the old secret")
		}
		at, err := time.Parse(time.RFC3339, sec.Annotations[annotationPreviousSecretExpiresAt])
		if err != nil {
			return errors.Errorf("annotation %s: %v", annotationPreviousSecretExpiresAt, err)
		}
		rotated, overlapEnds = string(sec.Data["client_secret"]), at
		return nil
	})
	id, _, err := tokenSecret(t.Context(), s, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	if got := cf.CheckAccess(host, id, rotated); !got.Admitted {
		t.Errorf("the new secret is refused: %s", got.Reason)
	}
	if time.Now().Before(overlapEnds) {
		if got := cf.CheckAccess(host, id, old); !got.Admitted {
			t.Errorf("the old secret is refused before the overlap ends at %s: %s", overlapEnds, got.Reason)
		}
	}
	eventually(t, s, "the old secret to stop working when the overlap ends", func(context.Context) error {
		if got := cf.CheckAccess(host, id, old); got.Admitted {
			return errors.Errorf("the old secret is still admitted (overlap ends %s)", overlapEnds)
		}
		return nil
	})
	if now := time.Now(); now.Before(overlapEnds) {
		t.Errorf("the old secret stopped working at %s, before the overlap ended at %s", now, overlapEnds)
	}

	// Refresh: the two-minute token is refreshed at half its life; its
	// expiry moves on and its secret stays.
	before := serviceToken(cf.Snapshot(), "cfzt-"+host)
	if before == nil {
		t.Fatal("no service token cfzt-" + host)
	}
	eventually(t, s, "the token to be refreshed before it expires", func(ctx context.Context) error {
		now := serviceToken(cf.Snapshot(), "cfzt-"+host)
		if now == nil || !now.ExpiresAt.After(before.ExpiresAt) {
			return errors.Errorf("the token still expires at %s", before.ExpiresAt)
		}
		_, sec, err := tokenSecret(ctx, s, ns, name)
		if err != nil {
			return err
		}
		if sec != rotated {
			return errors.New("the refresh changed the secret in the Secret")
		}
		if got := cf.CheckAccess(host, id, sec); !got.Admitted {
			return errors.Errorf("the refreshed token is refused: %s", got.Reason)
		}
		return nil
	})

	// The expiry on /metrics, labelled by the route.
	eventually(t, s, "the token's expiry on the provider's /metrics", func(ctx context.Context) error {
		return checkExpiryMetric(ctx, s, ns, name, serviceToken(cf.Snapshot(), "cfzt-"+host))
	})

	// attach "false": the policy is detached and deleted; the token no
	// longer opens the app.
	annotateRoute(t, s, ns, name, map[string]string{v1alpha1.AnnotationServiceTokenAttach: "false"})
	eventually(t, s, "the token policy to be detached and deleted", func(ctx context.Context) error {
		snap := cf.Snapshot()
		if p := accessPolicy(snap, "cfzt-"+host+"-token"); p != nil {
			return errors.Errorf("policy %s (%s) still exists", p.Name, p.ID)
		}
		_, sec, err := tokenSecret(ctx, s, ns, name)
		if err != nil {
			return err
		}
		if got := cf.CheckAccess(host, id, sec); got.Admitted {
			return errors.Errorf("the token is still admitted by policy %s", got.PolicyID)
		}
		return nil
	})
}

// checkTokenPolicy checks that the route's token policy is non_identity,
// includes exactly its token, and is the app's last policy.
func checkTokenPolicy(snap fakecloudflare.Seed, host string) error {
	tok := serviceToken(snap, "cfzt-"+host)
	app := accessApp(snap, "cfzt-"+host)
	p := accessPolicy(snap, "cfzt-"+host+"-token")
	switch {
	case tok == nil:
		return errors.New("no service token yet")
	case app == nil:
		return errors.New("no Access application yet")
	case p == nil:
		return errors.New("no token policy yet")
	}
	if p.Decision != "non_identity" {
		return errors.Errorf("token policy decision %q, want non_identity", p.Decision)
	}
	want := []fakecloudflare.Rule{{"service_token": map[string]any{"token_id": tok.ID}}}
	if diff := cmp.Diff(want, p.Include); diff != "" {
		return errors.Errorf("token policy include: -want, +got:\n%s", diff)
	}
	if len(p.Exclude) > 0 || len(p.Require) > 0 {
		return errors.Errorf("token policy has exclude %v, require %v", p.Exclude, p.Require)
	}
	ids := make([]string, 0, len(app.Policies))
	for _, r := range slices.SortedFunc(slices.Values(app.Policies), func(a, b fakecloudflare.AppPolicyRef) int { return a.Precedence - b.Precedence }) {
		ids = append(ids, r.ID)
	}
	allow := accessPolicy(snap, "cfzt-"+host+"-allow")
	if allow == nil {
		return errors.New("no allow policy yet")
	}
	if diff := cmp.Diff([]string{allow.ID, p.ID}, ids); diff != "" {
		return errors.Errorf("app policies in precedence order: -want (allow, token), +got:\n%s", diff)
	}
	return nil
}

// secret returns the route's service token Secret.
func secret(ctx context.Context, s *stack.Stack, namespace, route string) (*corev1.Secret, error) {
	sec := &corev1.Secret{}
	err := s.Client().Get(ctx, types.NamespacedName{Namespace: namespace, Name: "cfzt-svctoken-" + route}, sec)
	return sec, err
}

// tokenSecret returns the client ID and secret in the route's Secret.
func tokenSecret(ctx context.Context, s *stack.Stack, namespace, route string) (id, secretValue string, err error) {
	sec, err := secret(ctx, s, namespace, route)
	if err != nil {
		return "", "", err
	}
	id, secretValue = string(sec.Data["client_id"]), string(sec.Data["client_secret"])
	if id == "" || secretValue == "" {
		return "", "", errors.Errorf("Secret %s/%s has no client_id or client_secret yet", namespace, sec.Name)
	}
	return id, secretValue, nil
}

// checkExpiryMetric checks the provider's expiry gauge of the route's token
// against the token's expiry in Cloudflare.
func checkExpiryMetric(ctx context.Context, s *stack.Stack, namespace, route string, tok *fakecloudflare.ServiceToken) error {
	if tok == nil {
		return errors.New("no service token")
	}
	body, err := get(ctx, s.ProviderMetricsURL())
	if err != nil {
		return err
	}
	re := regexp.MustCompile(`(?m)^cfzt_service_token_expiry_timestamp_seconds\{([^}]*)\} (\S+)$`)
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		if !strings.Contains(m[1], `namespace="`+namespace+`"`) || !strings.Contains(m[1], `route="`+route+`"`) {
			continue
		}
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return errors.Wrapf(err, "metric value %q", m[2])
		}
		// The gauge is written at each poll; the token may have been
		// refreshed since.
		if got := time.Unix(int64(v), 0); got.Before(tok.ExpiresAt.Add(-2*time.Minute)) || got.After(tok.ExpiresAt.Add(time.Second)) {
			return errors.Errorf("metric says the token expires at %s, Cloudflare says %s", got, tok.ExpiresAt)
		}
		return nil
	}
	return errors.Errorf("no cfzt_service_token_expiry_timestamp_seconds for %s/%s on /metrics", namespace, route)
}
