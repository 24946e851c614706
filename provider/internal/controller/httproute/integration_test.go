package httproute

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/retry"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource/unstructured/claim"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/kubeenv"
)

// Timing of the integration tests: how long something may take to happen,
// and how long something must not happen to count as never.
const (
	within = 30 * time.Second
	tick   = 100 * time.Millisecond
	quiet  = 3 * time.Second
)

// TestIntegration runs the controller against a real kube-apiserver and
// kube-controller-manager (garbage collector), with the Gateway API, the
// provider's and a stand-in claim CRD. The scenarios share the control plane
// and run in order, each in its own namespaces.
func TestIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("starts etcd, kube-apiserver and kube-controller-manager")
	}
	ctrl.SetLogger(logr.Discard())
	env := kubeenv.Start(t, kubeenv.WithControllerManager(),
		kubeenv.WithCRDs("package/provider/crds", httpRouteCRD(t), "testdata"))

	h := newHarness(t, env.Config())
	h.namespace(opNS)
	h.create(tenant(opNS, "home"))
	h.start(Options{SweepInitialDelay: time.Hour})

	t.Run("ClaimFollowsAnnotations", h.claimFollowsAnnotations)
	t.Run("WriteBackWithoutLoop", h.writeBackWithoutLoop)
	t.Run("TemplateChangeReachesOnlyItsRoutes", h.templateChange)
	t.Run("HostnameConflict", h.hostnameConflict)
	t.Run("OneClaimPerHostnameInABurst", h.oneClaimPerHostname)
	t.Run("TenantFences", h.tenantFences)
	t.Run("CrossNamespaceTenantRefused", h.crossNamespaceTenant)
	t.Run("MissingTenantWaits", h.missingTenant)
	t.Run("InvalidEnabledWarned", h.invalidEnabled)
	t.Run("UnannotatingAsFastAsDeleting", h.unannotatingAsFastAsDeleting)
	t.Run("SweepAfterDowntime", h.sweepAfterDowntime)
	t.Run("RouteDeletionCascades", h.routeDeletionCascades)
}

// httpRouteCRD returns the HTTPRoute CRD of the gateway-api module in use.
func httpRouteCRD(t *testing.T) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/gateway-api").Output()
	if err != nil {
		t.Fatalf("cannot locate the sigs.k8s.io/gateway-api module: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "config", "crd", "standard", "gateway.networking.k8s.io_httproutes.yaml")
}

type harness struct {
	t    *testing.T
	cfg  *rest.Config
	kube client.Client

	mu   sync.Mutex
	stop func()
}

func newHarness(t *testing.T, cfg *rest.Config) *harness {
	t.Helper()
	kube, err := client.New(cfg, client.Options{Scheme: scheme()})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, cfg: cfg, kube: kube}
	t.Cleanup(h.halt)
	return h
}

// start runs the controller in a manager of its own, as the provider does.
func (h *harness) start(o Options) {
	t := h.t
	t.Helper()
	o.OperatorNamespace = opNS
	log := logr.Discard()
	// ROUTE_TEST_LOG=1 shows the controller's debug log on stderr.
	if os.Getenv("ROUTE_TEST_LOG") != "" {
		log = funcr.New(func(prefix, args string) { fmt.Fprintln(os.Stderr, prefix, args) }, funcr.Options{Verbosity: 1})
	}
	o.Logger = logging.NewLogrLogger(log)
	mgr, err := ctrl.NewManager(h.cfg, ctrl.Options{
		Scheme:                 scheme(),
		Logger:                 log,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		// Each scenario that restarts the controller adds one of the same name.
		Controller: config.Controller{SkipNameValidation: new(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := Setup(mgr, o); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		t.Fatal("the manager's cache did not sync")
	}
	h.mu.Lock()
	h.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("manager: %v", err)
		}
	}
	h.mu.Unlock()
}

// halt stops the controller, if it runs.
func (h *harness) halt() {
	h.mu.Lock()
	stop := h.stop
	h.stop = nil
	h.mu.Unlock()
	if stop != nil {
		stop()
	}
}

func (h *harness) namespace(name string) {
	h.t.Helper()
	h.create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
}

func (h *harness) create(o client.Object) {
	h.t.Helper()
	o.SetUID("")
	o.SetCreationTimestamp(metav1.Time{})
	if err := h.kube.Create(context.Background(), o); err != nil {
		h.t.Fatalf("cannot create %T %s/%s: %v", o, o.GetNamespace(), o.GetName(), err)
	}
}

// newRoute creates a route as a user would.
func (h *harness) newRoute(t *testing.T, ns, name, hostname string, mods ...routeMod) *gatewayv1.HTTPRoute {
	t.Helper()
	r := userRoute(ns, name, hostname, mods...)
	h.create(r)
	return r
}

// userRoute returns a route as a user would write it, asking to be
// published at hostname.
func userRoute(ns, name, hostname string, mods ...routeMod) *gatewayv1.HTTPRoute {
	r := route(name, append([]routeMod{inNamespace(ns), published(hostname), withBackend("web", 8080)}, mods...)...)
	r.Spec.ParentRefs = []gatewayv1.ParentReference{{Name: "gateway"}}
	return r
}

// annotate patches a route's annotations as kubectl annotate does; "" removes.
func (h *harness) annotate(t *testing.T, ns, name string, kv ...string) {
	t.Helper()
	changes := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		changes[kv[i]] = kv[i+1]
	}
	p, err := annotationPatch(changes)
	if err != nil {
		t.Fatal(err)
	}
	r := &gatewayv1.HTTPRoute{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	if err := h.kube.Patch(t.Context(), r, client.RawPatch(types.MergePatchType, p)); err != nil {
		t.Fatalf("cannot annotate HTTPRoute %s/%s: %v", ns, name, err)
	}
}

func (h *harness) getRoute(t *testing.T, ns, name string) *gatewayv1.HTTPRoute {
	t.Helper()
	r := &gatewayv1.HTTPRoute{}
	if err := h.kube.Get(t.Context(), types.NamespacedName{Namespace: ns, Name: name}, r); err != nil {
		t.Fatal(err)
	}
	return r
}

// claim returns the claim of a route, or nil.
func (h *harness) claim(ns, name string) (*claim.Unstructured, error) {
	c := newClaim()
	if err := h.kube.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, &c.Unstructured); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return c, nil
}

// claimIn waits for the route's claim and returns it.
func (h *harness) claimIn(t *testing.T, ns, name string, ok func(v1alpha1.RouteSpec) bool) *claim.Unstructured {
	t.Helper()
	var got *claim.Unstructured
	eventually(t, "claim "+ns+"/"+name, func() (bool, error) {
		c, err := h.claim(ns, name)
		if err != nil || c == nil {
			return false, err
		}
		s, err := getClaimSpec(c)
		got = c
		return err == nil && (ok == nil || ok(s)), err
	})
	return got
}

func (h *harness) noClaim(t *testing.T, ns, name string) {
	t.Helper()
	eventually(t, "no claim "+ns+"/"+name, func() (bool, error) {
		c, err := h.claim(ns, name)
		return c == nil, err
	})
}

// neverClaim asserts that a route gets no claim for a while.
func (h *harness) neverClaim(t *testing.T, ns, name string) {
	t.Helper()
	consistently(t, "no claim "+ns+"/"+name, func() (bool, error) {
		c, err := h.claim(ns, name)
		return c == nil, err
	})
}

// setClaimStatus writes a claim's status as Crossplane would.
func (h *harness) setClaimStatus(t *testing.T, ns, name string, st v1alpha1.RouteStatus, conds ...xpv2.Condition) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		c, err := h.claim(ns, name)
		if err != nil {
			return err
		}
		if c == nil {
			return errors.New("no claim")
		}
		s, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&st)
		if err != nil {
			return err
		}
		c.Object["status"] = s
		c.SetConditions(conds...)
		return h.kube.Status().Update(t.Context(), &c.Unstructured)
	})
	if err != nil {
		t.Fatalf("cannot write the status of claim %s/%s: %v", ns, name, err)
	}
}

// events returns the Events of a route by reason, with their counts.
func (h *harness) events(t *testing.T, ns, name string) map[string][]corev1.Event {
	t.Helper()
	l := &corev1.EventList{}
	if err := h.kube.List(t.Context(), l, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	out := map[string][]corev1.Event{}
	for _, e := range l.Items {
		if e.InvolvedObject.Kind == "HTTPRoute" && e.InvolvedObject.Name == name {
			out[e.Reason] = append(out[e.Reason], e)
		}
	}
	return out
}

// eventWith waits for an Event of the reason whose message contains text.
func (h *harness) eventWith(t *testing.T, ns, name, reason, text string) {
	t.Helper()
	eventually(t, "Event "+reason+" on HTTPRoute "+ns+"/"+name, func() (bool, error) {
		return slices.ContainsFunc(h.events(t, ns, name)[reason], func(e corev1.Event) bool {
			return strings.Contains(e.Message, text)
		}), nil
	})
}

func eventually(t *testing.T, what string, f func() (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(t.Context(), tick, within, true, func(context.Context) (bool, error) {
		ok, err := f()
		last = err
		return ok && err == nil, nil
	})
	if err != nil {
		t.Fatalf("%s: not within %s (last error: %v)", what, within, last)
	}
}

func consistently(t *testing.T, what string, f func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(quiet)
	for time.Now().Before(deadline) {
		ok, err := f()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !ok {
			t.Fatalf("%s: no longer true", what)
		}
		time.Sleep(tick)
	}
}

func (h *harness) claimFollowsAnnotations(t *testing.T) {
	const ns = "lifecycle"
	h.namespace(ns)
	r := h.newRoute(t, ns, "www", "www.lifecycle.example.com")

	c := h.claimIn(t, ns, "www", nil)
	s, err := getClaimSpec(c)
	if err != nil {
		t.Fatal(err)
	}
	want := claimSpec(r, s.InputsHash)
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("claim spec: -want, +got:\n%s", diff)
	}
	if s.InputsHash == "" {
		t.Error("claim spec: no inputsHash")
	}
	ref := metav1.GetControllerOf(c)
	if ref == nil || ref.Kind != "HTTPRoute" || ref.Name != "www" || ref.BlockOwnerDeletion == nil || !*ref.BlockOwnerDeletion {
		t.Errorf("claim owner: want the route as controller with blockOwnerDeletion, got %+v", c.GetOwnerReferences())
	}

	// An input annotation reaches the claim.
	h.annotate(t, ns, "www", v1alpha1.AnnotationAccessEnabled, "true")
	c = h.claimIn(t, ns, "www", func(s v1alpha1.RouteSpec) bool {
		return s.Annotations[v1alpha1.AnnotationAccessEnabled] == "true"
	})

	// A written-back annotation does not.
	rv := c.GetResourceVersion()
	h.annotate(t, ns, "www", v1alpha1.AnnotationDNSRecordIP, "192.0.2.1", v1alpha1.AnnotationLastReconcile, "2026-01-01T00:00:00Z")
	consistently(t, "claim not updated for a written-back annotation", func() (bool, error) {
		c, err := h.claim(ns, "www")
		return c != nil && c.GetResourceVersion() == rv, err
	})

	// Each way of unpublishing deletes the claim; each republishing brings it back.
	for _, kv := range [][]string{
		{v1alpha1.AnnotationEnabled, ""},
		{v1alpha1.AnnotationEnabled, "false"},
		{v1alpha1.AnnotationHostname, ""},
		{v1alpha1.AnnotationTenant, ""},
	} {
		h.annotate(t, ns, "www", kv...)
		h.noClaim(t, ns, "www")
		h.annotate(t, ns, "www",
			v1alpha1.AnnotationEnabled, "true",
			v1alpha1.AnnotationTenant, "home",
			v1alpha1.AnnotationHostname, "www.lifecycle.example.com")
		h.claimIn(t, ns, "www", nil)
	}
	h.eventWith(t, ns, "www", string(ReasonUnpublished), "ZeroTrustRoute lifecycle/www")
}

func (h *harness) writeBackWithoutLoop(t *testing.T) {
	const ns = "writeback"
	h.namespace(ns)
	h.newRoute(t, ns, "www", "www.writeback.example.com")
	// The state ConfigMap, as the function composes it.
	h.create(&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: opNS, Name: v1alpha1.StateConfigMapName(ns, "www"), Labels: stateLabels(ns, "www")},
		Data:       map[string]string{"hostname": "www.writeback.example.com", "tenant_name": "home"},
	})
	h.claimIn(t, ns, "www", nil)

	h.setClaimStatus(t, ns, "www", v1alpha1.RouteStatus{
		Hostname: "www.writeback.example.com", HostnameRouteID: "hr-1", CNAMERecordID: "cn-1",
		AccessAppID: "app-1", AccessPolicyIDs: []string{"p1", "p2"},
	}, xpv2.ReconcileSuccess(), xpv2.Available())

	var ts string
	eventually(t, "results written back to the route and the state ConfigMap", func() (bool, error) {
		a := h.getRoute(t, ns, "www").GetAnnotations()
		ts = a[v1alpha1.AnnotationLastReconcile]
		cm := &corev1.ConfigMap{}
		if err := h.kube.Get(t.Context(), types.NamespacedName{Namespace: opNS, Name: v1alpha1.StateConfigMapName(ns, "www")}, cm); err != nil {
			return false, err
		}
		return a[v1alpha1.AnnotationAccessPolicyIDs] == "p1,p2" && a[v1alpha1.AnnotationCNAMERecordID] == "cn-1" &&
			a[v1alpha1.AnnotationHostnameRouteID] == "hr-1" && a[v1alpha1.AnnotationAccessAppID] == "app-1" &&
			ts != "" && cm.Data[v1alpha1.StateKeyLastReconcile] == ts && cm.Data["tenant_name"] == "home", nil
	})
	if _, err := time.Parse(time.RFC3339, ts); err != nil {
		t.Errorf("lastReconcile %q is not RFC 3339: %v", ts, err)
	}
	h.eventWith(t, ns, "www", string(ReasonAccessAttached), "app-1")
	h.eventWith(t, ns, "www", string(ReasonPublished), "www.writeback.example.com")

	// Nothing more happens: the controller's own writes do not loop.
	routeRV := h.getRoute(t, ns, "www").GetResourceVersion()
	c, err := h.claim(ns, "www")
	if err != nil {
		t.Fatal(err)
	}
	claimRV := c.GetResourceVersion()
	updates := 0
	consistently(t, "route and claim left alone after the write-back", func() (bool, error) {
		if h.getRoute(t, ns, "www").GetResourceVersion() != routeRV {
			updates++
		}
		c, err := h.claim(ns, "www")
		return updates == 0 && c != nil && c.GetResourceVersion() == claimRV, err
	})
	for reason, es := range h.events(t, ns, "www") {
		if len(es) != 1 || es[0].Count > 1 {
			t.Errorf("Event %s emitted more than once: %d events, count %d", reason, len(es), es[0].Count)
		}
	}

	// A new result is announced; an error on the claim is copied to the route.
	h.setClaimStatus(t, ns, "www", v1alpha1.RouteStatus{
		Hostname: "www.writeback.example.com", HostnameRouteID: "hr-1", CNAMERecordID: "cn-1",
		AccessAppID: "app-1", AccessPolicyIDs: []string{"p1", "p2"},
		ServiceTokenID: "tok-1", ServiceTokenSecretName: "cfzt-svctoken-www",
	}, xpv2.ReconcileError(errors.New(`invalid cfzt.cloudflare.com/serviceToken.duration "forever"`)), xpv2.Available())
	h.eventWith(t, ns, "www", string(ReasonServiceTokenIssued), "cfzt-svctoken-www")
	h.eventWith(t, ns, "www", "ReconcileError", `invalid cfzt.cloudflare.com/serviceToken.duration "forever"`)
}

func (h *harness) templateChange(t *testing.T) {
	const ns = "templates"
	h.namespace(ns)
	h.create(template(opNS, "protected", "8h"))
	h.create(template(opNS, "machine", "8h"))
	h.newRoute(t, ns, "admin", "admin.templates.example.com", withAnnotations(v1alpha1.AnnotationTemplate, "protected"))
	h.newRoute(t, ns, "robot", "robot.templates.example.com", withAnnotations(v1alpha1.AnnotationTemplate, "machine"))
	h.newRoute(t, ns, "www", "www.templates.example.com")
	before := map[string]*claim.Unstructured{}
	for _, n := range []string{"admin", "robot", "www"} {
		before[n] = h.claimIn(t, ns, n, nil)
	}
	hashOf := func(c *claim.Unstructured) string {
		s, _ := getClaimSpec(c)
		return s.InputsHash
	}

	// A Template reaches the routes that name it, and only those.
	tpl := &v1alpha1.CloudflareZeroTrustTemplate{}
	if err := h.kube.Get(t.Context(), types.NamespacedName{Namespace: opNS, Name: "protected"}, tpl); err != nil {
		t.Fatal(err)
	}
	tpl.Spec.AccessApplication.SessionDuration = "1h"
	if err := h.kube.Update(t.Context(), tpl); err != nil {
		t.Fatal(err)
	}
	h.claimIn(t, ns, "admin", func(s v1alpha1.RouteSpec) bool { return s.InputsHash != hashOf(before["admin"]) })
	consistently(t, "claims of routes not using the template unchanged", func() (bool, error) {
		for _, n := range []string{"robot", "www"} {
			c, err := h.claim(ns, n)
			if err != nil || c == nil || c.GetResourceVersion() != before[n].GetResourceVersion() {
				return false, err
			}
		}
		return true, nil
	})

	// base-<tenant> reaches every route of the tenant.
	hashes := map[string]string{}
	for _, n := range []string{"admin", "robot", "www"} {
		c, err := h.claim(ns, n)
		if err != nil || c == nil {
			t.Fatalf("claim %s/%s: %v", ns, n, err)
		}
		hashes[n] = hashOf(c)
	}
	h.create(template(opNS, "base-home", "24h"))
	for _, n := range []string{"admin", "robot", "www"} {
		h.claimIn(t, ns, n, func(s v1alpha1.RouteSpec) bool { return s.InputsHash != hashes[n] })
	}
}

func (h *harness) hostnameConflict(t *testing.T) {
	h.namespace("conflict-a")
	h.namespace("conflict-b")
	h.newRoute(t, "conflict-a", "first", "shared.conflict.example.com")
	h.claimIn(t, "conflict-a", "first", nil)

	h.newRoute(t, "conflict-b", "second", "Shared.Conflict.example.com")
	h.eventWith(t, "conflict-b", "second", string(ReasonHostnameConflict), "HTTPRoute conflict-a/first")
	h.neverClaim(t, "conflict-b", "second")

	// The first owner keeps the hostname until it lets it go.
	r := h.getRoute(t, "conflict-a", "first")
	if err := h.kube.Delete(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	h.claimIn(t, "conflict-b", "second", nil)
}

// oneClaimPerHostname creates routes for one hostname all at once: the
// controller decides them one right after the other, while its cache may
// show neither the claim just written for one of them nor every route, and
// still no second claim is written.
func (h *harness) oneClaimPerHostname(t *testing.T) {
	const hostname, n = "burst.example.com", 8
	for i := range n {
		h.namespace(fmt.Sprintf("burst-%d", i))
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		r := userRoute(fmt.Sprintf("burst-%d", i), "route", hostname)
		wg.Go(func() { errs[i] = h.kube.Create(t.Context(), r) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	claims := func() (int, error) {
		l := newClaimList()
		err := h.kube.List(t.Context(), l, client.MatchingLabels{LabelHostnameHash: hostnameHash(hostname)})
		return len(l.Items), err
	}
	eventually(t, "a claim of "+hostname, func() (bool, error) {
		n, err := claims()
		return n > 0, err
	})
	consistently(t, "one claim of "+hostname, func() (bool, error) {
		n, err := claims()
		return n == 1, err
	})
}

func (h *harness) tenantFences(t *testing.T) {
	for _, ns := range []string{"fence-in", "fence-out"} {
		h.namespace(ns)
	}
	h.create(tenant(opNS, "fenced", allowNamespaces("fence-in"), allowSuffixes("fence.example.com")))
	fenced := withAnnotations(v1alpha1.AnnotationTenant, "fenced")

	h.newRoute(t, "fence-out", "outside", "a.fence.example.com", fenced)
	h.eventWith(t, "fence-out", "outside", string(ReasonNamespaceNotAllowed), `namespace "fence-out"`)
	h.newRoute(t, "fence-in", "wrong-host", "a.fence.example.org", fenced)
	h.eventWith(t, "fence-in", "wrong-host", string(ReasonHostnameNotAllowed), `"a.fence.example.org"`)
	h.newRoute(t, "fence-in", "inside", "b.fence.example.com", fenced)
	h.claimIn(t, "fence-in", "inside", nil)
	h.neverClaim(t, "fence-out", "outside")
	h.neverClaim(t, "fence-in", "wrong-host")

	// Tightening the fence unpublishes what it now excludes.
	tn := &v1alpha1.CloudflareZeroTrustTenant{}
	if err := h.kube.Get(t.Context(), types.NamespacedName{Namespace: opNS, Name: "fenced"}, tn); err != nil {
		t.Fatal(err)
	}
	tn.Spec.AllowedNamespaces = []string{"elsewhere"}
	if err := h.kube.Update(t.Context(), tn); err != nil {
		t.Fatal(err)
	}
	h.noClaim(t, "fence-in", "inside")
	h.eventWith(t, "fence-in", "inside", string(ReasonNamespaceNotAllowed), `namespace "fence-in"`)
}

func (h *harness) crossNamespaceTenant(t *testing.T) {
	h.namespace("tenant-owner")
	h.namespace("tenant-thief")
	h.create(tenant("tenant-owner", "private"))
	private := withAnnotations(v1alpha1.AnnotationTenant, "private")

	h.newRoute(t, "tenant-thief", "steal", "steal.example.com", private)
	h.eventWith(t, "tenant-thief", "steal", string(ReasonTenantNotAllowed), `only in namespace "tenant-owner"`)
	h.newRoute(t, "tenant-owner", "own", "own.example.com", private)
	h.claimIn(t, "tenant-owner", "own", nil)
	h.neverClaim(t, "tenant-thief", "steal")
}

func (h *harness) missingTenant(t *testing.T) {
	const ns = "waiting"
	h.namespace(ns)
	h.newRoute(t, ns, "early", "early.example.com", withAnnotations(v1alpha1.AnnotationTenant, "later"))
	h.eventWith(t, ns, "early", string(ReasonTenantNotFound), `"later"`)
	h.neverClaim(t, ns, "early")

	h.create(tenant(opNS, "later"))
	h.claimIn(t, ns, "early", nil)
}

func (h *harness) invalidEnabled(t *testing.T) {
	const ns = "enabled"
	h.namespace(ns)
	h.newRoute(t, ns, "www", "www.enabled.example.com", withAnnotations(v1alpha1.AnnotationEnabled, "yes"))
	h.eventWith(t, ns, "www", string(ReasonInvalidInput), `annotation cfzt.cloudflare.com/enabled is "yes", which is not an accepted value: set it to "true"`)
	h.neverClaim(t, ns, "www")

	h.annotate(t, ns, "www", v1alpha1.AnnotationEnabled, "true")
	h.claimIn(t, ns, "www", nil)
	h.annotate(t, ns, "www", v1alpha1.AnnotationEnabled, "True")
	h.eventWith(t, ns, "www", string(ReasonInvalidInput), `annotation cfzt.cloudflare.com/enabled is "True"`)
	h.noClaim(t, ns, "www")
}

// promptly bounds how long the controller takes to delete the claim of a
// route that is no longer published. It is far below the sweep's interval:
// an unpublished route must never wait for the sweep.
const promptly = 5 * time.Second

func (h *harness) unannotatingAsFastAsDeleting(t *testing.T) {
	const ns = "unpublish"
	h.namespace(ns)
	h.newRoute(t, ns, "dropped", "dropped.unpublish.example.com")
	h.newRoute(t, ns, "deleted", "deleted.unpublish.example.com")
	h.claimIn(t, ns, "dropped", nil)
	h.claimIn(t, ns, "deleted", nil)

	gone := func(name string, start time.Time) time.Duration {
		t.Helper()
		h.noClaim(t, ns, name)
		return time.Since(start)
	}
	start := time.Now()
	h.annotate(t, ns, "dropped", v1alpha1.AnnotationEnabled, "")
	unannotated := gone("dropped", start)

	start = time.Now()
	if err := h.kube.Delete(t.Context(), h.getRoute(t, ns, "deleted")); err != nil {
		t.Fatal(err)
	}
	deleted := gone("deleted", start)

	t.Logf("claim deleted %s after the enabled annotation was removed, %s after the route was deleted", unannotated, deleted)
	if unannotated > promptly || deleted > promptly {
		t.Errorf("claims deleted %s after unannotating and %s after deleting the route; want both within %s", unannotated, deleted, promptly)
	}
}

func (h *harness) sweepAfterDowntime(t *testing.T) {
	const ns = "sweep"
	h.namespace(ns)
	h.newRoute(t, ns, "gone", "gone.sweep.example.com")
	h.claimIn(t, ns, "gone", nil)
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: opNS, Name: v1alpha1.StateConfigMapName(ns, "gone"), Labels: stateLabels(ns, "gone")},
	}
	h.create(cm)

	// The provider is down while the route goes, orphaning its claim.
	h.halt()
	r := h.getRoute(t, ns, "gone")
	if err := h.kube.Delete(t.Context(), r, client.PropagationPolicy(metav1.DeletePropagationOrphan)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "route deleted and its claim orphaned", func() (bool, error) {
		err := h.kube.Get(t.Context(), types.NamespacedName{Namespace: ns, Name: "gone"}, &gatewayv1.HTTPRoute{})
		c, cerr := h.claim(ns, "gone")
		return kerrors.IsNotFound(err) && c != nil && len(c.GetOwnerReferences()) == 0, cerr
	})

	h.start(Options{SweepInitialDelay: 500 * time.Millisecond, SweepInterval: time.Second})
	h.noClaim(t, ns, "gone")
	eventually(t, "state ConfigMap of the deleted route swept", func() (bool, error) {
		err := h.kube.Get(t.Context(), client.ObjectKeyFromObject(cm), &corev1.ConfigMap{})
		return kerrors.IsNotFound(err), client.IgnoreNotFound(err)
	})
}

func (h *harness) routeDeletionCascades(t *testing.T) {
	const ns = "cascade"
	h.namespace(ns)
	h.newRoute(t, ns, "www", "www.cascade.example.com")
	h.claimIn(t, ns, "www", nil)

	// With the controller stopped only the garbage collector can delete the
	// claim; foreground deletion shows the route waiting for it.
	h.halt()
	r := h.getRoute(t, ns, "www")
	if err := h.kube.Delete(t.Context(), r, client.PropagationPolicy(metav1.DeletePropagationForeground)); err != nil {
		t.Fatal(err)
	}
	h.noClaim(t, ns, "www")
	eventually(t, "route deleted", func() (bool, error) {
		err := h.kube.Get(t.Context(), types.NamespacedName{Namespace: ns, Name: "www"}, &gatewayv1.HTTPRoute{})
		return kerrors.IsNotFound(err), client.IgnoreNotFound(err)
	})
}
