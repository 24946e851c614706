package accesspolicy

import (
	"context"
	"slices"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
)

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
	id := meta.GetExternalName(mg)
	if id == "" {
		return managed.ExternalObservation{}, nil
	}
	got, err := e.cf.GetAccessPolicy(ctx, id)
	if cloudflare.IsNotFound(err) {
		return managed.ExternalObservation{}, nil
	}
	if err != nil {
		return managed.ExternalObservation{}, errors.Wrapf(err, "cannot get Access policy %q", id)
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
func (e *external) Create(ctx context.Context, mg *v1alpha1.AccessPolicy) (managed.ExternalCreation, error) {
	want, err := e.desired(ctx, mg)
	if err != nil {
		return managed.ExternalCreation{}, err
	}
	found, err := e.cf.FindAccessPolicy(ctx, want.Name)
	if err == nil {
		// The next Observe compares it and Update repairs any difference.
		meta.SetExternalName(mg, found.ID)
		return managed.ExternalCreation{}, nil
	}
	if !cloudflare.IsNotFound(err) {
		return managed.ExternalCreation{}, errors.Wrapf(err, "cannot create Access policy %q", want.Name)
	}
	created, err := e.cf.CreateAccessPolicy(ctx, want)
	if err != nil {
		return managed.ExternalCreation{}, errors.Wrapf(err, "cannot create Access policy %q", want.Name)
	}
	meta.SetExternalName(mg, created.ID)
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
	mg.SetConditions(xpv2.Deleting())
	id := meta.GetExternalName(mg)
	if id == "" {
		return managed.ExternalDelete{}, nil
	}
	if err := e.cf.DeleteAccessPolicy(ctx, id); err != nil && !cloudflare.IsNotFound(err) {
		return managed.ExternalDelete{}, errors.Wrapf(err, "cannot delete Access policy %q yet, waiting for any Access application that uses it to let go of it", id)
	}
	return managed.ExternalDelete{}, nil
}

// Disconnect does nothing: the Cloudflare client is shared.
func (e *external) Disconnect(_ context.Context) error {
	return nil
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
