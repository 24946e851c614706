package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestMergeAccessErrors(t *testing.T) {
	annotated := func(k, v string) Inputs {
		return Inputs{Route: testRoute, BackendRef: backend(), Tenant: testTenant(), Annotations: map[string]string{k: v}}
	}
	templated := func(fn func(*v1alpha1.TemplateSpec)) Inputs {
		return Inputs{Route: testRoute, BackendRef: backend(), Tenant: testTenant(), Template: template("protected", fn)}
	}
	cases := map[string]struct {
		reason string
		in     Inputs
		want   string
	}{
		"SessionDurationAnnotation": {
			reason: "An invalid session duration annotation names the annotation and value.",
			in:     annotated(v1alpha1.AnnotationAccessSessionDuration, "1 day"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.sessionDuration: "1 day" is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`,
		},
		"SessionDurationTemplate": {
			reason: "An invalid session duration in a template names the template and field.",
			in:     templated(func(s *v1alpha1.TemplateSpec) { accessApp(s).SessionDuration = "0h" }),
			want:   `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.accessApplication.sessionDuration: "0h" must be longer than zero, such as "24h"`,
		},
		"EmailAnnotation": {
			reason: "An invalid email in the allowEmails list names the item.",
			in:     annotated(v1alpha1.AnnotationAccessAllowEmails, "alice@example.com, bob"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.allowEmails: "bob" is not an email address; use a bare address such as alice@example.com`,
		},
		"EmailTemplate": {
			reason: "An invalid email in a template names the template and field.",
			in:     templated(func(s *v1alpha1.TemplateSpec) { accessApp(s).AllowEmails = []string{"Bob <bob@example.com>"} }),
			want:   `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.accessApplication.allowEmails: "Bob <bob@example.com>" is not an email address; use a bare address such as alice@example.com`,
		},
		"SameSite": {
			reason: "An invalid SameSite attribute names the annotation.",
			in:     annotated(v1alpha1.AnnotationAccessSameSiteCookieAttribute, "Lax"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.sameSiteCookieAttribute: "Lax" must be "none", "lax" or "strict"`,
		},
		"Enabled": {
			reason: "access.enabled must be true or false.",
			in:     annotated(v1alpha1.AnnotationAccessEnabled, "yes"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.enabled: "yes" must be "true" or "false"`,
		},
		"AutoRedirect": {
			reason: "access.autoRedirectToIdentity must be true or false.",
			in:     annotated(v1alpha1.AnnotationAccessAutoRedirectToIdentity, "on"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.autoRedirectToIdentity: "on" must be "true" or "false"`,
		},
		"BindingCookie": {
			reason: "access.enableBindingCookie must be true or false.",
			in:     annotated(v1alpha1.AnnotationAccessEnableBindingCookie, "TRUE"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.enableBindingCookie: "TRUE" must be "true" or "false"`,
		},
		"HTTPOnly": {
			reason: "access.httpOnlyCookieAttribute must be true or false.",
			in:     annotated(v1alpha1.AnnotationAccessHTTPOnlyCookieAttribute, "no"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.httpOnlyCookieAttribute: "no" must be "true" or "false"`,
		},
		"SkipInterstitial": {
			reason: "access.skipInterstitial must be true or false.",
			in:     annotated(v1alpha1.AnnotationAccessSkipInterstitial, "0"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.skipInterstitial: "0" must be "true" or "false"`,
		},
		"AppLauncher": {
			reason: "access.appLauncherVisible must be true or false.",
			in:     annotated(v1alpha1.AnnotationAccessAppLauncherVisible, "visible"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.appLauncherVisible: "visible" must be "true" or "false"`,
		},
		"Redirect401": {
			reason: "access.serviceAuth401Redirect must be true or false.",
			in:     annotated(v1alpha1.AnnotationAccessServiceAuth401Redirect, "y"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.serviceAuth401Redirect: "y" must be "true" or "false"`,
		},
		"LogoURL": {
			reason: "A logo that is not a web URL names the template and field.",
			in:     templated(func(s *v1alpha1.TemplateSpec) { accessApp(s).LogoURL = "logo.png" }),
			want:   `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.accessApplication.logoUrl: "logo.png" is not an http or https URL; use one such as https://example.com/denied`,
		},
		"CustomDenyURL": {
			reason: "A deny page that is not a web URL names the template and field.",
			in:     templated(func(s *v1alpha1.TemplateSpec) { accessApp(s).CustomDenyURL = "/denied" }),
			want:   `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.accessApplication.customDenyUrl: "/denied" is not an http or https URL; use one such as https://example.com/denied`,
		},
		"CustomNonIdentityDenyURL": {
			reason: "A non-identity deny page that is not a web URL names the template and field.",
			in:     templated(func(s *v1alpha1.TemplateSpec) { accessApp(s).CustomNonIdentityDenyURL = "mailto:ops@example.com" }),
			want:   `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.accessApplication.customNonIdentityDenyUrl: "mailto:ops@example.com" is not an http or https URL; use one such as https://example.com/denied`,
		},
		"TokenEnabled": {
			reason: "serviceToken.enabled must be true or false.",
			in:     annotated(v1alpha1.AnnotationServiceTokenEnabled, "enabled"),
			want:   `cannot use annotation cfzt.cloudflare.com/serviceToken.enabled: "enabled" must be "true" or "false"`,
		},
		"TokenDurationAnnotation": {
			reason: "An invalid token duration names the annotation.",
			in:     annotated(v1alpha1.AnnotationServiceTokenDuration, "1y"),
			want:   `cannot use annotation cfzt.cloudflare.com/serviceToken.duration: "1y" is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`,
		},
		"TokenDurationTemplate": {
			reason: "An invalid token duration in a template names the template and field.",
			in:     templated(func(s *v1alpha1.TemplateSpec) { token(s).Duration = "-1h" }),
			want:   `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.serviceToken.duration: "-1h" must be longer than zero, such as "24h"`,
		},
		"TokenAttach": {
			reason: "serviceToken.attach must be true or false.",
			in:     annotated(v1alpha1.AnnotationServiceTokenAttach, "no"),
			want:   `cannot use annotation cfzt.cloudflare.com/serviceToken.attach: "no" must be "true" or "false"`,
		},
		"TokenRotateEveryAnnotation": {
			reason: "An invalid rotation period names the annotation and says what to use.",
			in:     annotated(v1alpha1.AnnotationServiceTokenRotateEvery, "30d"),
			want:   `cannot use annotation cfzt.cloudflare.com/serviceToken.rotateEvery: "30d" is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`,
		},
		"TokenRotateEveryTemplate": {
			reason: "An invalid rotation period in a template names the template and field.",
			in:     templated(func(s *v1alpha1.TemplateSpec) { token(s).RotateEvery = "0s" }),
			want:   `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.serviceToken.rotateEvery: "0s" must be longer than zero, such as "24h"`,
		},
		"TokenRotationOverlapAnnotation": {
			reason: "An invalid rotation overlap names the annotation.",
			in:     annotated(v1alpha1.AnnotationServiceTokenRotationOverlap, "a day"),
			want:   `cannot use annotation cfzt.cloudflare.com/serviceToken.rotationOverlap: "a day" is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`,
		},
		"TokenRotationOverlapTemplate": {
			reason: "An invalid rotation overlap in a template names the template and field.",
			in:     templated(func(s *v1alpha1.TemplateSpec) { token(s).RotationOverlap = "-24h" }),
			want:   `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.serviceToken.rotationOverlap: "-24h" must be longer than zero, such as "24h"`,
		},
		"TokenRefreshBeforeAnnotation": {
			reason: "An invalid refresh margin names the annotation.",
			in:     annotated(v1alpha1.AnnotationServiceTokenRefreshBefore, "1 month"),
			want:   `cannot use annotation cfzt.cloudflare.com/serviceToken.refreshBefore: "1 month" is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`,
		},
		"TokenRefreshBeforeTemplate": {
			reason: "An invalid refresh margin in a template names the template and field.",
			in:     templated(func(s *v1alpha1.TemplateSpec) { token(s).RefreshBefore = "720" }),
			want:   `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.serviceToken.refreshBefore: "720" is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Merge(tc.in)
			if diff := cmp.Diff(tc.want, message(err)); diff != "" {
				t.Errorf("\n%s\nMerge(...): -want error, +got error:\n%s", tc.reason, diff)
			}
		})
	}
}
