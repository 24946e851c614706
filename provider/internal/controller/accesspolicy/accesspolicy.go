// Package accesspolicy holds the AccessPolicy controller, which keeps a
// reusable Cloudflare Access policy as its managed resource describes it.
package accesspolicy

import (
	"context"
	"slices"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
)

// SetupGated adds the AccessPolicy controller once its kind is served, when
// o.Gate is set, and at once otherwise. Its clients come from src.
func SetupGated(mgr ctrl.Manager, o controller.Options, src managedctrl.ClientSource, extra ...managed.ReconcilerOption) error {
	return managedctrl.SetupGated(mgr, o, v1alpha1.AccessPolicyGroupVersionKind, managedctrl.Connector(src, newExternal), extra...)
}

func newExternal(_ *v1alpha1.AccessPolicy, cf cloudflare.Client) managedctrl.ExternalClient[*v1alpha1.AccessPolicy] {
	return &external{cf: cf}
}

// api is the part of the Cloudflare client the controller uses.
type api interface {
	cloudflare.AccessPolicies
	cloudflare.AccessGroups
}

// An external keeps one reusable Access policy as its AccessPolicy
// describes it.
type external struct {
	cf api
}

// Observe reads the policy the external name identifies and compares it
// with the desired one, so that a change made in the dashboard is reverted
// by Update. Without an external name, or when the policy is gone, it
// reports that none exists and Create finds or makes one.
func (e *external) Observe(ctx context.Context, mg *v1alpha1.AccessPolicy) (managed.ExternalObservation, error) {
	got, found, err := managedctrl.Get(ctx, mg, "Access policy", e.cf.GetAccessPolicy)
	if err != nil || !found {
		return managed.ExternalObservation{}, err
	}
	want, err := e.desired(ctx, mg)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	mg.Status.AtProvider.GroupIDs = want.IncludeGroupIDs
	mg.SetConditions(xpv2.Available())
	diff := diffPolicy(want, got)
	return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: diff == "", Diff: diff}, nil
}

// Create adopts the policy called spec.forProvider.name, which a create
// whose reply was lost may have made, or creates it.
//
// Proceeding after a create whose result is unknown is therefore safe: the
// name (cfzt-<hostname>-allow) is one only we give, and the find lists the
// account's reusable policies afresh, so the policy that create made is
// found and adopted; a policy of any other name is never looked at; two of
// that name are a conflict rather than a reason for a third; and one is
// created only when there is none.
func (e *external) Create(ctx context.Context, mg *v1alpha1.AccessPolicy) (managed.ExternalCreation, error) {
	want, err := e.desired(ctx, mg)
	if err != nil {
		return managed.ExternalCreation{}, err
	}
	p, _, err := managedctrl.FindOrCreate(ctx,
		func(ctx context.Context) (cloudflare.AccessPolicy, error) {
			return e.cf.FindAccessPolicy(ctx, want.Name)
		},
		func(ctx context.Context) (cloudflare.AccessPolicy, error) { return e.cf.CreateAccessPolicy(ctx, want) })
	if err != nil {
		return managed.ExternalCreation{}, errors.Wrapf(err, "cannot create Access policy %q", want.Name)
	}
	// One adopted is compared by the next Observe, and Update repairs any
	// difference.
	meta.SetExternalName(mg, p.ID)
	return managed.ExternalCreation{}, nil
}

// Update replaces the policy's name, decision and include rules with the
// desired ones.
func (e *external) Update(ctx context.Context, mg *v1alpha1.AccessPolicy) (managed.ExternalUpdate, error) {
	want, err := e.desired(ctx, mg)
	if err != nil {
		return managed.ExternalUpdate{}, err
	}
	id := meta.GetExternalName(mg)
	if _, err := e.cf.UpdateAccessPolicy(ctx, id, want); err != nil {
		return managed.ExternalUpdate{}, errors.Wrapf(err, "cannot update Access policy %q", id)
	}
	return managed.ExternalUpdate{}, nil
}

// Delete deletes the policy; one already gone is not an error. Cloudflare
// refuses to delete a policy an application still uses, so the delete is
// retried until the application has let go of it.
func (e *external) Delete(ctx context.Context, mg *v1alpha1.AccessPolicy) (managed.ExternalDelete, error) {
	return managedctrl.Delete(ctx, mg, e.cf.DeleteAccessPolicy,
		"cannot delete Access policy %q yet, waiting for any Access application that uses it to let go of it")
}

// desired returns the policy mg describes, with its group names resolved
// to IDs.
func (e *external) desired(ctx context.Context, mg *v1alpha1.AccessPolicy) (cloudflare.AccessPolicy, error) {
	p := mg.Spec.ForProvider
	var groups []string
	if len(p.IncludeGroups) > 0 {
		ids, err := e.cf.ResolveAccessGroupIDs(ctx, p.IncludeGroups)
		if err != nil {
			return cloudflare.AccessPolicy{}, errors.Wrap(err, "cannot resolve spec.forProvider.includeGroups: create the Access group in Cloudflare or correct the name")
		}
		groups = ids
	}
	decision := p.Decision
	if decision == "" {
		decision = cloudflare.DecisionAllow
	}
	return cloudflare.AccessPolicy{
		Name:            p.Name,
		Decision:        decision,
		IncludeGroupIDs: groups,
		IncludeEmails:   slices.Clone(p.IncludeEmails),
		// Service token IDs are Cloudflare's already: nothing to resolve.
		IncludeServiceTokenIDs: slices.Clone(p.IncludeServiceTokenIDs),
	}, nil
}

// diffPolicy returns how got differs from want, "" when it does not. Include
// rules of other kinds, added in the dashboard, are drift too.
func diffPolicy(want, got cloudflare.AccessPolicy) string {
	g := got
	g.ID = ""
	if g.Decision == "" {
		g.Decision = cloudflare.DecisionAllow
	}
	return cmp.Diff(want, g, cmpopts.EquateEmpty())
}
