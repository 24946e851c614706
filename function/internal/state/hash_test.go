package state

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestHash(t *testing.T) {
	annotations := map[string]string{
		v1alpha1.AnnotationEnabled:  "true",
		v1alpha1.AnnotationTenant:   "home",
		v1alpha1.AnnotationHostname: "app.example.com",
	}
	tenant := &v1alpha1.TenantSpec{AccountID: "0123456789abcdef0123456789abcdef", TunnelID: "6ff42ae2-765d-4adf-8112-31c55c1551ef"}
	enabled := true
	template := &v1alpha1.TemplateSpec{AccessApplication: &v1alpha1.AccessApplication{Enabled: &enabled}}

	base, err := Hash(HashInputs{Annotations: annotations, Tenant: tenant, BaseTemplate: template})
	if err != nil {
		t.Fatalf("Hash(...): unexpected error: %v", err)
	}

	t.Run("Canonical", func(t *testing.T) {
		// The document is JSON with every object's keys sorted.
		doc := `{"annotations":{"cfzt.cloudflare.com/enabled":"true","cfzt.cloudflare.com/hostname":"app.example.com","cfzt.cloudflare.com/tenant":"home"},` +
			`"base_template":{"accessApplication":{"enabled":true}},` +
			`"tenant":{"accountId":"0123456789abcdef0123456789abcdef","credentialRef":{"name":""},"tunnelId":"6ff42ae2-765d-4adf-8112-31c55c1551ef"}}`
		sum := sha256.Sum256([]byte(doc))
		if diff := cmp.Diff(hex.EncodeToString(sum[:]), base); diff != "" {
			t.Errorf("Hash(...): -want, +got:\n%s", diff)
		}
	})

	cases := map[string]struct {
		reason  string
		in      HashInputs
		changes bool
	}{
		"Same": {
			reason:  "The same inputs hash the same.",
			in:      HashInputs{Annotations: annotations, Tenant: tenant, BaseTemplate: template},
			changes: false,
		},
		"ResultAnnotation": {
			reason: "Annotations the route controller writes back do not count.",
			in: HashInputs{Annotations: map[string]string{
				v1alpha1.AnnotationEnabled:       "true",
				v1alpha1.AnnotationTenant:        "home",
				v1alpha1.AnnotationHostname:      "app.example.com",
				v1alpha1.AnnotationAccessAppID:   "abc",
				v1alpha1.AnnotationLastReconcile: "2026-01-01T00:00:00Z",
			}, Tenant: tenant, BaseTemplate: template},
			changes: false,
		},
		"Annotation": {
			reason: "A changed input annotation changes the hash.",
			in: HashInputs{Annotations: map[string]string{
				v1alpha1.AnnotationEnabled:  "true",
				v1alpha1.AnnotationTenant:   "home",
				v1alpha1.AnnotationHostname: "other.example.com",
			}, Tenant: tenant, BaseTemplate: template},
			changes: true,
		},
		"Template": {
			reason:  "A changed template changes the hash, so every route using it is rendered again.",
			in:      HashInputs{Annotations: annotations, Tenant: tenant, BaseTemplate: &v1alpha1.TemplateSpec{}},
			changes: true,
		},
		"TemplateLevel": {
			reason:  "The same spec as per-route rather than base template is a different input.",
			in:      HashInputs{Annotations: annotations, Tenant: tenant, Template: template},
			changes: true,
		},
		"Tenant": {
			reason:  "A changed Tenant changes the hash.",
			in:      HashInputs{Annotations: annotations, Tenant: &v1alpha1.TenantSpec{TunnelID: "x"}, BaseTemplate: template},
			changes: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Hash(tc.in)
			if err != nil {
				t.Fatalf("\n%s\nHash(...): unexpected error: %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.changes, got != base); diff != "" {
				t.Errorf("\n%s\nHash(...) changed: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
