package merge

import (
	"github.com/crossplane/function-sdk-go/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/validate"
)

// A Route is what identifies a published route: the HTTPRoute, its tenant,
// its hostname and its per-route template.
type Route struct {
	Namespace string
	Name      string
	Tenant    string

	// Hostname is normalized: lower case, without a trailing dot.
	Hostname string

	// Template is the per-route template's name, empty when none.
	Template string
}

// String returns namespace/name.
func (r Route) String() string {
	return r.Namespace + "/" + r.Name
}

// Identify reads the identity of the route a composite stands for. A route
// is published when its enabled annotation is "true" and its tenant and
// hostname annotations are set; anything else is an error that names the
// annotation to fix.
func Identify(spec v1alpha1.RouteSpec) (Route, error) {
	r := Route{
		Namespace: spec.Route.Namespace,
		Name:      spec.Route.Name,
		Tenant:    v1alpha1.RouteTenant(spec.Annotations),
		Hostname:  v1alpha1.RouteHostname(spec.Annotations),
		Template:  v1alpha1.RouteTemplate(spec.Annotations),
	}
	if r.Namespace == "" || r.Name == "" {
		return Route{}, errors.New("cannot identify the route: the composite's spec.route needs both namespace and name")
	}
	// The route's name and namespace are label values of everything composed
	// for it, and part of the state ConfigMap's name.
	if err := validate.LabelValue(r.Name); err != nil {
		return Route{}, errors.Errorf("cannot publish route %s: its name %w; shorten the HTTPRoute's name to 63 characters or fewer", r, err)
	}
	if v := spec.Annotations[v1alpha1.AnnotationEnabled]; v != v1alpha1.EnabledTrue {
		return Route{}, errors.Errorf("cannot publish route %s: annotation %s is %q; set it to \"true\" to publish the route", r, v1alpha1.AnnotationEnabled, v)
	}
	if r.Tenant == "" {
		return Route{}, errors.Errorf("cannot publish route %s: annotation %s is missing; set it to the name of a CloudflareZeroTrustTenant", r, v1alpha1.AnnotationTenant)
	}
	if err := validate.ObjectName(r.Tenant); err != nil {
		return Route{}, errors.Errorf("cannot use annotation %s: %q %w", v1alpha1.AnnotationTenant, r.Tenant, err)
	}
	if err := validate.LabelValue(r.Tenant); err != nil {
		return Route{}, errors.Errorf("cannot use annotation %s: %q %w", v1alpha1.AnnotationTenant, r.Tenant, err)
	}
	if r.Hostname == "" {
		return Route{}, errors.Errorf("cannot publish route %s: annotation %s is missing; set it to the public hostname, such as app.example.com", r, v1alpha1.AnnotationHostname)
	}
	if err := validate.Hostname(r.Hostname); err != nil {
		return Route{}, errors.Errorf("cannot use annotation %s: %q %w", v1alpha1.AnnotationHostname, spec.Annotations[v1alpha1.AnnotationHostname], err)
	}
	if r.Template != "" {
		if err := validate.ObjectName(r.Template); err != nil {
			return Route{}, errors.Errorf("cannot use annotation %s: %q %w", v1alpha1.AnnotationTemplate, r.Template, err)
		}
	}
	return r, nil
}
