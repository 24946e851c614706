package e2e

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
	"github.com/cfzt/cfzt/test/fakecloudflare"
	"github.com/cfzt/cfzt/test/proc"
)

// allowAdminsID is the seed's Access policy "Allow Admins", which routes of
// kind accessExisting name.
const allowAdminsID = "9c4e2a7f-1b3d-4f5e-8a9b-0c1d2e3f4a02"

// A routeKind is one way to publish a route, with the managed resources it
// composes.
type routeKind int

const (
	// kindTunnel: an ingress rule and a proxied CNAME.
	kindTunnel routeKind = iota
	// kindDNSOnly: an A record to the route's dnsIp.
	kindDNSOnly
	// kindAccessNew: the tunnel, an Access application and a new allow
	// policy for one email address.
	kindAccessNew
	// kindAccessExisting: the tunnel and an Access application using the
	// seed's policy "Allow Admins".
	kindAccessExisting
	// kindToken: the tunnel and a service token.
	kindToken
)

// routeKinds is how many kinds there are.
const routeKinds = 5

func (k routeKind) String() string {
	return [...]string{"tunnel", "dns-only", "access-new-policy", "access-existing-policy", "service-token"}[k]
}

// A chaosRoute is an HTTPRoute that a fault test publishes, changes and
// deletes.
type chaosRoute struct {
	namespace, name string
	kind            routeKind
	index           int
	hostname        string
	// dnsOnly is the route's mode: kinds tunnel and DNS-only switch.
	dnsOnly bool
	// previous are the hostnames the route had before.
	previous []string
}

// chaosRoutes returns n routes of every kind in turn, in namespace ns, with
// hostnames <prefix>-<i>.example.com.
func chaosRoutes(ns, prefix string, n int) []*chaosRoute {
	out := make([]*chaosRoute, n)
	for i := range out {
		k := routeKind(i % routeKinds)
		out[i] = &chaosRoute{
			namespace: ns,
			name:      fmt.Sprintf("r%02d", i),
			kind:      k,
			index:     i,
			hostname:  fmt.Sprintf("%s-%02d.example.com", prefix, i),
			dnsOnly:   k == kindDNSOnly,
		}
	}
	return out
}

func (r *chaosRoute) String() string {
	mode := "tunnel"
	if r.dnsOnly {
		mode = "DNS-only"
	}
	return fmt.Sprintf("%s/%s (%s, %s, %s)", r.namespace, r.name, r.kind, r.hostname, mode)
}

// ip is the address of the route's A record in DNS-only mode.
func (r *chaosRoute) ip() string { return fmt.Sprintf("198.51.100.%d", r.index+1) }

// change renames the route's hostname or, for kinds tunnel and DNS-only,
// switches its mode.
func (r *chaosRoute) change() {
	switch r.kind {
	case kindTunnel, kindDNSOnly:
		r.dnsOnly = !r.dnsOnly
	default:
		r.previous = append(r.previous, r.hostname)
		r.hostname = strings.Replace(r.hostname, ".example.com", "-renamed.example.com", 1)
	}
}

// manifest returns the route as YAML, for server-side apply: an annotation
// the route no longer has is removed.
func (r *chaosRoute) manifest() ([]byte, error) {
	a := map[string]string{
		v1alpha1.AnnotationEnabled:  "true",
		v1alpha1.AnnotationTenant:   "home",
		v1alpha1.AnnotationHostname: r.hostname,
	}
	if r.dnsOnly {
		a[v1alpha1.AnnotationTemplate] = "dns-only"
		a[v1alpha1.AnnotationDNSIP] = r.ip()
	}
	switch r.kind {
	case kindTunnel, kindDNSOnly:
	case kindAccessNew:
		a[v1alpha1.AnnotationAccessEnabled] = "true"
		a[v1alpha1.AnnotationAccessAllowEmails] = fmt.Sprintf("user%02d@example.com", r.index)
	case kindAccessExisting:
		a[v1alpha1.AnnotationAccessEnabled] = "true"
		a[v1alpha1.AnnotationAccessExistingPolicyNames] = "Allow Admins"
	case kindToken:
		a[v1alpha1.AnnotationServiceTokenEnabled] = "true"
	}
	port := gatewayv1.PortNumber(8080)
	rt := &gatewayv1.HTTPRoute{TypeMeta: metav1.TypeMeta{APIVersion: gatewayv1.GroupVersion.String(), Kind: "HTTPRoute"}}
	rt.SetNamespace(r.namespace)
	rt.SetName(r.name)
	rt.SetAnnotations(a)
	rt.Spec.Rules = []gatewayv1.HTTPRouteRule{{BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{
		BackendObjectReference: gatewayv1.BackendObjectReference{Name: gatewayv1.ObjectName(r.name), Port: &port},
	}}}}}
	return yaml.Marshal(rt)
}

// applyRoutes server-side applies the routes as they are now.
func applyRoutes(t *testing.T, s *stack.Stack, routes []*chaosRoute) {
	t.Helper()
	docs := make([][]byte, 0, len(routes))
	for _, r := range routes {
		y, err := r.manifest()
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, y)
	}
	if err := s.ApplyYAML(context.WithoutCancel(t.Context()), []byte(strings.Join(byteStrings(docs), "---\n"))); err != nil {
		t.Fatal(err)
	}
}

func byteStrings(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}

// checkCloudflare checks that Cloudflare holds what the route asks for now.
func (r *chaosRoute) checkCloudflare(snap fakecloudflare.Seed) error {
	var errs []error
	h := r.hostname
	tunnel := !r.dnsOnly
	rl := rule(snap, h)
	switch {
	case tunnel && rl == nil:
		errs = append(errs, errors.Errorf("the tunnel has no ingress rule for %s", h))
	case tunnel && rl["service"] != traefikOrigin:
		errs = append(errs, errors.Errorf("the ingress rule of %s points at %v, want %s", h, rl["service"], traefikOrigin))
	case !tunnel && rl != nil:
		errs = append(errs, errors.Errorf("DNS-only route: the tunnel should not route %s, has %v", h, rl))
	}
	recs := records(snap, h)
	switch {
	case len(recs) != 1:
		errs = append(errs, errors.Errorf("want one DNS record for %s, got %d: %+v", h, len(recs), recs))
	case tunnel && (recs[0].Type != "CNAME" || recs[0].Content != tunnelCNAME || !recs[0].Proxied):
		errs = append(errs, errors.Errorf("DNS record of %s is %s %s proxied=%t, want a proxied CNAME to %s", h, recs[0].Type, recs[0].Content, recs[0].Proxied, tunnelCNAME))
	case !tunnel && (recs[0].Type != "A" || recs[0].Content != r.ip()):
		errs = append(errs, errors.Errorf("DNS record of %s is %s %s, want an A record to %s", h, recs[0].Type, recs[0].Content, r.ip()))
	}
	app := accessApp(snap, "cfzt-"+h)
	pol := accessPolicy(snap, "cfzt-"+h+"-allow")
	switch r.kind {
	case kindAccessNew:
		switch {
		case app == nil || pol == nil:
			errs = append(errs, errors.Errorf("want Access application cfzt-%s and policy cfzt-%s-allow, have application %t, policy %t", h, h, app != nil, pol != nil))
		case app.Domain != h || !usesPolicy(app, pol.ID):
			errs = append(errs, errors.Errorf("Access application cfzt-%s has domain %s and policies %+v, want %s and its policy %s", h, app.Domain, app.Policies, h, pol.ID))
		}
	case kindAccessExisting:
		switch {
		case app == nil:
			errs = append(errs, errors.Errorf("no Access application cfzt-%s", h))
		case app.Domain != h || !usesPolicy(app, allowAdminsID):
			errs = append(errs, errors.Errorf("Access application cfzt-%s has domain %s and policies %+v, want %s and Allow Admins (%s)", h, app.Domain, app.Policies, h, allowAdminsID))
		}
		if pol != nil {
			errs = append(errs, errors.Errorf("unexpected Access policy cfzt-%s-allow", h))
		}
	default:
		if app != nil || pol != nil {
			errs = append(errs, errors.Errorf("unexpected Access objects of %s", h))
		}
	}
	tok := serviceToken(snap, "cfzt-"+h)
	if (r.kind == kindToken) != (tok != nil) {
		errs = append(errs, errors.Errorf("service token cfzt-%s: want %t, have %t", h, r.kind == kindToken, tok != nil))
	}
	return errors.Join(errs...)
}

// checkPrevious checks that Cloudflare holds nothing of the route's previous
// hostnames.
func (r *chaosRoute) checkPrevious(snap fakecloudflare.Seed) error {
	var errs []error
	for _, old := range r.previous {
		errs = append(errs, errors.Wrapf(hostnameGone(snap, old), "%s was renamed from %s, but", r, old))
	}
	return errors.Join(errs...)
}

// hostnameGone returns an error naming every Cloudflare object of a
// hostname: its ingress rule, DNS records, Access application and policy,
// service token.
func hostnameGone(snap fakecloudflare.Seed, h string) error {
	var left []string
	if r := rule(snap, h); r != nil {
		left = append(left, fmt.Sprintf("the tunnel's ingress rule %v", r))
	}
	for _, r := range records(snap, h) {
		left = append(left, fmt.Sprintf("DNS record %s %s (%s)", r.Type, r.Name, r.ID))
	}
	if a := accessApp(snap, "cfzt-"+h); a != nil {
		left = append(left, "Access application "+a.Name+" ("+a.ID+")")
	}
	if p := accessPolicy(snap, "cfzt-"+h+"-allow"); p != nil {
		left = append(left, "Access policy "+p.Name+" ("+p.ID+")")
	}
	if tok := serviceToken(snap, "cfzt-"+h); tok != nil {
		left = append(left, "service token "+tok.Name+" ("+tok.ID+")")
	}
	if len(left) == 0 {
		return nil
	}
	return errors.Errorf("Cloudflare still holds for %s: %s", h, strings.Join(left, "; "))
}

func accessPolicy(snap fakecloudflare.Seed, name string) *fakecloudflare.AccessPolicy {
	for i := range snap.AccessPolicies {
		if snap.AccessPolicies[i].Name == name {
			return &snap.AccessPolicies[i]
		}
	}
	return nil
}

func usesPolicy(a *fakecloudflare.AccessApp, id string) bool {
	return slices.ContainsFunc(a.Policies, func(p fakecloudflare.AppPolicyRef) bool { return p.ID == id })
}

// claimPublished returns nil when a route's claim is Published=True, or an
// error that says why not: the claim's conditions and those of its managed
// resources that are not Ready and Synced.
func claimPublished(ctx context.Context, c client.Client, r *chaosRoute, cl *unstructured.Unstructured) error {
	if cl == nil {
		return errors.Errorf("%s has no claim", r)
	}
	if st, _, _ := condition(cl, v1alpha1.TypePublished); st == "True" {
		return nil
	}
	msg := fmt.Sprintf("claim of %s is not Published: %s", r, conditions(cl))
	mrs, err := managedOf(ctx, c, r.namespace, r.name)
	if err != nil {
		return errors.Errorf("%s; cannot list its managed resources: %v", msg, err)
	}
	for _, k := range slices.Sorted(maps.Keys(mrs)) {
		mr := mrs[k]
		for _, typ := range []string{"Ready", "Synced"} {
			if st, reason, m := condition(mr, typ); st != "True" {
				msg += fmt.Sprintf("; %s %s %s", k, mr.GetName(), &conditionError{typ, st, reason, m})
			}
		}
		if meta.ExternalCreateIncomplete(mr) {
			msg += fmt.Sprintf("; %s %s has a create of unknown result (annotation %s)", k, mr.GetName(), meta.AnnotationKeyExternalCreatePending)
		}
	}
	return errors.New(msg)
}

// routesPollInterval paces the waits on many routes, each poll of which
// reads every claim and the whole fake.
const routesPollInterval = time.Second

// waitPublished waits until every route's claim is Published=True and
// Cloudflare holds what the route asks for now, and returns how long that
// took. On timeout it fails the test naming every route that is not there,
// with its conditions and those of its managed resources.
func waitPublished(t *testing.T, s *stack.Stack, routes []*chaosRoute, timeout time.Duration, what string) time.Duration {
	t.Helper()
	return pollRoutes(t, s, timeout, what, func(ctx context.Context) (bool, error) {
		return routesPublished(ctx, s, routes)
	})
}

// pollRoutes polls ready every routesPollInterval, failing the test after
// timeout, and returns how long it took.
func pollRoutes(t *testing.T, s *stack.Stack, timeout time.Duration, what string, ready func(context.Context) (bool, error)) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), timeout)
	defer cancel()
	start := time.Now()
	if err := proc.Poll(ctx, routesPollInterval, what, s.Exited, ready); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("%s: %s", what, took.Round(100*time.Millisecond))
	return took
}

func routesPublished(ctx context.Context, s *stack.Stack, routes []*chaosRoute) (bool, error) {
	claims, err := claimsOf(ctx, s.Client(), routes)
	if err != nil {
		return false, err
	}
	snap := s.Cloudflare().Snapshot()
	var errs []error
	for _, r := range routes {
		if err := claimPublished(ctx, s.Client(), r, claims[r.namespace+"/"+r.name]); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := r.checkCloudflare(snap); err != nil {
			errs = append(errs, errors.Wrapf(err, "%s is Published, but", r))
		}
	}
	if len(errs) > 0 {
		return false, errors.Errorf("%d of %d routes not published:\n%v", len(errs), len(routes), errors.Join(errs...))
	}
	return true, nil
}

// countPublished returns how many of the routes are published.
func countPublished(ctx context.Context, s *stack.Stack, routes []*chaosRoute) (int, error) {
	claims, err := claimsOf(ctx, s.Client(), routes)
	if err != nil {
		return 0, err
	}
	snap := s.Cloudflare().Snapshot()
	n := 0
	for _, r := range routes {
		if cl := claims[r.namespace+"/"+r.name]; cl != nil {
			if st, _, _ := condition(cl, v1alpha1.TypePublished); st == "True" && r.checkCloudflare(snap) == nil {
				n++
			}
		}
	}
	return n, nil
}

// claimsOf returns the claims of the routes' namespaces by namespace/name.
func claimsOf(ctx context.Context, c client.Client, routes []*chaosRoute) (map[string]*unstructured.Unstructured, error) {
	out := map[string]*unstructured.Unstructured{}
	listed := map[string]bool{}
	for _, r := range routes {
		if listed[r.namespace] {
			continue
		}
		listed[r.namespace] = true
		l := newUnstructuredList(v1alpha1.ClaimKind)
		if err := c.List(ctx, l, client.InNamespace(r.namespace)); err != nil {
			return nil, err
		}
		for i := range l.Items {
			out[r.namespace+"/"+l.Items[i].GetName()] = &l.Items[i]
		}
	}
	return out, nil
}

// deleteRoutes deletes the routes and waits until their claims, managed
// resources, state ConfigMaps and service token Secrets are gone.
func deleteRoutes(t *testing.T, s *stack.Stack, routes []*chaosRoute, timeout time.Duration) time.Duration {
	t.Helper()
	c := s.Client()
	for _, r := range routes {
		rt := &gatewayv1.HTTPRoute{}
		rt.SetNamespace(r.namespace)
		rt.SetName(r.name)
		if err := c.Delete(context.WithoutCancel(t.Context()), rt); err != nil && !kerrors.IsNotFound(err) {
			t.Fatal(err)
		}
	}
	return pollRoutes(t, s, timeout, fmt.Sprintf("the claims and managed resources of %d deleted routes to be gone", len(routes)), func(ctx context.Context) (bool, error) {
		claims, err := claimsOf(ctx, c, routes)
		if err != nil {
			return false, err
		}
		var left []string
		for _, r := range routes {
			if cl := claims[r.namespace+"/"+r.name]; cl != nil {
				left = append(left, fmt.Sprintf("claim %s/%s (%s)", r.namespace, r.name, conditions(cl)))
			}
			mrs, err := managedOf(ctx, c, r.namespace, r.name)
			if err != nil {
				return false, err
			}
			for k, mr := range mrs {
				left = append(left, fmt.Sprintf("%s %s of %s/%s (%s)", k, mr.GetName(), r.namespace, r.name, conditions(mr)))
			}
			if _, err := state(ctx, c, r.namespace, r.name); !kerrors.IsNotFound(err) {
				left = append(left, fmt.Sprintf("state ConfigMap of %s/%s (%v)", r.namespace, r.name, err))
			}
		}
		if len(left) > 0 {
			return false, errors.Errorf("%d left: %s", len(left), strings.Join(left, "; "))
		}
		return true, nil
	})
}

// incompleteCreates returns how many managed resources have a create in
// flight: the annotation external-create-pending newer than any result.
func incompleteCreates(ctx context.Context, c client.Client) (int, error) {
	n := 0
	for _, k := range managedKinds {
		l := newUnstructuredList(k)
		if err := c.List(ctx, l); err != nil {
			return 0, err
		}
		for i := range l.Items {
			if meta.ExternalCreateIncomplete(&l.Items[i]) {
				n++
			}
		}
	}
	return n, nil
}

// conditionMessages returns the condition messages of the routes' claims and
// composites and of every managed resource, to look for secrets in.
func conditionMessages(ctx context.Context, c client.Client) ([]string, error) {
	var out []string
	add := func(items []unstructured.Unstructured) {
		for i := range items {
			conds, _, _ := unstructured.NestedSlice(items[i].Object, "status", "conditions")
			for _, cd := range conds {
				if m, ok := cd.(map[string]any); ok {
					msg, _ := m["message"].(string)
					out = append(out, msg)
				}
			}
		}
	}
	for _, k := range append([]string{v1alpha1.ClaimKind, v1alpha1.CompositeKind}, managedKinds...) {
		l := newUnstructuredList(k)
		if err := c.List(ctx, l); err != nil {
			return nil, err
		}
		add(l.Items)
	}
	return out, nil
}
