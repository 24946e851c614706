package tenant

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestPermissionsAgainstFake checks the Tenant with the real Cloudflare
// client against the fake Cloudflare API and the seed `make demo` and the
// e2e use, whose account and tunnel tenant() names: each token gets the
// condition a person would read for it. The fake refuses what each
// endpoint's "Accepted Permissions" in the API reference do not allow.
func TestPermissionsAgainstFake(t *testing.T) {
	seed, err := fakecloudflare.Load("../../../../examples/fake-cloudflare/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	seed.Tokens = append(seed.Tokens,
		fakecloudflare.APIToken{
			ID: "f0000000000000000000000000000001", Value: "tunnel-only", AccountID: account,
			Permissions: []string{fakecloudflare.PermissionTunnelEdit},
		},
		fakecloudflare.APIToken{
			ID: "f0000000000000000000000000000002", Value: "no-tunnel", AccountID: account,
			Permissions: []string{fakecloudflare.PermissionZoneRead, fakecloudflare.PermissionDNSEdit},
		},
	)
	f, err := fakecloudflare.New(seed)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)

	s := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(s)
	_ = v1alpha1.AddToScheme(s)

	cases := map[string]struct {
		reason string
		token  string
		want   xpv2.Condition
	}{
		"LeastPrivilege": {
			reason: "The demo token, which holds exactly the README's permissions, is Ready.",
			token:  "demo-token",
			want:   xpv2.Available(),
		},
		"NoAccess": {
			reason: "A token made for tunnels and DNS only is told the three Access permissions it lacks, as the README names them.",
			token:  "no-access-token",
			want: unavailable(ReasonMissingPermission, "the API token lacks "+
				"Account · Access: Apps and Policies · Edit (a read of Access applications was refused), "+
				"Account · Access: Organizations, Identity Providers, and Groups · Read (a read of Access groups was refused) and "+
				"Account · Access: Service Tokens · Edit (a read of service tokens was refused): add them to the token"),
		},
		"TunnelOnly": {
			reason: "A token for tunnels only lacks Zone · Zone · Read too; without it no zone is known, so DNS is not checked yet.",
			token:  "tunnel-only",
			want: unavailable(ReasonMissingPermission, "the API token lacks "+
				"Zone · Zone · Read (a read of zones was refused), "+
				"Account · Access: Apps and Policies · Edit (a read of Access applications was refused), "+
				"Account · Access: Organizations, Identity Providers, and Groups · Read (a read of Access groups was refused) and "+
				"Account · Access: Service Tokens · Edit (a read of service tokens was refused): add them to the token"),
		},
		"NoTunnel": {
			reason: "A token without Cloudflare Tunnel cannot read the tunnel, and is told which permission that takes.",
			token:  "no-tunnel",
			want:   unavailable(ReasonMissingPermission, "the API token lacks Account · Cloudflare Tunnel · Edit (a read of tunnel %s was refused): add it to the token", tunnelID),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			kube := fake.NewClientBuilder().WithScheme(s).WithObjects(tenant(), secret(tc.token)).
				WithStatusSubresource(&v1alpha1.CloudflareZeroTrustTenant{}).Build()
			r := &Reconciler{
				record:   &recorder{},
				kube:     kube,
				clients:  cloudflare.NewRegistry().ClientFor,
				baseURL:  srv.URL + fakecloudflare.APIPrefix,
				interval: time.Minute,
				log:      logging.NewNopLogger(),
				now:      func() time.Time { return time.Unix(0, 0) },
			}
			if _, err := r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ns, Name: "home"}}); err != nil {
				t.Fatal(err)
			}
			got := &v1alpha1.CloudflareZeroTrustTenant{}
			if err := kube.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "home"}, got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got.Status.GetCondition(xpv2.TypeReady), cmpopts.IgnoreFields(xpv2.Condition{}, "LastTransitionTime")); diff != "" {
				t.Errorf("%s\nReady condition: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
