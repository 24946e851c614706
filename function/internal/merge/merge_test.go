package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// TestMergePrecedence checks every setting at every level: the route's
// annotation wins over the per-route template, which wins over the base
// template, which wins over the built-in default.
func TestMergePrecedence(t *testing.T) {
	type want struct {
		annotation any
		template   any
		base       any
		def        any
	}
	cases := map[string]struct {
		reason string
		// key is the annotation that sets the setting, "" when none does.
		key   string
		value string
		// setup applies to the base template in every scenario.
		setup    func(*v1alpha1.TemplateSpec)
		template func(*v1alpha1.TemplateSpec)
		base     func(*v1alpha1.TemplateSpec)
		get      func(Settings) any
		want     want
	}{
		"OriginURL": {
			reason:   "origin.url beats the templates' originService.url, which beat the backendRef.",
			key:      v1alpha1.AnnotationOriginURL,
			value:    "https://annotated.web.svc:443",
			template: func(s *v1alpha1.TemplateSpec) { originSvc(s).URL = "https://per-route.web.svc:443" },
			base:     func(s *v1alpha1.TemplateSpec) { originSvc(s).URL = "https://traefik.traefik.svc:443" },
			get:      func(s Settings) any { return s.Origin.URL },
			want:     want{"https://annotated.web.svc:443", "https://per-route.web.svc:443", "https://traefik.traefik.svc:443", "http://app.web.svc.cluster.local:8080"},
		},
		"NoTLSVerify": {
			reason:   "origin.noTLSVerify beats originTLS.noTLSVerify.",
			key:      v1alpha1.AnnotationOriginNoTLSVerify,
			value:    "false",
			template: func(s *v1alpha1.TemplateSpec) { originTLS(s).NoTLSVerify = new(true) },
			base:     func(s *v1alpha1.TemplateSpec) { originTLS(s).NoTLSVerify = new(false) },
			get:      func(s Settings) any { return s.Origin.NoTLSVerify },
			want:     want{false, true, false, false},
		},
		"OriginServerName": {
			reason:   "originServerName comes from templates, {{ hostname }} expanded, and defaults to the hostname.",
			template: func(s *v1alpha1.TemplateSpec) { originTLS(s).OriginServerName = "sni.{{ hostname }}" },
			base:     func(s *v1alpha1.TemplateSpec) { originTLS(s).OriginServerName = "{{hostname}}" },
			get:      func(s Settings) any { return s.Origin.OriginServerName },
			want:     want{template: "sni.app.example.com", base: "app.example.com", def: "app.example.com"},
		},
		"CAPool": {
			reason:   "caPool comes from templates.",
			template: func(s *v1alpha1.TemplateSpec) { originTLS(s).CAPool = "/etc/ca/route.pem" },
			base:     func(s *v1alpha1.TemplateSpec) { originTLS(s).CAPool = "/etc/ca/base.pem" },
			get:      func(s Settings) any { return s.Origin.CAPool },
			want:     want{template: "/etc/ca/route.pem", base: "/etc/ca/base.pem", def: ""},
		},
		"TLSTimeout": {
			reason:   "tlsTimeout comes from templates and defaults to 10.",
			template: func(s *v1alpha1.TemplateSpec) { originTLS(s).TLSTimeout = new(int64(15)) },
			base:     func(s *v1alpha1.TemplateSpec) { originTLS(s).TLSTimeout = new(int64(20)) },
			get:      func(s Settings) any { return s.Origin.TLSTimeout },
			want:     want{template: int64(15), base: int64(20), def: int64(10)},
		},
		"HTTP2Origin": {
			reason:   "http2Origin comes from templates.",
			template: func(s *v1alpha1.TemplateSpec) { originTLS(s).HTTP2Origin = new(false) },
			base:     func(s *v1alpha1.TemplateSpec) { originTLS(s).HTTP2Origin = new(true) },
			get:      func(s Settings) any { return s.Origin.HTTP2Origin },
			want:     want{template: false, base: true, def: false},
		},
		"MatchSNIToHost": {
			reason:   "matchSNIToHost comes from templates.",
			template: func(s *v1alpha1.TemplateSpec) { originTLS(s).MatchSNIToHost = new(true) },
			base:     func(s *v1alpha1.TemplateSpec) { originTLS(s).MatchSNIToHost = new(false) },
			get:      func(s Settings) any { return s.Origin.MatchSNIToHost },
			want:     want{template: true, base: false, def: false},
		},
		"AccessEnabled": {
			reason:   "access.enabled beats accessApplication.enabled, even when it turns Access off.",
			key:      v1alpha1.AnnotationAccessEnabled,
			value:    "false",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).Enabled = new(true) },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).Enabled = new(false) },
			get:      func(s Settings) any { return s.Access.Enabled },
			want:     want{false, true, false, false},
		},
		"SessionDuration": {
			reason:   "access.sessionDuration beats accessApplication.sessionDuration; the default is 24h.",
			key:      v1alpha1.AnnotationAccessSessionDuration,
			value:    "30m",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).SessionDuration = "8h" },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).SessionDuration = "12h" },
			get:      func(s Settings) any { return s.Access.SessionDuration },
			want:     want{"30m", "8h", "12h", "24h"},
		},
		"AllowGroups": {
			reason:   "access.allowGroups, a comma list, beats accessApplication.allowGroups.",
			key:      v1alpha1.AnnotationAccessAllowGroups,
			value:    " admins, ops ,",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).AllowGroups = []string{"route-group"} },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).AllowGroups = []string{"base-group", "other"} },
			get:      func(s Settings) any { return s.Access.AllowGroups },
			want:     want{[]string{"admins", "ops"}, []string{"route-group"}, []string{"base-group", "other"}, []string(nil)},
		},
		"AllowEmails": {
			reason:   "access.allowEmails, a comma list, beats accessApplication.allowEmails.",
			key:      v1alpha1.AnnotationAccessAllowEmails,
			value:    "alice@example.com,bob@example.com",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).AllowEmails = []string{"carol@example.com"} },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).AllowEmails = []string{"dave@example.com"} },
			get:      func(s Settings) any { return s.Access.AllowEmails },
			want:     want{[]string{"alice@example.com", "bob@example.com"}, []string{"carol@example.com"}, []string{"dave@example.com"}, []string(nil)},
		},
		"ExistingPolicyNames": {
			reason:   "access.existingPolicyNames, a comma list, beats accessApplication.existingPolicyNames.",
			key:      v1alpha1.AnnotationAccessExistingPolicyNames,
			value:    "Allow Home Users, Allow Admins",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).ExistingPolicyNames = []string{"ADAUTH"} },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).ExistingPolicyNames = []string{"ServiceCred"} },
			get:      func(s Settings) any { return s.Access.ExistingPolicyNames },
			want:     want{[]string{"Allow Home Users", "Allow Admins"}, []string{"ADAUTH"}, []string{"ServiceCred"}, []string(nil)},
		},
		"AutoRedirectToIdentity": {
			reason:   "access.autoRedirectToIdentity beats the templates.",
			key:      v1alpha1.AnnotationAccessAutoRedirectToIdentity,
			value:    "true",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).AutoRedirectToIdentity = new(false) },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).AutoRedirectToIdentity = new(true) },
			get:      func(s Settings) any { return s.Access.AutoRedirectToIdentity },
			want:     want{true, false, true, false},
		},
		"EnableBindingCookie": {
			reason:   "access.enableBindingCookie beats the templates.",
			key:      v1alpha1.AnnotationAccessEnableBindingCookie,
			value:    "true",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).EnableBindingCookie = new(false) },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).EnableBindingCookie = new(true) },
			get:      func(s Settings) any { return s.Access.EnableBindingCookie },
			want:     want{true, false, true, false},
		},
		"HTTPOnlyCookieAttribute": {
			reason:   "access.httpOnlyCookieAttribute beats the templates; the default is true.",
			key:      v1alpha1.AnnotationAccessHTTPOnlyCookieAttribute,
			value:    "false",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).HTTPOnlyCookieAttribute = new(true) },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).HTTPOnlyCookieAttribute = new(false) },
			get:      func(s Settings) any { return s.Access.HTTPOnlyCookieAttribute },
			want:     want{false, true, false, true},
		},
		"SameSiteCookieAttribute": {
			reason:   "access.sameSiteCookieAttribute beats the templates; the default is lax.",
			key:      v1alpha1.AnnotationAccessSameSiteCookieAttribute,
			value:    "strict",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).SameSiteCookieAttribute = "none" },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).SameSiteCookieAttribute = "strict" },
			get:      func(s Settings) any { return s.Access.SameSiteCookieAttribute },
			want:     want{"strict", "none", "strict", "lax"},
		},
		"LogoURL": {
			reason:   "logoUrl comes from templates.",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).LogoURL = "https://{{ hostname }}/logo.png" },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).LogoURL = "https://example.com/logo.png" },
			get:      func(s Settings) any { return s.Access.LogoURL },
			want:     want{template: "https://app.example.com/logo.png", base: "https://example.com/logo.png", def: ""},
		},
		"SkipInterstitial": {
			reason:   "access.skipInterstitial beats the templates.",
			key:      v1alpha1.AnnotationAccessSkipInterstitial,
			value:    "true",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).SkipInterstitial = new(false) },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).SkipInterstitial = new(true) },
			get:      func(s Settings) any { return s.Access.SkipInterstitial },
			want:     want{true, false, true, false},
		},
		"AppLauncherVisible": {
			reason:   "access.appLauncherVisible beats the templates; the default is true.",
			key:      v1alpha1.AnnotationAccessAppLauncherVisible,
			value:    "false",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).AppLauncherVisible = new(true) },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).AppLauncherVisible = new(false) },
			get:      func(s Settings) any { return s.Access.AppLauncherVisible },
			want:     want{false, true, false, true},
		},
		"ServiceAuth401Redirect": {
			reason:   "access.serviceAuth401Redirect beats the templates.",
			key:      v1alpha1.AnnotationAccessServiceAuth401Redirect,
			value:    "true",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).ServiceAuth401Redirect = new(false) },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).ServiceAuth401Redirect = new(true) },
			get:      func(s Settings) any { return s.Access.ServiceAuth401Redirect },
			want:     want{true, false, true, false},
		},
		"CustomDenyMessage": {
			reason:   "customDenyMessage comes from templates, {{ hostname }} expanded.",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).CustomDenyMessage = "{{ hostname }} is private" },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).CustomDenyMessage = "Go away" },
			get:      func(s Settings) any { return s.Access.CustomDenyMessage },
			want:     want{template: "app.example.com is private", base: "Go away", def: ""},
		},
		"CustomDenyURL": {
			reason:   "customDenyUrl comes from templates.",
			template: func(s *v1alpha1.TemplateSpec) { accessApp(s).CustomDenyURL = "https://example.com/route-denied" },
			base:     func(s *v1alpha1.TemplateSpec) { accessApp(s).CustomDenyURL = "https://example.com/denied" },
			get:      func(s Settings) any { return s.Access.CustomDenyURL },
			want:     want{template: "https://example.com/route-denied", base: "https://example.com/denied", def: ""},
		},
		"CustomNonIdentityDenyURL": {
			reason: "customNonIdentityDenyUrl comes from templates.",
			template: func(s *v1alpha1.TemplateSpec) {
				accessApp(s).CustomNonIdentityDenyURL = "https://example.com/route-bots"
			},
			base: func(s *v1alpha1.TemplateSpec) { accessApp(s).CustomNonIdentityDenyURL = "https://example.com/bots" },
			get:  func(s Settings) any { return s.Access.CustomNonIdentityDenyURL },
			want: want{template: "https://example.com/route-bots", base: "https://example.com/bots", def: ""},
		},
		"ServiceTokenEnabled": {
			reason:   "serviceToken.enabled beats the templates.",
			key:      v1alpha1.AnnotationServiceTokenEnabled,
			value:    "true",
			template: func(s *v1alpha1.TemplateSpec) { token(s).Enabled = new(false) },
			base:     func(s *v1alpha1.TemplateSpec) { token(s).Enabled = new(true) },
			get:      func(s Settings) any { return s.ServiceToken.Enabled },
			want:     want{true, false, true, false},
		},
		"ServiceTokenDuration": {
			reason:   "serviceToken.duration beats the templates; the default is 8760h.",
			key:      v1alpha1.AnnotationServiceTokenDuration,
			value:    "720h",
			template: func(s *v1alpha1.TemplateSpec) { token(s).Duration = "48h" },
			base:     func(s *v1alpha1.TemplateSpec) { token(s).Duration = "2160h" },
			get:      func(s Settings) any { return s.ServiceToken.Duration },
			want:     want{"720h", "48h", "2160h", "8760h"},
		},
		"ServiceTokenAttach": {
			reason:   "serviceToken.attach beats the templates, even when it turns attaching off; the default is true.",
			key:      v1alpha1.AnnotationServiceTokenAttach,
			value:    "false",
			template: func(s *v1alpha1.TemplateSpec) { token(s).Attach = new(true) },
			base:     func(s *v1alpha1.TemplateSpec) { token(s).Attach = new(false) },
			get:      func(s Settings) any { return s.ServiceToken.Attach },
			want:     want{false, true, false, true},
		},
		"ServiceTokenRotate": {
			reason:   "serviceToken.rotate comes only from the route's annotation, any value; templates have no such field.",
			key:      v1alpha1.AnnotationServiceTokenRotate,
			value:    "2026-11-29 leaked in a log",
			template: func(*v1alpha1.TemplateSpec) {},
			base:     func(*v1alpha1.TemplateSpec) {},
			get:      func(s Settings) any { return s.ServiceToken.Rotate },
			want:     want{"2026-11-29 leaked in a log", "", "", ""},
		},
		"ServiceTokenRotateEvery": {
			reason:   "serviceToken.rotateEvery beats the templates; by default the secret is never rotated on its own.",
			key:      v1alpha1.AnnotationServiceTokenRotateEvery,
			value:    "720h",
			template: func(s *v1alpha1.TemplateSpec) { token(s).RotateEvery = "168h" },
			base:     func(s *v1alpha1.TemplateSpec) { token(s).RotateEvery = "2160h" },
			get:      func(s Settings) any { return s.ServiceToken.RotateEvery },
			want:     want{"720h", "168h", "2160h", ""},
		},
		"ServiceTokenRotationOverlap": {
			reason:   "serviceToken.rotationOverlap beats the templates; the default is 24h.",
			key:      v1alpha1.AnnotationServiceTokenRotationOverlap,
			value:    "1h",
			template: func(s *v1alpha1.TemplateSpec) { token(s).RotationOverlap = "12h" },
			base:     func(s *v1alpha1.TemplateSpec) { token(s).RotationOverlap = "48h" },
			get:      func(s Settings) any { return s.ServiceToken.RotationOverlap },
			want:     want{"1h", "12h", "48h", "24h"},
		},
		"ServiceTokenRefreshBefore": {
			reason:   "serviceToken.refreshBefore beats the templates; the default is 720h.",
			key:      v1alpha1.AnnotationServiceTokenRefreshBefore,
			value:    "336h",
			template: func(s *v1alpha1.TemplateSpec) { token(s).RefreshBefore = "168h" },
			base:     func(s *v1alpha1.TemplateSpec) { token(s).RefreshBefore = "1440h" },
			get:      func(s Settings) any { return s.ServiceToken.RefreshBefore },
			want:     want{"336h", "168h", "1440h", "720h"},
		},
		"DNSOnlyEnabled": {
			reason:   "dnsOnly.enabled comes from templates, even when the per-route template turns it off.",
			setup:    func(s *v1alpha1.TemplateSpec) { dnsOnly(s).StaticIP = "192.0.2.10" },
			template: func(s *v1alpha1.TemplateSpec) { dnsOnly(s).Enabled = new(false) },
			base:     func(s *v1alpha1.TemplateSpec) { dnsOnly(s).Enabled = new(true) },
			get:      func(s Settings) any { return s.DNSOnly.Enabled },
			want:     want{template: false, base: true, def: false},
		},
		"Proxied": {
			reason:   "dnsOnly.proxied comes from templates.",
			setup:    enableDNSOnly,
			template: func(s *v1alpha1.TemplateSpec) { dnsOnly(s).Proxied = new(true) },
			base:     func(s *v1alpha1.TemplateSpec) { dnsOnly(s).Proxied = new(false) },
			get:      func(s Settings) any { return s.DNSOnly.Proxied },
			want:     want{template: true, base: false, def: false},
		},
		"TTL": {
			reason:   "dnsOnly.ttl comes from templates; the default is 120.",
			setup:    enableDNSOnly,
			template: func(s *v1alpha1.TemplateSpec) { dnsOnly(s).TTL = new(int64(300)) },
			base:     func(s *v1alpha1.TemplateSpec) { dnsOnly(s).TTL = new(int64(1)) },
			get:      func(s Settings) any { return s.DNSOnly.TTL },
			want:     want{template: int64(300), base: int64(1), def: int64(120)},
		},
		"Address": {
			reason: "dnsIp beats the templates' staticIp, which beats ingressServiceRef.",
			key:    v1alpha1.AnnotationDNSIP,
			value:  "192.168.1.50",
			setup: func(s *v1alpha1.TemplateSpec) {
				dnsOnly(s).Enabled = new(true)
				dnsOnly(s).IngressServiceRef = &v1alpha1.ServiceRef{Name: "traefik", Namespace: "traefik"}
			},
			template: func(s *v1alpha1.TemplateSpec) { dnsOnly(s).StaticIP = "192.0.2.20" },
			base:     func(s *v1alpha1.TemplateSpec) { dnsOnly(s).StaticIP = "2001:db8::30" },
			get:      func(s Settings) any { return [2]any{s.DNSOnly.IP, s.DNSOnly.Service} },
			want: want{
				annotation: [2]any{"192.168.1.50", (*ServiceRef)(nil)},
				template:   [2]any{"192.0.2.20", (*ServiceRef)(nil)},
				base:       [2]any{"2001:db8::30", (*ServiceRef)(nil)},
				def: [2]any{"", &ServiceRef{
					Namespace: "traefik", Name: "traefik",
					From: "CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.dnsOnly.ingressServiceRef",
				}},
			},
		},
	}
	for name, tc := range cases {
		scenarios := map[string]struct {
			annotate       bool
			template, base bool
			want           any
		}{
			"Annotation": {annotate: true, template: true, base: true, want: tc.want.annotation},
			"Template":   {template: true, base: true, want: tc.want.template},
			"Base":       {base: true, want: tc.want.base},
			"Default":    {want: tc.want.def},
		}
		for sname, sc := range scenarios {
			if sc.annotate && tc.key == "" {
				continue
			}
			t.Run(name+"/"+sname, func(t *testing.T) {
				annotations := map[string]string{}
				if sc.annotate {
					annotations[tc.key] = tc.value
				}
				perRoute := template("protected")
				if sc.template {
					tc.template(&perRoute.Spec)
				}
				base := template("base-home")
				if tc.setup != nil {
					tc.setup(&base.Spec)
				}
				if sc.base {
					tc.base(&base.Spec)
				}
				s, err := Merge(Inputs{
					Route:        testRoute,
					Annotations:  annotations,
					BackendRef:   backend(),
					Tenant:       testTenant(),
					Template:     perRoute,
					BaseTemplate: base,
				})
				if err != nil {
					t.Fatalf("\n%s\nMerge(...): unexpected error: %v", tc.reason, err)
				}
				if diff := cmp.Diff(sc.want, tc.get(s)); diff != "" {
					t.Errorf("\n%s\nMerge(...) at level %s: -want, +got:\n%s", tc.reason, sname, diff)
				}
			})
		}
	}
}

func TestMerge(t *testing.T) {
	type want struct {
		settings Settings
		err      string
	}
	cases := map[string]struct {
		reason string
		in     Inputs
		want   want
	}{
		"Defaults": {
			reason: "A route with nothing set gets the defaults of the operator this project replaces, its backendRef as origin and its hostname as SNI.",
			in:     Inputs{Route: testRoute, BackendRef: backend(), Tenant: testTenant()},
			want:   want{settings: merged()},
		},
		"SeedExample": {
			reason: "The base-home and protected templates of the article on the operator this project replaces merge as the article describes.",
			in: Inputs{
				Route:       testRoute,
				Annotations: map[string]string{v1alpha1.AnnotationTemplate: "protected"},
				BackendRef:  backend(),
				Tenant:      testTenant(),
				Template: template("protected", func(s *v1alpha1.TemplateSpec) {
					accessApp(s).Enabled = new(true)
					accessApp(s).SessionDuration = "8h"
					accessApp(s).ExistingPolicyNames = []string{"Allow Home Users"}
				}),
				BaseTemplate: template("base-home", func(s *v1alpha1.TemplateSpec) {
					originSvc(s).URL = "https://traefik.traefik.svc:443"
					originSvc(s).HTTPRedirect = new(true) //nolint:staticcheck // SA1019: the deprecated field is set on purpose.
					originTLS(s).NoTLSVerify = new(false)
					originTLS(s).OriginServerName = "{{ hostname }}"
					originTLS(s).TLSTimeout = new(int64(10))
					accessApp(s).Enabled = new(false)
					token(s).Enabled = new(false)
				}),
			},
			want: want{settings: merged(func(s *Settings) {
				s.Origin.URL = "https://traefik.traefik.svc:443"
				s.Access.Enabled = true
				s.Access.SessionDuration = "8h"
				s.Access.ExistingPolicyNames = []string{"Allow Home Users"}
			})},
		},
		"TunnelIDAnnotation": {
			reason: "The tunnelId annotation overrides the Tenant's tunnel.",
			in: Inputs{
				Route:       testRoute,
				Annotations: map[string]string{v1alpha1.AnnotationTunnelID: otherTunnel},
				BackendRef:  backend(),
				Tenant:      testTenant(),
			},
			want: want{settings: merged(func(s *Settings) { s.TunnelID = otherTunnel })},
		},
		"NoTenant": {
			reason: "Settings cannot be merged without a Tenant.",
			in:     Inputs{Route: testRoute, BackendRef: backend()},
			want:   want{err: "cannot merge the settings of route web/app without its CloudflareZeroTrustTenant"},
		},
		"BadTunnelIDAnnotation": {
			reason: "A tunnelId annotation that is not a UUID is refused with the annotation's name.",
			in: Inputs{
				Route:       testRoute,
				Annotations: map[string]string{v1alpha1.AnnotationTunnelID: "home-tunnel"},
				BackendRef:  backend(),
				Tenant:      testTenant(),
			},
			want: want{err: `cannot use annotation cfzt.cloudflare.com/tunnelId: "home-tunnel" is not a tunnel ID; use the tunnel's lowercase UUID, such as 6ff42ae2-765d-4adf-8112-31c55c1551ef, from ` + "`cloudflared tunnel list`"},
		},
		"EmptyTenantTunnel": {
			reason: "A Tenant without a tunnel ID is refused with what to set.",
			in: Inputs{
				Route:      testRoute,
				BackendRef: backend(),
				Tenant: func() *v1alpha1.CloudflareZeroTrustTenant {
					t := testTenant()
					t.Spec.TunnelID = ""
					return t
				}(),
			},
			want: want{err: "cannot publish route web/app: CloudflareZeroTrustTenant cloudflare-zero-trust/home field spec.tunnelId is empty; set the tenant's tunnel ID or annotation cfzt.cloudflare.com/tunnelId"},
		},
		"FirstProblemWins": {
			reason: "With several problems the first, in a stable order, is reported.",
			in: Inputs{
				Route: testRoute,
				Annotations: map[string]string{
					v1alpha1.AnnotationAccessSessionDuration: "forever",
					v1alpha1.AnnotationOriginNoTLSVerify:     "yes",
				},
				BackendRef: backend(),
				Tenant:     testTenant(),
			},
			want: want{err: `cannot use annotation cfzt.cloudflare.com/origin.noTLSVerify: "yes" must be "true" or "false"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := Merge(tc.in)
			if diff := cmp.Diff(tc.want, want{settings: s, err: message(err)}, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nMerge(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
