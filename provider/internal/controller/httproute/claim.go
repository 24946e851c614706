package httproute

import (
	"encoding/json"
	"maps"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource/unstructured/claim"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// ClaimGroupVersionKind is the kind of the claim the controller keeps beside
// each published route.
var ClaimGroupVersionKind = v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.ClaimKind)

// claimListGroupVersionKind lists claims.
var claimListGroupVersionKind = v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.ClaimKind + "List")

// routeGroupVersionKind is the kind of the routes the controller watches.
var routeGroupVersionKind = schema.GroupVersionKind{Group: gatewayv1.GroupVersion.Group, Version: gatewayv1.GroupVersion.Version, Kind: "HTTPRoute"}

// LabelHostnameHash carries a hash of a claim's hostname, so that the API
// server can be asked, bypassing the cache, whether another claim already
// holds a hostname before a new claim is created. Hostnames are up to 253
// characters; label values only 63.
const LabelHostnameHash = v1alpha1.AnnotationPrefix + "hostname-hash"

func newClaim() *claim.Unstructured {
	return claim.New(claim.WithGroupVersionKind(ClaimGroupVersionKind))
}

func newClaimList() *unstructured.UnstructuredList {
	l := &unstructured.UnstructuredList{}
	l.SetGroupVersionKind(claimListGroupVersionKind)
	return l
}

// inputAnnotations returns the route's input annotations. Keys written back
// by the controller, and anything else, are left out: copying them into the
// claim would re-render the claim each time a result is written back.
func inputAnnotations(a map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range v1alpha1.InputAnnotations {
		if v, ok := a[k]; ok {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// inputAnnotationsEqual reports whether two annotation sets hold the same
// input annotations.
func inputAnnotationsEqual(a, b map[string]string) bool {
	return maps.Equal(inputAnnotations(a), inputAnnotations(b))
}

// firstBackendRef returns the route's first backendRef that names a Service,
// the default origin. Other kinds have no cluster URL to derive an origin
// from. The namespace defaults to the route's, as in the Gateway API.
func firstBackendRef(r *gatewayv1.HTTPRoute) *v1alpha1.BackendRef {
	for _, rule := range r.Spec.Rules {
		for _, b := range rule.BackendRefs {
			if !isService(b.BackendObjectReference) {
				continue
			}
			ref := &v1alpha1.BackendRef{Name: string(b.Name), Namespace: r.GetNamespace()}
			if b.Namespace != nil && *b.Namespace != "" {
				ref.Namespace = string(*b.Namespace)
			}
			if b.Port != nil {
				p := *b.Port
				ref.Port = &p
			}
			return ref
		}
	}
	return nil
}

func isService(ref gatewayv1.BackendObjectReference) bool {
	group := ""
	if ref.Group != nil {
		group = string(*ref.Group)
	}
	kind := "Service"
	if ref.Kind != nil {
		kind = string(*ref.Kind)
	}
	return (group == "" || group == "core") && kind == "Service"
}

// claimSpec returns the spec of the claim that publishes route.
func claimSpec(r *gatewayv1.HTTPRoute, inputsHash string) v1alpha1.RouteSpec {
	return v1alpha1.RouteSpec{
		Route:       v1alpha1.RouteReference{Namespace: r.GetNamespace(), Name: r.GetName()},
		Annotations: inputAnnotations(r.GetAnnotations()),
		BackendRef:  firstBackendRef(r),
		InputsHash:  inputsHash,
	}
}

// routeOwnerReference makes the route the claim's controller, so that the
// garbage collector deletes the claim with the route, and a foreground
// deletion of the route waits for it.
func routeOwnerReference(r *gatewayv1.HTTPRoute) metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion:         routeGroupVersionKind.GroupVersion().String(),
		Kind:               routeGroupVersionKind.Kind,
		Name:               r.GetName(),
		UID:                r.GetUID(),
		Controller:         new(true),
		BlockOwnerDeletion: new(true),
	}
}

// hostnameHash returns the LabelHostnameHash value of a hostname.
func hostnameHash(h string) string {
	return shortHash([]byte(v1alpha1.NormalizeHostname(h)))
}

// desiredClaim returns the claim the controller applies for route: only the
// fields it owns, so that server-side apply leaves Crossplane's alone.
func desiredClaim(r *gatewayv1.HTTPRoute, spec v1alpha1.RouteSpec) (*claim.Unstructured, error) {
	c := newClaim()
	c.SetNamespace(r.GetNamespace())
	c.SetName(r.GetName())
	c.SetLabels(map[string]string{
		v1alpha1.LabelManagedBy: v1alpha1.LabelManagedByValue,
		LabelHostnameHash:       hostnameHash(spec.Annotations[v1alpha1.AnnotationHostname]),
	})
	c.SetOwnerReferences([]metav1.OwnerReference{routeOwnerReference(r)})
	s, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&spec)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot convert the spec of claim %s/%s", r.GetNamespace(), r.GetName())
	}
	c.Object["spec"] = s
	return c, nil
}

// getClaimSpec returns the spec of a claim.
func getClaimSpec(c *claim.Unstructured) (v1alpha1.RouteSpec, error) {
	spec := v1alpha1.RouteSpec{}
	err := fromUnstructured(c.Object, "spec", &spec)
	return spec, errors.Wrapf(err, "cannot read the spec of claim %s/%s", c.GetNamespace(), c.GetName())
}

// getClaimStatus returns the status of a claim.
func getClaimStatus(c *claim.Unstructured) (v1alpha1.RouteStatus, error) {
	st := v1alpha1.RouteStatus{}
	err := fromUnstructured(c.Object, "status", &st)
	return st, errors.Wrapf(err, "cannot read the status of claim %s/%s", c.GetNamespace(), c.GetName())
}

// fromUnstructured decodes obj[field] into out through JSON, which ignores
// the fields out does not know, such as Crossplane's and the conditions.
func fromUnstructured(obj map[string]any, field string, out any) error {
	v, ok := obj[field]
	if !ok || v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// claimHostname returns the normalized hostname a claim publishes, or "".
func claimHostname(u *unstructured.Unstructured) string {
	h, _, _ := unstructured.NestedString(u.Object, "spec", "annotations", v1alpha1.AnnotationHostname)
	return v1alpha1.NormalizeHostname(h)
}

// claimRoute returns the route a claim stands for: spec.route, or the
// claim's own namespace and name when that is missing.
func claimRoute(u *unstructured.Unstructured) types.NamespacedName {
	ns, _, _ := unstructured.NestedString(u.Object, "spec", "route", "namespace")
	name, _, _ := unstructured.NestedString(u.Object, "spec", "route", "name")
	if ns == "" || name == "" {
		return types.NamespacedName{Namespace: u.GetNamespace(), Name: u.GetName()}
	}
	return types.NamespacedName{Namespace: ns, Name: name}
}

// A claimRelation is how an existing claim relates to the route of the same
// name.
type claimRelation int

const (
	// claimAbsent: there is no claim of the route's name.
	claimAbsent claimRelation = iota
	// claimOwned: the route controls the claim.
	claimOwned
	// claimAdoptable: the controller wrote the claim for a route of this
	// name but it has lost its controller reference, e.g. because the route
	// was deleted with propagationPolicy=Orphan and created again.
	claimAdoptable
	// claimStale: the claim belongs to an earlier route of the same name,
	// which the garbage collector is about to delete.
	claimStale
	// claimForeign: somebody else wrote the claim; it is never touched.
	claimForeign
)

// relate classifies the claim c (nil when absent) against route r.
func relate(c *unstructured.Unstructured, r *gatewayv1.HTTPRoute) claimRelation {
	if c == nil {
		return claimAbsent
	}
	if ref := metav1.GetControllerOf(c); ref != nil {
		switch {
		case ref.UID == r.GetUID():
			return claimOwned
		case isRouteRef(ref) && ref.Name == r.GetName():
			return claimStale
		default:
			return claimForeign
		}
	}
	if c.GetLabels()[v1alpha1.LabelManagedBy] == v1alpha1.LabelManagedByValue &&
		claimRoute(c) == (types.NamespacedName{Namespace: r.GetNamespace(), Name: r.GetName()}) {
		return claimAdoptable
	}
	return claimForeign
}

func isRouteRef(ref *metav1.OwnerReference) bool {
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	return err == nil && gv.Group == routeGroupVersionKind.Group && ref.Kind == routeGroupVersionKind.Kind
}

// claimUpToDate reports whether the existing claim already carries
// everything desired holds, so that no apply is needed. Extra fields, such
// as those Crossplane writes, do not count.
func claimUpToDate(existing, desired *claim.Unstructured) (bool, error) {
	have, err := getClaimSpec(existing)
	if err != nil {
		return false, err
	}
	want, err := getClaimSpec(desired)
	if err != nil {
		return false, err
	}
	if !specEqual(have, want) {
		return false, nil
	}
	for k, v := range desired.GetLabels() {
		if existing.GetLabels()[k] != v {
			return false, nil
		}
	}
	ref := metav1.GetControllerOf(existing)
	return ref != nil && ref.UID == desired.GetOwnerReferences()[0].UID &&
		ref.BlockOwnerDeletion != nil && *ref.BlockOwnerDeletion, nil
}

func specEqual(a, b v1alpha1.RouteSpec) bool {
	if a.Route != b.Route || a.InputsHash != b.InputsHash || !maps.Equal(a.Annotations, b.Annotations) {
		return false
	}
	if (a.BackendRef == nil) != (b.BackendRef == nil) {
		return false
	}
	if a.BackendRef == nil {
		return true
	}
	x, y := *a.BackendRef, *b.BackendRef
	if x.Name != y.Name || x.Namespace != y.Namespace || (x.Port == nil) != (y.Port == nil) {
		return false
	}
	return x.Port == nil || *x.Port == *y.Port
}
