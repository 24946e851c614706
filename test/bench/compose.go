package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// The namespace of the bench's routes and the tenant and ProviderConfig
// their managed resources name.
const (
	routeNamespace = "bench"
	benchTenant    = "bench"
	providerConfig = "default"
	// zone is the seed's Pro zone: 3,500 records, long names and comments.
	zone = "example.org"
)

// Defaults the function gives a route with Access and a service token and
// nothing else set (function/internal/merge).
const (
	sessionDuration      = "24h"
	sameSite             = "lax"
	tokenDuration        = "8760h"
	tokenRotationOverlap = "24h"
	tokenRefreshBefore   = "720h"
	originURL            = "https://traefik.traefik.svc:443"
	originTLSTimeout     = 10
)

// A route is one route of a scenario.
type route struct {
	name     string
	hostname string
}

// newRoutes returns n routes named <prefix>NNNN with hostnames
// <prefix>-NNNN.example.org.
func newRoutes(prefix string, n int) []route {
	out := make([]route, n)
	for i := range out {
		out[i] = route{
			name:     fmt.Sprintf("%s%04d", prefix, i),
			hostname: fmt.Sprintf("%s-%04d.%s", prefix, i, zone),
		}
	}
	return out
}

func hostnames(routes []route) []string {
	out := make([]string, len(routes))
	for i, r := range routes {
		out[i] = r.hostname
	}
	return out
}

// Names of a route's managed resources: the route's name and the
// function's composition resource name.
func (r route) mrName(resource string) string { return r.name + "-" + resource }

// objectMeta is the metadata the function gives a route's managed
// resources: its labels, by which the bench also finds the route again.
func (r route) objectMeta(resource string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name: r.mrName(resource),
		Labels: map[string]string{
			v1alpha1.LabelManagedBy:          v1alpha1.LabelManagedByValue,
			v1alpha1.LabelHTTPRouteName:      r.name,
			v1alpha1.LabelHTTPRouteNamespace: routeNamespace,
			v1alpha1.LabelTenant:             benchTenant,
		},
	}
}

func managedSpec() xpv2.ClusterManagedResourceSpec {
	return xpv2.ClusterManagedResourceSpec{ProviderConfigReference: &xpv2.Reference{Name: providerConfig}}
}

// initial returns the managed resources a route of variant v has from the
// start (function/internal/compose): a tunnel-dns route's tunnel rule and
// DNS record; a full route's DNS record, allow policy and service token. A
// full route's token policy, application and tunnel rule come later, from
// the composer, in the function's order.
func (r route) initial(v Variant) []client.Object {
	t := true
	ttl := int64(1)
	dns := &v1alpha1.DNSRecord{
		ObjectMeta: r.objectMeta("dns-record"),
		Spec: v1alpha1.DNSRecordSpec{ClusterManagedResourceSpec: managedSpec(), ForProvider: v1alpha1.DNSRecordParameters{
			Name:    r.hostname,
			Type:    "CNAME",
			Content: tunnelID + ".cfargotunnel.com",
			Proxied: &t,
			TTL:     &ttl,
			Owner:   v1alpha1.RouteOwner(routeNamespace, r.name),
		}},
	}
	if v == TunnelDNS {
		return []client.Object{r.tunnelRoute(), dns}
	}
	allow := &v1alpha1.AccessPolicy{
		ObjectMeta: r.objectMeta("access-policy"),
		Spec: v1alpha1.AccessPolicySpec{ClusterManagedResourceSpec: managedSpec(), ForProvider: v1alpha1.AccessPolicyParameters{
			Name:          allowPolicyName(r.hostname),
			Decision:      "allow",
			IncludeEmails: []string{r.name + "@" + zone},
		}},
	}
	tok := &v1alpha1.ServiceToken{
		ObjectMeta: r.objectMeta("service-token"),
		Spec: v1alpha1.ServiceTokenSpec{ClusterManagedResourceSpec: managedSpec(), ForProvider: v1alpha1.ServiceTokenParameters{
			Name:            appName(r.hostname),
			Duration:        tokenDuration,
			RotationOverlap: tokenRotationOverlap,
			RefreshBefore:   tokenRefreshBefore,
		}},
	}
	tok.SetWriteConnectionSecretToReference(&xpv2.SecretReference{Namespace: routeNamespace, Name: "cfzt-svctoken-" + r.name})
	return []client.Object{dns, allow, tok}
}

// tunnelRoute returns the route's tunnel rule.
func (r route) tunnelRoute() *v1alpha1.TunnelRoute {
	f := false
	timeout := int64(originTLSTimeout)
	tr := &v1alpha1.TunnelRoute{
		ObjectMeta: r.objectMeta("tunnel-route"),
		Spec: v1alpha1.TunnelRouteSpec{ClusterManagedResourceSpec: managedSpec(), ForProvider: v1alpha1.TunnelRouteParameters{
			TunnelID: tunnelID,
			Hostname: r.hostname,
			Service:  originURL,
			OriginRequest: &v1alpha1.OriginRequest{
				NoTLSVerify:      &f,
				OriginServerName: r.hostname,
				ConnectTimeout:   &timeout,
				HTTP2Origin:      &f,
			},
		}},
	}
	// The rule is found by hostname in the tunnel's configuration.
	meta.SetExternalName(tr, r.hostname)
	return tr
}

// accessApp returns the route's Access application using the policies of
// policyIDs.
func (r route) accessApp(policyIDs []string) *v1alpha1.AccessApp {
	f, t := false, true
	return &v1alpha1.AccessApp{
		ObjectMeta: r.objectMeta("access-app"),
		Spec: v1alpha1.AccessAppSpec{ClusterManagedResourceSpec: managedSpec(), ForProvider: v1alpha1.AccessAppParameters{
			Name:                    appName(r.hostname),
			Domain:                  r.hostname,
			SessionDuration:         sessionDuration,
			AutoRedirectToIdentity:  &f,
			EnableBindingCookie:     &f,
			HTTPOnlyCookieAttribute: &t,
			SameSiteCookieAttribute: sameSite,
			SkipInterstitial:        &f,
			AppLauncherVisible:      &t,
			ServiceAuth401Redirect:  &f,
			PolicyIDs:               policyIDs,
		}},
	}
}

// tokenPolicy returns the policy admitting the route's service token.
func (r route) tokenPolicy(tokenID string) *v1alpha1.AccessPolicy {
	return &v1alpha1.AccessPolicy{
		ObjectMeta: r.objectMeta("token-policy"),
		Spec: v1alpha1.AccessPolicySpec{ClusterManagedResourceSpec: managedSpec(), ForProvider: v1alpha1.AccessPolicyParameters{
			Name:                   tokenPolicyName(r.hostname),
			Decision:               "non_identity",
			IncludeServiceTokenIDs: []string{tokenID},
		}},
	}
}

// externalName is the Cloudflare ID a managed resource reports, empty until
// it has one: Crossplane sets the external name to the object's name before
// the provider sets the ID (function/internal/state).
func externalName(o metav1.Object) string {
	if n := meta.GetExternalName(o); n != o.GetName() {
		return n
	}
	return ""
}

// createRoutes creates the routes' initial managed resources with workers
// in parallel, telling p when each route's first create is sent.
func createRoutes(ctx context.Context, kube client.Client, routes []route, v Variant, p *presence, workers int) error {
	return forEach(routes, workers, func(r route) error {
		p.create(r.hostname)
		for _, o := range r.initial(v) {
			if err := kube.Create(ctx, o); err != nil {
				return errors.Wrapf(err, "cannot create %T %s", o, o.GetName())
			}
		}
		return nil
	})
}

// forEach calls do for every route, with workers routes at a time, and
// returns every error.
func forEach(routes []route, workers int, do func(route) error) error {
	next := make(chan route)
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for r := range next {
				if err := do(r); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, r := range routes {
		next <- r
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// A composer stands in for the composition function, in its order: once a
// route's service token reports its ID it creates the token policy; once
// the allow and token policies report theirs it creates the application
// with both; once the application is Ready it creates the tunnel rule.
type composer struct {
	kube   client.Client
	cache  cache.Cache
	queue  workqueue.TypedRateLimitingInterface[string]
	routes map[string]route

	mu   sync.Mutex
	made map[string]map[string]bool // the resources created per route
}

// composeWorkers is how many routes the composer handles at once.
const composeWorkers = 4

// startComposer starts a composer of routes; it stops with ctx.
func startComposer(ctx context.Context, kube client.Client, c cache.Cache, routes []route) (*composer, error) {
	cp := &composer{
		kube:   kube,
		cache:  c,
		queue:  workqueue.NewTypedRateLimitingQueue(workqueue.NewTypedItemExponentialFailureRateLimiter[string](100*time.Millisecond, 5*time.Second)),
		routes: map[string]route{},
		made:   map[string]map[string]bool{},
	}
	for _, r := range routes {
		cp.routes[r.name] = r
	}
	enqueue := func(o any) {
		if m, ok := o.(metav1.Object); ok {
			if r, ok := m.GetLabels()[v1alpha1.LabelHTTPRouteName]; ok {
				cp.queue.Add(r)
			}
		}
	}
	handler := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, o any) { enqueue(o) },
	}
	for _, o := range []client.Object{&v1alpha1.AccessPolicy{}, &v1alpha1.ServiceToken{}, &v1alpha1.AccessApp{}} {
		inf, err := c.GetInformer(ctx, o)
		if err != nil {
			return nil, errors.Wrapf(err, "cannot watch %T", o)
		}
		if _, err := inf.AddEventHandler(handler); err != nil {
			return nil, errors.Wrapf(err, "cannot watch %T", o)
		}
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		return nil, errors.New("cannot sync the composer's cache")
	}
	go func() {
		<-ctx.Done()
		cp.queue.ShutDown()
	}()
	for range composeWorkers {
		go cp.work(ctx)
	}
	return cp, nil
}

func (cp *composer) work(ctx context.Context) {
	for {
		key, shutdown := cp.queue.Get()
		if shutdown {
			return
		}
		if err := cp.compose(ctx, key); err != nil && ctx.Err() == nil {
			cp.queue.AddRateLimited(key)
		} else {
			cp.queue.Forget(key)
		}
		cp.queue.Done(key)
	}
}

// compose creates what the route's resources now allow, as the function
// would on its next run.
func (cp *composer) compose(ctx context.Context, key string) error {
	r, ok := cp.routes[key]
	if !ok {
		return nil
	}
	allowID, tokenID, tokenPolicyID, err := cp.ids(ctx, r)
	if err != nil {
		return err
	}
	if tokenID != "" {
		if err := cp.create(ctx, key, r.tokenPolicy(tokenID)); err != nil {
			return err
		}
	}
	if allowID == "" || tokenPolicyID == "" {
		return nil
	}
	// The allow policy first, then the token policy, as the function
	// orders them.
	if err := cp.create(ctx, key, r.accessApp([]string{allowID, tokenPolicyID})); err != nil {
		return err
	}
	app := &v1alpha1.AccessApp{}
	if err := cp.cache.Get(ctx, client.ObjectKey{Name: r.mrName("access-app")}, app); err != nil {
		return client.IgnoreNotFound(err)
	}
	if app.GetCondition(xpv2.TypeReady).Status != corev1.ConditionTrue {
		return nil
	}
	return cp.create(ctx, key, r.tunnelRoute())
}

// create creates o once for the route.
func (cp *composer) create(ctx context.Context, key string, o client.Object) error {
	cp.mu.Lock()
	done := cp.made[key][o.GetName()]
	cp.mu.Unlock()
	if done {
		return nil
	}
	if err := cp.kube.Create(ctx, o); err != nil && !kerrors.IsAlreadyExists(err) {
		return errors.Wrapf(err, "cannot create %s", o.GetName())
	}
	cp.mu.Lock()
	if cp.made[key] == nil {
		cp.made[key] = map[string]bool{}
	}
	cp.made[key][o.GetName()] = true
	cp.mu.Unlock()
	return nil
}

// ids returns the IDs the route's allow policy, service token and token
// policy report, each empty until it has one.
func (cp *composer) ids(ctx context.Context, r route) (allowID, tokenID, tokenPolicyID string, err error) {
	get := func(o client.Object, name string) (string, error) {
		err := cp.cache.Get(ctx, client.ObjectKey{Name: name}, o)
		if kerrors.IsNotFound(err) {
			return "", nil
		}
		if err != nil {
			return "", errors.Wrapf(err, "cannot get %s", name)
		}
		return externalName(o), nil
	}
	if allowID, err = get(&v1alpha1.AccessPolicy{}, r.mrName("access-policy")); err != nil {
		return "", "", "", err
	}
	if tokenID, err = get(&v1alpha1.ServiceToken{}, r.mrName("service-token")); err != nil {
		return "", "", "", err
	}
	if tokenPolicyID, err = get(&v1alpha1.AccessPolicy{}, r.mrName("token-policy")); err != nil {
		return "", "", "", err
	}
	return allowID, tokenID, tokenPolicyID, nil
}
