package compose

import (
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// ServiceToken returns the route's service token. Its client ID and secret
// are written to the Secret cfzt-svctoken-<route> in the route's namespace.
func ServiceToken(in Inputs) (*composed.Unstructured, error) {
	spec := v1alpha1.ServiceTokenSpec{
		ClusterManagedResourceSpec: in.providerConfig(),
		ForProvider: v1alpha1.ServiceTokenParameters{
			Name:     AppName(in.Settings.Hostname),
			Duration: in.Settings.ServiceToken.Duration,
		},
	}
	spec.WriteConnectionSecretToReference = &xpv2.SecretReference{
		Name:      SecretName(in.Route),
		Namespace: in.Route.Namespace,
	}
	return newObject(v1alpha1.ServiceTokenGroupVersionKind, Labels(in.Route), spec)
}
