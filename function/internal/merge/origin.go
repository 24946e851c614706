package merge

import (
	"fmt"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/validate"
)

// origin merges where and how the tunnel reaches the route's backend. The
// URL comes from the origin.url annotation, then the templates, then the
// route's first backendRef; it stays empty when none of them sets it.
func (m *merger) origin(r Route, ref *v1alpha1.BackendRef) (Origin, value[string]) {
	u := m.text(v1alpha1.AnnotationOriginURL, "spec.originService.url",
		func(s *v1alpha1.TemplateSpec) string { return s.OriginService.URL }, "")
	if u.v == "" && ref != nil && ref.Name != "" {
		u = value[string]{v: backendURL(r, ref), from: backendRef}
	}
	m.check(u, validate.OriginURL)

	noTLSVerify := m.flag(v1alpha1.AnnotationOriginNoTLSVerify, "spec.originService.originTLS.noTLSVerify",
		func(s *v1alpha1.TemplateSpec) *bool { return s.OriginService.OriginTLS.NoTLSVerify }, false)
	serverName := m.text("", "spec.originService.originTLS.originServerName",
		func(s *v1alpha1.TemplateSpec) string { return s.OriginService.OriginTLS.OriginServerName }, r.Hostname)
	caPool := m.text("", "spec.originService.originTLS.caPool",
		func(s *v1alpha1.TemplateSpec) string { return s.OriginService.OriginTLS.CAPool }, "")
	timeout := m.number("spec.originService.originTLS.tlsTimeout",
		func(s *v1alpha1.TemplateSpec) *int64 { return s.OriginService.OriginTLS.TLSTimeout }, DefaultTLSTimeout)
	m.checkNumber(timeout, validate.TLSTimeout)
	http2 := m.flag("", "spec.originService.originTLS.http2Origin",
		func(s *v1alpha1.TemplateSpec) *bool { return s.OriginService.OriginTLS.HTTP2Origin }, false)
	matchSNI := m.flag("", "spec.originService.originTLS.matchSNIToHost",
		func(s *v1alpha1.TemplateSpec) *bool { return s.OriginService.OriginTLS.MatchSNIToHost }, false)

	return Origin{
		URL:              u.v,
		NoTLSVerify:      noTLSVerify.v,
		OriginServerName: serverName.v,
		CAPool:           caPool.v,
		TLSTimeout:       timeout.v,
		HTTP2Origin:      http2.v,
		MatchSNIToHost:   matchSNI.v,
	}, u
}

// backendURL is the in-cluster URL of a route's backendRef. The namespace
// defaults to the route's and the port to 80.
func backendURL(r Route, ref *v1alpha1.BackendRef) string {
	ns := ref.Namespace
	if ns == "" {
		ns = r.Namespace
	}
	port := int32(DefaultBackendPort)
	if ref.Port != nil {
		port = *ref.Port
	}
	return fmt.Sprintf("http://%s.%s.svc.cluster.local:%d", ref.Name, ns, port)
}
