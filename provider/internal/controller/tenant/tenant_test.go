package tenant

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	cfsdk "github.com/cloudflare/cloudflare-go/v4"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	cffake "github.com/cfzt/cfzt/provider/internal/clients/cloudflare/fake"
)

const (
	ns       = "cloudflare-zero-trust"
	account  = "4f1c2a7e9b3d45e8a6c0d2f1b7e9a3c5"
	tunnelID = "6ff42ae2-765d-4adf-8112-31c55c1551ef"
	token    = "s3cr3t-token"
)

var errBoom = errors.New("boom")

func tenant() *v1alpha1.CloudflareZeroTrustTenant {
	return &v1alpha1.CloudflareZeroTrustTenant{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "home", Generation: 1},
		Spec: v1alpha1.TenantSpec{
			AccountID:     account,
			TunnelID:      tunnelID,
			CredentialRef: v1alpha1.CredentialRef{Name: "cloudflare-api-token"},
		},
	}
}

func secret(data string) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "cloudflare-api-token"},
		Data:       map[string][]byte{"token": []byte(data)},
	}
}

func working() *cffake.MockClient {
	return &cffake.MockClient{
		MockVerifyToken: func(context.Context) (cloudflare.TokenStatus, error) {
			return cloudflare.TokenStatus{Status: cloudflare.TokenStatusActive}, nil
		},
		MockGetTunnel: func(_ context.Context, id string) (cloudflare.Tunnel, error) {
			return cloudflare.Tunnel{ID: id}, nil
		},
		MockListZones: func(context.Context) ([]cloudflare.Zone, error) {
			return []cloudflare.Zone{{ID: "z2", Name: "example.org", Plan: "free"}, {ID: "z1", Name: "example.com", Plan: "pro"}}, nil
		},
	}
}

// listedZones are the zones of working(), as the Tenant's status lists them.
var listedZones = []v1alpha1.TenantZone{{Name: "example.com", ID: "z1"}, {Name: "example.org", ID: "z2"}}

// checked marks the Tenant as checked before, Ready, at its generation: a
// status the controller need not write unless what it reads changed.
func checked(t *v1alpha1.CloudflareZeroTrustTenant) *v1alpha1.CloudflareZeroTrustTenant {
	t.Status.SetConditions(xpv2.Available())
	t.Status.ObservedGeneration = t.GetGeneration()
	return t
}

// withZones gives the Tenant zones read by an earlier check.
func withZones(t *v1alpha1.CloudflareZeroTrustTenant, zs ...v1alpha1.TenantZone) *v1alpha1.CloudflareZeroTrustTenant {
	t.Status.Zones = zs
	return t
}

func TestReconcile(t *testing.T) {
	s := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(s)
	_ = v1alpha1.AddToScheme(s)

	wantPC := &v1alpha1.ProviderConfig{
		ObjectMeta: metav1.ObjectMeta{
			Name:   "cloudflare-zero-trust.home",
			Labels: map[string]string{LabelTenantNamespace: ns, LabelTenantName: "home"},
		},
		Spec: v1alpha1.ProviderConfigSpec{
			AccountID: account,
			Credentials: v1alpha1.ProviderCredentials{
				Source: xpv2.CredentialsSourceSecret,
				CommonCredentialSelectors: xpv2.CommonCredentialSelectors{SecretRef: &xpv2.SecretKeySelector{
					SecretReference: xpv2.SecretReference{Namespace: ns, Name: "cloudflare-api-token"},
					Key:             "token",
				}},
			},
			TenantRef: &v1alpha1.TenantReference{Namespace: ns, Name: "home"},
		},
	}

	type want struct {
		pc     *v1alpha1.ProviderConfig
		ready  xpv2.Condition
		zones  []v1alpha1.TenantZone
		result reconcile.Result
		err    error
		events []event.Event
	}
	cases := map[string]struct {
		reason  string
		objects []client.Object
		cf      cloudflare.Client
		want    want
	}{
		"Working": {
			reason:  "A Tenant whose token works and whose tunnel exists gets its ProviderConfig, is Ready and lists the account's zones by name.",
			objects: []client.Object{tenant(), secret(token + "\n")},
			cf:      working(),
			want:    want{pc: wantPC, ready: xpv2.Available(), zones: listedZones, result: reconcile.Result{RequeueAfter: time.Minute}},
		},
		"ZonesChanged": {
			reason:  "A zone added to or removed from the account since the last check shows in the status.",
			objects: []client.Object{withZones(tenant(), v1alpha1.TenantZone{Name: "example.net", ID: "z9"}), secret(token)},
			cf:      working(),
			want:    want{pc: wantPC, ready: xpv2.Available(), zones: listedZones, result: reconcile.Result{RequeueAfter: time.Minute}},
		},
		"ZonesRefreshed": {
			reason:  "A Tenant whose condition and generation are unchanged still gets the zones read now, so that a zone added to or removed from the account shows.",
			objects: []client.Object{withZones(checked(tenant()), v1alpha1.TenantZone{Name: "example.net", ID: "z9"}), secret(token)},
			cf:      working(),
			want:    want{pc: wantPC, ready: xpv2.Available(), zones: listedZones, result: reconcile.Result{RequeueAfter: time.Minute}},
		},
		"ZonesTooMany": {
			reason:  "An account with more zones than a status should carry lists none: its routes' records find their zones.",
			objects: []client.Object{withZones(checked(tenant()), listedZones...), secret(token)},
			cf: func() *cffake.MockClient {
				m := working()
				m.MockListZones = func(context.Context) ([]cloudflare.Zone, error) {
					zs := make([]cloudflare.Zone, maxListedZones+1)
					for i := range zs {
						zs[i] = cloudflare.Zone{ID: fmt.Sprintf("z%d", i), Name: fmt.Sprintf("example%d.com", i)}
					}
					return zs, nil
				}
				return m
			}(),
			want: want{pc: wantPC, ready: xpv2.Available(), result: reconcile.Result{RequeueAfter: time.Minute}},
		},
		"ZonesUnreadableChangedSpec": {
			reason:  "Zones that cannot be read after a change of the spec, which may name another account, are listed no more.",
			objects: []client.Object{withZones(tenant(), listedZones...), secret(token)},
			cf: func() *cffake.MockClient {
				m := working()
				m.MockListZones = func(context.Context) ([]cloudflare.Zone, error) { return nil, errBoom }
				return m
			}(),
			want: want{pc: wantPC, ready: xpv2.Available(), result: reconcile.Result{RequeueAfter: time.Minute}},
		},
		"ZonesUnreadable": {
			reason:  "Zones that cannot be read now are left as last read for the same spec.",
			objects: []client.Object{withZones(checked(tenant()), listedZones...), secret(token)},
			cf: func() *cffake.MockClient {
				m := working()
				m.MockListZones = func(context.Context) ([]cloudflare.Zone, error) { return nil, errBoom }
				return m
			}(),
			want: want{pc: wantPC, ready: xpv2.Available(), zones: listedZones, result: reconcile.Result{RequeueAfter: time.Minute}},
		},
		"ZonesDroppedWhileUnready": {
			reason:  "A Tenant that does not work lists no zones: its routes wait for their DNS records, as without a list.",
			objects: []client.Object{withZones(checked(tenant()), listedZones...), secret(token)},
			cf: &cffake.MockClient{MockVerifyToken: func(context.Context) (cloudflare.TokenStatus, error) {
				return cloudflare.TokenStatus{}, &cfsdk.Error{StatusCode: http.StatusUnauthorized}
			}},
			want: want{
				pc: wantPC, result: reconcile.Result{RequeueAfter: time.Minute},
				ready: unavailable(ReasonTokenRefused, "Cloudflare refused the API token in Secret cloudflare-zero-trust/cloudflare-api-token: create a token with the permissions listed in the README"),
			},
		},
		"DeprecatedLogLevel": {
			reason:  "A Tenant that sets logLevel, which has no effect, gets a Warning Event saying so.",
			objects: []client.Object{withLogLevel(tenant(), 0), secret(token)},
			cf:      working(),
			want: want{
				pc: wantPC, ready: xpv2.Available(), zones: listedZones, result: reconcile.Result{RequeueAfter: time.Minute},
				events: []event.Event{event.Warning(ReasonDeprecatedField, errors.New("deprecated: spec.logLevel has no effect: the provider's log level is set by its --debug flag; remove it from the Tenant"))},
			},
		},
		"DeprecatedLogLevelSaidOnce": {
			reason:  "The Warning is given once per change of the Tenant, not at every check.",
			objects: []client.Object{withLogLevel(tenant(), 1), secret(token)},
			cf:      working(),
			want:    want{pc: wantPC, ready: xpv2.Available(), zones: listedZones, result: reconcile.Result{RequeueAfter: time.Minute}},
		},
		"SecretMissing": {
			reason:  "Without its Secret the Tenant still gets its ProviderConfig, and says which Secret to create.",
			objects: []client.Object{tenant()},
			want: want{
				pc: wantPC, result: reconcile.Result{RequeueAfter: time.Minute},
				ready: unavailable(ReasonSecretMissing, `cannot read Secret cloudflare-zero-trust/cloudflare-api-token named by spec.credentialRef: create it with the API token under key "token"`),
			},
		},
		"TokenRefused": {
			reason:  "A token Cloudflare refuses makes the Tenant unready with a message that never holds the token.",
			objects: []client.Object{tenant(), secret(token)},
			cf: &cffake.MockClient{MockVerifyToken: func(context.Context) (cloudflare.TokenStatus, error) {
				return cloudflare.TokenStatus{}, &cfsdk.Error{StatusCode: http.StatusUnauthorized}
			}},
			want: want{
				pc: wantPC, result: reconcile.Result{RequeueAfter: time.Minute},
				ready: unavailable(ReasonTokenRefused, "Cloudflare refused the API token in Secret cloudflare-zero-trust/cloudflare-api-token: create a token with the permissions listed in the README"),
			},
		},
		"TunnelMissing": {
			reason:  "A tunnel that does not exist makes the Tenant unready, naming the tunnel.",
			objects: []client.Object{tenant(), secret(token)},
			cf: func() *cffake.MockClient {
				m := working()
				m.MockGetTunnel = func(context.Context, string) (cloudflare.Tunnel, error) {
					return cloudflare.Tunnel{}, &cloudflare.NotFoundError{}
				}
				return m
			}(),
			want: want{
				pc: wantPC, result: reconcile.Result{RequeueAfter: time.Minute},
				ready: unavailable(ReasonTunnelNotFound, "tunnel %s named by spec.tunnelId does not exist in account %s: create it or fix the ID", tunnelID, account),
			},
		},
		"TunnelPermissionMissing": {
			reason:  "A tunnel read refused for lack of permission names the README's permission to add.",
			objects: []client.Object{tenant(), secret(token)},
			cf: func() *cffake.MockClient {
				m := working()
				m.MockGetTunnel = func(context.Context, string) (cloudflare.Tunnel, error) {
					return cloudflare.Tunnel{}, &cloudflare.PermissionError{Op: "tunnels.get", Permission: cloudflare.PermissionTunnelEdit}
				}
				return m
			}(),
			want: want{
				pc: wantPC, result: reconcile.Result{RequeueAfter: time.Minute},
				ready: unavailable(ReasonMissingPermission, "the API token lacks Account · Cloudflare Tunnel · Edit (a read of tunnel %s was refused): add it to the token", tunnelID),
			},
		},
		"PermissionMissing": {
			reason:  "A token that lacks one permission of the README's table makes the Tenant unready, naming it as the README does.",
			objects: []client.Object{tenant(), secret(token)},
			cf: checking{MockClient: working(), missing: []*cloudflare.PermissionError{
				{Op: "access.service_tokens.list", Permission: cloudflare.PermissionServiceTokensEdit},
			}},
			want: want{
				pc: wantPC, result: reconcile.Result{RequeueAfter: time.Minute},
				ready: unavailable(ReasonMissingPermission, "the API token lacks Account · Access: Service Tokens · Edit (a read of service tokens was refused): add it to the token"),
			},
		},
		"PermissionsMissing": {
			reason:  "Every missing permission is named at once, so one fix of the token is enough.",
			objects: []client.Object{tenant(), secret(token)},
			cf: checking{MockClient: working(), missing: []*cloudflare.PermissionError{
				{Op: "zones.list", Permission: cloudflare.PermissionZoneRead},
				{Op: "access.apps.list", Permission: cloudflare.PermissionAccessAppsEdit},
				{Op: "access.groups.list", Permission: cloudflare.PermissionAccessGroupsRead},
			}},
			want: want{
				pc: wantPC, result: reconcile.Result{RequeueAfter: time.Minute},
				ready: unavailable(ReasonMissingPermission, "the API token lacks Zone · Zone · Read (a read of zones was refused), "+
					"Account · Access: Apps and Policies · Edit (a read of Access applications was refused) and "+
					"Account · Access: Organizations, Identity Providers, and Groups · Read (a read of Access groups was refused): add them to the token"),
			},
		},
		"PermissionCheckFailed": {
			reason:  "A permission check that fails for another reason says Cloudflare could not be asked, and the Tenant is checked again within 30s.",
			objects: []client.Object{tenant(), secret(token)},
			cf:      checking{MockClient: working(), err: errBoom},
			want: want{
				// Checked again soon, not after the interval.
				pc: wantPC, result: reconcile.Result{RequeueAfter: unreachableRetry},
				ready: unavailable(ReasonUnreachable, "cannot check the API token's permissions: boom"),
			},
		},
		"PermissionsPresent": {
			reason:  "A token with every permission is Ready.",
			objects: []client.Object{tenant(), secret(token)},
			cf:      checking{MockClient: working()},
			want:    want{pc: wantPC, ready: xpv2.Available(), zones: listedZones, result: reconcile.Result{RequeueAfter: time.Minute}},
		},
		"Deleted": {
			reason:  "A deleted Tenant's ProviderConfig is deleted.",
			objects: []client.Object{wantPC.DeepCopy()},
			want:    want{},
		},
		"ForeignProviderConfig": {
			reason: "A ProviderConfig of the same name that the Tenant did not make is never taken over.",
			objects: []client.Object{tenant(), secret(token), &v1alpha1.ProviderConfig{
				ObjectMeta: metav1.ObjectMeta{Name: "cloudflare-zero-trust.home"},
				Spec:       v1alpha1.ProviderConfigSpec{AccountID: "ffffffffffffffffffffffffffffffff"},
			}},
			want: want{
				pc:  &v1alpha1.ProviderConfig{ObjectMeta: metav1.ObjectMeta{Name: "cloudflare-zero-trust.home"}, Spec: v1alpha1.ProviderConfigSpec{AccountID: "ffffffffffffffffffffffffffffffff"}},
				err: errors.New(`cannot apply ProviderConfig "cloudflare-zero-trust.home" of Tenant cloudflare-zero-trust/home: ProviderConfig "cloudflare-zero-trust.home" exists and was not made from Tenant cloudflare-zero-trust/home: rename or delete it`),
			},
		},
	}

	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			kube := fake.NewClientBuilder().WithScheme(s).WithObjects(tc.objects...).
				WithStatusSubresource(&v1alpha1.CloudflareZeroTrustTenant{}).Build()
			var gotToken string
			rec := &recorder{}
			r := &Reconciler{
				record: rec,
				kube:   kube,
				clients: func(_ context.Context, cfg cloudflare.Config) (cloudflare.Client, error) {
					gotToken = cfg.Token
					if tc.cf == nil {
						return nil, errBoom
					}
					return tc.cf, nil
				},
				interval: time.Minute,
				log:      logging.NewNopLogger(),
				now:      func() time.Time { return time.Unix(0, 0) },
			}
			res, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ns, Name: "home"}})
			if diff := cmp.Diff(errText(tc.want.err), errText(err)); diff != "" {
				t.Errorf("%s\nReconcile(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.result, res); diff != "" {
				t.Errorf("%s\nReconcile(...): -want result, +got result:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.events, rec.events, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s\nEvents: -want, +got:\n%s", tc.reason, diff)
			}
			if gotToken != "" && gotToken != token {
				t.Errorf("%s\nthe client got token %q; want it trimmed to %q", tc.reason, gotToken, token)
			}

			pc := &v1alpha1.ProviderConfig{}
			err = kube.Get(context.Background(), types.NamespacedName{Name: "cloudflare-zero-trust.home"}, pc)
			if tc.want.pc == nil {
				if err == nil {
					t.Errorf("%s\nProviderConfig still exists", tc.reason)
				}
				return
			}
			if diff := cmp.Diff(tc.want.pc, pc, cmpopts.IgnoreFields(metav1.ObjectMeta{}, "ResourceVersion"), cmpopts.IgnoreTypes(metav1.TypeMeta{})); diff != "" {
				t.Errorf("%s\nProviderConfig: -want, +got:\n%s", tc.reason, diff)
			}
			if tc.want.err != nil {
				return
			}
			got := &v1alpha1.CloudflareZeroTrustTenant{}
			if err := kube.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "home"}, got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want.ready, got.Status.GetCondition(xpv2.TypeReady), cmpopts.IgnoreFields(xpv2.Condition{}, "LastTransitionTime")); diff != "" {
				t.Errorf("%s\nReady condition: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.zones, got.Status.Zones, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s\nstatus.zones: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestSecretTenants(t *testing.T) {
	s := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(s)
	_ = v1alpha1.AddToScheme(s)
	named := func(namespace, name, secret string) *v1alpha1.CloudflareZeroTrustTenant {
		t := tenant()
		t.SetNamespace(namespace)
		t.SetName(name)
		t.Spec.CredentialRef.Name = secret
		return t
	}
	kube := fake.NewClientBuilder().WithScheme(s).WithObjects(
		named(ns, "home", "cloudflare-api-token"),
		named(ns, "lab", "cloudflare-api-token"),
		named(ns, "work", "other-token"),
		named("elsewhere", "home", "cloudflare-api-token"),
	).Build()
	r := &Reconciler{kube: kube, log: logging.NewNopLogger()}

	cases := map[string]struct {
		reason string
		secret *corev1.Secret
		want   []reconcile.Request
	}{
		"Referenced": {
			reason: "A change of a token Secret reaches every Tenant of its namespace that names it, and only those.",
			secret: secret(token),
			want: []reconcile.Request{
				{NamespacedName: types.NamespacedName{Namespace: ns, Name: "home"}},
				{NamespacedName: types.NamespacedName{Namespace: ns, Name: "lab"}},
			},
		},
		"Unreferenced": {
			reason: "A Secret no Tenant names reaches no Tenant.",
			secret: &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "unrelated"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := r.secretTenants(context.Background(), tc.secret)
			sortRequests := cmpopts.SortSlices(func(a, b reconcile.Request) bool { return a.String() < b.String() })
			if diff := cmp.Diff(tc.want, got, sortRequests, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s\nsecretTenants(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// checking is a mock client that can check its token's permissions.
type checking struct {
	*cffake.MockClient
	missing []*cloudflare.PermissionError
	err     error
}

func (c checking) CheckPermissions(context.Context) ([]*cloudflare.PermissionError, error) {
	return c.missing, c.err
}

// withLogLevel sets the deprecated logLevel on t, and the generation its
// status was last computed from.
func withLogLevel(t *v1alpha1.CloudflareZeroTrustTenant, observed int64) *v1alpha1.CloudflareZeroTrustTenant {
	t.Spec.LogLevel = "DEBUG" //nolint:staticcheck // SA1019: the deprecated field is set on purpose.
	t.Status.ObservedGeneration = observed
	return t
}

// A recorder records Events.
type recorder struct {
	events []event.Event
}

func (r *recorder) Event(_ runtime.Object, e event.Event) { r.events = append(r.events, e) }

func (r *recorder) WithAnnotations(_ ...string) event.Recorder { return r }

// errText compares errors by message: the errors here are built by the
// reconciler, not injected, so there is no sentinel to compare with.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
