package compose

import (
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// ServiceToken returns the route's service token, with how the provider
// rotates and refreshes it. Its client ID and secret are written to the
// Secret cfzt-svctoken-<route> in the route's namespace.
func ServiceToken(in Inputs) (*composed.Unstructured, error) {
	t := in.Settings.ServiceToken
	spec := v1alpha1.ServiceTokenSpec{
		ClusterManagedResourceSpec: in.providerConfig(),
		ForProvider: v1alpha1.ServiceTokenParameters{
			Name:            AppName(in.Settings.Hostname),
			Duration:        t.Duration,
			Rotate:          t.Rotate,
			RotateEvery:     t.RotateEvery,
			RotationOverlap: t.RotationOverlap,
			RefreshBefore:   t.RefreshBefore,
		},
	}
	spec.WriteConnectionSecretToReference = &xpv2.SecretReference{
		Name:      SecretName(in.Route),
		Namespace: in.Route.Namespace,
	}
	return newObject(v1alpha1.ServiceTokenGroupVersionKind, Labels(in.Route), spec)
}
