package tunnelroute

import (
	"context"
	"strings"
	"testing"
	"time"

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
	// renamed is the hostname a TunnelRoute of hostname is renamed to.
	renamed = "new.example.com"
	service = "http://web.app.svc.cluster.local:80"
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

func withHostname(h string) routeModifier {
	return func(cr *v1alpha1.TunnelRoute) { cr.Spec.ForProvider.Hostname = h }
}

func withService(s string) routeModifier {
	return func(cr *v1alpha1.TunnelRoute) { cr.Spec.ForProvider.Service = s }
}

// withRecorded records h as the hostname of the rule the TunnelRoute wrote.
func withRecorded(h string) routeModifier {
	return func(cr *v1alpha1.TunnelRoute) { cr.Status.AtProvider.Hostname = h }
}

// withCreated marks the TunnelRoute's create as succeeded, as the reconciler
// does, before status.atProvider.hostname existed.
func withCreated() routeModifier {
	return func(cr *v1alpha1.TunnelRoute) {
		meta.SetExternalCreatePending(cr, time.Unix(1, 0))
		meta.SetExternalCreateSucceeded(cr, time.Unix(2, 0))
	}
}

// withCreatePending marks a create as started and never finished: the
// provider stopped before recording its result.
func withCreatePending() routeModifier {
	return func(cr *v1alpha1.TunnelRoute) { meta.SetExternalCreatePending(cr, time.Unix(1, 0)) }
}

// withCreateFailed marks a create as failed, as the reconciler does when
// Create returns an error.
func withCreateFailed() routeModifier {
	return func(cr *v1alpha1.TunnelRoute) {
		meta.SetExternalCreatePending(cr, time.Unix(1, 0))
		meta.SetExternalCreateFailed(cr, time.Unix(2, 0))
	}
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

// ingress applies the caller's mutation to rules as UpdateTunnelIngress
// does, or fails with err. It keeps what it would write in *got, nil when
// the mutation changes nothing and nothing is written, and then applies the
// mutation to its own result, as the verifying read does, which must change
// nothing more.
func ingress(t *testing.T, rules []cloudflare.IngressRule, got *[]cloudflare.IngressRule, err error) func(context.Context, string, func([]cloudflare.IngressRule) []cloudflare.IngressRule) (cloudflare.TunnelConfiguration, error) {
	t.Helper()
	return func(_ context.Context, _ string, mutate func([]cloudflare.IngressRule) []cloudflare.IngressRule) (cloudflare.TunnelConfiguration, error) {
		if err != nil {
			return cloudflare.TunnelConfiguration{}, err
		}
		out := mutate(append([]cloudflare.IngressRule(nil), rules...))
		if cmp.Equal(out, rules, cmpopts.EquateEmpty()) {
			return cloudflare.TunnelConfiguration{TunnelID: tunnelID, Version: 7, Ingress: rules}, nil
		}
		*got = out
		if again := mutate(append([]cloudflare.IngressRule(nil), out...)); !cmp.Equal(again, out, cmpopts.EquateEmpty()) {
			t.Errorf("the mutation is not idempotent: -once, +twice:\n%s", cmp.Diff(out, again))
		}
		return cloudflare.TunnelConfiguration{TunnelID: tunnelID, Version: 8, Ingress: out}, nil
	}
}

func TestObserve(t *testing.T) {
	ours := cloudflare.IngressRule{Hostname: hostname, Service: service}
	theirs := cloudflare.IngressRule{Hostname: hostname, Service: "http://someone-else:80"}
	seen := func(h, svc string) routeModifier {
		return withAtProvider(v1alpha1.TunnelRouteObservation{ConfigVersion: 7, Service: svc, Hostname: h})
	}
	conflict := `tunnel "` + tunnelID + `" already has an ingress rule for "` + hostname + `" that this TunnelRoute did not create: remove it in the dashboard or pick another hostname`
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
			reason: "Our rule, by its recorded hostname, with our service exists and is up to date.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign, ours)},
			cr:     route(withExternalName(hostname), withRecorded(hostname)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: route(withExternalName(hostname), withConditions(xpv2.Available()), seen(hostname, service)),
			},
		},
		"OtherRulesWritten": {
			reason: "The version seen with the rule is kept while the rule is unchanged: writes to other rules, which raise the tunnel's version, change no TunnelRoute's status.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign, ours)},
			cr:     route(withExternalName(hostname), withAtProvider(v1alpha1.TunnelRouteObservation{ConfigVersion: 3, Service: service, Hostname: hostname})),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: route(withExternalName(hostname), withConditions(xpv2.Available()), withAtProvider(v1alpha1.TunnelRouteObservation{ConfigVersion: 3, Service: service, Hostname: hostname})),
			},
		},
		"UnsetOriginFieldsIgnored": {
			reason: "Settings the TunnelRoute leaves unset, such as one added in the dashboard, are no drift.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(cloudflare.IngressRule{
				Hostname: hostname, Service: service,
				OriginRequest: &cloudflare.OriginRequest{NoTLSVerify: new(true), HTTPHostHeader: "x"},
			})},
			cr: route(withExternalName(hostname), withRecorded(hostname), withOrigin(&v1alpha1.OriginRequest{NoTLSVerify: new(true)})),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: route(withExternalName(hostname), withOrigin(&v1alpha1.OriginRequest{NoTLSVerify: new(true)}), withConditions(xpv2.Available()), seen(hostname, service)),
			},
		},
		"ServiceDrift": {
			reason: "Our rule whose service was changed in the dashboard needs an update, and is recorded with the version it was seen in.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(cloudflare.IngressRule{Hostname: hostname, Service: "http://other:80"})},
			cr:     route(withExternalName(hostname), withAtProvider(v1alpha1.TunnelRouteObservation{ConfigVersion: 3, Service: service, Hostname: hostname})),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: route(withExternalName(hostname), withConditions(xpv2.Available()), seen(hostname, "http://other:80")),
			},
		},
		"OriginDrift": {
			reason: "A set originRequest field that differs, or is missing, needs an update.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(ours)},
			cr:     route(withExternalName(hostname), withRecorded(hostname), withOrigin(&v1alpha1.OriginRequest{ConnectTimeout: new(int64(30))})),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: route(withExternalName(hostname), withOrigin(&v1alpha1.OriginRequest{ConnectTimeout: new(int64(30))}), withConditions(xpv2.Available()), seen(hostname, service)),
			},
		},
		"RuleMissing": {
			reason: "Without our rule the rule does not exist, even if others do, and Create puts it back.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign)},
			cr:     route(withExternalName(hostname), withRecorded(hostname)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: false},
				cr: route(withExternalName(hostname), withRecorded(hostname)),
			},
		},
		"NothingYet": {
			reason: "A new TunnelRoute whose hostname has no rule has nothing yet, and Create adds it.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign)},
			cr:     route(withExternalName(hostname)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: false},
				cr: route(withExternalName(hostname)),
			},
		},
		"ForeignRule": {
			reason: "A rule for the hostname that the TunnelRoute did not create, even one exactly like ours, is someone else's: a conflict, returned as an error so that the reconciler neither writes over it nor deletes it.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign, ours)},
			cr:     route(withExternalName(hostname)),
			want:   want{cr: route(withExternalName(hostname)), msg: conflict},
		},
		"ForeignRuleWhileDeleting": {
			reason: "A deleted TunnelRoute lets go of a rule it does not own, without deleting it.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(theirs)},
			cr:     route(withExternalName(hostname), withDeleted()),
			want:   want{o: managed.ExternalObservation{ResourceExists: false}, cr: route(withExternalName(hostname), withDeleted())},
		},
		"LegacyOwner": {
			reason: "A TunnelRoute of an earlier version, which created its rule and did not record its hostname, owns the rule for its external name: it records it, drift included.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign, theirs)},
			cr:     route(withExternalName(hostname), withCreated()),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: route(withExternalName(hostname), withCreated(), withConditions(xpv2.Available()), seen(hostname, theirs.Service)),
			},
		},
		"LegacyOwnerOfAnotherHostname": {
			reason: "A created TunnelRoute named after another hostname does not own the rule for its spec's: a conflict.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(ours)},
			cr:     route(withExternalName(renamed), withCreated()),
			want:   want{cr: route(withExternalName(renamed), withCreated()), msg: conflict},
		},
		"AdoptIncompleteCreate": {
			reason: "A create whose result was lost (the provider stopped) wrote exactly our rule: it is adopted, its hostname recorded and persisted as the external name.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign, ours)},
			cr:     route(withCreatePending()),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true, ResourceLateInitialized: true},
				cr: route(withCreatePending(), withExternalName(hostname), withConditions(xpv2.Available()), seen(hostname, service)),
			},
		},
		"AdoptFailedCreate": {
			reason: "A create that failed after its write landed (its verifying read failed) wrote exactly our rule: it is adopted.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(ours)},
			cr:     route(withExternalName(hostname), withCreateFailed()),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: route(withExternalName(hostname), withCreateFailed(), withConditions(xpv2.Available()), seen(hostname, service)),
			},
		},
		"IncompleteCreateForeignRule": {
			reason: "After a create whose result was lost, a rule for the hostname that is not exactly ours was not written by it: a conflict, never adopted.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(theirs)},
			cr:     route(withCreatePending()),
			want:   want{cr: route(withCreatePending()), msg: conflict},
		},
		"Renamed": {
			reason: "A TunnelRoute whose hostname changed still owns the rule of the recorded hostname, which needs moving.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign, ours)},
			cr:     route(withHostname(renamed), withExternalName(renamed), withRecorded(hostname)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: false},
				cr: route(withHostname(renamed), withExternalName(renamed), withConditions(xpv2.Available()), seen(hostname, service)),
			},
		},
		"RenamedMoveRecordLost": {
			reason: "When the old rule is gone and the new hostname has exactly our rule, a move whose record was lost wrote it: it is ours.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(foreign, cloudflare.IngressRule{Hostname: renamed, Service: service})},
			cr:     route(withHostname(renamed), withExternalName(renamed), withRecorded(hostname)),
			want: want{
				o:  managed.ExternalObservation{ResourceExists: true, ResourceUpToDate: true},
				cr: route(withHostname(renamed), withExternalName(renamed), withConditions(xpv2.Available()), seen(renamed, service)),
			},
		},
		"RenamedOntoForeignRule": {
			reason: "When the old rule is gone, a rule of the new hostname that is not exactly ours is someone else's.",
			client: &fake.MockClient{MockGetTunnelConfiguration: configWith(cloudflare.IngressRule{Hostname: renamed, Service: "http://someone-else:80"})},
			cr:     route(withHostname(renamed), withExternalName(renamed), withRecorded(hostname)),
			want: want{
				cr:  route(withHostname(renamed), withExternalName(renamed), withRecorded(hostname)),
				msg: `already has an ingress rule for "` + renamed + `" that this TunnelRoute did not create`,
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
	theirs := cloudflare.IngressRule{Hostname: renamed, Service: "http://someone-else:80"}
	catchAllFree := []cloudflare.IngressRule{foreign}
	moved := func(svc string) routeModifier {
		return withAtProvider(v1alpha1.TunnelRouteObservation{ConfigVersion: 8, Service: svc, Hostname: renamed})
	}
	type want struct {
		// rules are those written, nil when nothing is.
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
			reason: "A create whose reply was lost finds exactly its rule already there and writes nothing: one rule, not two.",
			rules:  []cloudflare.IngressRule{foreign, ours},
			cr:     route(),
			want:   want{cr: route(withExternalName(hostname))},
		},
		"CreateOverForeignRule": {
			reason: "Create never writes over a rule for the hostname that is not exactly ours, made since Observe looked: a conflict, nothing written.",
			rules:  []cloudflare.IngressRule{foreign, {Hostname: hostname, Service: "http://someone-else:80"}},
			cr:     route(),
			want:   want{cr: route(withExternalName(hostname)), msg: `already has an ingress rule for "` + hostname + `" that this TunnelRoute did not create`},
		},
		"UpdateReplacesInPlace": {
			reason: "Update puts our rule, with its originRequest, in place of the drifted one and keeps the foreign rule.",
			update: true,
			rules:  []cloudflare.IngressRule{{Hostname: hostname, Service: "http://other:80"}, foreign},
			cr:     route(withExternalName(hostname), withRecorded(hostname), withOrigin(&v1alpha1.OriginRequest{NoTLSVerify: new(true), ProxyPort: new(int64(8080))})),
			want: want{
				rules: []cloudflare.IngressRule{
					{Hostname: hostname, Service: service, OriginRequest: &cloudflare.OriginRequest{NoTLSVerify: new(true), ProxyPort: new(int64(8080))}},
					foreign,
				},
				cr: route(withExternalName(hostname), withOrigin(&v1alpha1.OriginRequest{NoTLSVerify: new(true), ProxyPort: new(int64(8080))}),
					withAtProvider(v1alpha1.TunnelRouteObservation{ConfigVersion: 8, Service: service, Hostname: hostname})),
			},
		},
		"UpdateMovesRule": {
			reason: "A renamed TunnelRoute moves its rule in one write: the old hostname's rule is gone, the new one takes its place before the foreign rule, and the new hostname is recorded.",
			update: true,
			rules:  []cloudflare.IngressRule{ours, foreign},
			cr:     route(withHostname(renamed), withExternalName(renamed), withRecorded(hostname)),
			want: want{
				rules: []cloudflare.IngressRule{{Hostname: renamed, Service: service}, foreign},
				cr:    route(withHostname(renamed), withExternalName(renamed), moved(service)),
			},
		},
		"UpdateMoveOntoForeignRule": {
			reason: "A rule of the new hostname that is not ours is never written over: a conflict, nothing written, the old rule and the record kept.",
			update: true,
			rules:  []cloudflare.IngressRule{ours, foreign, theirs},
			cr:     route(withHostname(renamed), withExternalName(renamed), withRecorded(hostname)),
			want: want{
				cr:  route(withHostname(renamed), withExternalName(renamed), withRecorded(hostname)),
				msg: `tunnel "` + tunnelID + `" already has an ingress rule for "` + renamed + `" that this TunnelRoute did not create: remove it in the dashboard or pick another hostname`,
			},
		},
		"UpdateMoveOntoIdenticalForeignRule": {
			reason: "A rule of the new hostname exactly like ours, while our old rule still exists, is still someone else's.",
			update: true,
			rules:  []cloudflare.IngressRule{ours, {Hostname: renamed, Service: service}},
			cr:     route(withHostname(renamed), withExternalName(renamed), withRecorded(hostname)),
			want: want{
				cr:  route(withHostname(renamed), withExternalName(renamed), withRecorded(hostname)),
				msg: `already has an ingress rule for "` + renamed + `" that this TunnelRoute did not create`,
			},
		},
		"CreateRefusesPath": {
			reason: "A service Cloudflare would refuse, stored before the CRD checked it, is refused with a message naming the field: nothing written, no external name set.",
			rules:  catchAllFree,
			cr:     route(withService("http://web:80/")),
			want:   want{cr: route(withService("http://web:80/")), msg: `spec.forProvider.service "http://web:80/" has a path`},
		},
		"UpdateRefusesHostname": {
			reason: "A hostname Cloudflare would refuse is refused before the rule is moved: nothing written, the record kept.",
			update: true,
			rules:  []cloudflare.IngressRule{ours, foreign},
			cr:     route(withHostname("a.*.example.com"), withExternalName(hostname), withRecorded(hostname)),
			want: want{
				cr:  route(withHostname("a.*.example.com"), withExternalName(hostname), withRecorded(hostname)),
				msg: `spec.forProvider.hostname "a.*.example.com" has a '*' that is not its whole first label`,
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
			cr:     route(withExternalName(hostname), withRecorded(hostname)),
			want:   want{cr: route(withExternalName(hostname), withRecorded(hostname)), err: errBusy, msg: "another writer kept changing them"},
		},
		"RateLimited": {
			reason: "A rate-limited write returns its error at once.",
			update: true,
			err:    errLimited,
			cr:     route(withExternalName(hostname), withRecorded(hostname)),
			want:   want{cr: route(withExternalName(hostname), withRecorded(hostname)), err: errLimited},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var written []cloudflare.IngressRule
			e := &external{tunnels: &fake.MockClient{MockUpdateTunnelIngress: ingress(t, tc.rules, &written, tc.err)}}
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
				t.Errorf("\n%s\n%s(...): -want rules written, +got rules written:\n%s", tc.reason, call, diff)
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
		// rules are those written, nil when nothing is.
		rules []cloudflare.IngressRule
		err   error
	}
	cases := map[string]struct {
		reason string
		cr     *v1alpha1.TunnelRoute
		rules  []cloudflare.IngressRule
		err    error
		want   want
	}{
		"RemovesOnlyOurs": {
			reason: "Delete removes our rule and keeps the foreign one.",
			cr:     route(withExternalName(hostname), withRecorded(hostname)),
			rules:  []cloudflare.IngressRule{foreign, ours},
			want:   want{rules: []cloudflare.IngressRule{foreign}},
		},
		"RemovesRecordedRule": {
			reason: "A renamed TunnelRoute deleted before its rule moved removes its own, old rule and never the new hostname's, which is someone else's.",
			cr:     route(withHostname(renamed), withExternalName(renamed), withRecorded(hostname)),
			rules:  []cloudflare.IngressRule{ours, {Hostname: renamed, Service: "http://someone-else:80"}, foreign},
			want:   want{rules: []cloudflare.IngressRule{{Hostname: renamed, Service: "http://someone-else:80"}, foreign}},
		},
		"NothingOwned": {
			reason: "A TunnelRoute that owns no rule (Observe recorded none) deletes nothing, even a rule for its hostname.",
			cr:     route(withExternalName(hostname)),
			rules:  []cloudflare.IngressRule{foreign, ours},
		},
		"AlreadyGone": {
			reason: "A rule already gone is success, and nothing is written.",
			cr:     route(withExternalName(hostname), withRecorded(hostname)),
			rules:  []cloudflare.IngressRule{foreign},
		},
		"TunnelGone": {
			reason: "A deleted tunnel took our rule with it: success.",
			cr:     route(withExternalName(hostname), withRecorded(hostname)),
			err:    errNotFound,
		},
		"WriteFailed": {
			reason: "Any other error is returned.",
			cr:     route(withExternalName(hostname), withRecorded(hostname)),
			err:    errBoom,
			want:   want{err: errBoom},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var written []cloudflare.IngressRule
			e := &external{tunnels: &fake.MockClient{MockUpdateTunnelIngress: ingress(t, tc.rules, &written, tc.err)}}
			_, err := e.Delete(context.Background(), tc.cr)
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\nDelete(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.rules, written, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\nDelete(...): -want rules written, +got rules written:\n%s", tc.reason, diff)
			}
		})
	}
}
