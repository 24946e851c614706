package accesspolicy

import (
	"context"
	"strings"
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

const (
	policyID = "pol-1"
	name     = "cfzt-app.example.com-allow"
	groupID  = "grp-home"
	tokenID  = "tok-1"
)

var (
	errBoom          = errors.New("boom")
	errNoGroup       = &cloudflare.NotFoundError{Kind: "Access group", Name: "Nope"}
	errPolicyMissing = &cloudflare.NotFoundError{Kind: "Access policy", Name: policyID}
	errAmbiguous     = &cloudflare.AmbiguousError{Kind: "Access policy", Name: name, IDs: []string{"a", "b"}}
)

type policyModifier func(*v1alpha1.AccessPolicy)

func withExternalName(n string) policyModifier {
	return func(p *v1alpha1.AccessPolicy) { meta.SetExternalName(p, n) }
}

func withGroups(g ...string) policyModifier {
	return func(p *v1alpha1.AccessPolicy) { p.Spec.ForProvider.IncludeGroups = g }
}

func withServiceTokens(ids ...string) policyModifier {
	return func(p *v1alpha1.AccessPolicy) { p.Spec.ForProvider.IncludeServiceTokenIDs = ids }
}

func withObserved(ids ...string) policyModifier {
	return func(p *v1alpha1.AccessPolicy) {
		p.Status.AtProvider.GroupIDs = ids
		p.SetConditions(xpv2.Available())
	}
}

func accessPolicy(m ...policyModifier) *v1alpha1.AccessPolicy {
	p := &v1alpha1.AccessPolicy{}
	p.SetName("policy")
	p.Spec.ForProvider = v1alpha1.AccessPolicyParameters{
		Name:          name,
		IncludeGroups: []string{"Home Users"},
		IncludeEmails: []string{"alice@example.com"},
	}
	for _, f := range m {
		f(p)
	}
	return p
}

// cloudPolicy is the policy accessPolicy describes, as Cloudflare returns it.
func cloudPolicy(m ...func(*cloudflare.AccessPolicy)) cloudflare.AccessPolicy {
	p := cloudflare.AccessPolicy{
		ID:              policyID,
		Name:            name,
		Decision:        "allow",
		IncludeGroupIDs: []string{groupID},
		IncludeEmails:   []string{"alice@example.com"},
	}
	for _, f := range m {
		f(&p)
	}
	return p
}

// resolve resolves the group name the fake Cloudflare API is seeded with,
// and fails on any other.
func resolve(_ context.Context, names []string) ([]string, error) {
	ids := make([]string, 0, len(names))
	for _, n := range names {
		if n != "Home Users" {
			return nil, errNoGroup
		}
		ids = append(ids, groupID)
	}
	return ids, nil
}

func TestObserve(t *testing.T) {
	type want struct {
		o   managed.ExternalObservation
		mg  *v1alpha1.AccessPolicy
		err error
	}
	get := func(p cloudflare.AccessPolicy, err error) func(context.Context, string) (cloudflare.AccessPolicy, error) {
		return func(context.Context, string) (cloudflare.AccessPolicy, error) { return p, err }
	}
	cases := map[string]struct {
		reason string
		get    func(context.Context, string) (cloudflare.AccessPolicy, error)
		mg     *v1alpha1.AccessPolicy
		want   want
	}{
		"NoExternalName": {
			reason: "Without an external name the policy does not exist yet, and Cloudflare is not asked.",
			mg:     accessPolicy(),
			want:   want{mg: accessPolicy()},
		},
		"NotFound": {
			reason: "A policy deleted after it was created must be reported missing, so that it is created again.",
			get:    get(cloudflare.AccessPolicy{}, errPolicyMissing),
			mg:     accessPolicy(withExternalName(policyID)),
			want:   want{mg: accessPolicy(withExternalName(policyID))},
		},
		"GetError": {
			reason: "An error reading the policy must be returned.",
			get:    get(cloudflare.AccessPolicy{}, errBoom),
			mg:     accessPolicy(withExternalName(policyID)),
			want:   want{mg: accessPolicy(withExternalName(policyID)), err: errBoom},
		},
		"UpToDate": {
			reason: "A policy matching the spec, with the decision defaulted to allow, is up to date and its group IDs are reported.",
			get:    get(cloudPolicy(), nil),
			mg:     accessPolicy(withExternalName(policyID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				mg: accessPolicy(withExternalName(policyID), withObserved(groupID)),
			},
		},
		"EmailAddedInDashboard": {
			reason: "An email added in the dashboard is drift, so that Update reverts it.",
			get: get(cloudPolicy(func(p *cloudflare.AccessPolicy) {
				p.IncludeEmails = append(p.IncludeEmails, "mallory@example.com")
			}), nil),
			mg: accessPolicy(withExternalName(policyID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				mg: accessPolicy(withExternalName(policyID), withObserved(groupID)),
			},
		},
		"OtherRuleAddedInDashboard": {
			reason: "An include rule of another kind, such as everyone, is drift.",
			get:    get(cloudPolicy(func(p *cloudflare.AccessPolicy) { p.OtherIncludes = 1 }), nil),
			mg:     accessPolicy(withExternalName(policyID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				mg: accessPolicy(withExternalName(policyID), withObserved(groupID)),
			},
		},
		"ServiceTokensUpToDate": {
			reason: "A policy that includes the spec's service tokens is up to date.",
			get: get(cloudPolicy(func(p *cloudflare.AccessPolicy) {
				p.IncludeServiceTokenIDs = []string{tokenID}
			}), nil),
			mg: accessPolicy(withExternalName(policyID), withServiceTokens(tokenID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				mg: accessPolicy(withExternalName(policyID), withServiceTokens(tokenID), withObserved(groupID)),
			},
		},
		"ServiceTokenRemovedInDashboard": {
			reason: "A service token rule removed in the dashboard is drift, so that Update puts it back.",
			get:    get(cloudPolicy(), nil),
			mg:     accessPolicy(withExternalName(policyID), withServiceTokens(tokenID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				mg: accessPolicy(withExternalName(policyID), withServiceTokens(tokenID), withObserved(groupID)),
			},
		},
		"ServiceTokenAddedInDashboard": {
			reason: "A service token rule the spec does not have is drift too.",
			get: get(cloudPolicy(func(p *cloudflare.AccessPolicy) {
				p.IncludeServiceTokenIDs = []string{"someone-elses-token"}
			}), nil),
			mg: accessPolicy(withExternalName(policyID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				mg: accessPolicy(withExternalName(policyID), withObserved(groupID)),
			},
		},
		"UnknownGroup": {
			reason: "A group name that matches no Access group must fail with an error naming it.",
			get:    get(cloudPolicy(), nil),
			mg:     accessPolicy(withExternalName(policyID), withGroups("Nope")),
			want:   want{mg: accessPolicy(withExternalName(policyID), withGroups("Nope")), err: errNoGroup},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cf := &fake.MockClient{MockGetAccessPolicy: tc.get, MockResolveAccessGroupIDs: resolve}
			o, err := (&external{cf: cf}).Observe(context.Background(), tc.mg)
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
		mg      *v1alpha1.AccessPolicy
		created []cloudflare.AccessPolicy
		err     error
	}
	notFound := func(_ context.Context, n string) (cloudflare.AccessPolicy, error) {
		return cloudflare.AccessPolicy{}, &cloudflare.NotFoundError{Kind: "Access policy", Name: n}
	}
	desired := cloudflare.AccessPolicy{Name: name, Decision: "allow", IncludeGroupIDs: []string{groupID}, IncludeEmails: []string{"alice@example.com"}}
	cases := map[string]struct {
		reason string
		find   func(context.Context, string) (cloudflare.AccessPolicy, error)
		create func(context.Context, cloudflare.AccessPolicy) (cloudflare.AccessPolicy, error)
		mg     *v1alpha1.AccessPolicy
		want   want
	}{
		"Create": {
			reason: "With no policy of that name, one is created with the groups as IDs, and its ID becomes the external name.",
			find:   notFound,
			create: func(context.Context, cloudflare.AccessPolicy) (cloudflare.AccessPolicy, error) {
				return cloudPolicy(), nil
			},
			mg:   accessPolicy(),
			want: want{mg: accessPolicy(withExternalName(policyID)), created: []cloudflare.AccessPolicy{desired}},
		},
		"CreateWithServiceTokens": {
			reason: "The spec's service token IDs are sent as they are, as include rules.",
			find:   notFound,
			create: func(context.Context, cloudflare.AccessPolicy) (cloudflare.AccessPolicy, error) {
				return cloudPolicy(), nil
			},
			mg: accessPolicy(withServiceTokens(tokenID)),
			want: want{
				mg: accessPolicy(withServiceTokens(tokenID), withExternalName(policyID)),
				created: []cloudflare.AccessPolicy{func() cloudflare.AccessPolicy {
					p := desired
					p.IncludeServiceTokenIDs = []string{tokenID}
					return p
				}()},
			},
		},
		"AdoptLostCreate": {
			reason: "A policy of that name, made by a create whose reply was lost, is adopted rather than created twice.",
			find:   func(context.Context, string) (cloudflare.AccessPolicy, error) { return cloudPolicy(), nil },
			mg:     accessPolicy(),
			want:   want{mg: accessPolicy(withExternalName(policyID))},
		},
		"Ambiguous": {
			reason: "Two policies of that name are a conflict: a third is not created.",
			find: func(context.Context, string) (cloudflare.AccessPolicy, error) {
				return cloudflare.AccessPolicy{}, errAmbiguous
			},
			mg:   accessPolicy(),
			want: want{mg: accessPolicy(), err: errAmbiguous},
		},
		"UnknownGroup": {
			reason: "A group name that matches no Access group fails before anything is written.",
			mg:     accessPolicy(withGroups("Nope")),
			want:   want{mg: accessPolicy(withGroups("Nope")), err: errNoGroup},
		},
		"CreateError": {
			reason: "A failed create must be returned, with no external name set.",
			find:   notFound,
			create: func(context.Context, cloudflare.AccessPolicy) (cloudflare.AccessPolicy, error) {
				return cloudflare.AccessPolicy{}, errBoom
			},
			mg:   accessPolicy(),
			want: want{mg: accessPolicy(), created: []cloudflare.AccessPolicy{desired}, err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var created []cloudflare.AccessPolicy
			cf := &fake.MockClient{
				MockFindAccessPolicy:      tc.find,
				MockResolveAccessGroupIDs: resolve,
				MockCreateAccessPolicy: func(ctx context.Context, p cloudflare.AccessPolicy) (cloudflare.AccessPolicy, error) {
					created = append(created, p)
					return tc.create(ctx, p)
				},
			}
			_, err := (&external{cf: cf}).Create(context.Background(), tc.mg)
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Create(...): -want error, +got error:\n%s", tc.reason, diff)
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
		updated cloudflare.AccessPolicy
		err     error
	}
	desired := cloudflare.AccessPolicy{Name: name, Decision: "allow", IncludeGroupIDs: []string{groupID}, IncludeEmails: []string{"alice@example.com"}}
	withToken := desired
	withToken.IncludeServiceTokenIDs = []string{tokenID}
	cases := map[string]struct {
		reason string
		mg     *v1alpha1.AccessPolicy
		err    error
		want   want
	}{
		"Replace": {
			reason: "Update sends the whole desired policy, reverting dashboard edits.",
			want:   want{id: policyID, updated: desired},
		},
		"ServiceTokens": {
			reason: "Update sends the spec's service token IDs as include rules.",
			mg:     accessPolicy(withExternalName(policyID), withServiceTokens(tokenID)),
			want:   want{id: policyID, updated: withToken},
		},
		"Error": {
			reason: "A failed update must be returned.",
			err:    errBoom,
			want:   want{id: policyID, updated: desired, err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var gotID string
			var got cloudflare.AccessPolicy
			cf := &fake.MockClient{
				MockResolveAccessGroupIDs: resolve,
				MockUpdateAccessPolicy: func(_ context.Context, id string, p cloudflare.AccessPolicy) (cloudflare.AccessPolicy, error) {
					gotID, got = id, p
					return p, tc.err
				},
			}
			mg := tc.mg
			if mg == nil {
				mg = accessPolicy(withExternalName(policyID))
			}
			_, err := (&external{cf: cf}).Update(context.Background(), mg)
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.id, gotID); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want ID, +got ID:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.updated, got); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want policy, +got policy:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	cases := map[string]struct {
		reason  string
		mg      *v1alpha1.AccessPolicy
		err     error
		want    error
		message string
	}{
		"Deleted": {
			reason: "Deleting the policy succeeds.",
			mg:     accessPolicy(withExternalName(policyID)),
		},
		"AlreadyGone": {
			reason: "A policy already gone is not an error.",
			mg:     accessPolicy(withExternalName(policyID)),
			err:    errPolicyMissing,
		},
		"NeverCreated": {
			reason: "Without an external name there is nothing to delete, and Cloudflare is not asked.",
			mg:     accessPolicy(),
			err:    errBoom,
		},
		"StillUsed": {
			reason:  "A policy an application still uses cannot be deleted yet: the error is returned, so that the delete is retried, and says it waits for the application.",
			mg:      accessPolicy(withExternalName(policyID)),
			err:     errBoom,
			want:    errBoom,
			message: `cannot delete Access policy "pol-1" yet, waiting for any Access application that uses it to let go of it: boom`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cf := &fake.MockClient{MockDeleteAccessPolicy: func(context.Context, string) error { return tc.err }}
			_, err := (&external{cf: cf}).Delete(context.Background(), tc.mg)
			if diff := cmp.Diff(tc.want, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Delete(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if err != nil && !strings.Contains(err.Error(), tc.message) {
				t.Errorf("\n%s\ne.Delete(...): error %q does not say %q", tc.reason, err, tc.message)
			}
		})
	}
}
