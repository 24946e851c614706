package servicetoken

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

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
	tokenID  = "tok-1"
	name     = "cfzt-app.example.com"
	clientID = "cid.access"
	secret   = "s3cr3t-value"
	rotated  = "r0tated-value"
)

var (
	errBoom         = errors.New("boom")
	errTokenMissing = &cloudflare.NotFoundError{Kind: "service token", Name: tokenID}
	expires         = time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)
	// now is the tests' clock, more than refreshBefore's default before
	// expires.
	now = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
)

func clock() time.Time { return now }

type tokenModifier func(*v1alpha1.ServiceToken)

func withExternalName(n string) tokenModifier {
	return func(t *v1alpha1.ServiceToken) { meta.SetExternalName(t, n) }
}

func withObserved() tokenModifier {
	return func(t *v1alpha1.ServiceToken) {
		at := metav1.NewTime(expires)
		t.Status.AtProvider = v1alpha1.ServiceTokenObservation{ClientID: clientID, ExpiresAt: &at}
		t.SetConditions(xpv2.Available())
	}
}

// withRecorded is the status Create records: the client ID and expiry,
// and no condition.
func withRecorded(m ...func(*v1alpha1.ServiceTokenObservation)) tokenModifier {
	return func(t *v1alpha1.ServiceToken) {
		t.Status.AtProvider = v1alpha1.ServiceTokenObservation{ClientID: clientID, ExpiresAt: timePtr(expires)}
		for _, f := range m {
			f(&t.Status.AtProvider)
		}
	}
}

func withStatus(f func(*v1alpha1.ServiceTokenObservation)) tokenModifier {
	return func(t *v1alpha1.ServiceToken) { f(&t.Status.AtProvider) }
}

func withParameters(f func(*v1alpha1.ServiceTokenParameters)) tokenModifier {
	return func(t *v1alpha1.ServiceToken) { f(&t.Spec.ForProvider) }
}

func withoutConnectionSecret() tokenModifier {
	return func(t *v1alpha1.ServiceToken) { t.SetWriteConnectionSecretToReference(nil) }
}

func serviceToken(m ...tokenModifier) *v1alpha1.ServiceToken {
	t := &v1alpha1.ServiceToken{}
	t.SetName("token")
	t.Spec.ForProvider = v1alpha1.ServiceTokenParameters{Name: name, Duration: "8760h"}
	t.SetWriteConnectionSecretToReference(&xpv2.SecretReference{Namespace: "apps", Name: "cfzt-svctoken-app"})
	for _, f := range m {
		f(t)
	}
	return t
}

// cloudToken is the token serviceToken describes, as Cloudflare returns it
// from a read: without its secret.
func cloudToken(m ...func(*cloudflare.ServiceToken)) cloudflare.ServiceToken {
	t := cloudflare.ServiceToken{ID: tokenID, Name: name, ClientID: clientID, Duration: "8760h0m0s", ExpiresAt: &expires}
	for _, f := range m {
		f(&t)
	}
	return t
}

// secretWith returns a reader whose connection Secret holds data, or none
// when data is nil.
func secretWith(data map[string][]byte) client.Reader {
	return &test.MockClient{MockGet: func(_ context.Context, _ client.ObjectKey, obj client.Object) error {
		if data == nil {
			return kerrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, "cfzt-svctoken-app")
		}
		obj.(*corev1.Secret).Data = data
		return nil
	}}
}

var full = map[string][]byte{KeyClientID: []byte(clientID), KeyClientSecret: []byte(secret)}

func TestObserve(t *testing.T) {
	type want struct {
		o   managed.ExternalObservation
		mg  *v1alpha1.ServiceToken
		err error
	}
	get := func(tok cloudflare.ServiceToken, err error) func(context.Context, string) (cloudflare.ServiceToken, error) {
		return func(context.Context, string) (cloudflare.ServiceToken, error) { return tok, err }
	}
	idOnly := managed.ConnectionDetails{KeyClientID: []byte(clientID)}
	cases := map[string]struct {
		reason  string
		get     func(context.Context, string) (cloudflare.ServiceToken, error)
		secrets client.Reader
		mg      *v1alpha1.ServiceToken
		want    want
	}{
		"NoExternalName": {
			reason: "Without an external name the token does not exist yet, and Cloudflare is not asked.",
			mg:     serviceToken(),
			want:   want{mg: serviceToken()},
		},
		"NotFound": {
			reason: "A token deleted after it was created must be reported missing, so that it is created again.",
			get:    get(cloudflare.ServiceToken{}, errTokenMissing),
			mg:     serviceToken(withExternalName(tokenID)),
			want:   want{mg: serviceToken(withExternalName(tokenID))},
		},
		"GetError": {
			reason: "An error reading the token must be returned.",
			get:    get(cloudflare.ServiceToken{}, errBoom),
			mg:     serviceToken(withExternalName(tokenID)),
			want:   want{mg: serviceToken(withExternalName(tokenID)), err: errBoom},
		},
		"UpToDate": {
			reason:  "A token matching the spec, whose Secret holds its secret, is up to date; the client ID and the secret the Secret holds are returned, so that publishing them writes nothing.",
			get:     get(cloudToken(), nil),
			secrets: secretWith(full),
			mg:      serviceToken(withExternalName(tokenID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true, ConnectionDetails: full},
				mg: serviceToken(withExternalName(tokenID), withObserved()),
			},
		},
		"NoConnectionSecret": {
			reason: "A token that writes no connection Secret has no secret to lose.",
			get:    get(cloudToken(), nil),
			mg:     serviceToken(withExternalName(tokenID), withoutConnectionSecret()),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true, ConnectionDetails: idOnly},
				mg: serviceToken(withExternalName(tokenID), withoutConnectionSecret(), withObserved()),
			},
		},
		"DurationDrift": {
			reason: "A duration changed in the dashboard is drift, so that Update sets it back.",
			get:    get(cloudToken(func(t *cloudflare.ServiceToken) { t.Duration = "24h" }), nil),
			mg:     serviceToken(withExternalName(tokenID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false, ConnectionDetails: idOnly},
				mg: serviceToken(withExternalName(tokenID), withObserved()),
			},
		},
		"SecretLost": {
			reason:  "A connection Secret without the client secret (its publication failed) is drift, so that Update rotates the token.",
			get:     get(cloudToken(), nil),
			secrets: secretWith(map[string][]byte{KeyClientID: []byte(clientID)}),
			mg:      serviceToken(withExternalName(tokenID)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false, ConnectionDetails: idOnly},
				mg: serviceToken(withExternalName(tokenID), withObserved()),
			},
		},
		"SecretReadError": {
			reason:  "An error reading the connection Secret must be returned, rather than rotating a token that may be fine.",
			get:     get(cloudToken(), nil),
			secrets: &test.MockClient{MockGet: test.NewMockGetFn(errBoom)},
			mg:      serviceToken(withExternalName(tokenID)),
			want:    want{mg: serviceToken(withExternalName(tokenID), withObserved()), err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := &external{cf: &fake.MockClient{MockGetServiceToken: tc.get}, secrets: tc.secrets, now: clock}
			o, err := e.Observe(context.Background(), tc.mg)
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Observe(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.o, o); diff != "" {
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
		c       managed.ExternalCreation
		mg      *v1alpha1.ServiceToken
		created int
		rotated int
		err     error
	}
	notFound := func(_ context.Context, n string) (cloudflare.ServiceToken, error) {
		return cloudflare.ServiceToken{}, &cloudflare.NotFoundError{Kind: "service token", Name: n}
	}
	cases := map[string]struct {
		reason string
		find   func(context.Context, string) (cloudflare.ServiceToken, error)
		create func(ctx context.Context, name, duration string) (cloudflare.ServiceToken, error)
		rotate func(ctx context.Context, id string) (cloudflare.ServiceToken, error)
		want   want
	}{
		"Create": {
			reason: "With no token of that name, one is created and its client ID and secret are returned once.",
			find:   notFound,
			create: func(_ context.Context, n, d string) (cloudflare.ServiceToken, error) {
				if n != name || d != "8760h" {
					return cloudflare.ServiceToken{}, errors.Errorf("unexpected token %q of %q", n, d)
				}
				return cloudToken(func(t *cloudflare.ServiceToken) { t.ClientSecret = secret }), nil
			},
			want: want{
				c:       managed.ExternalCreation{ConnectionDetails: managed.ConnectionDetails{KeyClientID: []byte(clientID), KeyClientSecret: []byte(secret)}},
				mg:      serviceToken(withExternalName(tokenID), withRecorded()),
				created: 1,
			},
		},
		"RotateLostCreate": {
			reason: "A token of that name, made by a create whose reply was lost, is rotated to obtain a secret rather than created twice.",
			find:   func(context.Context, string) (cloudflare.ServiceToken, error) { return cloudToken(), nil },
			rotate: func(context.Context, string) (cloudflare.ServiceToken, error) {
				return cloudToken(func(t *cloudflare.ServiceToken) { t.ClientSecret = rotated }), nil
			},
			want: want{
				c:       managed.ExternalCreation{ConnectionDetails: managed.ConnectionDetails{KeyClientID: []byte(clientID), KeyClientSecret: []byte(rotated)}},
				mg:      serviceToken(withExternalName(tokenID), withRecorded(func(o *v1alpha1.ServiceTokenObservation) { o.RotatedAt = timePtr(now) })),
				rotated: 1,
			},
		},
		"RotateError": {
			reason: "A failed rotation must be returned, with no external name set, so that the next attempt finds and rotates again.",
			find:   func(context.Context, string) (cloudflare.ServiceToken, error) { return cloudToken(), nil },
			rotate: func(context.Context, string) (cloudflare.ServiceToken, error) {
				return cloudflare.ServiceToken{}, errBoom
			},
			want: want{mg: serviceToken(), rotated: 1, err: errBoom},
		},
		"FindError": {
			reason: "A failed find must be returned without creating: the token may exist.",
			find: func(context.Context, string) (cloudflare.ServiceToken, error) {
				return cloudflare.ServiceToken{}, errBoom
			},
			want: want{mg: serviceToken(), err: errBoom},
		},
		"CreateError": {
			reason: "A failed create must be returned, with no external name set.",
			find:   notFound,
			create: func(context.Context, string, string) (cloudflare.ServiceToken, error) {
				return cloudflare.ServiceToken{}, errBoom
			},
			want: want{mg: serviceToken(), created: 1, err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var created, rot int
			cf := &fake.MockClient{
				MockFindServiceToken: tc.find,
				MockCreateServiceToken: func(ctx context.Context, n, d string) (cloudflare.ServiceToken, error) {
					created++
					return tc.create(ctx, n, d)
				},
				MockRotateServiceToken: func(ctx context.Context, id string, _ time.Time) (cloudflare.ServiceToken, error) {
					rot++
					return tc.rotate(ctx, id)
				},
			}
			mg := serviceToken()
			c, err := (&external{cf: cf, now: clock}).Create(context.Background(), mg)
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Create(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.c, c); diff != "" {
				t.Errorf("\n%s\ne.Create(...): -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.mg, mg, test.EquateConditions()); diff != "" {
				t.Errorf("\n%s\ne.Create(...): -want managed resource, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff([]int{tc.want.created, tc.want.rotated}, []int{created, rot}); diff != "" {
				t.Errorf("\n%s\ne.Create(...): -want [creates rotations], +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	type want struct {
		u       managed.ExternalUpdate
		updated []string
		rotated int
		err     error
	}
	cases := map[string]struct {
		reason  string
		got     cloudflare.ServiceToken
		secrets client.Reader
		update  error
		want    want
	}{
		"Duration": {
			reason:  "A drifted duration is set back, without rotating a token whose secret is safe.",
			got:     cloudToken(func(t *cloudflare.ServiceToken) { t.Duration = "24h" }),
			secrets: secretWith(full),
			want:    want{updated: []string{tokenID, name, "8760h"}},
		},
		"UpdateError": {
			reason:  "A failed update must be returned.",
			got:     cloudToken(func(t *cloudflare.ServiceToken) { t.Duration = "24h" }),
			secrets: secretWith(full),
			update:  errBoom,
			want:    want{updated: []string{tokenID, name, "8760h"}, err: errBoom},
		},
		"SecretLost": {
			reason:  "A connection Secret without the client secret gets a new one by rotation, returned once.",
			got:     cloudToken(),
			secrets: secretWith(nil),
			want: want{
				u:       managed.ExternalUpdate{ConnectionDetails: managed.ConnectionDetails{KeyClientID: []byte(clientID), KeyClientSecret: []byte(rotated)}},
				rotated: 1,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var updated []string
			var rot int
			cf := &fake.MockClient{
				MockGetServiceToken: func(context.Context, string) (cloudflare.ServiceToken, error) { return tc.got, nil },
				MockUpdateServiceToken: func(_ context.Context, id, n, d string) (cloudflare.ServiceToken, error) {
					updated = []string{id, n, d}
					return cloudToken(), tc.update
				},
				MockRotateServiceToken: func(context.Context, string, time.Time) (cloudflare.ServiceToken, error) {
					rot++
					return cloudToken(func(t *cloudflare.ServiceToken) { t.ClientSecret = rotated }), nil
				},
			}
			u, err := (&external{cf: cf, secrets: tc.secrets, now: clock}).Update(context.Background(), serviceToken(withExternalName(tokenID)))
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.u, u); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.updated, updated); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want update call, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.rotated, rot); diff != "" {
				t.Errorf("\n%s\ne.Update(...): -want rotations, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	cases := map[string]struct {
		reason string
		mg     *v1alpha1.ServiceToken
		err    error
		want   error
	}{
		"Deleted": {
			reason: "Deleting the token succeeds.",
			mg:     serviceToken(withExternalName(tokenID)),
		},
		"AlreadyGone": {
			reason: "A token already gone is not an error.",
			mg:     serviceToken(withExternalName(tokenID)),
			err:    errTokenMissing,
		},
		"NeverCreated": {
			reason: "Without an external name there is nothing to delete, and Cloudflare is not asked.",
			mg:     serviceToken(),
			err:    errBoom,
		},
		"Error": {
			reason: "A failed delete must be returned, so that it is retried.",
			mg:     serviceToken(withExternalName(tokenID)),
			err:    errBoom,
			want:   errBoom,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cf := &fake.MockClient{MockDeleteServiceToken: func(context.Context, string) error { return tc.err }}
			_, err := (&external{cf: cf}).Delete(context.Background(), tc.mg)
			if diff := cmp.Diff(tc.want, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ne.Delete(...): -want error, +got error:\n%s", tc.reason, diff)
			}
		})
	}
}

// leaky is an SDK error that prints the token it came with, secret and all,
// as a careless error might.
type leaky struct{ t cloudflare.ServiceToken }

func (l leaky) Error() string { return fmt.Sprintf("rejected %v %+v", l.t, l.t) }

func TestSecretNeverInErrors(t *testing.T) {
	withSecret := cloudToken(func(t *cloudflare.ServiceToken) { t.ClientSecret = secret })
	cf := &fake.MockClient{
		MockFindServiceToken: func(context.Context, string) (cloudflare.ServiceToken, error) { return withSecret, nil },
		MockRotateServiceToken: func(context.Context, string, time.Time) (cloudflare.ServiceToken, error) {
			return withSecret, leaky{withSecret}
		},
		MockGetServiceToken: func(context.Context, string) (cloudflare.ServiceToken, error) { return withSecret, leaky{withSecret} },
	}
	mg := serviceToken(withExternalName(tokenID))
	e := &external{cf: cf, secrets: secretWith(nil), now: clock}
	_, errCreate := e.Create(context.Background(), mg)
	_, errObserve := e.Observe(context.Background(), mg)
	_, errUpdate := e.Update(context.Background(), mg)
	for _, err := range []error{errCreate, errObserve, errUpdate} {
		if err == nil {
			t.Fatal("want an error from every call, got nil")
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v", err), secret) {
			t.Errorf("the client secret leaked into error %q", err)
		}
	}
	for _, c := range mg.Status.Conditions {
		if strings.Contains(c.Message, secret) {
			t.Errorf("the client secret leaked into condition %q", c.Message)
		}
	}
}
