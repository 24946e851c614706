package bench

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Steps of a route in Kubernetes before any Cloudflare call: the route
// controller's claim, Crossplane's composite, and the first managed
// resource the function composes for every route.
const (
	StepClaim     = "claim created"
	StepComposite = "composite created"
	StepComposed  = "DNSRecord composed"
)

// Labels Crossplane puts on a claim's composite and its composed resources.
const (
	labelClaimName      = "crossplane.io/claim-name"
	labelClaimNamespace = "crossplane.io/claim-namespace"
)

// kubeSteps are the steps of a route in Kubernetes. Each is found by
// kubeKey and the object's creationTimestamp, which is to the second.
var kubeSteps = []stepDef{
	{name: StepClaim, toSecond: true, key: func(h string) string { return kubeKey(v1alpha1.ClaimKind, h) }},
	{name: StepComposite, toSecond: true, after: []string{StepClaim}, key: func(h string) string { return kubeKey(v1alpha1.CompositeKind, h) }},
	{name: StepComposed, toSecond: true, after: []string{StepComposite}, key: func(h string) string { return kubeKey(v1alpha1.DNSRecordKind, h) }},
}

func kubeKey(kind, hostname string) string { return "kube " + kind + " " + hostname }

// kubeCreated returns when the API server created each route's claim,
// composite and DNSRecord, the first of each, by kubeKey. The claim is named after its route;
// the other two carry the claim's name in a label.
func kubeCreated(ctx context.Context, kube client.Client, routes []route) (map[string]time.Time, error) {
	byName := make(map[string]string, len(routes))
	for _, r := range routes {
		byName[r.name] = r.hostname
	}
	out := map[string]time.Time{}
	for _, kind := range []struct {
		name string
		list *unstructured.UnstructuredList
		// route names the route of an item.
		route func(u *unstructured.Unstructured) (namespace, name string)
	}{
		{v1alpha1.ClaimKind, list(v1alpha1.ClaimKind), func(u *unstructured.Unstructured) (string, string) {
			return u.GetNamespace(), u.GetName()
		}},
		{v1alpha1.CompositeKind, list(v1alpha1.CompositeKind), byClaimLabels},
		{v1alpha1.DNSRecordKind, list(v1alpha1.DNSRecordKind), byClaimLabels},
	} {
		if err := kube.List(ctx, kind.list); err != nil {
			return nil, errors.Wrapf(err, "cannot list %s", kind.name)
		}
		for i := range kind.list.Items {
			u := &kind.list.Items[i]
			ns, name := kind.route(u)
			h, ok := byName[name]
			if !ok || ns != routeNamespace {
				continue
			}
			// The first, should a route have had two.
			k, at := kubeKey(kind.name, h), u.GetCreationTimestamp().Time
			if first, seen := out[k]; !seen || at.Before(first) {
				out[k] = at
			}
		}
	}
	return out, nil
}

func list(kind string) *unstructured.UnstructuredList {
	l := &unstructured.UnstructuredList{}
	l.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind(kind + "List"))
	return l
}

func byClaimLabels(u *unstructured.Unstructured) (string, string) {
	return u.GetLabels()[labelClaimNamespace], u.GetLabels()[labelClaimName]
}
