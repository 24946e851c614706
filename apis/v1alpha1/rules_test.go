package v1alpha1

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestRules(t *testing.T) {
	const operatorNS = "cloudflare-zero-trust"
	tenant := func(ns string, namespaces, suffixes []string) *CloudflareZeroTrustTenant {
		return &CloudflareZeroTrustTenant{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "home"},
			Spec:       TenantSpec{AllowedNamespaces: namespaces, AllowedHostnameSuffixes: suffixes},
		}
	}
	route := func(kv ...string) map[string]string {
		a := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			a[kv[i]] = kv[i+1]
		}
		return a
	}
	type base struct {
		Tenant string
		IsBase bool
	}
	baseOf := func(template string) base {
		t, ok := BaseTemplateTenant(template)
		return base{Tenant: t, IsBase: ok}
	}
	published := route(AnnotationEnabled, "true", AnnotationTenant, "home", AnnotationHostname, "a.example.com")

	// Each case is one rule applied to one input; got is what the rule says.
	cases := map[string]struct {
		reason string
		got    any
		want   any
	}{
		"EnabledTrueValid": {
			reason: "\"true\" is an accepted value of the enabled annotation.",
			got:    EnabledValueValid("true"),
			want:   true,
		},
		"EnabledFalseValid": {
			reason: "\"false\" is an accepted value of the enabled annotation.",
			got:    EnabledValueValid("false"),
			want:   true,
		},
		"EnabledYesInvalid": {
			reason: "Anything but \"true\" and \"false\" is refused, \"yes\" included.",
			got:    EnabledValueValid("yes"),
			want:   false,
		},
		"EnabledCapitalizedInvalid": {
			reason: "The values are case-sensitive: \"True\" is not \"true\".",
			got:    EnabledValueValid("True"),
			want:   false,
		},
		"PublishRequested": {
			reason: "A route with enabled \"true\", a tenant and a hostname asks to be published.",
			got:    PublishRequested(published),
			want:   true,
		},
		"PublishNotTrue": {
			reason: "Only the exact value \"true\" publishes, as in the operator this project replaces.",
			got:    PublishRequested(route(AnnotationEnabled, "yes", AnnotationTenant, "home", AnnotationHostname, "a.example.com")),
			want:   false,
		},
		"PublishBlankTenant": {
			reason: "A tenant of spaces names no tenant.",
			got:    PublishRequested(route(AnnotationEnabled, "true", AnnotationTenant, " ", AnnotationHostname, "a.example.com")),
			want:   false,
		},
		"PublishNoHostname": {
			reason: "A route without a hostname does not ask to be published.",
			got:    PublishRequested(route(AnnotationEnabled, "true", AnnotationTenant, "home")),
			want:   false,
		},
		"RouteTenantTrimmed": {
			reason: "The tenant annotation is read without surrounding spaces.",
			got:    RouteTenant(route(AnnotationTenant, " home ")),
			want:   "home",
		},
		"RouteTemplateTrimmed": {
			reason: "The template annotation is read without surrounding spaces.",
			got:    RouteTemplate(route(AnnotationTemplate, " protected ")),
			want:   "protected",
		},
		"RouteHostnameNormalized": {
			reason: "The hostname annotation is read normalized.",
			got:    RouteHostname(route(AnnotationHostname, " A.Example.COM. ")),
			want:   "a.example.com",
		},
		"NormalizeHostname": {
			reason: "Hostnames compare in lower case, without spaces or a trailing dot.",
			got:    NormalizeHostname(" Www.Example.COM. "),
			want:   "www.example.com",
		},
		"NormalizeSuffixWildcard": {
			reason: "A suffix stored as a wildcard before the CRD refused it reads as its canonical form.",
			got:    NormalizeHostnameSuffix("*.Example.com."),
			want:   "example.com",
		},
		"NormalizeSuffixLeadingDot": {
			reason: "A suffix stored with a leading dot reads as its canonical form.",
			got:    NormalizeHostnameSuffix(".example.com"),
			want:   "example.com",
		},
		"NoSuffixesAllowAnyHostname": {
			reason: "A Tenant without allowedHostnameSuffixes allows any hostname.",
			got:    tenant(operatorNS, nil, nil).Spec.AllowsHostname("a.example.org"),
			want:   true,
		},
		"HostnameUnderSuffix": {
			reason: "A hostname under an allowed suffix is allowed, whatever its case or trailing dot.",
			got:    tenant(operatorNS, nil, []string{"example.org", "example.com"}).Spec.AllowsHostname("A.Example.COM."),
			want:   true,
		},
		"HostnameIsSuffix": {
			reason: "The suffix itself is allowed.",
			got:    tenant(operatorNS, nil, []string{"example.com"}).Spec.AllowsHostname("example.com"),
			want:   true,
		},
		"HostnameOnLabelBoundaryOnly": {
			reason: "A suffix matches whole labels: badexample.com is not under example.com.",
			got:    tenant(operatorNS, nil, []string{"example.com"}).Spec.AllowsHostname("badexample.com"),
			want:   false,
		},
		"HostnameUnderWildcardSuffix": {
			reason: "A wildcard suffix stored before the CRD refused it allows what its canonical form allows.",
			got:    tenant(operatorNS, nil, []string{"*.example.com"}).Spec.AllowsHostname("a.example.com"),
			want:   true,
		},
		"HostnameUnderTrailingDotSuffix": {
			reason: "A suffix with a trailing dot stored before the CRD refused it allows what its canonical form allows.",
			got:    tenant(operatorNS, nil, []string{"example.com."}).Spec.AllowsHostname("a.example.com"),
			want:   true,
		},
		"HostnameOutsideSuffixes": {
			reason: "A hostname under none of the suffixes is refused.",
			got:    tenant(operatorNS, nil, []string{"example.com"}).Spec.AllowsHostname("a.example.org"),
			want:   false,
		},
		"EmptySuffixAllowsNothing": {
			reason: "An empty suffix stored before the CRD refused it allows nothing rather than everything.",
			got:    tenant(operatorNS, nil, []string{" "}).Spec.AllowsHostname("a.example.com"),
			want:   false,
		},
		"SharedTenantAnyNamespace": {
			reason: "A Tenant in the operator namespace without allowedNamespaces serves every namespace.",
			got:    tenant(operatorNS, nil, nil).AllowsNamespace("app", operatorNS),
			want:   true,
		},
		"OwnNamespace": {
			reason: "A Tenant in the route's namespace without allowedNamespaces serves its namespace.",
			got:    tenant("app", nil, nil).AllowsNamespace("app", operatorNS),
			want:   true,
		},
		"OtherApplicationNamespace": {
			reason: "A Tenant in another application namespace without allowedNamespaces does not serve the route.",
			got:    tenant("other", nil, nil).AllowsNamespace("app", operatorNS),
			want:   false,
		},
		"NamespaceListed": {
			reason: "A namespace listed in allowedNamespaces is allowed.",
			got:    tenant(operatorNS, []string{"x", "app"}, nil).AllowsNamespace("app", operatorNS),
			want:   true,
		},
		"OwnNamespaceNotListed": {
			reason: "A non-empty allowedNamespaces is the whole list, even for the Tenant's own namespace.",
			got:    tenant("app", []string{"x"}, nil).AllowsNamespace("app", operatorNS),
			want:   false,
		},
		"LookupRouteNamespaceFirst": {
			reason: "Tenants and Templates are looked up in the route's namespace, then in the operator namespace.",
			got:    LookupNamespaces("app", operatorNS),
			want:   []string{"app", operatorNS},
		},
		"LookupOperatorNamespaceOnce": {
			reason: "A route in the operator namespace looks there once.",
			got:    LookupNamespaces(operatorNS, operatorNS),
			want:   []string{operatorNS},
		},
		"BaseTemplateName": {
			reason: "A tenant's base template is base-<tenant>.",
			got:    BaseTemplateName("home"),
			want:   "base-home",
		},
		"BaseTemplateTenant": {
			reason: "The Template base-home is the base template of tenant home.",
			got:    baseOf("base-home"),
			want:   base{Tenant: "home", IsBase: true},
		},
		"NotBaseTemplate": {
			reason: "A Template named otherwise, or just base-, is no tenant's base template.",
			got:    []base{baseOf("protected"), baseOf("base-")},
			want:   []base{{Tenant: "", IsBase: false}, {Tenant: "", IsBase: false}},
		},
		"ProviderConfigName": {
			reason: "A Tenant's ProviderConfig is <namespace>.<name>.",
			got:    ProviderConfigName(operatorNS, "home"),
			want:   "cloudflare-zero-trust.home",
		},
		"TenantNothingDeprecated": {
			reason: "A Tenant that sets no deprecated field has nothing to be told.",
			got:    TenantSpec{AccountID: "a"}.Deprecated(),
			want:   []string(nil),
		},
		"TenantLogLevelDeprecated": {
			reason: "A Tenant that sets logLevel is told that it has no effect and what does.",
			got:    TenantSpec{LogLevel: "DEBUG"}.Deprecated(),
			want:   []string{"spec.logLevel has no effect: the provider's log level is set by its --debug flag"},
		},
		"TemplateNothingDeprecated": {
			reason: "A Template that sets no deprecated field has nothing to be told.",
			got:    TemplateSpec{OriginService: &OriginService{URL: "http://a"}}.Deprecated(),
			want:   []string(nil),
		},
		"TemplateFieldsDeprecated": {
			reason: "A Template that sets tenantRef and httpRedirect, even to false, is told that neither has an effect.",
			got:    TemplateSpec{TenantRef: "home", OriginService: &OriginService{HTTPRedirect: new(false)}}.Deprecated(),
			want: []string{
				"spec.tenantRef has no effect: the route's cfzt.cloudflare.com/tenant annotation names the tenant",
				"spec.originService.httpRedirect has no effect: HTTP to HTTPS redirection is a zone setting this project does not manage",
			},
		},
		"StateConfigMapName": {
			reason: "A route's state ConfigMap is cfzt-<route-namespace>-<route-name>.",
			got:    StateConfigMapName("web", "www"),
			want:   "cfzt-web-www",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
