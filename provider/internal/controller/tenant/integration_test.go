package tenant

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cfsdk "github.com/cloudflare/cloudflare-go/v4"
	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	xpcontroller "github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	cffake "github.com/cfzt/cfzt/provider/internal/clients/cloudflare/fake"
	"github.com/cfzt/cfzt/test/kubeenv"
)

// TestIntegration runs the Tenant controller against a real kube-apiserver
// with the provider's CRDs, and a Cloudflare client that accepts only the
// token "good".
func TestIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("starts etcd and kube-apiserver")
	}
	ctrl.SetLogger(logr.Discard())
	env := kubeenv.Start(t, kubeenv.WithCRDs("package/provider/crds"))

	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1alpha1.AddToScheme} {
		if err := add(s); err != nil {
			t.Fatal(err)
		}
	}
	kube, err := client.New(env.Config(), client.Options{Scheme: s})
	if err != nil {
		t.Fatal(err)
	}
	if err := kube.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}

	mgr, err := ctrl.NewManager(env.Config(), ctrl.Options{
		Scheme:                 s,
		Logger:                 logr.Discard(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
	})
	if err != nil {
		t.Fatal(err)
	}
	o := xpcontroller.Options{Logger: logging.NewNopLogger(), GlobalRateLimiter: ratelimiter.NewGlobal(10), MaxConcurrentReconciles: 1}
	// checks counts the looks at a Tenant with the good token.
	var checks atomic.Int32
	clients := func(_ context.Context, cfg cloudflare.Config) (cloudflare.Client, error) {
		if cfg.Token != "good" {
			return &cffake.MockClient{MockVerifyToken: func(context.Context) (cloudflare.TokenStatus, error) {
				return cloudflare.TokenStatus{}, &cfsdk.Error{StatusCode: http.StatusUnauthorized}
			}}, nil
		}
		checks.Add(1)
		return working(), nil
	}
	// An interval far longer than the test: only the watches can make the
	// controller look again.
	if err := Setup(mgr, o, clients, "", time.Hour); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("manager: %v", err)
		}
	})

	t.Run("FixedTokenReadyAtOnce", func(t *testing.T) {
		if err := kube.Create(t.Context(), secret("bad")); err != nil {
			t.Fatal(err)
		}
		if err := kube.Create(t.Context(), tenant()); err != nil {
			t.Fatal(err)
		}
		waitReady(t, kube, ReasonTokenRefused)
		// The controller's cache must have its own status write before
		// the Secret changes: else its next status write conflicts, and
		// the retry is a second look.
		waitReady(t, mgr.GetClient(), ReasonTokenRefused)

		sec := secret("good")
		if err := kube.Update(t.Context(), sec); err != nil {
			t.Fatal(err)
		}
		waitReady(t, kube, xpv2.Available().Reason)

		// The Secret's change made the controller look once. Its own write
		// of the status does not make it look again: each look costs
		// Cloudflare calls.
		time.Sleep(2 * time.Second)
		if n := checks.Load(); n != 1 {
			t.Errorf("looks at the Tenant with the good token within 2s of it being Ready: want 1, got %d", n)
		}

		// The CRD keeps the account's zones in the status, for the
		// composition function.
		got := &v1alpha1.CloudflareZeroTrustTenant{}
		if err := kube.Get(t.Context(), types.NamespacedName{Namespace: ns, Name: "home"}, got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(listedZones, got.Status.Zones); diff != "" {
			t.Errorf("status.zones of the Ready Tenant: -want, +got:\n%s", diff)
		}
	})

	t.Run("HostnameSuffixesValidated", func(t *testing.T) {
		cases := map[string]struct {
			reason string
			suffix string
			ok     bool
		}{
			"Canonical":   {reason: "A lowercase DNS name is the canonical form.", suffix: "example.com", ok: true},
			"SingleLabel": {reason: "A single label names a top-level domain.", suffix: "internal", ok: true},
			"Wildcard":    {reason: "A leading *. is refused: the suffix already allows every name under it.", suffix: "*.example.com"},
			"LeadingDot":  {reason: "A leading dot is refused.", suffix: ".example.com"},
			"TrailingDot": {reason: "A trailing dot is refused.", suffix: "example.com."},
			"Uppercase":   {reason: "Uppercase is refused: hostnames compare in lower case.", suffix: "Example.com"},
			"Spaces":      {reason: "Spaces are refused.", suffix: " example.com"},
			"Empty":       {reason: "An empty suffix is refused.", suffix: ""},
		}
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				tn := tenant()
				tn.SetName("suffix-" + strings.ToLower(name))
				tn.Spec.AllowedHostnameSuffixes = []string{tc.suffix}
				err := kube.Create(t.Context(), tn)
				if tc.ok != (err == nil) {
					t.Errorf("%s\nCreate with allowedHostnameSuffixes [%q]: want accepted %t, got error %v", tc.reason, tc.suffix, tc.ok, err)
				}
				if err != nil && !kerrors.IsInvalid(err) {
					t.Errorf("%s\nCreate: want an Invalid error, got %v", tc.reason, err)
				}
			})
		}
	})
}

// waitReady waits until the Tenant home's Ready condition has the reason.
func waitReady(t *testing.T, kube client.Client, reason xpv2.ConditionReason) {
	t.Helper()
	var got xpv2.Condition
	// Well within the interval of an hour, and within what a user waits for.
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		tn := &v1alpha1.CloudflareZeroTrustTenant{}
		if err := kube.Get(ctx, types.NamespacedName{Namespace: ns, Name: "home"}, tn); err != nil {
			return false, nil //nolint:nilerr // Not there yet.
		}
		got = tn.Status.GetCondition(xpv2.TypeReady)
		return got.Reason == reason, nil
	})
	if err != nil {
		t.Fatalf("Tenant %s/home: want Ready reason %q within 10s, got %q (%s)", ns, reason, got.Reason, got.Message)
	}
}
