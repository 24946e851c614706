package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// published is what publishing one of the homelab routes creates.
type published struct {
	kinds   []string // managed resource kinds
	tunnel  bool     // an ingress rule and a proxied CNAME to the tunnel
	aRecord string   // DNS-only: the A record's address
	app     string   // the Access application's session duration
	token   bool     // a service token with its Secret
}

var homelabPublished = map[string]published{
	"www":          {kinds: []string{v1alpha1.TunnelRouteKind, v1alpha1.DNSRecordKind}, tunnel: true},
	"admin":        {kinds: []string{v1alpha1.TunnelRouteKind, v1alpha1.DNSRecordKind, v1alpha1.AccessAppKind}, tunnel: true, app: "8h"},
	"api":          {kinds: []string{v1alpha1.DNSRecordKind}, aRecord: traefikIP},
	"internal-api": {kinds: []string{v1alpha1.TunnelRouteKind, v1alpha1.DNSRecordKind, v1alpha1.ServiceTokenKind}, tunnel: true, token: true},
}

// TestPublish is scenario 1: the seed's four homelab routes, in four
// namespaces, share the tenant home and the template base-home. Once they
// are applied, Cloudflare holds every object they ask for and nothing of
// someone else's has changed, every managed resource is Ready and Synced,
// the claims are Ready, and the routes, the state ConfigMaps and the
// service token's Secret carry the results.
func TestPublish(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()

	for _, r := range homelab {
		want := homelabPublished[r.file]
		t.Run(r.file, func(t *testing.T) {
			owner := r.namespace + "/" + r.name
			eventually(t, s, "the managed resources of "+owner+" to be Ready and Synced", func(ctx context.Context) error {
				mrs, err := managedOf(ctx, c, r.namespace, r.name)
				if err != nil {
					return err
				}
				var errs []error
				if got := keys(mrs); got != strings.Join(sorted(want.kinds), ", ") {
					errs = append(errs, errors.Errorf("managed resources are %s, want %s", got, strings.Join(sorted(want.kinds), ", ")))
				}
				for k, mr := range mrs {
					for _, typ := range []string{"Ready", "Synced"} {
						if st, reason, msg := condition(mr, typ); st != "True" {
							errs = append(errs, errors.Errorf("%s %s: %s", k, mr.GetName(), &conditionError{typ, st, reason, msg}))
						}
					}
				}
				return errors.Join(errs...)
			})

			snap := s.Cloudflare().Snapshot()
			if err := checkPublished(snap, r.hostname, owner, want); err != nil {
				t.Errorf("Cloudflare objects of %s:\n%v", owner, err)
			}

			eventually(t, s, "the results of "+owner+" on its route and in its state ConfigMap", func(ctx context.Context) error {
				return checkResults(ctx, t, s.Client(), snap, r.namespace, r.name, r.hostname, want)
			})

			if want.token {
				tok := serviceToken(snap, "cfzt-"+r.hostname)
				sec := &corev1.Secret{}
				if err := c.Get(t.Context(), types.NamespacedName{Namespace: r.namespace, Name: "cfzt-svctoken-" + r.name}, sec); err != nil {
					t.Fatalf("the service token's Secret: %v", err)
				}
				if got := string(sec.Data["client_id"]); tok == nil || got != tok.ClientID {
					t.Errorf("Secret %s/cfzt-svctoken-%s client_id = %q, want the token's client ID", r.namespace, r.name, got)
				}
				if got := sec.Data["client_secret"]; tok == nil || len(got) == 0 || string(got) != tok.ClientSecret {
					t.Errorf("Secret %s/cfzt-svctoken-%s client_secret should hold the secret Cloudflare returned when it created the token", r.namespace, r.name)
				}
			}
		})
	}

	t.Run("KubectlGetManaged", func(t *testing.T) {
		// What a user types: the resources are in category managed, and
		// the printer columns READY and SYNCED read True.
		out := kubectl(t, s, "get", "managed", "--no-headers", "-o", "custom-columns="+
			"KIND:.kind,CLAIM:.metadata.labels.crossplane\\.io/claim-namespace,"+
			"READY:.status.conditions[?(@.type=='Ready')].status,SYNCED:.status.conditions[?(@.type=='Synced')].status")
		got := map[string]int{}
		for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
			f := strings.Fields(line)
			if len(f) != 4 {
				t.Fatalf("kubectl get managed printed %q", line)
			}
			if f[2] != "True" || f[3] != "True" {
				t.Errorf("kubectl get managed: %s of claim namespace %s is READY=%s SYNCED=%s", f[0], f[1], f[2], f[3])
			}
			got[f[1]+"/"+f[0]]++
		}
		want := map[string]int{}
		for _, r := range homelab {
			for _, k := range homelabPublished[r.file].kinds {
				want[r.namespace+"/"+k]++
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("kubectl get managed, by claim namespace and kind: -want, +got:\n%s", diff)
		}
	})

	t.Run("ProviderMetrics", func(t *testing.T) {
		// Crossplane's managed resource state metrics, counted every few
		// seconds: every kind's resources exist, and are all Ready and
		// Synced.
		want := map[string]int{}
		for _, r := range homelab {
			for _, k := range homelabPublished[r.file].kinds {
				want[k]++
			}
		}
		eventually(t, s, "the provider's metrics to count the managed resources", func(ctx context.Context) error {
			body, err := get(ctx, s.ProviderMetricsURL())
			if err != nil {
				return err
			}
			var missing []string
			for k, n := range want {
				for _, m := range []string{"exists", "ready", "synced"} {
					line := fmt.Sprintf("crossplane_managed_resource_%s{gvk=%q} %d", m, v1alpha1.SchemeGroupVersion.WithKind(k).String(), n)
					if !slices.Contains(strings.Split(body, "\n"), line) {
						missing = append(missing, line)
					}
				}
			}
			if !strings.Contains(body, "crossplane_managed_resource_first_time_to_readiness_seconds_count") {
				missing = append(missing, "crossplane_managed_resource_first_time_to_readiness_seconds_count")
			}
			if len(missing) > 0 {
				return errors.Errorf("the provider's metrics lack %q", missing)
			}
			return nil
		})
	})

	checkSeedUntouched(t, stacks.seed, s.Cloudflare().Snapshot())
}

// get returns the body of a GET of url.
func get(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer rsp.Body.Close() //nolint:errcheck // a read-only body.
	b, err := io.ReadAll(rsp.Body)
	if err != nil {
		return "", err
	}
	if rsp.StatusCode != http.StatusOK {
		return "", errors.Errorf("GET %s: %s", url, rsp.Status)
	}
	return string(b), nil
}

// checkPublished checks the Cloudflare objects of one published route.
func checkPublished(snap fakecloudflare.Seed, hostname, owner string, want published) error {
	var errs []error
	errs = append(errs, checkPublishedRule(snap, hostname, want)...)
	errs = append(errs, checkPublishedRecord(snap, hostname, owner, want)...)
	errs = append(errs, checkPublishedApp(snap, hostname, want)...)
	errs = append(errs, checkPublishedToken(snap, hostname, want)...)
	return errors.Join(errs...)
}

// checkPublishedRule checks the tunnel's ingress rule of a published route.
func checkPublishedRule(snap fakecloudflare.Seed, hostname string, want published) []error {
	var errs []error
	rule := rule(snap, hostname)
	switch {
	case want.tunnel && rule == nil:
		errs = append(errs, errors.Errorf("the tunnel has no ingress rule for %s", hostname))
	case want.tunnel:
		if rule["service"] != traefikOrigin {
			errs = append(errs, errors.Errorf("the ingress rule of %s points at %v, want %s (template base-home)", hostname, rule["service"], traefikOrigin))
		}
		or, _ := rule["originRequest"].(map[string]any)
		if or["originServerName"] != hostname {
			errs = append(errs, errors.Errorf("the ingress rule of %s has originServerName %v, want the hostname ({{ hostname }} in base-home)", hostname, or["originServerName"]))
		}
	case rule != nil:
		errs = append(errs, errors.Errorf("a DNS-only route should have no ingress rule, got %v", rule))
	}
	return errs
}

// checkPublishedRecord checks the DNS record of a published route.
func checkPublishedRecord(snap fakecloudflare.Seed, hostname, owner string, want published) []error {
	recs := records(snap, hostname)
	if len(recs) != 1 {
		return []error{errors.Errorf("want one DNS record for %s, got %d: %+v", hostname, len(recs), recs)}
	}
	var errs []error
	r := recs[0]
	switch {
	case want.tunnel && (r.Type != "CNAME" || r.Content != tunnelCNAME || !r.Proxied):
		errs = append(errs, errors.Errorf("DNS record of %s is %s %s proxied=%t, want a proxied CNAME to %s", hostname, r.Type, r.Content, r.Proxied, tunnelCNAME))
	case want.aRecord != "" && (r.Type != "A" || r.Content != want.aRecord || r.Proxied || r.TTL != 120):
		errs = append(errs, errors.Errorf("DNS record of %s is %s %s proxied=%t ttl=%d, want an A record to %s, not proxied, ttl 120 (template dns-only)", hostname, r.Type, r.Content, r.Proxied, r.TTL, want.aRecord))
	}
	if !strings.Contains(r.Comment, owner) {
		errs = append(errs, errors.Errorf("DNS record of %s should be marked as %s's, its comment is %q", hostname, owner, r.Comment))
	}
	return errs
}

// checkPublishedApp checks the Access application of a published route.
func checkPublishedApp(snap fakecloudflare.Seed, hostname string, want published) []error {
	var errs []error
	app := accessApp(snap, "cfzt-"+hostname)
	switch {
	case want.app != "" && app == nil:
		errs = append(errs, errors.Errorf("no Access application cfzt-%s", hostname))
	case want.app != "":
		if app.Domain != hostname || app.Type != "self_hosted" || app.SessionDuration != want.app {
			errs = append(errs, errors.Errorf("Access application cfzt-%s has domain %q, type %q, session %q; want %q, self_hosted, %s", hostname, app.Domain, app.Type, app.SessionDuration, hostname, want.app))
		}
		if !slices.ContainsFunc(app.Policies, func(p fakecloudflare.AppPolicyRef) bool { return p.ID == allowHomeUsersID }) {
			errs = append(errs, errors.Errorf("Access application cfzt-%s should use the existing policy Allow Home Users (%s), has %+v", hostname, allowHomeUsersID, app.Policies))
		}
	case app != nil:
		errs = append(errs, errors.Errorf("unexpected Access application cfzt-%s", hostname))
	}
	return errs
}

// checkPublishedToken checks the service token of a published route.
func checkPublishedToken(snap fakecloudflare.Seed, hostname string, want published) []error {
	tok := serviceToken(snap, "cfzt-"+hostname)
	switch {
	case want.token && tok == nil:
		return []error{errors.Errorf("no service token cfzt-%s", hostname)}
	case want.token && tok.Duration != "8760h":
		return []error{errors.Errorf("service token cfzt-%s lasts %q, want 8760h (template machine)", hostname, tok.Duration)}
	case !want.token && tok != nil:
		return []error{errors.Errorf("unexpected service token cfzt-%s", hostname)}
	}
	return nil
}

// checkResults checks the IDs written back to a route and its state
// ConfigMap against Cloudflare.
func checkResults(ctx context.Context, t *testing.T, c client.Client, snap fakecloudflare.Seed, namespace, name, hostname string, want published) error {
	t.Helper()
	r := &gatewayv1.HTTPRoute{}
	if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, r); err != nil {
		return err
	}
	a := r.GetAnnotations()
	data, err := state(ctx, c, namespace, name)
	if err != nil {
		return err
	}

	wantA := map[string]string{}
	wantS := map[string]string{
		"hostname": hostname, "tenant_name": "home", "zone_id": zoneExampleCom,
		"httproute_namespace": namespace, "httproute_name": name,
	}
	if recs := records(snap, hostname); len(recs) == 1 {
		if want.tunnel {
			wantA[v1alpha1.AnnotationCNAMERecordID] = recs[0].ID
			wantS["cname_record_id"] = recs[0].ID
		} else {
			wantA[v1alpha1.AnnotationDNSRecordID] = recs[0].ID
			wantA[v1alpha1.AnnotationDNSRecordIP] = want.aRecord
			wantS["dns_record_id"] = recs[0].ID
			wantS["dns_record_ip"] = want.aRecord
		}
	}
	if want.tunnel {
		wantA[v1alpha1.AnnotationHostnameRouteID] = hostname
		wantS["hostname_route_id"] = hostname
		wantS["tunnel_id"] = tunnelID
	}
	if app := accessApp(snap, "cfzt-"+hostname); want.app != "" && app != nil {
		wantA[v1alpha1.AnnotationAccessAppID] = app.ID
		wantS["access_app_id"] = app.ID
	}
	if tok := serviceToken(snap, "cfzt-"+hostname); want.token && tok != nil {
		wantA[v1alpha1.AnnotationServiceTokenID] = tok.ID
		wantA[v1alpha1.AnnotationServiceTokenSecretName] = "cfzt-svctoken-" + name
		wantS["service_token_id"] = tok.ID
		wantS["service_token_secret_name"] = "cfzt-svctoken-" + name
	}

	var errs []error
	for k, v := range wantA {
		if a[k] != v {
			errs = append(errs, errors.Errorf("route annotation %s = %q, want %q", k, a[k], v))
		}
	}
	if a[v1alpha1.AnnotationLastReconcile] == "" {
		errs = append(errs, errors.Errorf("route annotation %s is missing", v1alpha1.AnnotationLastReconcile))
	}
	for _, k := range stateKeys {
		got, ok := data[k]
		switch {
		case !ok:
			errs = append(errs, errors.Errorf("state ConfigMap lacks key %s", k))
		case k == "annotation_hash" || k == "last_reconcile":
			if got == "" {
				errs = append(errs, errors.Errorf("state ConfigMap %s is empty", k))
			}
		case got != wantS[k]:
			// Keys that do not apply to the route are empty.
			errs = append(errs, errors.Errorf("state ConfigMap %s = %q, want %q", k, got, wantS[k]))
		}
	}
	return errors.Join(errs...)
}
