// Package integration tests the provider's managed resource controllers
// together, against a real kube-apiserver and the stateful fake Cloudflare
// API, wired as provider/main.go wires them.
package integration

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/util/retry"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	xpcontroller "github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/feature"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis"
	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/controller"
	"github.com/cfzt/cfzt/provider/internal/controller/config"
	"github.com/cfzt/cfzt/provider/internal/controller/managedctrl"
	"github.com/cfzt/cfzt/test/fakecloudflare"
	"github.com/cfzt/cfzt/test/kubeenv"
)

// The seeded account, token and tunnel (examples/fake-cloudflare/seed.yaml).
const (
	seedPath   = "../../../../examples/fake-cloudflare/seed.yaml"
	accountID  = "4f1c2a7e9b3d45e8a6c0d2f1b7e9a3c5"
	apiToken   = "demo-token"
	tunnelID   = "6ff42ae2-765d-4adf-8112-31c55c1551ef"
	tunnelHost = tunnelID + ".cfargotunnel.com"
)

// The ProviderConfig every test's managed resources use, and its Secret.
const (
	providerConfig  = "default"
	secretNamespace = "crossplane-system"
	secretName      = "cloudflare-token"
)

// Timing: the controllers poll every pollInterval; within is how long
// something may take to happen.
const (
	pollInterval = 2 * time.Second
	cacheTTL     = 500 * time.Millisecond
	within       = 90 * time.Second
	tick         = 200 * time.Millisecond
)

// A harness is the shared test environment: a kube-apiserver with the
// provider's CRDs, the fake Cloudflare API seeded with the example homelab,
// and a manager running every controller controller.SetupGated adds, with a
// ProviderConfig pointing at the fake. Tests share it and keep to their own
// hostnames.
type harness struct {
	kube client.Client
	fake *fakecloudflare.Server
}

var (
	shared     *harness
	errShared  error
	sharedOnce sync.Once
	stopShared = func() {}
)

// TestMain stops the shared environment after the last test.
func TestMain(m *testing.M) {
	code := m.Run()
	stopShared()
	os.Exit(code)
}

// setup returns the shared harness, starting it on first use. It skips the
// test under -short.
func setup(t *testing.T) *harness {
	t.Helper()
	if testing.Short() {
		t.Skip("starts etcd, kube-apiserver and the provider's controllers")
	}
	sharedOnce.Do(func() { shared, errShared = start() })
	if errShared != nil {
		t.Fatalf("cannot start the integration environment: %v", errShared)
	}
	return shared
}

func scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, apis.AddToScheme} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}

func start() (*harness, error) {
	ctx, cancel := context.WithCancel(context.Background())
	var stops []func()
	stopShared = func() {
		cancel()
		for _, stop := range slices.Backward(stops) {
			stop()
		}
	}

	env, err := kubeenv.New(ctx, kubeenv.WithCRDs("package/provider/crds"))
	if err != nil {
		return nil, err
	}
	stops = append(stops, func() { _ = env.Stop() })

	seed, err := fakecloudflare.Load(seedPath)
	if err != nil {
		return nil, err
	}
	// These tests are about what the controllers do, with a short poll and
	// cache; Cloudflare's rate window, which the fake enforces by default,
	// is the client's own tests' subject (and the bench's).
	fake, err := fakecloudflare.New(seed, fakecloudflare.WithRateWindow(0, 0, 0))
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(fake)
	stops = append(stops, srv.Close)

	kube, err := client.New(env.Config(), client.Options{Scheme: scheme()})
	if err != nil {
		return nil, err
	}
	for _, o := range []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: secretNamespace}},
		&corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: secretNamespace, Name: secretName},
			StringData: map[string]string{"token": apiToken + "\n"},
		},
		&v1alpha1.ProviderConfig{
			ObjectMeta: metav1.ObjectMeta{Name: providerConfig},
			Spec: v1alpha1.ProviderConfigSpec{
				AccountID: accountID,
				BaseURL:   srv.URL + fakecloudflare.APIPrefix + "/",
				Credentials: v1alpha1.ProviderCredentials{
					Source: xpv2.CredentialsSourceSecret,
					CommonCredentialSelectors: xpv2.CommonCredentialSelectors{SecretRef: &xpv2.SecretKeySelector{
						SecretReference: xpv2.SecretReference{Namespace: secretNamespace, Name: secretName},
						Key:             "token",
					}},
				},
			},
		},
	} {
		if err := kube.Create(ctx, o); err != nil {
			return nil, err
		}
	}

	log := logr.Discard()
	// PROVIDER_TEST_LOG=1 shows the controllers' debug log on stderr.
	if os.Getenv("PROVIDER_TEST_LOG") != "" {
		log = funcr.New(func(prefix, args string) { fmt.Fprintln(os.Stderr, prefix, args) }, funcr.Options{Verbosity: 1})
	}
	ctrl.SetLogger(log)
	mgr, err := ctrl.NewManager(env.Config(), ctrl.Options{
		Scheme:                 scheme(),
		Logger:                 log,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
	})
	if err != nil {
		return nil, err
	}
	registry := cloudflare.NewRegistry(
		cloudflare.WithRateLimit(cloudflare.RateLimit{Requests: 1_000_000, Period: 5 * time.Minute}),
		cloudflare.WithCacheTTL(cacheTTL), cloudflare.WithBackoff(50*time.Millisecond, time.Second))
	o := xpcontroller.Options{
		Logger:                  logging.NewLogrLogger(log),
		PollInterval:            pollInterval,
		MaxConcurrentReconciles: 50,
		Features:                &feature.Flags{},
	}
	if err := controller.SetupGated(mgr, o, config.NewConnector(mgr.GetClient(), registry, "")); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	stops = append(stops, func() {
		cancel()
		if err := <-done; err != nil {
			fmt.Fprintln(os.Stderr, "the manager stopped with an error:", err)
		}
	})
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		return nil, fmt.Errorf("the manager's cache did not sync")
	}
	return &harness{kube: kube, fake: fake}, nil
}

// create creates a cluster-scoped managed resource using the harness's
// ProviderConfig, and deletes it (if it is still there) when the test ends.
func (h *harness) create(t *testing.T, mg resource.Managed) {
	t.Helper()
	mg.(managedctrl.Managed).SetProviderConfigReference(&xpv2.Reference{Name: providerConfig})
	if err := h.kube.Create(t.Context(), mg); err != nil {
		t.Fatalf("cannot create %T %s: %v", mg, mg.GetName(), err)
	}
	t.Cleanup(func() {
		_ = h.kube.Delete(context.Background(), mg)
	})
}

// get reads mg afresh.
func (h *harness) get(t *testing.T, mg resource.Managed) error {
	t.Helper()
	return h.kube.Get(t.Context(), client.ObjectKeyFromObject(mg), mg)
}

// update reads mg afresh, changes it with change and writes it, again after
// a conflict: the controller writes the managed resource too, at any time.
func (h *harness) update(t *testing.T, mg resource.Managed, change func()) {
	t.Helper()
	if err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := h.get(t, mg); err != nil {
			return err
		}
		change()
		return h.kube.Update(t.Context(), mg)
	}); err != nil {
		t.Fatalf("cannot update %s: %v", mg.GetName(), err)
	}
}

// waitFor waits until mg has a condition of type ct with status s and a
// message containing msg.
func (h *harness) waitFor(t *testing.T, mg resource.Managed, ct xpv2.ConditionType, s corev1.ConditionStatus, msg string) {
	t.Helper()
	eventually(t, fmt.Sprintf("%s %s %s=%s %q", mg.GetObjectKind().GroupVersionKind().Kind, mg.GetName(), ct, s, msg), func() (bool, error) {
		if err := h.get(t, mg); err != nil {
			return false, err
		}
		c := mg.GetCondition(ct)
		return c.Status == s && strings.Contains(c.Message, msg), fmt.Errorf("%s is %s: %s", ct, c.Status, c.Message)
	})
}

// waitReady waits until mg is Ready and Synced.
func (h *harness) waitReady(t *testing.T, mg resource.Managed) {
	t.Helper()
	h.waitFor(t, mg, xpv2.TypeSynced, corev1.ConditionTrue, "")
	h.waitFor(t, mg, xpv2.TypeReady, corev1.ConditionTrue, "")
}

// deleteAndWait deletes mg and waits until it is gone, its external
// resource deleted.
func (h *harness) deleteAndWait(t *testing.T, mg resource.Managed) {
	t.Helper()
	if err := h.kube.Delete(t.Context(), mg); err != nil {
		t.Fatalf("cannot delete %s: %v", mg.GetName(), err)
	}
	h.waitGone(t, mg)
}

// waitGone waits until mg, whose deletion was asked for, is gone.
func (h *harness) waitGone(t *testing.T, mg resource.Managed) {
	t.Helper()
	eventually(t, "deletion of "+mg.GetName(), func() (bool, error) {
		err := h.get(t, mg)
		if kerrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// writes is the fake's total of successful writes.
func (h *harness) writes() int {
	n := 0
	for _, c := range h.fake.WriteCounts() {
		n += c
	}
	return n
}

// ingress returns the seeded tunnel's ingress rules as the fake holds them.
func (h *harness) ingress(t *testing.T) []map[string]any {
	t.Helper()
	for _, tn := range h.fake.Snapshot().Tunnels {
		if tn.ID != tunnelID {
			continue
		}
		raw, _ := tn.Config["ingress"].([]any)
		rules := make([]map[string]any, 0, len(raw))
		for _, r := range raw {
			if m, ok := r.(map[string]any); ok {
				rules = append(rules, m)
			}
		}
		return rules
	}
	t.Fatalf("the fake has no tunnel %s", tunnelID)
	return nil
}

// rule returns the tunnel's rule for hostname.
func (h *harness) rule(t *testing.T, hostname string) (map[string]any, bool) {
	t.Helper()
	for _, r := range h.ingress(t) {
		if r["hostname"] == hostname {
			return r, true
		}
	}
	return nil, false
}

// dnsRecords returns the fake's records named name.
func (h *harness) dnsRecords(name string) []fakecloudflare.DNSRecord {
	return named(h.fake.Snapshot().DNSRecords, name, func(r fakecloudflare.DNSRecord) string { return r.Name })
}

// named returns the objects of objs whose nameOf is name.
func named[T any](objs []T, name string, nameOf func(T) string) []T {
	var out []T
	for _, o := range objs {
		if nameOf(o) == name {
			out = append(out, o)
		}
	}
	return out
}

// checkSeedIntact fails unless the seeded foreign tunnel rules and DNS
// records are as the seed has them, and the catch-all is last.
func (h *harness) checkSeedIntact(t *testing.T) {
	t.Helper()
	rules := h.ingress(t)
	if len(rules) == 0 || rules[len(rules)-1]["hostname"] != nil || rules[len(rules)-1]["service"] != "http_status:404" {
		t.Errorf("the catch-all is not the tunnel's last rule: %v", rules)
	}
	if r, ok := h.rule(t, "legacy.example.com"); !ok || r["service"] != "http://legacy.home.arpa:8080" {
		t.Errorf("the foreign rule for legacy.example.com changed: %v", r)
	}
	if r, ok := h.rule(t, "nas.example.org"); !ok || r["service"] != "https://nas.home.arpa:5001" {
		t.Errorf("the foreign rule for nas.example.org changed: %v", r)
	}
	for name, comment := range map[string]string{
		"legacy.example.com": "set up by hand by alice, do not change",
		"nas.example.org":    "managed-by: bob",
		"mail.example.com":   "mail server of carol",
	} {
		rs := h.dnsRecords(name)
		if len(rs) != 1 || rs[0].Comment != comment {
			t.Errorf("the foreign DNS record %s changed: %+v", name, rs)
		}
	}
}

func eventually(t *testing.T, what string, f func() (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(t.Context(), tick, within, true, func(context.Context) (bool, error) {
		ok, err := f()
		last = err
		return ok, nil
	})
	if err != nil {
		t.Fatalf("%s: not within %s (last: %v)", what, within, last)
	}
}
