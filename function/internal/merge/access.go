package merge

import (
	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/validate"
)

// access merges the Access application settings. It returns where enabled
// came from, for the mode checks.
func (m *merger) access() (Access, value[bool]) {
	enabled := m.flag(v1alpha1.AnnotationAccessEnabled, "spec.accessApplication.enabled",
		func(s *v1alpha1.TemplateSpec) *bool { return s.AccessApplication.Enabled }, false)

	session := m.text(v1alpha1.AnnotationAccessSessionDuration, "spec.accessApplication.sessionDuration",
		func(s *v1alpha1.TemplateSpec) string { return s.AccessApplication.SessionDuration }, DefaultSessionDuration)
	m.check(session, validate.Duration)

	groups := m.list(v1alpha1.AnnotationAccessAllowGroups, "spec.accessApplication.allowGroups",
		func(s *v1alpha1.TemplateSpec) []string { return s.AccessApplication.AllowGroups })
	emails := m.list(v1alpha1.AnnotationAccessAllowEmails, "spec.accessApplication.allowEmails",
		func(s *v1alpha1.TemplateSpec) []string { return s.AccessApplication.AllowEmails })
	m.checkEach(emails, validate.Email)
	policies := m.list(v1alpha1.AnnotationAccessExistingPolicyNames, "spec.accessApplication.existingPolicyNames",
		func(s *v1alpha1.TemplateSpec) []string { return s.AccessApplication.ExistingPolicyNames })

	autoRedirect := m.flag(v1alpha1.AnnotationAccessAutoRedirectToIdentity, "spec.accessApplication.autoRedirectToIdentity",
		func(s *v1alpha1.TemplateSpec) *bool { return s.AccessApplication.AutoRedirectToIdentity }, false)
	bindingCookie := m.flag(v1alpha1.AnnotationAccessEnableBindingCookie, "spec.accessApplication.enableBindingCookie",
		func(s *v1alpha1.TemplateSpec) *bool { return s.AccessApplication.EnableBindingCookie }, false)
	httpOnly := m.flag(v1alpha1.AnnotationAccessHTTPOnlyCookieAttribute, "spec.accessApplication.httpOnlyCookieAttribute",
		func(s *v1alpha1.TemplateSpec) *bool { return s.AccessApplication.HTTPOnlyCookieAttribute }, true)
	sameSite := m.text(v1alpha1.AnnotationAccessSameSiteCookieAttribute, "spec.accessApplication.sameSiteCookieAttribute",
		func(s *v1alpha1.TemplateSpec) string { return s.AccessApplication.SameSiteCookieAttribute }, DefaultSameSiteCookieAttribute)
	m.check(sameSite, validate.SameSite)
	logo := m.text("", "spec.accessApplication.logoUrl",
		func(s *v1alpha1.TemplateSpec) string { return s.AccessApplication.LogoURL }, "")
	m.check(logo, validate.WebURL)
	skipInterstitial := m.flag(v1alpha1.AnnotationAccessSkipInterstitial, "spec.accessApplication.skipInterstitial",
		func(s *v1alpha1.TemplateSpec) *bool { return s.AccessApplication.SkipInterstitial }, false)
	launcher := m.flag(v1alpha1.AnnotationAccessAppLauncherVisible, "spec.accessApplication.appLauncherVisible",
		func(s *v1alpha1.TemplateSpec) *bool { return s.AccessApplication.AppLauncherVisible }, true)
	redirect401 := m.flag(v1alpha1.AnnotationAccessServiceAuth401Redirect, "spec.accessApplication.serviceAuth401Redirect",
		func(s *v1alpha1.TemplateSpec) *bool { return s.AccessApplication.ServiceAuth401Redirect }, false)
	denyMessage := m.text("", "spec.accessApplication.customDenyMessage",
		func(s *v1alpha1.TemplateSpec) string { return s.AccessApplication.CustomDenyMessage }, "")
	denyURL := m.text("", "spec.accessApplication.customDenyUrl",
		func(s *v1alpha1.TemplateSpec) string { return s.AccessApplication.CustomDenyURL }, "")
	m.check(denyURL, validate.WebURL)
	nonIdentityDenyURL := m.text("", "spec.accessApplication.customNonIdentityDenyUrl",
		func(s *v1alpha1.TemplateSpec) string { return s.AccessApplication.CustomNonIdentityDenyURL }, "")
	m.check(nonIdentityDenyURL, validate.WebURL)

	return Access{
		Enabled:                  enabled.v,
		SessionDuration:          session.v,
		AllowGroups:              groups.v,
		AllowEmails:              emails.v,
		ExistingPolicyNames:      policies.v,
		AutoRedirectToIdentity:   autoRedirect.v,
		EnableBindingCookie:      bindingCookie.v,
		HTTPOnlyCookieAttribute:  httpOnly.v,
		SameSiteCookieAttribute:  sameSite.v,
		LogoURL:                  logo.v,
		SkipInterstitial:         skipInterstitial.v,
		AppLauncherVisible:       launcher.v,
		ServiceAuth401Redirect:   redirect401.v,
		CustomDenyMessage:        denyMessage.v,
		CustomDenyURL:            denyURL.v,
		CustomNonIdentityDenyURL: nonIdentityDenyURL.v,
	}, enabled
}

// serviceToken merges the service token settings. It returns where enabled
// came from, for the mode checks.
func (m *merger) serviceToken() (ServiceToken, value[bool]) {
	enabled := m.flag(v1alpha1.AnnotationServiceTokenEnabled, "spec.serviceToken.enabled",
		func(s *v1alpha1.TemplateSpec) *bool { return s.ServiceToken.Enabled }, false)
	duration := m.text(v1alpha1.AnnotationServiceTokenDuration, "spec.serviceToken.duration",
		func(s *v1alpha1.TemplateSpec) string { return s.ServiceToken.Duration }, DefaultServiceTokenDuration)
	m.check(duration, validate.Duration)
	attach := m.flag(v1alpha1.AnnotationServiceTokenAttach, "spec.serviceToken.attach",
		func(s *v1alpha1.TemplateSpec) *bool { return s.ServiceToken.Attach }, true)
	// A rotation is asked for by changing a value on the route itself, never
	// by a template shared with other routes.
	rotate, _ := m.annotation(v1alpha1.AnnotationServiceTokenRotate)
	every := m.text(v1alpha1.AnnotationServiceTokenRotateEvery, "spec.serviceToken.rotateEvery",
		func(s *v1alpha1.TemplateSpec) string { return s.ServiceToken.RotateEvery }, "")
	m.check(every, validate.Duration)
	overlap := m.text(v1alpha1.AnnotationServiceTokenRotationOverlap, "spec.serviceToken.rotationOverlap",
		func(s *v1alpha1.TemplateSpec) string { return s.ServiceToken.RotationOverlap }, DefaultRotationOverlap)
	m.check(overlap, validate.Duration)
	refresh := m.text(v1alpha1.AnnotationServiceTokenRefreshBefore, "spec.serviceToken.refreshBefore",
		func(s *v1alpha1.TemplateSpec) string { return s.ServiceToken.RefreshBefore }, DefaultRefreshBefore)
	m.check(refresh, validate.Duration)
	return ServiceToken{
		Enabled:         enabled.v,
		Duration:        duration.v,
		Attach:          attach.v,
		Rotate:          rotate,
		RotateEvery:     every.v,
		RotationOverlap: overlap.v,
		RefreshBefore:   refresh.v,
	}, enabled
}
