// Package extra requests the Tenant, Templates and Service a route needs as
// Crossplane extra resources, and finds them in what Crossplane returns.
package extra

import (
	"encoding/json"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/crossplane/function-sdk-go/errors"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
)

// A Lookup finds one named object in one or more namespaces, the first
// namespace that holds it winning.
type Lookup struct {
	APIVersion string
	Kind       string
	Name       string

	// Keys are the requirement keys, one per namespace, in precedence order.
	Keys []Key
}

// A Key is the requirement key under which an object is requested in one
// namespace.
type Key struct {
	Name      string
	Namespace string
}

// Selectors returns the lookup's requirements, one per namespace, matched by
// name. Namespace is set because the kinds this function reads are
// namespaced.
func (l Lookup) Selectors() map[string]*fnv1.ResourceSelector {
	s := make(map[string]*fnv1.ResourceSelector, len(l.Keys))
	for _, k := range l.Keys {
		s[k.Name] = &fnv1.ResourceSelector{
			ApiVersion: l.APIVersion,
			Kind:       l.Kind,
			Match:      &fnv1.ResourceSelector_MatchName{MatchName: l.Name},
			Namespace:  &k.Namespace,
		}
	}
	return s
}

// A Result is what a lookup found.
type Result struct {
	// Fetched is false until Crossplane has answered every key. Crossplane
	// leaves out a key it has not fetched yet, and sends an empty one for
	// an object that does not exist.
	Fetched bool

	// Object is the first object found, nil when there is none.
	Object *unstructured.Unstructured
}

// Find looks for the object in the supplied extra resources, in the keys'
// order. An item must have the lookup's name, and its key's namespace or
// none: crossplane render matches extra resources by name only.
func (l Lookup) Find(got map[string]*fnv1.Resources) (Result, error) {
	for _, k := range l.Keys {
		if _, ok := got[k.Name]; !ok {
			return Result{}, nil
		}
	}
	for _, k := range l.Keys {
		for _, item := range got[k.Name].GetItems() {
			u := &unstructured.Unstructured{}
			if err := resource.AsObject(item.GetResource(), u); err != nil {
				return Result{}, errors.Wrapf(err, "cannot read %s %q from extra resources %q", l.Kind, l.Name, k.Name)
			}
			if u.GetName() != l.Name || (u.GetNamespace() != "" && u.GetNamespace() != k.Namespace) {
				continue
			}
			u.SetNamespace(k.Namespace)
			return Result{Fetched: true, Object: u}, nil
		}
	}
	return Result{Fetched: true}, nil
}

// Namespaces returns the namespaces the lookup searches, in order.
func (l Lookup) Namespaces() []string {
	ns := make([]string, len(l.Keys))
	for i, k := range l.Keys {
		ns[i] = k.Namespace
	}
	return ns
}

// Decode converts an object found by a lookup into its Go type.
func Decode(u *unstructured.Unstructured, into runtime.Object) error {
	j, err := json.Marshal(u.Object)
	if err != nil {
		return errors.Wrapf(err, "cannot encode %s %s/%s", u.GetKind(), u.GetNamespace(), u.GetName())
	}
	return errors.Wrapf(json.Unmarshal(j, into), "cannot decode %s %s/%s", u.GetKind(), u.GetNamespace(), u.GetName())
}
