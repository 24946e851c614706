package httproute

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// A lookup finds Tenants and Templates the way the function does: in the
// route's namespace, then in the operator namespace.
type lookup struct {
	kube              client.Reader
	operatorNamespace string
}

// tenant returns the Tenant a route in namespace ns uses, or nil when there
// is none.
func (l lookup) tenant(ctx context.Context, ns, name string) (*v1alpha1.CloudflareZeroTrustTenant, error) {
	t := &v1alpha1.CloudflareZeroTrustTenant{}
	if found, err := l.first(ctx, ns, name, "CloudflareZeroTrustTenant", t); !found {
		return nil, err
	}
	return t, nil
}

// template returns the Template a route in namespace ns uses, or nil when
// there is none.
func (l lookup) template(ctx context.Context, ns, name string) (*v1alpha1.CloudflareZeroTrustTemplate, error) {
	t := &v1alpha1.CloudflareZeroTrustTemplate{}
	if found, err := l.first(ctx, ns, name, "CloudflareZeroTrustTemplate", t); !found {
		return nil, err
	}
	return t, nil
}

// first reads into obj the object of that name from the first of the lookup
// namespaces of a route in ns that holds one, and reports whether one did.
func (l lookup) first(ctx context.Context, ns, name, kind string, obj client.Object) (bool, error) {
	for _, n := range v1alpha1.LookupNamespaces(ns, l.operatorNamespace) {
		err := l.kube.Get(ctx, types.NamespacedName{Namespace: n, Name: name}, obj)
		if kerrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return false, errors.Wrapf(err, "cannot get %s %s/%s", kind, n, name)
		}
		return true, nil
	}
	return false, nil
}

// tenantElsewhere returns the namespaces, other than where a route in ns
// looks, that hold a Tenant of that name: the route may not use them.
func (l lookup) tenantElsewhere(ctx context.Context, ns, name string) ([]string, error) {
	all := &v1alpha1.CloudflareZeroTrustTenantList{}
	if err := l.kube.List(ctx, all); err != nil {
		return nil, errors.Wrap(err, "cannot list CloudflareZeroTrustTenants")
	}
	var out []string
	for _, t := range all.Items {
		if t.GetName() == name && t.GetNamespace() != ns && t.GetNamespace() != l.operatorNamespace {
			out = append(out, t.GetNamespace())
		}
	}
	return out, nil
}

// Inputs are the Tenant and Templates a route uses. A nil Template is one the
// route names that does not exist (yet).
type Inputs struct {
	Tenant       *v1alpha1.CloudflareZeroTrustTenant
	TemplateName string
	Template     *v1alpha1.CloudflareZeroTrustTemplate
	BaseName     string
	BaseTemplate *v1alpha1.CloudflareZeroTrustTemplate
}

// inputs returns what a route with annotations a in namespace ns uses.
func (l lookup) inputs(ctx context.Context, ns string, a map[string]string) (Inputs, error) {
	in := Inputs{}
	tenant := v1alpha1.RouteTenant(a)
	var err error
	if in.Tenant, err = l.tenant(ctx, ns, tenant); err != nil {
		return in, err
	}
	if name := v1alpha1.RouteTemplate(a); name != "" {
		in.TemplateName = name
		if in.Template, err = l.template(ctx, ns, name); err != nil {
			return in, err
		}
	}
	in.BaseName = v1alpha1.BaseTemplateName(tenant)
	in.BaseTemplate, err = l.template(ctx, ns, in.BaseName)
	return in, err
}

// ReasonDeprecatedField is the reason of the Warning Event on a route whose
// Templates set fields that have no effect.
const ReasonDeprecatedField event.Reason = "DeprecatedField"

// hashedObject is what the inputs hash covers of one Tenant or Template:
// where it was found and its spec. Metadata and status are left out, so that
// a label or a status update re-renders nothing.
type hashedObject struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
	Found     bool   `json:"found"`
	Spec      any    `json:"spec,omitempty"`
}

// Hash returns the inputs hash: it changes exactly when the spec of a Tenant
// or Template in use changes, or one appears, disappears or moves. A missing
// Template is part of the hash so that creating it re-renders the claim.
func (in Inputs) Hash() (string, error) {
	h := struct {
		Tenant   hashedObject  `json:"tenant"`
		Template *hashedObject `json:"template,omitempty"`
		Base     hashedObject  `json:"base"`
	}{}
	if in.Tenant != nil {
		h.Tenant = hashedObject{Name: in.Tenant.GetName(), Namespace: in.Tenant.GetNamespace(), Found: true, Spec: in.Tenant.Spec}
	}
	if in.TemplateName != "" {
		h.Template = templateObject(in.TemplateName, in.Template)
	}
	h.Base = *templateObject(in.BaseName, in.BaseTemplate)
	b, err := json.Marshal(h)
	if err != nil {
		return "", errors.Wrap(err, "cannot hash the Tenant and Template specs")
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// deprecated returns the Warning about the fields of the route's Templates
// that are accepted but have no effect, and nil when they set none.
func (in Inputs) deprecated() *event.Event {
	var says []string
	for _, t := range []*v1alpha1.CloudflareZeroTrustTemplate{in.Template, in.BaseTemplate} {
		if t == nil {
			continue
		}
		if d := t.Spec.Deprecated(); len(d) > 0 {
			says = append(says, fmt.Sprintf("CloudflareZeroTrustTemplate %s/%s: %s", t.GetNamespace(), t.GetName(), strings.Join(d, "; ")))
		}
	}
	if len(says) == 0 {
		return nil
	}
	return &event.Event{
		Type:    event.TypeWarning,
		Reason:  ReasonDeprecatedField,
		Message: strings.Join(says, "; ") + "; remove these deprecated fields",
	}
}

func templateObject(name string, t *v1alpha1.CloudflareZeroTrustTemplate) *hashedObject {
	if t == nil {
		return &hashedObject{Name: name}
	}
	return &hashedObject{Name: name, Namespace: t.GetNamespace(), Found: true, Spec: t.Spec}
}

// shortHash returns 32 hex digits of the SHA-256 of b: short enough for a
// label value, long enough never to collide between hostnames.
func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
