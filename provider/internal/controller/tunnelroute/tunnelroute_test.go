package tunnelroute

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
	tunnelID = "6ff42ae2-765d-4adf-8112-31c55c1551ef"
	hostname = "app.example.com"
	service  = "http://web.app.svc.cluster.local:80"
)

var (
	errBoom     = errors.New("boom")
	errNotFound = &cloudflare.NotFoundError{Kind: "tunnel", Name: tunnelID}
	errBusy     = &cloudflare.ConcurrentWriteError{TunnelID: tunnelID, Attempts: 5}
	errLimited  = &cloudflare.RateLimitedError{}
)

// foreign is a rule someone else wrote, which every write must keep.
var foreign = cloudflare.IngressRule{Hostname: "legacy.example.com", Service: "http://legacy.home.arpa:8080"}

type routeModifier func(*v1alpha1.TunnelRoute)

func withExternalName(n string) routeModifier {
	return func(cr *v1alpha1.TunnelRoute) { meta.SetExternalName(cr, n) }
}

func withOrigin(o *v1alpha1.OriginRequest) routeModifier {
	return func(cr *v1alpha1.TunnelRoute) { cr.Spec.ForProvider.OriginRequest = o }
}

func withAtProvider(o v1alpha1.TunnelRouteObservation) routeModifier {
	return func(cr *v1alpha1.TunnelRoute) { cr.Status.AtProvider = o }
}

func withConditions(c ...xpv2.Condition) routeModifier {
	return func(cr *v1alpha1.TunnelRoute) { cr.SetConditions(c...) }
}

func withDeleted() routeModifier {
	return func(cr *v1alpha1.TunnelRoute) { cr.SetDeletionTimestamp(new(metav1.Unix(1, 0))) }
}

func route(mods ...routeModifier) *v1alpha1.TunnelRoute {
	cr := &v1alpha1.TunnelRoute{
		ObjectMeta: metav1.ObjectMeta{Name: "app"},
		Spec: v1alpha1.TunnelRouteSpec{ForProvider: v1alpha1.TunnelRouteParameters{
			TunnelID: tunnelID,
			Hostname: hostname,
			Service:  service,
		}},
	}
	for _, m := range mods {
		m(cr)
	}
	return cr
}

func configWith(rules ...cloudflare.IngressRule) func(context.Context, string) (cloudflare.TunnelConfiguration, error) {
	return func(_ context.Context, id string) (cloudflare.TunnelConfiguration, error) {
		if id != tunnelID {
			return cloudflare.TunnelConfiguration{}, errNotFound
		}
		return cloudflare.TunnelConfiguration{TunnelID: id, Version: 7, Ingress: rules}, nil
	}
}

func configErr(err error) func(context.Context, string) (cloudflare.TunnelConfiguration, error) {
	return func(context.Context, string) (cloudflare.TunnelConfiguration, error) {
		return cloudflare.TunnelConfiguration{}, err
	}
}

// ingress applies the caller's mutation to rules and keeps the result in
// *got, as UpdateTunnelIngress would write it; or fails with err.
func ingress(rules []cloudflare.IngressRule, got *[]cloudflare.IngressRule, err error) func(context.Context, string, func([]cloudflare.IngressRule) []cloudflare.IngressRule) (cloudflare.TunnelConfiguration, error) {
	return func(_ context.Context, _ string, mutate func([]cloudflare.IngressRule) []cloudflare.IngressRule) (cloudflare.TunnelConfiguration, error) {
		if err != nil {
			return cloudflare.TunnelConfiguration{}, err
		}
		*got = mutate(append([]cloudflare.IngressRule(nil), rules...))
		return cloudflare.TunnelConfiguration{TunnelID: tunnelID, Version: 8, Ingress: *got}, nil
	}
}

func TestObserve(t *testing.T) {
	ours := cloudflare.IngressRule{Hostname: hostname, Service: service}
	type want struct {
		o   managed.ExternalObservation
		cr  *v1alpha1.TunnelRoute
		err error
		msg string
	}
	cases := map[string]struct {
		reason string
		client *fake.MockClient
		cr     *v1alpha1.TunnelRoute
		want   want
	}{
		"UpToDate": {
			reason: "A rule for our hostname with our service exists and is up to date.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign, ours)},
			cr:     route(withExternalName(hostname)),
			want: want{
				o: managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: route(withExternalName(hostname), withConditions(xpv2.Available()),
					withAtProvider(v1alpha1.TunnelRouteObservation{ConfigVersion: 7, Service: service})),
			},
		},
		"UnsetOriginFieldsIgnored": {
			reason: "Settings the TunnelRoute leaves unset, such as one added in the dashboard, are no drift.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(cloudflare.IngressRule{
				Hostname: hostname, Service: service,
				OriginRequest: &cloudflare.OriginRequest{NoTLSVerify: new(true), HTTPHostHeader: "x"},
			})},
			cr: route(withOrigin(&v1alpha1.OriginRequest{NoTLSVerify: new(true)})),
			want: want{
				o: managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: route(withOrigin(&v1alpha1.OriginRequest{NoTLSVerify: new(true)}), withConditions(xpv2.Available()),
					withAtProvider(v1alpha1.TunnelRouteObservation{ConfigVersion: 7, Service: service})),
			},
		},
		"ServiceDrift": {
			reason: "A rule whose service was changed in the dashboard needs an update.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(cloudflare.IngressRule{Hostname: hostname, Service: "http://other:80"})},
			cr:     route(),
			want: want{
				o: managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: route(withConditions(xpv2.Available()),
					withAtProvider(v1alpha1.TunnelRouteObservation{ConfigVersion: 7, Service: "http://other:80"})),
			},
		},
		"OriginDrift": {
			reason: "A set originRequest field that differs, or is missing, needs an update.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(ours)},
			cr:     route(withOrigin(&v1alpha1.OriginRequest{ConnectTimeout: new(int64(30))})),
			want: want{
				o: managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: route(withOrigin(&v1alpha1.OriginRequest{ConnectTimeout: new(int64(30))}), withConditions(xpv2.Available()),
					withAtProvider(v1alpha1.TunnelRouteObservation{ConfigVersion: 7, Service: service})),
			},
		},
		"RuleMissing": {
			reason: "Without a rule for our hostname the rule does not exist, even if others do.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign)},
			cr:     route(withExternalName(hostname)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: false},
				cr: route(withExternalName(hostname)),
			},
		},
		"TunnelNotFound": {
			reason: "A missing tunnel is an error naming the tunnel and the Tenant's tunnelId.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configErr(errNotFound)},
			cr:     route(),
			want:   want{cr: route(), err: errNotFound, msg: `cannot find tunnel "` + tunnelID + `" in the ProviderConfig's account: check the tunnelId of the Tenant`},
		},
		"TunnelNotFoundWhileDeleting": {
			reason: "A deleted tunnel took our rule with it, so a deleted TunnelRoute can go.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configErr(errNotFound)},
			cr:     route(withDeleted()),
			want:   want{o: managed.ExternalObservation{ResourceExists: false}, cr: route(withDeleted())},
		},
		"RateLimited": {
			reason: "A rate-limited read returns its error at once so that the reconciler requeues.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configErr(errLimited)},
			cr:     route(),
			want:   want{cr: route(), err: errLimited},
		},
		"GetFailed": {
			reason: "Any other error reading the configuration is returned.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configErr(errBoom)},
			cr:     route(),
			want:   want{cr: route(), err: errBoom, msg: `cannot read the ingress rules of tunnel "` + tunnelID + `"`},
		},
		"HostnameChanged": {
			reason: "A TunnelRoute cannot move its rule to another hostname, which would leave the old rule behind.",
			client: &fake.MockClient{},
			cr:     route(withExternalName("old.example.com")),
			want:   want{cr: route(withExternalName("old.example.com")), msg: `cannot change the hostname of TunnelRoute "app" from "old.example.com" to "app.example.com"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := &external{tunnels: tc.client}
			got, err := e.Observe(context.Background(), tc.cr)
			checkErr(t, tc.reason, "Observe", tc.want.err, tc.want.msg, err)
			if diff := cmp.Diff(tc.want.o, got); diff != "" {
				t.Errorf("\n%s\nObserve(...): -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.cr, tc.cr, test.EquateConditions()); diff != "" {
				t.Errorf("\n%s\nObserve(...): -want managed resource, +got managed resource:\n%s", tc.reason, diff)
			}
		})
	}
}

// checkErr compares err with the sentinel it should wrap and the message
// it should carry; with neither, err must be nil.
func checkErr(t *testing.T, reason, call string, want error, msg string, err error) {
	t.Helper()
	if want != nil {
		if diff := cmp.Diff(want, err, cmpopts.EquateErrors()); diff != "" {
			t.Errorf("\n%s\n%s(...): -want error, +got error:\n%s", reason, call, diff)
		}
	}
	if msg != "" && (err == nil || !strings.Contains(err.Error(), msg)) {
		t.Errorf("\n%s\n%s(...): want error containing %q, got %v", reason, call, msg, err)
	}
	if want == nil && msg == "" && err != nil {
		t.Errorf("\n%s\n%s(...): unexpected error %v", reason, call, err)
	}
}

func TestCreateUpdate(t *testing.T) {
	ours := cloudflare.IngressRule{Hostname: hostname, Service: service}
	catchAllFree := []cloudflare.IngressRule{foreign}
	type want struct {
		rules []cloudflare.IngressRule
		cr    *v1alpha1.TunnelRoute
		err   error
		msg   string
	}
	cases := map[string]struct {
		reason string
		update bool
		rules  []cloudflare.IngressRule
		err    error
		cr     *v1alpha1.TunnelRoute
		want   want
	}{
		"CreateAppends": {
			reason: "Create adds our rule after the foreign rules and sets the external name to the hostname.",
			rules:  catchAllFree,
			cr:     route(),
			want: want{
				rules: []cloudflare.IngressRule{foreign, ours},
				cr:    route(withExternalName(hostname)),
			},
		},
		"CreateAfterLostReply": {
			reason: "A create whose reply was lost finds its rule already there and leaves one rule, not two.",
			rules:  []cloudflare.IngressRule{foreign, ours},
			cr:     route(),
			want: want{
				rules: []cloudflare.IngressRule{foreign, ours},
				cr:    route(withExternalName(hostname)),
			},
		},
		"UpdateReplacesInPlace": {
			reason: "Update puts our rule, with its originRequest, in place of the drifted one and keeps the foreign rule.",
			update: true,
			rules:  []cloudflare.IngressRule{{Hostname: hostname, Service: "http://other:80"}, foreign},
			cr:     route(withExternalName(hostname), withOrigin(&v1alpha1.OriginRequest{NoTLSVerify: new(true), ProxyPort: new(int64(8080))})),
			want: want{
				rules: []cloudflare.IngressRule{
					{Hostname: hostname, Service: service, OriginRequest: &cloudflare.OriginRequest{NoTLSVerify: new(true), ProxyPort: new(int64(8080))}},
					foreign,
				},
				cr: route(withExternalName(hostname), withOrigin(&v1alpha1.OriginRequest{NoTLSVerify: new(true), ProxyPort: new(int64(8080))})),
			},
		},
		"TunnelNotFound": {
			reason: "A missing tunnel is an error naming it.",
			err:    errNotFound,
			cr:     route(),
			want:   want{cr: route(withExternalName(hostname)), err: errNotFound, msg: "check the tunnelId of the Tenant"},
		},
		"BusyTunnel": {
			reason: "A tunnel that kept changing under us is a conflict to retry.",
			update: true,
			err:    errBusy,
			cr:     route(withExternalName(hostname)),
			want:   want{cr: route(withExternalName(hostname)), err: errBusy, msg: "another writer kept changing them"},
		},
		"RateLimited": {
			reason: "A rate-limited write returns its error at once.",
			update: true,
			err:    errLimited,
			cr:     route(withExternalName(hostname)),
			want:   want{cr: route(withExternalName(hostname)), err: errLimited},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var written []cloudflare.IngressRule
			e := &external{tunnels: &fake.MockClient{MockUpdateTunnelIngress: ingress(tc.rules, &written, tc.err)}}
			var err error
			call := "Create"
			if tc.update {
				call = "Update"
				_, err = e.Update(context.Background(), tc.cr)
			} else {
				_, err = e.Create(context.Background(), tc.cr)
			}
			checkErr(t, tc.reason, call, tc.want.err, tc.want.msg, err)
			if diff := cmp.Diff(tc.want.rules, written, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\n%s(...): -want rules, +got rules:\n%s", tc.reason, call, diff)
			}
			if diff := cmp.Diff(tc.want.cr, tc.cr); diff != "" {
				t.Errorf("\n%s\n%s(...): -want managed resource, +got managed resource:\n%s", tc.reason, call, diff)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	ours := cloudflare.IngressRule{Hostname: hostname, Service: service}
	type want struct {
		rules []cloudflare.IngressRule
		err   error
	}
	cases := map[string]struct {
		reason string
		rules  []cloudflare.IngressRule
		err    error
		want   want
	}{
		"RemovesOnlyOurs": {
			reason: "Delete removes our rule and keeps the foreign one.",
			rules:  []cloudflare.IngressRule{foreign, ours},
			want:   want{rules: []cloudflare.IngressRule{foreign}},
		},
		"AlreadyGone": {
			reason: "A rule already gone is success, with the other rules unchanged.",
			rules:  []cloudflare.IngressRule{foreign},
			want:   want{rules: []cloudflare.IngressRule{foreign}},
		},
		"TunnelGone": {
			reason: "A deleted tunnel took our rule with it: success.",
			err:    errNotFound,
		},
		"WriteFailed": {
			reason: "Any other error is returned.",
			err:    errBoom,
			want:   want{err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var written []cloudflare.IngressRule
			e := &external{tunnels: &fake.MockClient{MockUpdateTunnelIngress: ingress(tc.rules, &written, tc.err)}}
			_, err := e.Delete(context.Background(), route(withExternalName(hostname)))
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\nDelete(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.rules, written, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\nDelete(...): -want rules, +got rules:\n%s", tc.reason, diff)
			}
		})
	}
}
