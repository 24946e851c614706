package integration

import (
	"fmt"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// Seeded Access objects (examples/fake-cloudflare/seed.yaml).
const (
	homeUsersPolicyID = "9c4e2a7f-1b3d-4f5e-8a9b-0c1d2e3f4a01"
	adminsGroupID     = "3e8a1c5f-7b2d-4e9a-8c6f-1a2b3c4d5e02"
	legacyAppID       = "d7f1b3a5-2c4e-4d6f-9a8b-7c6d5e4f3a01"
)

func accessApp(name, domain string, m ...func(*v1alpha1.AccessAppParameters)) *v1alpha1.AccessApp {
	a := &v1alpha1.AccessApp{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.AccessAppSpec{ForProvider: v1alpha1.AccessAppParameters{
			Name:             "cfzt-" + domain,
			Domain:           domain,
			SessionDuration:  "12h",
			SkipInterstitial: new(true),
		}},
	}
	for _, f := range m {
		f(&a.Spec.ForProvider)
	}
	return a
}

func accessPolicy(name, policyName string) *v1alpha1.AccessPolicy {
	return &v1alpha1.AccessPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.AccessPolicySpec{ForProvider: v1alpha1.AccessPolicyParameters{
			Name:          policyName,
			IncludeGroups: []string{"Admins"},
			IncludeEmails: []string{"dave@example.com"},
		}},
	}
}

// app returns the fake's application with id.
func (h *harness) app(id string) (fakecloudflare.AccessApp, bool) {
	for _, a := range h.fake.Snapshot().AccessApps {
		if a.ID == id {
			return a, true
		}
	}
	return fakecloudflare.AccessApp{}, false
}

// appsNamed returns the fake's applications called name.
func (h *harness) appsNamed(name string) []fakecloudflare.AccessApp {
	return named(h.fake.Snapshot().AccessApps, name, func(a fakecloudflare.AccessApp) string { return a.Name })
}

// policy returns the fake's policy with id.
func (h *harness) policy(id string) (fakecloudflare.AccessPolicy, bool) {
	for _, p := range h.fake.Snapshot().AccessPolicies {
		if p.ID == id {
			return p, true
		}
	}
	return fakecloudflare.AccessPolicy{}, false
}

// policyIDs returns the application's policies in precedence order.
func policyIDs(a fakecloudflare.AccessApp) []string {
	refs := slices.Clone(a.Policies)
	slices.SortFunc(refs, func(x, y fakecloudflare.AppPolicyRef) int { return x.Precedence - y.Precedence })
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	return ids
}

// checkLegacyIntact fails unless the seeded foreign application and the
// policy it uses are as the seed has them.
func (h *harness) checkLegacyIntact(t *testing.T) {
	t.Helper()
	a, ok := h.app(legacyAppID)
	if !ok || a.Name != "Legacy" || a.Domain != "legacy.example.com" || a.Extra["skip_interstitial"] != true ||
		!slices.Equal(policyIDs(a), []string{homeUsersPolicyID}) {
		t.Errorf("the foreign application Legacy changed: %+v", a)
	}
	if p, ok := h.policy(homeUsersPolicyID); !ok || p.Name != "Allow Home Users" || len(p.Include) != 1 {
		t.Errorf("the seeded policy Allow Home Users changed: %+v", p)
	}
}

// TestAccessLifecycle creates a reusable policy and an application that
// uses a seeded policy by name and the new one by reference, repairs
// dashboard edits to both, and deletes them together.
func TestAccessLifecycle(t *testing.T) {
	h := setup(t)
	const host = "access-lifecycle.example.com"
	pol := accessPolicy("access-lifecycle-allow", "cfzt-"+host+"-allow")
	h.create(t, pol)
	app := accessApp("access-lifecycle", host, func(p *v1alpha1.AccessAppParameters) {
		p.ExistingPolicyNames = []string{"Allow Home Users"}
		p.PolicyIDRefs = []xpv2.Reference{{Name: pol.GetName()}}
	})
	h.create(t, app)
	h.waitReady(t, pol)
	h.waitReady(t, app)

	policyID := pol.GetAnnotations()["crossplane.io/external-name"]
	p, ok := h.policy(policyID)
	if !ok || p.Name != "cfzt-"+host+"-allow" || p.Decision != "allow" {
		t.Fatalf("want the policy %s in the fake, got %+v", policyID, p)
	}
	if want := []string{adminsGroupID}; !slices.Equal(pol.Status.AtProvider.GroupIDs, want) {
		t.Errorf("policy status.atProvider.groupIds: want %v, got %v", want, pol.Status.AtProvider.GroupIDs)
	}
	appID := app.GetAnnotations()["crossplane.io/external-name"]
	a, ok := h.app(appID)
	if !ok || a.Name != "cfzt-"+host || a.Domain != host || a.Extra["skip_interstitial"] != true {
		t.Fatalf("want the application %s in the fake, got %+v", appID, a)
	}
	want := []string{homeUsersPolicyID, policyID}
	if got := policyIDs(a); !slices.Equal(got, want) {
		t.Errorf("application policies: want %v, got %v", want, got)
	}
	if app.Status.AtProvider.AUD != a.AUD || app.Status.AtProvider.AUD == "" || !slices.Equal(app.Status.AtProvider.PolicyIDs, want) {
		t.Errorf("application status.atProvider: %+v, fake has aud %q", app.Status.AtProvider, a.AUD)
	}
	h.checkLegacyIntact(t)

	t.Run("ApplicationDriftRepaired", func(t *testing.T) {
		a, _ := h.app(appID)
		a.Extra["skip_interstitial"] = false
		a.Policies = []fakecloudflare.AppPolicyRef{{ID: policyID, Precedence: 1}}
		if _, err := h.fake.Edit("PUT", "/accounts/"+accountID+"/access/apps/"+appID, a); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the application's repair", func() (bool, error) {
			a, _ := h.app(appID)
			return a.Extra["skip_interstitial"] == true && slices.Equal(policyIDs(a), want),
				fmt.Errorf("skip_interstitial %v, policies %v", a.Extra["skip_interstitial"], policyIDs(a))
		})
	})

	t.Run("PolicyDriftRepaired", func(t *testing.T) {
		p, _ := h.policy(policyID)
		p.Include = append(p.Include, fakecloudflare.Rule{"everyone": map[string]any{}})
		if _, err := h.fake.Edit("PUT", "/accounts/"+accountID+"/access/policies/"+policyID, p); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the policy's repair", func() (bool, error) {
			p, _ := h.policy(policyID)
			return len(p.Include) == 2, fmt.Errorf("include %v", p.Include)
		})
	})

	t.Run("DeletedTogether", func(t *testing.T) {
		// The policy cannot go while the application uses it: its delete is
		// retried until the application's is done.
		if err := h.kube.Delete(t.Context(), pol); err != nil {
			t.Fatal(err)
		}
		h.deleteAndWait(t, app)
		h.waitGone(t, pol)
		if _, ok := h.app(appID); ok {
			t.Errorf("the application %s is still in the fake", appID)
		}
		if _, ok := h.policy(policyID); ok {
			t.Errorf("the policy %s is still in the fake", policyID)
		}
		h.checkLegacyIntact(t)
	})
}

// TestAccessAppConflict refuses to create an application for a hostname a
// foreign application protects, and writes nothing.
func TestAccessAppConflict(t *testing.T) {
	h := setup(t)
	app := accessApp("access-conflict", "legacy.example.com")
	h.create(t, app)
	h.waitFor(t, app, xpv2.TypeSynced, corev1.ConditionFalse, "not managed by cfzt")
	if got := h.appsNamed("cfzt-legacy.example.com"); len(got) != 0 {
		t.Errorf("an application was created next to Legacy: %+v", got)
	}
	h.deleteAndWait(t, app)
	h.checkLegacyIntact(t)
}

// TestAccessAppUnknownPolicy reports a policy name that matches no policy,
// by name, and creates nothing until it exists.
func TestAccessAppUnknownPolicy(t *testing.T) {
	h := setup(t)
	const host = "access-unknown.example.com"
	app := accessApp("access-unknown", host, func(p *v1alpha1.AccessAppParameters) {
		p.ExistingPolicyNames = []string{"No Such Policy"}
	})
	h.create(t, app)
	h.waitFor(t, app, xpv2.TypeSynced, corev1.ConditionFalse, `"No Such Policy"`)
	if got := h.appsNamed("cfzt-" + host); len(got) != 0 {
		t.Errorf("an application was created without its policy: %+v", got)
	}
	h.deleteAndWait(t, app)
}
