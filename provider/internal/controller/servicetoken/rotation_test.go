package servicetoken

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare/fake"
)

func TestObserveSchedule(t *testing.T) {
	created := now.Add(-100 * time.Hour)
	soon := now.Add(100 * time.Hour)
	cases := map[string]struct {
		reason   string
		got      cloudflare.ServiceToken
		mg       *v1alpha1.ServiceToken
		upToDate bool
		err      bool
	}{
		"Steady": {
			reason:   "A token with no rotation asked for, none due and a distant expiry is up to date.",
			got:      cloudToken(),
			mg:       serviceToken(withExternalName(tokenID)),
			upToDate: true,
		},
		"RotateAsked": {
			reason: "A new spec.forProvider.rotate value asks for a rotation.",
			got:    cloudToken(),
			mg:     serviceToken(withExternalName(tokenID), withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.Rotate = "2026-01-01" })),
		},
		"RotateCarriedOut": {
			reason: "A rotate value the last rotation carried out asks for nothing.",
			got:    cloudToken(),
			mg: serviceToken(withExternalName(tokenID),
				withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.Rotate = "2026-01-01" }),
				withStatus(func(o *v1alpha1.ServiceTokenObservation) { o.Rotated = "2026-01-01" })),
			upToDate: true,
		},
		"RotateEveryDue": {
			reason: "A secret rotated longer ago than rotateEvery is due for a rotation.",
			got:    cloudToken(),
			mg: serviceToken(withExternalName(tokenID),
				withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.RotateEvery = "720h" }),
				withStatus(func(o *v1alpha1.ServiceTokenObservation) { o.RotatedAt = timePtr(now.Add(-721 * time.Hour)) })),
		},
		"RotateEveryNotDue": {
			reason: "A secret rotated more recently than rotateEvery is not, however old the token.",
			got:    cloudToken(func(t *cloudflare.ServiceToken) { t.CreatedAt = new(now.Add(-9000 * time.Hour)) }),
			mg: serviceToken(withExternalName(tokenID),
				withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.RotateEvery = "720h" }),
				withStatus(func(o *v1alpha1.ServiceTokenObservation) { o.RotatedAt = timePtr(now.Add(-1 * time.Hour)) })),
			upToDate: true,
		},
		"RotateEveryFromCreation": {
			reason: "A token never rotated counts rotateEvery from its creation.",
			got:    cloudToken(func(t *cloudflare.ServiceToken) { t.CreatedAt = &created }),
			mg:     serviceToken(withExternalName(tokenID), withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.RotateEvery = "99h" })),
		},
		"RefreshDue": {
			reason: "A token expiring within refreshBefore's default (720h) is due for a refresh.",
			got:    cloudToken(func(t *cloudflare.ServiceToken) { t.ExpiresAt = &soon }),
			mg:     serviceToken(withExternalName(tokenID)),
		},
		"RefreshBefore": {
			reason:   "refreshBefore narrows the window.",
			got:      cloudToken(func(t *cloudflare.ServiceToken) { t.ExpiresAt = &soon }),
			mg:       serviceToken(withExternalName(tokenID), withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.RefreshBefore = "99h" })),
			upToDate: true,
		},
		"ShortLivedNotEveryPoll": {
			reason: "A token of 24h is refreshed at half its life at the latest, not whenever it is within 720h of expiring.",
			got: cloudToken(func(t *cloudflare.ServiceToken) {
				t.Duration = "24h"
				t.ExpiresAt = new(now.Add(13 * time.Hour))
			}),
			mg:       serviceToken(withExternalName(tokenID), withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.Duration = "24h" })),
			upToDate: true,
		},
		"ShortLivedAtHalfLife": {
			reason: "A token of 24h past half its life is refreshed.",
			got: cloudToken(func(t *cloudflare.ServiceToken) {
				t.Duration = "24h"
				t.ExpiresAt = new(now.Add(11 * time.Hour))
			}),
			mg: serviceToken(withExternalName(tokenID), withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.Duration = "24h" })),
		},
		"InvalidRotateEvery": {
			reason: "A rotateEvery that is no Go duration is an error naming the field.",
			got:    cloudToken(),
			mg:     serviceToken(withExternalName(tokenID), withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.RotateEvery = "monthly" })),
			err:    true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := &external{
				cf:      &fake.MockClient{MockGetServiceToken: func(context.Context, string) (cloudflare.ServiceToken, error) { return tc.got, nil }},
				secrets: secretWith(full),
				now:     clock,
			}
			o, err := e.Observe(context.Background(), tc.mg)
			if diff := cmp.Diff(tc.err, err != nil); diff != "" {
				t.Errorf("\n%s\ne.Observe(...): -want error, +got error (%v):\n%s", tc.reason, err, diff)
			}
			if diff := cmp.Diff(tc.upToDate, o.ResourceUpToDate); diff != "" {
				t.Errorf("\n%s\ne.Observe(...) up to date: -want, +got:\n%s", tc.reason, diff)
			}
			if !tc.err && !tc.upToDate && o.Diff == "" {
				t.Errorf("\n%s\ne.Observe(...): want a diff saying why", tc.reason)
			}
		})
	}
}

func TestCreateRecordsRotate(t *testing.T) {
	cf := &fake.MockClient{
		MockFindServiceToken: func(_ context.Context, n string) (cloudflare.ServiceToken, error) {
			return cloudflare.ServiceToken{}, &cloudflare.NotFoundError{Kind: "service token", Name: n}
		},
		MockCreateServiceToken: func(context.Context, string, string) (cloudflare.ServiceToken, error) {
			return cloudToken(func(t *cloudflare.ServiceToken) { t.ClientSecret = secret }), nil
		},
	}
	mg := serviceToken(withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.Rotate = "r1" }))
	if _, err := (&external{cf: cf, now: clock}).Create(context.Background(), mg); err != nil {
		t.Fatal(err)
	}
	want := v1alpha1.ServiceTokenObservation{ClientID: clientID, ExpiresAt: timePtr(expires), Rotated: "r1"}
	if diff := cmp.Diff(want, mg.Status.AtProvider); diff != "" {
		t.Errorf("A new token records spec.forProvider.rotate as carried out, so that it is not rotated at once: -want, +got:\n%s", diff)
	}
}

// warning is an Event recorded on a route.
type warning struct {
	Route  string
	Reason event.Reason
}

func TestUpdateRotateAndRefresh(t *testing.T) {
	soon := now.Add(48 * time.Hour)
	later := now.Add(400 * time.Hour)
	refreshedTo := now.Add(8760 * time.Hour)
	type want struct {
		u         managed.ExternalUpdate
		err       bool
		previous  []time.Time
		refreshes int
		status    v1alpha1.ServiceTokenObservation
		warnings  []warning
	}
	newSecret := managed.ConnectionDetails{KeyClientID: []byte(clientID), KeyClientSecret: []byte(rotated)}
	cases := map[string]struct {
		reason     string
		got        cloudflare.ServiceToken
		mg         *v1alpha1.ServiceToken
		secrets    client.Reader
		refreshErr error
		want       want
	}{
		"RotateAsked": {
			reason:  "A new rotate value rotates the token, keeps the old secret working for the default overlap of 24h, publishes the new secret and records the rotation.",
			got:     cloudToken(),
			mg:      serviceToken(withExternalName(tokenID), withObserved(), withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.Rotate = "r2" })),
			secrets: secretWith(full),
			want: want{
				u:        managed.ExternalUpdate{ConnectionDetails: newSecret},
				previous: []time.Time{now.Add(24 * time.Hour)},
				status: v1alpha1.ServiceTokenObservation{
					ClientID: clientID, ExpiresAt: timePtr(expires),
					Rotated: "r2", RotatedAt: timePtr(now), PreviousSecretExpiresAt: timePtr(now.Add(24 * time.Hour)),
				},
			},
		},
		"RotateEveryWithOverlap": {
			reason: "A rotation due by rotateEvery keeps the old secret working for rotationOverlap.",
			got:    cloudToken(),
			mg: serviceToken(withExternalName(tokenID), withObserved(),
				withParameters(func(p *v1alpha1.ServiceTokenParameters) {
					p.RotateEvery = "720h"
					p.RotationOverlap = "1h"
				}),
				withStatus(func(o *v1alpha1.ServiceTokenObservation) { o.RotatedAt = timePtr(now.Add(-800 * time.Hour)) })),
			secrets: secretWith(full),
			want: want{
				u:        managed.ExternalUpdate{ConnectionDetails: newSecret},
				previous: []time.Time{now.Add(time.Hour)},
				status: v1alpha1.ServiceTokenObservation{
					ClientID: clientID, ExpiresAt: timePtr(expires),
					RotatedAt: timePtr(now), PreviousSecretExpiresAt: timePtr(now.Add(time.Hour)),
				},
			},
		},
		"SecretLost": {
			reason:  "A lost secret is replaced by a rotation without overlap: the old secret is lost anyway.",
			got:     cloudToken(),
			mg:      serviceToken(withExternalName(tokenID), withObserved()),
			secrets: secretWith(nil),
			want: want{
				u:        managed.ExternalUpdate{ConnectionDetails: newSecret},
				previous: []time.Time{{}},
				status: v1alpha1.ServiceTokenObservation{
					ClientID: clientID, ExpiresAt: timePtr(expires),
					RotatedAt: timePtr(now), PreviousSecretExpiresAt: timePtr(now),
				},
			},
		},
		"Refresh": {
			reason:  "A token near its expiry is refreshed, keeping its secret: no connection details.",
			got:     cloudToken(func(t *cloudflare.ServiceToken) { t.ExpiresAt = &soon }),
			mg:      serviceToken(withExternalName(tokenID), withObserved()),
			secrets: secretWith(full),
			want: want{
				refreshes: 1,
				status:    v1alpha1.ServiceTokenObservation{ClientID: clientID, ExpiresAt: timePtr(refreshedTo)},
			},
		},
		"RefreshFailsNearExpiry": {
			reason:     "A token that cannot be refreshed and expires within 7 days is an error, and a Warning Event on its HTTPRoute.",
			got:        cloudToken(func(t *cloudflare.ServiceToken) { t.ExpiresAt = &soon }),
			mg:         serviceToken(withExternalName(tokenID), withObserved(), withRoute(), withStatus(func(o *v1alpha1.ServiceTokenObservation) { o.ExpiresAt = timePtr(soon) })),
			secrets:    secretWith(full),
			refreshErr: errBoom,
			want: want{
				err:       true,
				refreshes: 1,
				status:    v1alpha1.ServiceTokenObservation{ClientID: clientID, ExpiresAt: timePtr(soon)},
				warnings:  []warning{{Route: "apps/web", Reason: reasonExpiring}},
			},
		},
		"RefreshFailsFarFromExpiry": {
			reason:     "A failed refresh of a token with more than 7 days left is an error, but no Event yet.",
			got:        cloudToken(func(t *cloudflare.ServiceToken) { t.ExpiresAt = &later }),
			mg:         serviceToken(withExternalName(tokenID), withObserved(), withRoute(), withStatus(func(o *v1alpha1.ServiceTokenObservation) { o.ExpiresAt = timePtr(later) })),
			secrets:    secretWith(full),
			refreshErr: errBoom,
			want: want{
				err:       true,
				refreshes: 1,
				status:    v1alpha1.ServiceTokenObservation{ClientID: clientID, ExpiresAt: timePtr(later)},
			},
		},
		"RotatedButRefreshFails": {
			reason:     "When the refresh fails after a rotation the new secret is still returned, to be published; the refresh waits for the next poll.",
			got:        cloudToken(func(t *cloudflare.ServiceToken) { t.ExpiresAt = &later }),
			mg:         serviceToken(withExternalName(tokenID), withObserved(), withParameters(func(p *v1alpha1.ServiceTokenParameters) { p.Rotate = "r2" }), withStatus(func(o *v1alpha1.ServiceTokenObservation) { o.ExpiresAt = timePtr(later) })),
			secrets:    secretWith(full),
			refreshErr: errBoom,
			want: want{
				u:         managed.ExternalUpdate{ConnectionDetails: newSecret},
				previous:  []time.Time{now.Add(24 * time.Hour)},
				refreshes: 1,
				status: v1alpha1.ServiceTokenObservation{
					ClientID: clientID, ExpiresAt: timePtr(later),
					Rotated: "r2", RotatedAt: timePtr(now), PreviousSecretExpiresAt: timePtr(now.Add(24 * time.Hour)),
				},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var previous []time.Time
			var refreshes int
			var warnings []warning
			cf := &fake.MockClient{
				MockGetServiceToken: func(context.Context, string) (cloudflare.ServiceToken, error) { return tc.got, nil },
				MockRotateServiceToken: func(_ context.Context, _ string, until time.Time) (cloudflare.ServiceToken, error) {
					previous = append(previous, until)
					return cloudToken(func(t *cloudflare.ServiceToken) { t.ClientSecret = rotated }), nil
				},
				MockRefreshServiceToken: func(context.Context, string) (cloudflare.ServiceToken, error) {
					refreshes++
					if tc.refreshErr != nil {
						return cloudflare.ServiceToken{}, tc.refreshErr
					}
					return cloudToken(func(t *cloudflare.ServiceToken) { t.ExpiresAt = &refreshedTo }), nil
				},
			}
			warn := func(_ context.Context, mg *v1alpha1.ServiceToken, reason event.Reason, _ error) error {
				ns, route, _ := routeOf(mg)
				warnings = append(warnings, warning{Route: ns + "/" + route, Reason: reason})
				return nil
			}
			e := &external{cf: cf, secrets: tc.secrets, now: clock, routes: warn}
			u, err := e.Update(context.Background(), tc.mg)
			if diff := cmp.Diff(tc.want.err, err != nil); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want error, +got error (%v):\n%s", tc.reason, err, diff)
			}
			if diff := cmp.Diff(tc.want.u, u); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.previous, previous, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want rotations (previous secret's expiry), +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.refreshes, refreshes); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want refreshes, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.status, tc.mg.Status.AtProvider); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want status.atProvider, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.warnings, warnings); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want route warnings, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func withRoute() tokenModifier {
	return func(t *v1alpha1.ServiceToken) {
		t.SetLabels(map[string]string{v1alpha1.LabelHTTPRouteNamespace: "apps", v1alpha1.LabelHTTPRouteName: "web"})
	}
}
