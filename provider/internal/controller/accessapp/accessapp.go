// Package accessapp holds the AccessApp controller, which keeps a
// self-hosted Cloudflare Access application as its managed resource
// describes it.
package accessapp

import (
	"context"
	"slices"
	"time"

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

// SetupGated adds the AccessApp controller once its kind is served, when
// o.Gate is set, and at once otherwise. Its clients come from src.
func SetupGated(mgr ctrl.Manager, o controller.Options, src managedctrl.ClientSource, extra ...managed.ReconcilerOption) error {
	return managedctrl.SetupGated(mgr, o, v1alpha1.AccessAppGroupVersionKind, managedctrl.Connector(src, newExternal),
		append([]managed.ReconcilerOption{managed.WithReferenceResolver(managed.NewAPISimpleReferenceResolver(mgr.GetClient()))}, extra...)...)
}

func newExternal(_ *v1alpha1.AccessApp, cf cloudflare.Client) managedctrl.ExternalClient[*v1alpha1.AccessApp] {
	return &external{cf: cf}
}

// api is the part of the Cloudflare client the controller uses.
type api interface {
	cloudflare.AccessApps

	// ResolveAccessPolicyIDs returns the IDs of the reusable policies with
	// exactly these names, in order.
	ResolveAccessPolicyIDs(ctx context.Context, names []string) ([]string, error)
}

// An external keeps one Access application as its AccessApp describes it.
type external struct {
	cf api
}

// Observe reads the application the external name identifies and compares
// it with the desired one, so that a change made in the dashboard is
// reverted by Update. Without an external name, or when the application is
// gone, it reports that none exists and Create finds or makes one.
func (e *external) Observe(ctx context.Context, mg *v1alpha1.AccessApp) (managed.ExternalObservation, error) {
	got, found, err := managedctrl.Get(ctx, mg, "Access application", e.cf.GetAccessApp)
	if err != nil || !found {
		return managed.ExternalObservation{}, err
	}
	want, err := e.desired(ctx, mg)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	observe(mg, got)
	diff := diffApp(want, got)
	return managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: diff == "", Diff: diff}, nil
}

// Create adopts the application called spec.forProvider.name, which a
// create whose reply was lost may have made, or creates it. It refuses to
// create one where another application already covers the domain (as its
// domain, one of its self_hosted_domains or a public destination): Cloudflare
// allows one per domain, and the other is someone else's.
//
// Proceeding after a create whose result is unknown is therefore safe: the
// name (cfzt-<hostname>) is one only we give, and the find lists the
// account's applications afresh, so the application that create made is
// found and adopted; an application of another name on the domain is
// someone else's, a conflict that is never adopted; and one is created only
// when there is neither.
func (e *external) Create(ctx context.Context, mg *v1alpha1.AccessApp) (managed.ExternalCreation, error) {
	want, err := e.desired(ctx, mg)
	if err != nil {
		return managed.ExternalCreation{}, err
	}
	a, created, err := managedctrl.FindOrCreate(ctx,
		func(ctx context.Context) (cloudflare.AccessApp, error) {
			return e.cf.FindAccessApp(ctx, want.Domain, want.Name)
		},
		func(ctx context.Context) (cloudflare.AccessApp, error) { return e.cf.CreateAccessApp(ctx, want) })
	var taken *cloudflare.AccessAppConflictError
	if errors.As(err, &taken) {
		// Found by the find or refused by Cloudflare, it is the same
		// conflict, and only a person can resolve it.
		return managed.ExternalCreation{}, errors.Errorf("cannot create Access application %q: %w: delete that application in Cloudflare "+
			"or remove this hostname from it, or remove the %s annotation from the HTTPRoute", want.Name, err, v1alpha1.AnnotationAccessEnabled)
	}
	if err != nil {
		return managed.ExternalCreation{}, errors.Wrapf(err, "cannot create Access application %q", want.Name)
	}
	meta.SetExternalName(mg, a.ID)
	if created {
		observe(mg, a)
	}
	// One adopted is compared by the next Observe, and Update repairs any
	// difference.
	return managed.ExternalCreation{}, nil
}

// Update replaces the application's settings and policies with the desired
// ones.
func (e *external) Update(ctx context.Context, mg *v1alpha1.AccessApp) (managed.ExternalUpdate, error) {
	want, err := e.desired(ctx, mg)
	if err != nil {
		return managed.ExternalUpdate{}, err
	}
	id := meta.GetExternalName(mg)
	got, err := e.cf.UpdateAccessApp(ctx, id, want)
	if err != nil {
		return managed.ExternalUpdate{}, errors.Wrapf(err, "cannot update Access application %q", id)
	}
	observe(mg, got)
	return managed.ExternalUpdate{}, nil
}

// Delete deletes the application; one already gone is not an error.
func (e *external) Delete(ctx context.Context, mg *v1alpha1.AccessApp) (managed.ExternalDelete, error) {
	return managedctrl.Delete(ctx, mg, e.cf.DeleteAccessApp, "cannot delete Access application %q")
}

// desired returns the application mg describes, with its existing policies
// resolved to IDs and linked before the ones given by ID.
func (e *external) desired(ctx context.Context, mg *v1alpha1.AccessApp) (cloudflare.AccessApp, error) {
	p := mg.Spec.ForProvider
	var ids []string
	if len(p.ExistingPolicyNames) > 0 {
		resolved, err := e.cf.ResolveAccessPolicyIDs(ctx, p.ExistingPolicyNames)
		if err != nil {
			return cloudflare.AccessApp{}, errors.Wrap(err, "cannot resolve spec.forProvider.existingPolicyNames: create the policy in Cloudflare or correct the name")
		}
		ids = append(ids, resolved...)
	}
	for _, id := range p.PolicyIDs {
		// Precedence must be unique within an application, so a policy
		// named and referenced is linked once, at its first place.
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return cloudflare.AccessApp{
		Type:                     "self_hosted",
		Name:                     p.Name,
		Domain:                   p.Domain,
		SessionDuration:          p.SessionDuration,
		AutoRedirectToIdentity:   p.AutoRedirectToIdentity,
		EnableBindingCookie:      p.EnableBindingCookie,
		HTTPOnlyCookieAttribute:  p.HTTPOnlyCookieAttribute,
		SameSiteCookieAttribute:  p.SameSiteCookieAttribute,
		LogoURL:                  p.LogoURL,
		SkipInterstitial:         p.SkipInterstitial,
		AppLauncherVisible:       p.AppLauncherVisible,
		ServiceAuth401Redirect:   p.ServiceAuth401Redirect,
		CustomDenyMessage:        p.CustomDenyMessage,
		CustomDenyURL:            p.CustomDenyURL,
		CustomNonIdentityDenyURL: p.CustomNonIdentityDenyURL,
		PolicyIDs:                ids,
	}, nil
}

// observe records what Cloudflare says about the application in mg's
// status.
func observe(mg *v1alpha1.AccessApp, a cloudflare.AccessApp) {
	mg.Status.AtProvider = v1alpha1.AccessAppObservation{AUD: a.AUD, PolicyIDs: slices.Clone(a.PolicyIDs)}
	mg.SetConditions(xpv2.Available())
}

// diffApp returns how got differs from want, "" when it does not. A setting
// want leaves unset is Cloudflare's to choose, and not compared; the name,
// domain and policies always are. The hostnames Cloudflare reports are not
// compared: it lists the domain among them, as a self-hosted domain and a
// destination, which want never writes.
func diffApp(want, got cloudflare.AccessApp) string {
	g := got
	g.ID, g.AUD, g.Type, g.Hostnames = "", "", want.Type, want.Hostnames
	unsetString(want.SessionDuration, &g.SessionDuration)
	if sameDuration(want.SessionDuration, g.SessionDuration) {
		g.SessionDuration = want.SessionDuration
	}
	unsetString(want.SameSiteCookieAttribute, &g.SameSiteCookieAttribute)
	unsetString(want.LogoURL, &g.LogoURL)
	unsetString(want.CustomDenyMessage, &g.CustomDenyMessage)
	unsetString(want.CustomDenyURL, &g.CustomDenyURL)
	unsetString(want.CustomNonIdentityDenyURL, &g.CustomNonIdentityDenyURL)
	unsetBool(want.AutoRedirectToIdentity, &g.AutoRedirectToIdentity)
	unsetBool(want.EnableBindingCookie, &g.EnableBindingCookie)
	unsetBool(want.HTTPOnlyCookieAttribute, &g.HTTPOnlyCookieAttribute)
	unsetBool(want.SkipInterstitial, &g.SkipInterstitial)
	unsetBool(want.AppLauncherVisible, &g.AppLauncherVisible)
	unsetBool(want.ServiceAuth401Redirect, &g.ServiceAuth401Redirect)
	return cmp.Diff(want, g, cmpopts.EquateEmpty())
}

func unsetString(want string, got *string) {
	if want == "" {
		*got = ""
	}
}

func unsetBool(want *bool, got **bool) {
	if want == nil {
		*got = nil
	}
}

// sameDuration reports whether a and b are the same Go duration written
// differently, such as 24h and 24h0m0s.
func sameDuration(a, b string) bool {
	da, errA := time.ParseDuration(a)
	db, errB := time.ParseDuration(b)
	return errA == nil && errB == nil && da == db
}
