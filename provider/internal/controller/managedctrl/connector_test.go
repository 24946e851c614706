package managedctrl

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare/fake"
)

var errBoom = errors.New("boom")

// A clientSourceFn is a ClientSource that is a function.
type clientSourceFn func(ctx context.Context, mg Managed) (cloudflare.Client, error)

func (fn clientSourceFn) Client(ctx context.Context, mg Managed) (cloudflare.Client, error) {
	return fn(ctx, mg)
}

// recorder is an external client that records the calls it gets.
type recorder struct {
	cf    cloudflare.Client
	calls []string
}

func (r *recorder) Observe(context.Context, *v1alpha1.AccessPolicy) (managed.ExternalObservation, error) {
	r.calls = append(r.calls, "Observe")
	return managed.ExternalObservation{ResourceExists: true}, nil
}

func (r *recorder) Create(context.Context, *v1alpha1.AccessPolicy) (managed.ExternalCreation, error) {
	r.calls = append(r.calls, "Create")
	return managed.ExternalCreation{}, nil
}

func (r *recorder) Update(context.Context, *v1alpha1.AccessPolicy) (managed.ExternalUpdate, error) {
	r.calls = append(r.calls, "Update")
	return managed.ExternalUpdate{}, nil
}

func (r *recorder) Delete(context.Context, *v1alpha1.AccessPolicy) (managed.ExternalDelete, error) {
	r.calls = append(r.calls, "Delete")
	return managed.ExternalDelete{}, errBoom
}

func TestConnector(t *testing.T) {
	cf := &fake.MockClient{}
	type want struct {
		err   error
		calls []string
	}
	cases := map[string]struct {
		reason string
		src    ClientSource
		want   want
	}{
		"Connected": {
			reason: "The external client newExternal makes from the managed resource's Cloudflare client gets every call, and Disconnect does nothing.",
			src:    clientSourceFn(func(context.Context, Managed) (cloudflare.Client, error) { return cf, nil }),
			want:   want{calls: []string{"Observe", "Create", "Update", "Delete"}},
		},
		"NoClient": {
			reason: "Without a Cloudflare client, such as when the ProviderConfig is missing, Connect fails and makes no external client.",
			src:    clientSourceFn(func(context.Context, Managed) (cloudflare.Client, error) { return nil, errBoom }),
			want:   want{err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			mg := &v1alpha1.AccessPolicy{}
			var made *recorder
			c := Connector(tc.src, func(got *v1alpha1.AccessPolicy, cf cloudflare.Client) ExternalClient[*v1alpha1.AccessPolicy] {
				if got != mg {
					t.Errorf("\n%s\nnewExternal(...): got another managed resource than the one connected", tc.reason)
				}
				made = &recorder{cf: cf}
				return made
			})
			e, err := c.Connect(context.Background(), mg)
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("\n%s\nConnect(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if err != nil {
				if made != nil {
					t.Errorf("\n%s\nConnect(...): made an external client without a Cloudflare client", tc.reason)
				}
				return
			}
			if made.cf != cf {
				t.Errorf("\n%s\nConnect(...): the external client did not get the managed resource's Cloudflare client", tc.reason)
			}
			_, _ = e.Observe(context.Background(), mg)
			_, _ = e.Create(context.Background(), mg)
			_, _ = e.Update(context.Background(), mg)
			if _, err := e.Delete(context.Background(), mg); !errors.Is(err, errBoom) {
				t.Errorf("\n%s\nDelete(...): want the external client's error, got %v", tc.reason, err)
			}
			if err := e.Disconnect(context.Background()); err != nil {
				t.Errorf("\n%s\nDisconnect(...): %v", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want.calls, made.calls); diff != "" {
				t.Errorf("\n%s\nexternal client: -want calls, +got calls:\n%s", tc.reason, diff)
			}
		})
	}
}
