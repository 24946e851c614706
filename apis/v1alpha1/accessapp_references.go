package v1alpha1

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reference"
)

// ResolveReferences fills PolicyIDs from the AccessPolicy managed resources
// that PolicyIDRefs or PolicyIDSelector name, using their external names
// (the Cloudflare policy IDs). Written by hand rather than generated so that
// the module keeps one error package.
func (mg *AccessApp) ResolveReferences(ctx context.Context, c client.Reader) error {
	r := reference.NewAPIResolver(c, mg)
	rsp, err := r.ResolveMultiple(ctx, reference.MultiResolutionRequest{
		CurrentValues: mg.Spec.ForProvider.PolicyIDs,
		Extract:       reference.ExternalName(),
		References:    mg.Spec.ForProvider.PolicyIDRefs,
		Selector:      mg.Spec.ForProvider.PolicyIDSelector,
		To:            reference.To{List: &AccessPolicyList{}, Managed: &AccessPolicy{}},
	})
	if err != nil {
		return errors.Wrap(err, "cannot resolve spec.forProvider.policyIdRefs")
	}
	mg.Spec.ForProvider.PolicyIDs = rsp.ResolvedValues
	mg.Spec.ForProvider.PolicyIDRefs = rsp.ResolvedReferences
	return nil
}
