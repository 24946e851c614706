package accessapp

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/test"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare/fake"
)

var (
	errBoom       = errors.New("boom")
	errNoPolicy   = &cloudflare.NotFoundError{Kind: "Access policy", Name: "Nope"}
	errForeign    = &cloudflare.NotOwnedError{Kind: "Access application for", Name: domain, ID: "legacy"}
	errCovered    = &cloudflare.AccessAppConflictError{Domain: domain, AppName: "Legacy", AppID: "legacy"}
	errRefused    = &cloudflare.AccessAppConflictError{Domain: domain, Err: errBoom}
	errRateLimit  = &cloudflare.RateLimitedError{}
	errAppMissing = &cloudflare.NotFoundError{Kind: "Access application", Name: appID}
)

const (
	appID  = "app-1"
	domain = "app.example.com"
	name   = "cfzt-app.example.com"
)

type appModifier func(*v1alpha1.AccessApp)

func withExternalName(n string) appModifier {
	return func(a *v1alpha1.AccessApp) { meta.SetExternalName(a, n) }
}

func withStatus(aud string, ids ...string) appModifier {
	return func(a *v1alpha1.AccessApp) {
		a.Status.AtProvider = v1alpha1.AccessAppObservation{AUD: aud, PolicyIDs: ids}
		a.SetConditions(xpv2.Available())
	}
}

func withPolicyNames(n ...string) appModifier {
	return func(a *v1alpha1.AccessApp) { a.Spec.ForProvider.ExistingPolicyNames = n }
}

func accessApp(m ...appModifier) *v1alpha1.AccessApp {
	a := &v1alpha1.AccessApp{}
	a.SetName("app")
	a.Spec.ForProvider = v1alpha1.AccessAppParameters{
		Name:             name,
		Domain:           domain,
		SessionDuration:  "24h",
		SkipInterstitial: new(true),
		PolicyIDs:        []string{"pol-ref", "pol-home"},
	}
	for _, f := range m {
		f(a)
	}
	return a
}

// cloudApp is the application accessApp describes, as Cloudflare returns it,
// with defaults Cloudflare fills in for settings the spec leaves unset.
func cloudApp(m ...func(*cloudflare.AccessApp)) cloudflare.AccessApp {
	a := cloudflare.AccessApp{
		ID:                 appID,
		AUD:                "aud-1",
		Type:               "self_hosted",
		Name:               name,
		Domain:             domain,
		SessionDuration:    "24h0m0s",
		SkipInterstitial:   new(true),
		AppLauncherVisible: new(true),
		PolicyIDs:          []string{"pol-home", "pol-ref"},
		// Cloudflare lists the domain as a self-hosted domain and a
		// destination; neither is desired state.
		Hostnames: []string{domain},
	}
	for _, f := range m {
		f(&a)
	}
	return a
}

// resolve resolves the policy name the fake Cloudflare API is seeded with,
// and fails on any other.
func resolve(_ context.Context, names []string) ([]string, error) {
	ids := make([]string, 0, len(names))
	for _, n := range names {
		if n != "Allow Home Users" {
			return nil, errNoPolicy
		}
		ids = append(ids, "pol-home")
	}
	return ids, nil
}

func TestObserve(t *testing.T) {
	type want struct {
		o   managed.ExternalObservation
		mg  *v1alpha1.AccessApp
		err error
	}
	cases := map[string]struct {
		reason string
		cf     *fake.MockClient
		mg     *v1alpha1.AccessApp
		want   want
	}{
		"NoExternalName": {
			reason: "Without an external name the application does not exist yet, and Cloudflare is not asked.",
			cf:     &fake.MockClient{},
			mg:     accessApp(),
			want:   want{mg: accessApp()},
		},
		"NotFound": {
			reason: "An application deleted after it was created must be reported missing, so that it is created again.",
			cf: &fake.MockClient{
				MockGetAccessApp: func(_ context.Context, _ string) (cloudflare.AccessApp, error) {
					return cloudflare.AccessApp{}, errAppMissing
				},
			},
			mg:   accessApp(withExternalName(appID)),
			want: want{mg: accessApp(withExternalName(appID))},
		},
		"GetError": {
			reason: "An error reading the application must be returned.",
			cf: &fake.MockClient{
				MockGetAccessApp: func(_ context.Context, _ string) (cloudflare.AccessApp, error) {
					return cloudflare.AccessApp{}, errBoom
				},
			},
			mg:   accessApp(withExternalName(appID)),
			want: want{mg: accessApp(withExternalName(appID)), err: errBoom},
		},
		"UpToDate": {
			reason: "An application matching the spec, named policies first, is up to date; settings the spec leaves unset are Cloudflare's.",
			cf: &fake.MockClient{
				MockGetAccessApp: func(_ context.Context, _ string) (cloudflare.AccessApp, error) {
					return cloudflare.AccessApp{
						ID: appID, AUD: "aud-1", Type: "self_hosted", Name: name, Domain: domain,
						SessionDuration: "24h0m0s", SkipInterstitial: new(true), AppLauncherVisible: new(true),
						PolicyIDs: []string{"pol-home", "pol-ref"},
					}, nil
				},
				MockResolveAccessPolicyIDs: resolve,
			},
			mg: accessApp(withExternalName(appID), withPolicyNames("Allow Home Users")),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				mg: accessApp(withExternalName(appID), withPolicyNames("Allow Home Users"), withStatus("aud-1", "pol-home", "pol-ref")),
			},
		},
		"HostnamesNotDrift": {
			reason: "The hostnames Cloudflare reports (the domain as a self-hosted domain and a destination) are not drift.",
			cf: &fake.MockClient{
				MockGetAccessApp: func(_ context.Context, _ string) (cloudflare.AccessApp, error) {
					return cloudApp(func(a *cloudflare.AccessApp) { a.Hostnames = []string{domain, "APP.example.com."} }), nil
				},
				MockResolveAccessPolicyIDs: resolve,
			},
			mg: accessApp(withExternalName(appID), withPolicyNames("Allow Home Users")),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				mg: accessApp(withExternalName(appID), withPolicyNames("Allow Home Users"), withStatus("aud-1", "pol-home", "pol-ref")),
			},
		},
		"DashboardEdit": {
			reason: "A setting changed in the dashboard must be reported as drift, so that Update reverts it.",
			cf: &fake.MockClient{
				MockGetAccessApp: func(_ context.Context, _ string) (cloudflare.AccessApp, error) {
					return cloudApp(func(a *cloudflare.AccessApp) { a.SkipInterstitial = new(false) }), nil
				},
				MockResolveAccessPolicyIDs: resolve,
			},
			mg: accessApp(withExternalName(appID), withPolicyNames("Allow Home Users")),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				mg: accessApp(withExternalName(appID), withPolicyNames("Allow Home Users"), withStatus("aud-1", "pol-home", "pol-ref")),
			},
		},
		"PolicyOrder": {
			reason: "Policies attached in another order have another precedence, which is drift.",
			cf: &fake.MockClient{
				MockGetAccessApp: func(_ context.Context, _ string) (cloudflare.AccessApp, error) {
					return cloudApp(func(a *cloudflare.AccessApp) { a.PolicyIDs = []string{"pol-ref", "pol-home"} }), nil
				},
				MockResolveAccessPolicyIDs: resolve,
			},
			mg: accessApp(withExternalName(appID), withPolicyNames("Allow Home Users")),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				mg: accessApp(withExternalName(appID), withPolicyNames("Allow Home Users"), withStatus("aud-1", "pol-ref", "pol-home")),
			},
		},
		"UnknownPolicyName": {
			reason: "A policy name that matches no policy must fail with an error naming it.",
			cf: &fake.MockClient{
				MockGetAccessApp: func(_ context.Context, _ string) (cloudflare.AccessApp, error) {
					return cloudApp(), nil
				},
				MockResolveAccessPolicyIDs: resolve,
			},
			mg: accessApp(withExternalName(appID), withPolicyNames("Nope")),
			want: want{
				mg:  accessApp(withExternalName(appID), withPolicyNames("Nope")),
				err: errNoPolicy,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := &external{cf: tc.cf}
			o, err := e.Observe(context.Background(), tc.mg)
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Observe(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.o, o, cmpopts.IgnoreFields(managed.ExternalObservation{}, "Diff")); diff != "" {
				t.Errorf("\n%s\ne.Observe(...): -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.mg, tc.mg, test.EquateConditions()); diff != "" {
				t.Errorf("\n%s\ne.Observe(...): -want managed resource, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestCreate(t *testing.T) {
	type want struct {
		mg      *v1alpha1.AccessApp
		created []cloudflare.AccessApp
		err     error
		// msg, when set, is the error's whole message: a condition's.
		msg string
	}
	cases := map[string]struct {
		reason string
		find   func(ctx context.Context, domain, name string) (cloudflare.AccessApp, error)
		create func(ctx context.Context, a cloudflare.AccessApp) (cloudflare.AccessApp, error)
		mg     *v1alpha1.AccessApp
		want   want
	}{
		"Create": {
			reason: "With no application of that name, one is created with every setting and the policies in order, and its ID becomes the external name.",
			find: func(_ context.Context, _, n string) (cloudflare.AccessApp, error) {
				return cloudflare.AccessApp{}, &cloudflare.NotFoundError{Kind: "Access application", Name: n}
			},
			create: func(_ context.Context, _ cloudflare.AccessApp) (cloudflare.AccessApp, error) {
				return cloudApp(), nil
			},
			mg: accessApp(withPolicyNames("Allow Home Users")),
			want: want{
				mg: accessApp(withPolicyNames("Allow Home Users"), withExternalName(appID), withStatus("aud-1", "pol-home", "pol-ref")),
				created: []cloudflare.AccessApp{{
					Type: "self_hosted", Name: name, Domain: domain, SessionDuration: "24h", SkipInterstitial: new(true),
					PolicyIDs: []string{"pol-home", "pol-ref"},
				}},
			},
		},
		"AdoptLostCreate": {
			reason: "An application of that name, made by a create whose reply was lost, is adopted rather than created twice.",
			find: func(_ context.Context, _, _ string) (cloudflare.AccessApp, error) {
				return cloudApp(), nil
			},
			mg:   accessApp(),
			want: want{mg: accessApp(withExternalName(appID))},
		},
		"ForeignApplication": {
			reason: "Another application protecting the domain is a conflict: nothing is created or adopted.",
			find: func(_ context.Context, _, _ string) (cloudflare.AccessApp, error) {
				return cloudflare.AccessApp{}, errForeign
			},
			mg: accessApp(),
			want: want{
				mg:  accessApp(),
				err: errForeign,
			},
		},
		"DomainCovered": {
			reason: "Another application covering the domain is a conflict that names it and says what to do; nothing is created or adopted.",
			find: func(_ context.Context, _, _ string) (cloudflare.AccessApp, error) {
				return cloudflare.AccessApp{}, errCovered
			},
			mg: accessApp(),
			want: want{
				mg:  accessApp(),
				err: errCovered,
				msg: `cannot create Access application "cfzt-app.example.com": Access application "Legacy" (ID legacy) already covers "app.example.com" ` +
					`and is not managed by cfzt: delete that application in Cloudflare or remove this hostname from it, ` +
					`or remove the cfzt.cloudflare.com/access.enabled annotation from the HTTPRoute`,
			},
		},
		"CreateRefusedAsCovered": {
			reason: "Cloudflare refusing the create because another application covers the domain is the same conflict, with the same advice.",
			find: func(_ context.Context, _, n string) (cloudflare.AccessApp, error) {
				return cloudflare.AccessApp{}, &cloudflare.NotFoundError{Kind: "Access application", Name: n}
			},
			create: func(_ context.Context, _ cloudflare.AccessApp) (cloudflare.AccessApp, error) {
				return cloudflare.AccessApp{}, errRefused
			},
			mg: accessApp(),
			want: want{
				mg: accessApp(),
				created: []cloudflare.AccessApp{{
					Type: "self_hosted", Name: name, Domain: domain, SessionDuration: "24h", SkipInterstitial: new(true),
					PolicyIDs: []string{"pol-ref", "pol-home"},
				}},
				err: errRefused,
				msg: `cannot create Access application "cfzt-app.example.com": another Access application, not managed by cfzt, already covers "app.example.com": ` +
					`Cloudflare refused ours (code 11010, application already exists): delete that application in Cloudflare or remove this hostname from it, ` +
					`or remove the cfzt.cloudflare.com/access.enabled annotation from the HTTPRoute`,
			},
		},
		"RateLimited": {
			reason: "A rate-limited find fails at once, without waiting and without creating.",
			find: func(_ context.Context, _, _ string) (cloudflare.AccessApp, error) {
				return cloudflare.AccessApp{}, errRateLimit
			},
			mg:   accessApp(),
			want: want{mg: accessApp(), err: errRateLimit},
		},
		"CreateError": {
			reason: "A failed create must be returned, with no external name set.",
			find: func(_ context.Context, _, n string) (cloudflare.AccessApp, error) {
				return cloudflare.AccessApp{}, &cloudflare.NotFoundError{Kind: "Access application", Name: n}
			},
			create: func(_ context.Context, _ cloudflare.AccessApp) (cloudflare.AccessApp, error) {
				return cloudflare.AccessApp{}, errBoom
			},
			mg: accessApp(),
			want: want{
				mg: accessApp(),
				created: []cloudflare.AccessApp{{
					Type: "self_hosted", Name: name, Domain: domain, SessionDuration: "24h", SkipInterstitial: new(true),
					PolicyIDs: []string{"pol-ref", "pol-home"},
				}},
				err: errBoom,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var created []cloudflare.AccessApp
			cf := &fake.MockClient{
				MockFindAccessApp:          tc.find,
				MockResolveAccessPolicyIDs: resolve,
				MockCreateAccessApp: func(ctx context.Context, a cloudflare.AccessApp) (cloudflare.AccessApp, error) {
					created = append(created, a)
					return tc.create(ctx, a)
				},
			}
			_, err := (&external{cf: cf}).Create(context.Background(), tc.mg)
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Create(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if tc.want.msg != "" {
				if diff := cmp.Diff(tc.want.msg, err.Error()); diff != "" {
					t.Errorf("\n%s\ne.Create(...): -want message, +got:\n%s", tc.reason, diff)
				}
				if !cloudflare.IsConflict(err) {
					t.Errorf("\n%s\ne.Create(...): want an error IsConflict reports, got %v", tc.reason, err)
				}
			}
			if diff := cmp.Diff(tc.want.created, created); diff != "" {
				t.Errorf("\n%s\ne.Create(...): -want created, +got created:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.mg, tc.mg, test.EquateConditions()); diff != "" {
				t.Errorf("\n%s\ne.Create(...): -want managed resource, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	type want struct {
		id      string
		updated cloudflare.AccessApp
		err     error
	}
	cases := map[string]struct {
		reason string
		update func(ctx context.Context, id string, a cloudflare.AccessApp) (cloudflare.AccessApp, error)
		want   want
	}{
		"Replace": {
			reason: "Update sends the whole desired application, reverting dashboard edits.",
			update: func(_ context.Context, _ string, _ cloudflare.AccessApp) (cloudflare.AccessApp, error) {
				return cloudApp(), nil
			},
			want: want{id: appID, updated: cloudflare.AccessApp{
				Type: "self_hosted", Name: name, Domain: domain, SessionDuration: "24h", SkipInterstitial: new(true),
				PolicyIDs: []string{"pol-ref", "pol-home"},
			}},
		},
		"Error": {
			reason: "A failed update must be returned.",
			update: func(_ context.Context, _ string, _ cloudflare.AccessApp) (cloudflare.AccessApp, error) {
				return cloudflare.AccessApp{}, errBoom
			},
			want: want{id: appID, updated: cloudflare.AccessApp{
				Type: "self_hosted", Name: name, Domain: domain, SessionDuration: "24h", SkipInterstitial: new(true),
				PolicyIDs: []string{"pol-ref", "pol-home"},
			}, err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var gotID string
			var got cloudflare.AccessApp
			cf := &fake.MockClient{MockUpdateAccessApp: func(ctx context.Context, id string, a cloudflare.AccessApp) (cloudflare.AccessApp, error) {
				gotID, got = id, a
				return tc.update(ctx, id, a)
			}}
			_, err := (&external{cf: cf}).Update(context.Background(), accessApp(withExternalName(appID)))
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.id, gotID); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want ID, +got ID:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.updated, got); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want application, +got application:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	cases := map[string]struct {
		reason string
		mg     *v1alpha1.AccessApp
		err    error
		want   error
	}{
		"Deleted": {
			reason: "Deleting the application succeeds.",
			mg:     accessApp(withExternalName(appID)),
		},
		"AlreadyGone": {
			reason: "An application already gone is not an error.",
			mg:     accessApp(withExternalName(appID)),
			err:    errAppMissing,
		},
		"NeverCreated": {
			reason: "Without an external name there is nothing to delete, and Cloudflare is not asked.",
			mg:     accessApp(),
			err:    errBoom,
		},
		"Error": {
			reason: "A failed delete must be returned, so that it is retried.",
			mg:     accessApp(withExternalName(appID)),
			err:    errBoom,
			want:   errBoom,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cf := &fake.MockClient{MockDeleteAccessApp: func(_ context.Context, _ string) error { return tc.err }}
			_, err := (&external{cf: cf}).Delete(context.Background(), tc.mg)
			if diff := cmp.Diff(tc.want, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Delete(...): -want error, +got error:\n%s", tc.reason, diff)
			}
		})
	}
}
