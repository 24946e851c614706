package bench

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// Defaults of the full stack part.
const (
	defaultBurst        = 100
	defaultTrickle      = 20
	defaultTrickleEvery = 2 * time.Second
	stackStartTimeout   = 15 * time.Minute
	// operatorNamespace and tenant are those of examples/setup.
	operatorNamespace = "cloudflare-zero-trust"
	tenant            = "home"
)

// StackOptions configure the full stack part. Empty fields take their
// defaults.
type StackOptions struct {
	// Burst is how many routes are created at once.
	Burst int
	// Trickle is how many routes are then created one every TrickleEvery.
	Trickle      int
	TrickleEvery time.Duration
}

func (so StackOptions) withDefaults() StackOptions {
	if so.Burst == 0 {
		so.Burst = defaultBurst
	}
	if so.Trickle == 0 {
		so.Trickle = defaultTrickle
	}
	if so.TrickleEvery == 0 {
		so.TrickleEvery = defaultTrickleEvery
	}
	return so
}

// CheckStack returns an error naming what the full stack needs and lacks:
// the tools `make tools` builds and the packages `make xpkg` builds.
func CheckStack() error {
	return stack.Check(stack.Options{Provider: true})
}

// RunStack runs the full stack part: so.Burst annotated HTTPRoutes created
// at once, then so.Trickle more one every so.TrickleEvery, each with Access
// and a service token. It returns a result per phase; both phases run on
// the same processes, so the second phase's peak memory covers the first.
func RunStack(ctx context.Context, o Options, so StackOptions) ([]Result, error) {
	o, so = o.withDefaults(), so.withDefaults()
	o.progressf("full stack: starting Crossplane core, the packages, the function and the provider (poll interval %s, cache TTL %s)", o.PollInterval, o.CacheTTL)
	startCtx, cancel := context.WithTimeout(ctx, stackStartTimeout)
	defer cancel()
	s, err := stack.New(startCtx, stack.Options{
		Progress:     o.Progress,
		Provider:     true,
		PollInterval: o.PollInterval,
		CacheTTL:     o.CacheTTL,
	})
	if err != nil {
		return nil, err
	}
	defer s.Stop() //nolint:errcheck // Best effort: the results are in.

	if err := setUpTenant(startCtx, s); err != nil {
		return nil, err
	}
	policy, err := rateLimitPolicy(ctx, s.CloudflareURL())
	if err != nil {
		return nil, err
	}
	if err := resetPeakMemory(); err != nil {
		return nil, err
	}
	rec := fakecloudflare.NewRecorder(s.Cloudflare(), collectEvery, nil)
	defer rec.Close()
	kube, err := kubeRequestsOf(s.Config())
	if err != nil {
		return nil, err
	}

	phases := []struct {
		name   string
		part   string
		routes []route
		every  time.Duration
	}{
		{fmt.Sprintf("stack, %d at once", so.Burst), PartStackBurst, newRoutes("s", so.Burst), 0},
		{fmt.Sprintf("stack, %d one every %s", so.Trickle, so.TrickleEvery), PartStackTrickle, newRoutes("t", so.Trickle), so.TrickleEvery},
	}
	var out []Result
	for i, ph := range phases {
		if i > 0 {
			// Each row starts on a rate window the row before has left,
			// as each provider row starts on a fresh fake; otherwise the
			// trickle's routes would meet the window the burst spent,
			// and their latency would measure that.
			if err := waitWindowDrained(ctx, o, s.Cloudflare()); err != nil {
				return out, err
			}
		}
		res := Result{Scenario: ph.name, Part: ph.part, Variant: Full, Routes: len(ph.routes), RateLimitPolicy: policy}
		o := o
		o.SkipSteady, o.SkipDrift = true, true
		err := measure(ctx, o, &res, s.Cloudflare(), rec, kube, hostnames(ph.routes), Full, func(p *presence) error {
			if ph.every == 0 {
				return createHTTPRoutes(ctx, s.Client(), ph.routes, p, createWorkers)
			}
			// The routes after the first are created while the bench
			// already waits for them.
			go func() {
				for i, r := range ph.routes {
					if i > 0 && sleep(ctx, ph.every) != nil {
						return
					}
					if err := createHTTPRoutes(ctx, s.Client(), []route{r}, p, 1); err != nil {
						o.progressf("%v", err)
						return
					}
				}
			}()
			return nil
		})
		if err == nil && res.Steps != nil {
			// The Cloudflare steps stand without these.
			if kerr := addKubeSteps(ctx, s.Client(), &res, ph.routes); kerr != nil {
				o.progressf("%s: no Kubernetes steps: %v", ph.name, kerr)
			}
		}
		if mem, merr := peakMemory(); merr == nil {
			res.RSS = mem
		}
		if err == nil {
			err = s.Exited()
		}
		out = append(out, res)
		if err != nil {
			return out, errors.Wrapf(err, "%s\n%s", ph.name, s.LogTails(20))
		}
	}
	return out, nil
}

// waitWindowDrained waits until every user of cf has spent at most a tenth
// of its rate window: the calls of the row before have left it, and what
// is left is the provider's polling.
func waitWindowDrained(ctx context.Context, o Options, cf *fakecloudflare.Server) error {
	busy := func() int {
		st := cf.RateWindowStatus()
		if st.Limit <= 0 {
			return 0 // Lifted: nothing to drain.
		}
		most := 0
		for _, u := range st.Users {
			if u.Count*10 > st.Limit {
				most = max(most, u.Count)
			}
		}
		return most
	}
	if n := busy(); n > 0 {
		o.progressf("waiting for the rate window to drain: %d calls in it", n)
	}
	for busy() > 0 {
		if err := sleep(ctx, 5*time.Second); err != nil {
			return errors.Wrap(err, "cannot wait for the rate window to drain")
		}
	}
	return nil
}

// setUpTenant applies examples/setup, the tenant home and its templates, and
// waits until the provider has made the tenant's ProviderConfig.
func setUpTenant(ctx context.Context, s *stack.Stack) error {
	if err := s.Apply(ctx, "examples/setup"); err != nil {
		return err
	}
	if err := s.CreateNamespaces(ctx, routeNamespace); err != nil {
		return err
	}
	name := v1alpha1.ProviderConfigName(operatorNamespace, tenant)
	return s.Poll(ctx, "ProviderConfig "+name, func(ctx context.Context) (bool, error) {
		err := s.Client().Get(ctx, types.NamespacedName{Name: name}, &v1alpha1.ProviderConfig{})
		return err == nil, err
	})
}

// httpRoute returns a route with Access for one email address and a
// service token, as a user annotates it.
func (r route) httpRoute() *gatewayv1.HTTPRoute {
	port := gatewayv1.PortNumber(8080)
	return &gatewayv1.HTTPRoute{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: routeNamespace,
			Name:      r.name,
			Annotations: map[string]string{
				v1alpha1.AnnotationEnabled:             "true",
				v1alpha1.AnnotationTenant:              tenant,
				v1alpha1.AnnotationHostname:            r.hostname,
				v1alpha1.AnnotationAccessEnabled:       "true",
				v1alpha1.AnnotationAccessAllowEmails:   r.name + "@" + zone,
				v1alpha1.AnnotationServiceTokenEnabled: "true",
			},
		},
		Spec: gatewayv1.HTTPRouteSpec{Rules: []gatewayv1.HTTPRouteRule{{BackendRefs: []gatewayv1.HTTPBackendRef{{
			BackendRef: gatewayv1.BackendRef{BackendObjectReference: gatewayv1.BackendObjectReference{Name: gatewayv1.ObjectName(r.name), Port: &port}},
		}}}}},
	}
}

// createHTTPRoutes creates the routes' HTTPRoutes with workers in parallel,
// telling p when each is sent.
func createHTTPRoutes(ctx context.Context, kube client.Client, routes []route, p *presence, workers int) error {
	return forEach(routes, workers, func(r route) error {
		p.create(r.hostname)
		return errors.Wrapf(kube.Create(ctx, r.httpRoute()), "cannot create HTTPRoute %s/%s", routeNamespace, r.name)
	})
}

// addKubeSteps puts the steps of the routes in Kubernetes before res's
// Cloudflare steps, which wait for none of them.
func addKubeSteps(ctx context.Context, kube client.Client, res *Result, routes []route) error {
	at, err := kubeCreated(ctx, kube, routes)
	if err != nil {
		return err
	}
	res.Steps = append(routeSteps(kubeSteps, hostnames(routes), res.created, nil, at), res.Steps...)
	return nil
}
