package merge

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Fixtures shared by this package's tests.

const (
	testTunnelID = "6ff42ae2-765d-4adf-8112-31c55c1551ef"
	otherTunnel  = "0b5a8c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b"
	operatorNS   = "cloudflare-zero-trust"
)

var testRoute = Route{Namespace: "web", Name: "app", Tenant: "home", Hostname: "app.example.com"}

func testTenant() *v1alpha1.CloudflareZeroTrustTenant {
	return &v1alpha1.CloudflareZeroTrustTenant{
		ObjectMeta: metav1.ObjectMeta{Namespace: operatorNS, Name: "home"},
		Spec: v1alpha1.TenantSpec{
			AccountID:     "0123456789abcdef0123456789abcdef",
			TunnelID:      testTunnelID,
			CredentialRef: v1alpha1.CredentialRef{Name: "cloudflare-token"},
		},
	}
}

func template(name string, mutate ...func(*v1alpha1.TemplateSpec)) *v1alpha1.CloudflareZeroTrustTemplate {
	t := &v1alpha1.CloudflareZeroTrustTemplate{ObjectMeta: metav1.ObjectMeta{Namespace: operatorNS, Name: name}}
	for _, fn := range mutate {
		fn(&t.Spec)
	}
	return t
}

// Accessors that create nested template structs on first use.

func originSvc(s *v1alpha1.TemplateSpec) *v1alpha1.OriginService {
	if s.OriginService == nil {
		s.OriginService = &v1alpha1.OriginService{}
	}
	return s.OriginService
}

func originTLS(s *v1alpha1.TemplateSpec) *v1alpha1.OriginTLS {
	o := originSvc(s)
	if o.OriginTLS == nil {
		o.OriginTLS = &v1alpha1.OriginTLS{}
	}
	return o.OriginTLS
}

func accessApp(s *v1alpha1.TemplateSpec) *v1alpha1.AccessApplication {
	if s.AccessApplication == nil {
		s.AccessApplication = &v1alpha1.AccessApplication{}
	}
	return s.AccessApplication
}

func token(s *v1alpha1.TemplateSpec) *v1alpha1.ServiceTokenSettings {
	if s.ServiceToken == nil {
		s.ServiceToken = &v1alpha1.ServiceTokenSettings{}
	}
	return s.ServiceToken
}

func dnsOnly(s *v1alpha1.TemplateSpec) *v1alpha1.DNSOnly {
	if s.DNSOnly == nil {
		s.DNSOnly = &v1alpha1.DNSOnly{}
	}
	return s.DNSOnly
}

func enableDNSOnly(s *v1alpha1.TemplateSpec) {
	dnsOnly(s).Enabled = new(true)
	dnsOnly(s).StaticIP = "192.0.2.10"
}

func backend() *v1alpha1.BackendRef {
	return &v1alpha1.BackendRef{Name: "app", Port: new(int32(8080))}
}

// merged is what a route with nothing set merges to.
func merged(mutate ...func(*Settings)) Settings {
	s := Defaults()
	s.Hostname = testRoute.Hostname
	s.Tenant = testRoute.Tenant
	s.TunnelID = testTunnelID
	s.Origin.URL = "http://app.web.svc.cluster.local:8080"
	s.Origin.OriginServerName = testRoute.Hostname
	for _, fn := range mutate {
		fn(&s)
	}
	return s
}
