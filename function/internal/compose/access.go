package compose

import (
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/merge"
)

// needsPolicy reports whether a route gets its own allow policy: only when
// it allows groups or emails, as in the operator this project replaces.
func needsPolicy(a merge.Access) bool {
	return len(a.AllowGroups) > 0 || len(a.AllowEmails) > 0
}

// attachesToken reports whether a route's Access application is to admit
// its service token through a policy of its own: when it has both an Access
// application and a service token, and the token is to be attached.
func attachesToken(s merge.Settings) bool {
	return s.Access.Enabled && s.ServiceToken.Enabled && s.ServiceToken.Attach
}

// hasTokenPolicy reports whether a route gets a policy admitting its service
// token: when it attaches its token and the token exists, since the policy
// names it by ID.
func hasTokenPolicy(in Inputs) bool {
	return attachesToken(in.Settings) && in.ServiceTokenID != ""
}

// AccessApp returns the route's self-hosted Access application. Existing
// policies are attached by name. The route's own allow policy and then its
// token policy are attached by ID once they exist (WaitForPolicies holds a
// new application back until then); the provider puts the policies attached
// by name first. The IDs are taken from the observed policies rather than
// through references so that dropping a policy also detaches it.
func AccessApp(in Inputs) (*composed.Unstructured, error) {
	a := in.Settings.Access
	p := v1alpha1.AccessAppParameters{
		Name:                     AppName(in.Settings.Hostname),
		Domain:                   in.Settings.Hostname,
		SessionDuration:          a.SessionDuration,
		AutoRedirectToIdentity:   &a.AutoRedirectToIdentity,
		EnableBindingCookie:      &a.EnableBindingCookie,
		HTTPOnlyCookieAttribute:  &a.HTTPOnlyCookieAttribute,
		SameSiteCookieAttribute:  a.SameSiteCookieAttribute,
		LogoURL:                  a.LogoURL,
		SkipInterstitial:         &a.SkipInterstitial,
		AppLauncherVisible:       &a.AppLauncherVisible,
		ServiceAuth401Redirect:   &a.ServiceAuth401Redirect,
		CustomDenyMessage:        a.CustomDenyMessage,
		CustomDenyURL:            a.CustomDenyURL,
		CustomNonIdentityDenyURL: a.CustomNonIdentityDenyURL,
		ExistingPolicyNames:      a.ExistingPolicyNames,
	}
	if needsPolicy(a) && in.PolicyID != "" {
		p.PolicyIDs = append(p.PolicyIDs, in.PolicyID)
	}
	if hasTokenPolicy(in) && in.TokenPolicyID != "" {
		p.PolicyIDs = append(p.PolicyIDs, in.TokenPolicyID)
	}
	return newObject(v1alpha1.AccessAppGroupVersionKind, Labels(in.Route), v1alpha1.AccessAppSpec{
		ClusterManagedResourceSpec: in.providerConfig(),
		ForProvider:                p,
	})
}

// AccessPolicy returns the route's reusable allow policy for its groups and
// emails.
func AccessPolicy(in Inputs) (*composed.Unstructured, error) {
	a := in.Settings.Access
	return newObject(v1alpha1.AccessPolicyGroupVersionKind, Labels(in.Route), v1alpha1.AccessPolicySpec{
		ClusterManagedResourceSpec: in.providerConfig(),
		ForProvider: v1alpha1.AccessPolicyParameters{
			Name:          PolicyName(in.Settings.Hostname),
			Decision:      "allow",
			IncludeGroups: a.AllowGroups,
			IncludeEmails: a.AllowEmails,
		},
	})
}

// TokenPolicy returns the reusable non_identity policy that admits the
// route's service token, and only it, to the route's Access application.
func TokenPolicy(in Inputs) (*composed.Unstructured, error) {
	return newObject(v1alpha1.AccessPolicyGroupVersionKind, Labels(in.Route), v1alpha1.AccessPolicySpec{
		ClusterManagedResourceSpec: in.providerConfig(),
		ForProvider: v1alpha1.AccessPolicyParameters{
			Name:                   TokenPolicyName(in.Settings.Hostname),
			Decision:               "non_identity",
			IncludeServiceTokenIDs: []string{in.ServiceTokenID},
		},
	})
}
