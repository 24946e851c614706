package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/function/internal/merge"
)

func TestAccessApp(t *testing.T) {
	app := func(extra string) string {
		return `{
			"apiVersion": "cfzt.cloudflare.com/v1alpha1",
			"kind": "AccessApp",
			"metadata": {"labels": ` + labelsJSON + `},
			"spec": {
				"providerConfigRef": {"name": "cloudflare-zero-trust.home"},
				"forProvider": {
					"name": "cfzt-app.example.com",
					"domain": "app.example.com",
					"sessionDuration": "24h",
					"autoRedirectToIdentity": false,
					"enableBindingCookie": false,
					"httpOnlyCookieAttribute": true,
					"sameSiteCookieAttribute": "lax",
					"skipInterstitial": false,
					"appLauncherVisible": true,
					"serviceAuth401Redirect": false` + extra + `
				}
			}
		}`
	}
	withPolicy := func(id string, mutate func(*merge.Settings)) Inputs {
		in := testInputs(mutate)
		in.PolicyID = id
		return in
	}
	withPolicies := func(allowID, tokenPolicy string, mutate func(*merge.Settings)) Inputs {
		in := withTokenID(tokenID, mutate)
		in.PolicyID = allowID
		in.TokenPolicyID = tokenPolicy
		return in
	}
	cases := map[string]struct {
		reason string
		in     Inputs
		want   string
	}{
		"Defaults": {
			reason: "The application carries every Access setting, defaults included.",
			in:     testInputs(func(s *merge.Settings) { s.Access.Enabled = true }),
			want:   app(""),
		},
		"ExistingPolicies": {
			reason: "Existing policies are attached by name, in order.",
			in: testInputs(func(s *merge.Settings) {
				s.Access.Enabled = true
				s.Access.ExistingPolicyNames = []string{"Allow Home Users", "ADAUTH"}
			}),
			want: app(`, "existingPolicyNames": ["Allow Home Users", "ADAUTH"]`),
		},
		"OptionalStrings": {
			reason: "Logo and deny settings appear only when set.",
			in: testInputs(func(s *merge.Settings) {
				s.Access.Enabled = true
				s.Access.LogoURL = "https://example.com/logo.png"
				s.Access.CustomDenyMessage = "No"
				s.Access.CustomDenyURL = "https://example.com/denied"
				s.Access.CustomNonIdentityDenyURL = "https://example.com/bots"
			}),
			want: app(`, "logoUrl": "https://example.com/logo.png", "customDenyMessage": "No",
				"customDenyUrl": "https://example.com/denied", "customNonIdentityDenyUrl": "https://example.com/bots"`),
		},
		"OwnPolicyObserved": {
			reason: "Once the route's allow policy exists its ID is attached.",
			in: withPolicy("5c2b0d1e-9f3a-4b7c-8d6e-1a2b3c4d5e6f", func(s *merge.Settings) {
				s.Access.Enabled = true
				s.Access.AllowGroups = []string{"admins"}
			}),
			want: app(`, "policyIds": ["5c2b0d1e-9f3a-4b7c-8d6e-1a2b3c4d5e6f"]`),
		},
		"OwnPolicyNotYetObserved": {
			reason: "Before the allow policy exists nothing is attached by ID.",
			in: withPolicy("", func(s *merge.Settings) {
				s.Access.Enabled = true
				s.Access.AllowEmails = []string{"alice@example.com"}
			}),
			want: app(""),
		},
		"PolicyDropped": {
			reason: "When the route no longer allows groups or emails, a still observed policy is detached.",
			in: withPolicy("5c2b0d1e-9f3a-4b7c-8d6e-1a2b3c4d5e6f", func(s *merge.Settings) {
				s.Access.Enabled = true
			}),
			want: app(""),
		},
		"TokenPolicyObserved": {
			reason: "Once the token policy exists it is attached by ID after the allow policy, so that people are matched first.",
			in: withPolicies("5c2b0d1e-9f3a-4b7c-8d6e-1a2b3c4d5e6f", tokenPolicyID, func(s *merge.Settings) {
				s.Access.Enabled = true
				s.Access.AllowGroups = []string{"admins"}
				s.ServiceToken.Enabled = true
			}),
			want: app(`, "policyIds": ["5c2b0d1e-9f3a-4b7c-8d6e-1a2b3c4d5e6f", "` + tokenPolicyID + `"]`),
		},
		"TokenPolicyOnly": {
			reason: "A route without an allow policy of its own is attached to the token policy alone, after its existing policies by name.",
			in: withPolicies("", tokenPolicyID, func(s *merge.Settings) {
				s.Access.Enabled = true
				s.Access.ExistingPolicyNames = []string{"Allow Home Users"}
				s.ServiceToken.Enabled = true
			}),
			want: app(`, "existingPolicyNames": ["Allow Home Users"], "policyIds": ["` + tokenPolicyID + `"]`),
		},
		"TokenPolicyNotYetObserved": {
			reason: "Before the token policy exists only the allow policy is attached.",
			in: withPolicies("5c2b0d1e-9f3a-4b7c-8d6e-1a2b3c4d5e6f", "", func(s *merge.Settings) {
				s.Access.Enabled = true
				s.Access.AllowGroups = []string{"admins"}
				s.ServiceToken.Enabled = true
			}),
			want: app(`, "policyIds": ["5c2b0d1e-9f3a-4b7c-8d6e-1a2b3c4d5e6f"]`),
		},
		"TokenDetached": {
			reason: "When attach turns off, a still observed token policy is detached before Crossplane deletes it.",
			in: withPolicies("", tokenPolicyID, func(s *merge.Settings) {
				s.Access.Enabled = true
				s.ServiceToken.Enabled = true
				s.ServiceToken.Attach = false
			}),
			want: app(""),
		},
		"TokenDisabled": {
			reason: "When the service token is turned off, a still observed token policy is detached.",
			in: withPolicies("", tokenPolicyID, func(s *merge.Settings) {
				s.Access.Enabled = true
			}),
			want: app(""),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			u, err := AccessApp(tc.in)
			if err != nil {
				t.Fatalf("\n%s\nAccessApp(...): unexpected error: %v", tc.reason, err)
			}
			if diff := cmp.Diff(resource.MustStructJSON(tc.want), asStruct(t, u), protocmp.Transform()); diff != "" {
				t.Errorf("\n%s\nAccessApp(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestAccessPolicy(t *testing.T) {
	in := testInputs(func(s *merge.Settings) {
		s.Access.Enabled = true
		s.Access.AllowGroups = []string{"admins", "ops"}
		s.Access.AllowEmails = []string{"alice@example.com"}
	})
	want := resource.MustStructJSON(`{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind": "AccessPolicy",
		"metadata": {"labels": ` + labelsJSON + `},
		"spec": {
			"providerConfigRef": {"name": "cloudflare-zero-trust.home"},
			"forProvider": {
				"name": "cfzt-app.example.com-allow",
				"decision": "allow",
				"includeGroups": ["admins", "ops"],
				"includeEmails": ["alice@example.com"]
			}
		}
	}`)
	u, err := AccessPolicy(in)
	if err != nil {
		t.Fatalf("AccessPolicy(...): unexpected error: %v", err)
	}
	if diff := cmp.Diff(want, asStruct(t, u), protocmp.Transform()); diff != "" {
		t.Errorf("AccessPolicy(...): the allow policy includes the groups and emails: -want, +got:\n%s", diff)
	}
}

func TestTokenPolicy(t *testing.T) {
	in := withTokenID(tokenID, accessAndToken)
	want := resource.MustStructJSON(`{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind": "AccessPolicy",
		"metadata": {"labels": ` + labelsJSON + `},
		"spec": {
			"providerConfigRef": {"name": "cloudflare-zero-trust.home"},
			"forProvider": {
				"name": "cfzt-app.example.com-token",
				"decision": "non_identity",
				"includeServiceTokenIds": ["` + tokenID + `"]
			}
		}
	}`)
	u, err := TokenPolicy(in)
	if err != nil {
		t.Fatalf("TokenPolicy(...): unexpected error: %v", err)
	}
	if diff := cmp.Diff(want, asStruct(t, u), protocmp.Transform()); diff != "" {
		t.Errorf("TokenPolicy(...): the token policy is a non_identity policy including only the route's token: -want, +got:\n%s", diff)
	}
}
