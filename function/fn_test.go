package main

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/response"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/compose"
	"github.com/cfzt/cfzt/function/internal/state"
)

const (
	opNS       = "cloudflare-zero-trust"
	tunnelID   = "6ff42ae2-765d-4adf-8112-31c55c1551ef"
	routeNSTun = "0b5a8c1e-2f3d-4e5f-8a9b-0c1d2e3f4a5b"
	accountID  = "0123456789abcdef0123456789abcdef"
)

// --- request builders ---

type reqOption func(*fnv1.RunFunctionRequest)

// routeRequest returns a request for route web/app with the supplied annotations
// on top of enabled, tenant home and hostname app.example.com.
func routeRequest(annotations map[string]string, opts ...reqOption) *fnv1.RunFunctionRequest {
	a := map[string]string{
		v1alpha1.AnnotationEnabled:  "true",
		v1alpha1.AnnotationTenant:   "home",
		v1alpha1.AnnotationHostname: "app.example.com",
	}
	for k, v := range annotations {
		if v == "-" {
			delete(a, k)
			continue
		}
		a[k] = v
	}
	ann := []string{}
	for k, v := range a {
		ann = append(ann, fmt.Sprintf("%q: %q", k, v))
	}
	req := &fnv1.RunFunctionRequest{
		Meta:  &fnv1.RequestMeta{Tag: "t"},
		Input: resource.MustStructJSON(`{"apiVersion": "fn.cfzt.cloudflare.com/v1alpha1", "kind": "Input", "operatorNamespace": "` + opNS + `"}`),
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: resource.MustStructJSON(`{
			"apiVersion": "cfzt.cloudflare.com/v1alpha1",
			"kind": "XZeroTrustRoute",
			"metadata": {"name": "app-x7k2p"},
			"spec": {
				"route": {"namespace": "web", "name": "app"},
				"annotations": {` + strings.Join(ann, ",") + `},
				"backendRef": {"name": "app", "port": 8080},
				"inputsHash": "abc",
				"compositionRef": {"name": "zerotrustroute"}
			}
		}`)}},
	}
	for _, o := range opts {
		o(req)
	}
	return req
}

func withExtra(extra map[string]*fnv1.Resources) reqOption {
	return func(r *fnv1.RunFunctionRequest) { r.ExtraResources = extra } //nolint:staticcheck // The function uses the extra resources API.
}

func withObserved(resources map[string]string) reqOption {
	return func(r *fnv1.RunFunctionRequest) {
		r.Observed.Resources = map[string]*fnv1.Resource{}
		for n, j := range resources {
			r.Observed.Resources[n] = &fnv1.Resource{Resource: resource.MustStructJSON(j)}
		}
	}
}

// zoneID is the zone the observed DNS record of withZoneFound reports.
const zoneID = "023e105f4ecef8ad9ca31a8372d0c353"

// withZoneFound adds the route's observed DNS record, not created yet but
// with its zone found, which lets the function compose the route's other
// Cloudflare objects.
func withZoneFound() reqOption {
	return func(r *fnv1.RunFunctionRequest) {
		if r.Observed.Resources == nil {
			r.Observed.Resources = map[string]*fnv1.Resource{}
		}
		r.Observed.Resources["dns-record"] = &fnv1.Resource{Resource: resource.MustStructJSON(`{
			"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "DNSRecord",
			"metadata": {"name": "app-x7k2p-d"},
			"spec": {"forProvider": {"type": "CNAME"}},
			"status": {"atProvider": {"zoneId": "` + zoneID + `"}}
		}`)}
	}
}

func withDesired(d *fnv1.State) reqOption {
	return func(r *fnv1.RunFunctionRequest) { r.Desired = d }
}

func withRouteNamespace(ns string) reqOption {
	return func(r *fnv1.RunFunctionRequest) {
		route := r.GetObserved().GetComposite().GetResource().GetFields()["spec"].GetStructValue().GetFields()["route"].GetStructValue()
		route.Fields["namespace"] = structpb.NewStringValue(ns)
	}
}

func withClaimNamespace(ns string) reqOption {
	return func(r *fnv1.RunFunctionRequest) {
		md := r.GetObserved().GetComposite().GetResource().GetFields()["metadata"].GetStructValue()
		md.Fields["labels"] = structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{
			"crossplane.io/claim-namespace": structpb.NewStringValue(ns),
		}})
	}
}

func items(objects ...string) *fnv1.Resources {
	r := &fnv1.Resources{}
	for _, o := range objects {
		r.Items = append(r.Items, &fnv1.Resource{Resource: resource.MustStructJSON(o)})
	}
	return r
}

func tenantJSON(ns, tunnel string) string {
	return tenantWith(ns, tunnel, "")
}

// tenantWith is tenantJSON with more top-level fields, such as a status.
func tenantWith(ns, tunnel, more string) string {
	return `{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind": "CloudflareZeroTrustTenant",
		"metadata": {"name": "home", "namespace": "` + ns + `"},
		"spec": {"accountId": "` + accountID + `", "tunnelId": "` + tunnel + `", "credentialRef": {"name": "cloudflare-token"}}` + more + `
	}`
}

// pcOp is the ProviderConfig of the operator namespace's Tenant home.
const pcOp = "cloudflare-zero-trust.home"

// tokenAccessAllowPolicy is the allow policy of the route with
// tokenAccessAnn's annotations.
func tokenAccessAllowPolicy() *fnv1.Resource {
	return &fnv1.Resource{Resource: resource.MustStructJSON(managed("AccessPolicy", pcOp,
		`{"name": "cfzt-app.example.com-allow", "decision": "allow", "includeGroups": ["admins"]}`))}
}

// zoneUnknown is the response to route web/app of the operator namespace's
// Tenant while the hostname's zone is not known: only the DNS record, which
// looks it up, and the state are composed.
func zoneUnknown(t *testing.T) *fnv1.RunFunctionResponse {
	t.Helper()
	h := hash(t, map[string]string{}, tunnelID, nil, nil)
	return accepted("DNSRecord", &fnv1.RunFunctionResponse{
		Meta:         meta(),
		Requirements: requirements("", false),
		Desired: &fnv1.State{
			Composite: status(`, "tunnelId": "` + tunnelID + `", "annotationHash": "` + h + `"`),
			Resources: map[string]*fnv1.Resource{
				"dns-record": cname(pcOp, tunnelID),
				"state":      stateConfigMap(stateData(h, map[string]string{"tunnel_id": tunnelID})),
			},
		},
	})
}

// listedTenantJSON is the operator namespace's Tenant whose last check
// listed one zone of the account, called zone.
func listedTenantJSON(zone string) string {
	return tenantWith(opNS, tunnelID, `, "status": {"zones": [{"name": "`+zone+`", "id": "`+zoneID+`"}]}`)
}

// pinnedTenantJSON is the operator namespace's Tenant pinning zoneID.
var pinnedTenantJSON = `{
	"apiVersion": "cfzt.cloudflare.com/v1alpha1",
	"kind": "CloudflareZeroTrustTenant",
	"metadata": {"name": "home", "namespace": "` + opNS + `"},
	"spec": {"accountId": "` + accountID + `", "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "credentialRef": {"name": "cloudflare-token"}}
}`

// pinnedHash returns the annotation hash of route web/app with
// pinnedTenantJSON and no templates.
func pinnedHash(t *testing.T) string {
	t.Helper()
	h, err := state.Hash(state.HashInputs{
		Annotations: map[string]string{
			v1alpha1.AnnotationEnabled:  "true",
			v1alpha1.AnnotationTenant:   "home",
			v1alpha1.AnnotationHostname: "app.example.com",
		},
		Tenant: &v1alpha1.TenantSpec{
			AccountID: accountID, TunnelID: tunnelID, ZoneID: zoneID,
			CredentialRef: v1alpha1.CredentialRef{Name: "cloudflare-token"},
		},
	})
	if err != nil {
		t.Fatalf("cannot compute the expected hash: %v", err)
	}
	return h
}

func templateJSON(ns, name, spec string) string {
	return `{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind": "CloudflareZeroTrustTemplate",
		"metadata": {"name": "` + name + `", "namespace": "` + ns + `"},
		"spec": ` + spec + `
	}`
}

func serviceJSON(ingress string) string {
	return `{
		"apiVersion": "v1",
		"kind": "Service",
		"metadata": {"name": "traefik", "namespace": "traefik"},
		"spec": {"type": "LoadBalancer"},
		"status": {"loadBalancer": {"ingress": ` + ingress + `}}
	}`
}

// extraResources returns Crossplane's answer to the tenant and base template
// requirements: the tenant in the operator namespace, no base template.
// Entries of more override it.
func extraResources(more map[string]*fnv1.Resources) map[string]*fnv1.Resources {
	e := map[string]*fnv1.Resources{
		"tenant-route-namespace":           {},
		"tenant-operator-namespace":        items(tenantJSON(opNS, tunnelID)),
		"base-template-route-namespace":    {},
		"base-template-operator-namespace": {},
	}
	maps.Copy(e, more)
	return e
}

// --- expected response builders ---

func selector(apiVersion, kind, name, ns string) *fnv1.ResourceSelector {
	return &fnv1.ResourceSelector{
		ApiVersion: apiVersion, Kind: kind,
		Match:     &fnv1.ResourceSelector_MatchName{MatchName: name},
		Namespace: &ns,
	}
}

// requirements returns the requirements of route web/app: its tenant and
// base template, and the named template and Service when set.
func requirements(template string, service bool) *fnv1.Requirements {
	const gv = "cfzt.cloudflare.com/v1alpha1"
	r := map[string]*fnv1.ResourceSelector{
		"tenant-route-namespace":           selector(gv, "CloudflareZeroTrustTenant", "home", "web"),
		"tenant-operator-namespace":        selector(gv, "CloudflareZeroTrustTenant", "home", opNS),
		"base-template-route-namespace":    selector(gv, "CloudflareZeroTrustTemplate", "base-home", "web"),
		"base-template-operator-namespace": selector(gv, "CloudflareZeroTrustTemplate", "base-home", opNS),
	}
	if template != "" {
		r["template-route-namespace"] = selector(gv, "CloudflareZeroTrustTemplate", template, "web")
		r["template-operator-namespace"] = selector(gv, "CloudflareZeroTrustTemplate", template, opNS)
	}
	if service {
		r["ingress-service"] = selector("v1", "Service", "traefik", "traefik")
	}
	return &fnv1.Requirements{ExtraResources: r} //nolint:staticcheck // The function uses the extra resources API.
}

func meta() *fnv1.ResponseMeta {
	return &fnv1.ResponseMeta{Tag: "t", Ttl: durationpb.New(response.DefaultTTL)}
}

// followUp is the meta of a response that asks to be run again soon: a
// resource is held back for one being created.
func followUp() *fnv1.ResponseMeta {
	return &fnv1.ResponseMeta{Tag: "t", Ttl: durationpb.New(compose.FollowUpTTL)}
}

// refused returns rsp with the fatal result and the Accepted=False condition
// of a refused route.
func refused(reason, msg string, rsp *fnv1.RunFunctionResponse) *fnv1.RunFunctionResponse {
	rsp.Results = append(rsp.Results, &fnv1.Result{Severity: fnv1.Severity_SEVERITY_FATAL, Message: msg, Target: fnv1.Target_TARGET_COMPOSITE.Enum()})
	rsp.Conditions = append(rsp.Conditions, &fnv1.Condition{
		Type: v1alpha1.TypeAccepted, Status: fnv1.Status_STATUS_CONDITION_FALSE, Reason: reason, Message: &msg,
		Target: fnv1.Target_TARGET_COMPOSITE_AND_CLAIM.Enum(),
	})
	return rsp
}

// accepted returns rsp with the conditions of a rendered route whose managed
// resources of the waiting kinds are not Ready yet: Published first, as the
// function sets it while rendering, then Accepted=True.
func accepted(waiting string, rsp *fnv1.RunFunctionResponse) *fnv1.RunFunctionResponse {
	msg := "waiting for " + waiting
	rsp.Conditions = append(rsp.Conditions,
		&fnv1.Condition{
			Type: v1alpha1.TypePublished, Status: fnv1.Status_STATUS_CONDITION_UNKNOWN, Reason: v1alpha1.ReasonPublishing, Message: &msg,
			Target: fnv1.Target_TARGET_COMPOSITE_AND_CLAIM.Enum(),
		},
		&fnv1.Condition{
			Type: v1alpha1.TypeAccepted, Status: fnv1.Status_STATUS_CONDITION_TRUE, Reason: v1alpha1.ReasonAccepted,
			Target: fnv1.Target_TARGET_COMPOSITE_AND_CLAIM.Enum(),
		})
	return rsp
}

// failing returns rsp, the response to a rendered route (see accepted),
// with Published False: one of its managed resources fails, as msg says.
func failing(msg string, rsp *fnv1.RunFunctionResponse) *fnv1.RunFunctionResponse {
	rsp.Conditions[0].Status = fnv1.Status_STATUS_CONDITION_FALSE
	rsp.Conditions[0].Reason = "ReconcileError"
	rsp.Conditions[0].Message = &msg
	return rsp
}

// recordTaken is the error of a DNSRecord whose hostname someone else's
// record holds.
const recordTaken = "cannot create DNS record CNAME app.example.com: a record of that name exists and is not managed by cfzt for web/app"

const labels = `{
	"app.kubernetes.io/managed-by": "cfzt-operator",
	"cfzt.cloudflare.com/httproute-name": "app",
	"cfzt.cloudflare.com/httproute-namespace": "web",
	"cfzt.cloudflare.com/tenant": "home"
}`

func managed(kind, pc, forProvider string, extraSpec ...string) string {
	spec := `"providerConfigRef": {"name": "` + pc + `"}, "forProvider": ` + forProvider
	for _, e := range extraSpec {
		spec += ", " + e
	}
	return `{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind": "` + kind + `",
		"metadata": {"labels": ` + labels + `},
		"spec": {` + spec + `}
	}`
}

func tunnelRoute(pc, tunnel, service string) *fnv1.Resource {
	return &fnv1.Resource{Resource: resource.MustStructJSON(`{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind": "TunnelRoute",
		"metadata": {"labels": ` + labels + `, "annotations": {"crossplane.io/external-name": "app.example.com"}},
		"spec": {
			"providerConfigRef": {"name": "` + pc + `"},
			"forProvider": {
				"tunnelId": "` + tunnel + `",
				"hostname": "app.example.com",
				"service": "` + service + `",
				"originRequest": {"noTLSVerify": false, "originServerName": "app.example.com", "connectTimeout": 10, "http2Origin": false}
			}
		}
	}`)}
}

func record(pc, typ, content string, proxied bool, ttl int) *fnv1.Resource {
	return &fnv1.Resource{Resource: resource.MustStructJSON(managed("DNSRecord", pc, fmt.Sprintf(
		`{"name": "app.example.com", "type": %q, "content": %q, "proxied": %t, "ttl": %d, "owner": "web/app"}`,
		typ, content, proxied, ttl)))}
}

func cname(pc, tunnel string) *fnv1.Resource {
	return record(pc, "CNAME", tunnel+".cfargotunnel.com", true, 1)
}

// readyCNAME is the CNAME of a route whose observed record is Ready.
func readyCNAME(pc, tunnel string) *fnv1.Resource {
	r := cname(pc, tunnel)
	r.Ready = fnv1.Ready_READY_TRUE
	return r
}

// serviceToken is route web/app's service token with the default settings.
func serviceToken(pc string) *fnv1.Resource {
	return &fnv1.Resource{Resource: resource.MustStructJSON(managed("ServiceToken", pc,
		`{"name": "cfzt-app.example.com", "duration": "8760h", "rotationOverlap": "24h", "refreshBefore": "720h"}`,
		`"writeConnectionSecretToRef": {"name": "cfzt-svctoken-app", "namespace": "web"}`))}
}

const accessDefaults = `"name": "cfzt-app.example.com", "domain": "app.example.com", "sessionDuration": "24h",
	"autoRedirectToIdentity": false, "enableBindingCookie": false, "httpOnlyCookieAttribute": true,
	"sameSiteCookieAttribute": "lax", "skipInterstitial": false, "appLauncherVisible": true, "serviceAuth401Redirect": false`

// stateData returns the state ConfigMap's data for route web/app with the
// supplied keys overriding empty values.
func stateData(hash string, set map[string]string) map[string]string {
	d := map[string]string{
		"annotation_hash": hash, "hostname": "app.example.com", "tenant_name": "home", "tunnel_id": "",
		"zone_id": "", "hostname_route_id": "", "cname_record_id": "", "dns_record_id": "", "dns_record_ip": "",
		"access_app_id": "", "access_policy_ids": "", "service_token_id": "", "service_token_secret_name": "",
		"httproute_namespace": "web", "httproute_name": "app",
	}
	maps.Copy(d, set)
	return d
}

func stateConfigMap(data map[string]string) *fnv1.Resource {
	d := []string{}
	for k, v := range data {
		d = append(d, fmt.Sprintf("%q: %q", k, v))
	}
	return &fnv1.Resource{Ready: fnv1.Ready_READY_TRUE, Resource: resource.MustStructJSON(`{
		"apiVersion": "v1",
		"kind": "ConfigMap",
		"metadata": {"name": "cfzt-web-app", "namespace": "` + opNS + `", "labels": ` + labels + `},
		"data": {` + strings.Join(d, ",") + `}
	}`)}
}

// status returns the desired composite carrying the route's status.
func status(fields string) *fnv1.Resource {
	return &fnv1.Resource{Resource: resource.MustStructJSON(`{"status": {"hostname": "app.example.com", "tenant": "home"` + fields + `}}`)}
}

// hash returns the annotation hash of route web/app with the supplied
// annotations, the operator namespace's Tenant and the supplied templates.
func hash(t *testing.T, annotations map[string]string, tenantTunnel string, template, base *v1alpha1.TemplateSpec) string {
	t.Helper()
	a := map[string]string{
		v1alpha1.AnnotationEnabled:  "true",
		v1alpha1.AnnotationTenant:   "home",
		v1alpha1.AnnotationHostname: "app.example.com",
	}
	maps.Copy(a, annotations)
	h, err := state.Hash(state.HashInputs{
		Annotations: a,
		Tenant: &v1alpha1.TenantSpec{
			AccountID: accountID, TunnelID: tenantTunnel,
			CredentialRef: v1alpha1.CredentialRef{Name: "cloudflare-token"},
		},
		Template:     template,
		BaseTemplate: base,
	})
	if err != nil {
		t.Fatalf("cannot compute the expected hash: %v", err)
	}
	return h
}

func TestRunFunction(t *testing.T) {
	type args struct {
		req *fnv1.RunFunctionRequest
	}
	type want struct {
		rsp *fnv1.RunFunctionResponse
		err error
	}
	existing := &fnv1.State{Resources: map[string]*fnv1.Resource{
		"dns-record": cname("cloudflare-zero-trust.home", tunnelID),
	}}
	tunnelAnn := map[string]string{}
	dnsTemplate := `{"dnsOnly": {"enabled": true, "proxied": false, "ttl": 120}}`
	svcTemplate := `{"dnsOnly": {"enabled": true, "ingressServiceRef": {"name": "traefik", "namespace": "traefik"}}}`
	tokenAccessAnn := map[string]string{
		v1alpha1.AnnotationAccessEnabled:             "true",
		v1alpha1.AnnotationAccessAllowGroups:         "admins",
		v1alpha1.AnnotationAccessExistingPolicyNames: "Allow Home Users",
		v1alpha1.AnnotationServiceTokenEnabled:       "true",
	}
	allowAnn := map[string]string{
		v1alpha1.AnnotationAccessEnabled:     "true",
		v1alpha1.AnnotationAccessAllowEmails: "alice@example.com",
	}
	allowPolicy := &fnv1.Resource{Resource: resource.MustStructJSON(managed("AccessPolicy", pcOp,
		`{"name": "cfzt-app.example.com-allow", "decision": "allow", "includeEmails": ["alice@example.com"]}`))}
	notAttachedAnn := maps.Clone(tokenAccessAnn)
	notAttachedAnn[v1alpha1.AnnotationServiceTokenAttach] = "false"
	// tokenObserved is a route whose DNS record, application, policies and
	// service token exist, all but the record not Ready yet.
	tokenObserved := map[string]string{
		"dns-record": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "DNSRecord",
			"metadata": {"name": "app-x7k2p-d", "annotations": {"crossplane.io/external-name": "372e67954025e0ba6aaa6d586b9e0b59"}},
			"spec": {"forProvider": {"type": "CNAME"}},
			"status": {"atProvider": {"zoneId": "` + zoneID + `"}, "conditions": [{"type": "Ready", "status": "True", "reason": "Available"}]}}`,
		"access-app":    `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "AccessApp", "metadata": {"name": "app-x7k2p-a", "annotations": {"crossplane.io/external-name": "app-uuid"}}}`,
		"access-policy": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "AccessPolicy", "metadata": {"name": "app-x7k2p-p", "annotations": {"crossplane.io/external-name": "policy-uuid"}}}`,
		"token-policy":  `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "AccessPolicy", "metadata": {"name": "app-x7k2p-k", "annotations": {"crossplane.io/external-name": "token-policy-uuid"}}}`,
		"service-token": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "ServiceToken",
			"metadata": {"name": "app-x7k2p-s", "annotations": {"crossplane.io/external-name": "token-uuid"}},
			"spec": {"writeConnectionSecretToRef": {"name": "cfzt-svctoken-app", "namespace": "web"}}}`,
	}

	type testCase struct {
		reason string
		args   args
		want   want
	}
	// allowPolicyRoute is a route with an allow policy whose application
	// and policy are observed with IDs, the application not yet Ready and
	// carrying, after its external name, the JSON annotations appMarks;
	// the response asked for has meta m.
	allowPolicyRoute := func(appMarks string, m *fnv1.ResponseMeta) (args, want) {
		a := args{req: routeRequest(map[string]string{
			v1alpha1.AnnotationAccessEnabled:     "true",
			v1alpha1.AnnotationAccessAllowGroups: "admins",
			v1alpha1.AnnotationAccessAllowEmails: "alice@example.com",
		}, withExtra(extraResources(nil)), withObserved(map[string]string{
			"access-app":    `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "AccessApp", "metadata": {"name": "app-x7k2p-a", "annotations": {"crossplane.io/external-name": "app-uuid"` + appMarks + `}}}`,
			"access-policy": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "AccessPolicy", "metadata": {"name": "app-x7k2p-p", "annotations": {"crossplane.io/external-name": "policy-uuid"}}}`,
		}))}
		w := want{rsp: accepted("AccessApp, AccessPolicy, DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
			Meta:         m,
			Requirements: requirements("", false),
			Desired: &fnv1.State{
				Composite: status(`, "tunnelId": "` + tunnelID + `", "accessAppId": "app-uuid", "accessPolicyIds": ["policy-uuid"], "annotationHash": "` + hash(t, map[string]string{
					v1alpha1.AnnotationAccessEnabled: "true", v1alpha1.AnnotationAccessAllowGroups: "admins", v1alpha1.AnnotationAccessAllowEmails: "alice@example.com",
				}, tunnelID, nil, nil) + `"`),
				Resources: map[string]*fnv1.Resource{
					"dns-record": cname(pcOp, tunnelID),
					"access-app": {Resource: resource.MustStructJSON(managed("AccessApp", pcOp,
						`{`+accessDefaults+`, "policyIds": ["policy-uuid"]}`))},
					"access-policy": {Resource: resource.MustStructJSON(managed("AccessPolicy", pcOp,
						`{"name": "cfzt-app.example.com-allow", "decision": "allow", "includeGroups": ["admins"], "includeEmails": ["alice@example.com"]}`))},
					"state": stateConfigMap(stateData(hash(t, map[string]string{
						v1alpha1.AnnotationAccessEnabled: "true", v1alpha1.AnnotationAccessAllowGroups: "admins", v1alpha1.AnnotationAccessAllowEmails: "alice@example.com",
					}, tunnelID, nil, nil), map[string]string{"tunnel_id": tunnelID, "access_app_id": "app-uuid", "access_policy_ids": "policy-uuid"})),
				},
			},
		})}
		return a, w
	}
	cases := map[string]testCase{
		"FirstCallRequestsExtraResources": {
			reason: "Before Crossplane fetched anything the function asks for the tenant and templates and leaves the desired state alone.",
			args: args{req: routeRequest(map[string]string{v1alpha1.AnnotationTemplate: "protected"},
				withDesired(existing))},
			want: want{rsp: &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Desired:      existing,
				Requirements: requirements("protected", false),
			}},
		},
		"PartlyFetched": {
			reason: "Until every requirement is answered the desired state is left alone.",
			args: args{req: routeRequest(map[string]string{v1alpha1.AnnotationTemplate: "protected"},
				withDesired(existing), withExtra(extraResources(nil)))},
			want: want{rsp: &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Desired:      existing,
				Requirements: requirements("protected", false),
			}},
		},
		"RouteInOperatorNamespace": {
			reason: "A route in the operator namespace asks for each object once.",
			args:   args{req: routeRequest(nil, withRouteNamespace(opNS))},
			want: want{rsp: &fnv1.RunFunctionResponse{
				Meta: meta(),
				Requirements: &fnv1.Requirements{ExtraResources: map[string]*fnv1.ResourceSelector{ //nolint:staticcheck // The function uses the extra resources API.
					"tenant-route-namespace":        selector("cfzt.cloudflare.com/v1alpha1", "CloudflareZeroTrustTenant", "home", opNS),
					"base-template-route-namespace": selector("cfzt.cloudflare.com/v1alpha1", "CloudflareZeroTrustTemplate", "base-home", opNS),
				}},
			}},
		},
		"TunnelMode": {
			reason: "Once its DNS record has found the zone, a route composes an ingress rule to its backendRef, a CNAME to the tunnel and its state, with the operator namespace's Tenant.",
			args:   args{req: routeRequest(nil, withExtra(extraResources(nil)), withZoneFound())},
			want: want{rsp: accepted("DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "annotationHash": "` + hash(t, tunnelAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"tunnel-route": tunnelRoute(pcOp, tunnelID, "http://app.web.svc.cluster.local:8080"),
						"dns-record":   cname(pcOp, tunnelID),
						"state":        stateConfigMap(stateData(hash(t, tunnelAnn, tunnelID, nil, nil), map[string]string{"tunnel_id": tunnelID, "zone_id": zoneID})),
					},
				},
			})},
		},
		"WaitsForZone": {
			reason: "Until its DNS record has found the hostname's zone, and with no zone of it pinned or listed by the Tenant, a route composes only the record and its state: nothing account-wide is written for a hostname that may be in none of the account's zones.",
			args:   args{req: routeRequest(nil, withExtra(extraResources(nil)))},
			want:   want{rsp: zoneUnknown(t)},
		},
		"ZonePinned": {
			reason: "A Tenant that pins the zone needs no lookup: the record is made in that zone, and the tunnel rule waits for the record to exist, so that a hostname someone else's record holds is not routed; the route asks to be run again soon.",
			args: args{req: routeRequest(nil, withExtra(extraResources(map[string]*fnv1.Resources{
				"tenant-operator-namespace": items(pinnedTenantJSON),
			})))},
			want: want{rsp: accepted("DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         followUp(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "annotationHash": "` + pinnedHash(t) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": {Resource: resource.MustStructJSON(managed("DNSRecord", pcOp,
							`{"name": "app.example.com", "type": "CNAME", "content": "`+tunnelID+`.cfargotunnel.com", "proxied": true, "ttl": 1, "owner": "web/app", "zoneId": "`+zoneID+`"}`))},
						"state": stateConfigMap(stateData(pinnedHash(t), map[string]string{"tunnel_id": tunnelID})),
					},
				},
			})},
		},
		"ZoneListed": {
			reason: "A hostname in a zone the Tenant's status lists needs no lookup either: its policies and service token are composed with its DNS record; the Access application and the tunnel rule wait for the record to exist, and the route asks to be run again soon.",
			args: args{req: routeRequest(tokenAccessAnn, withExtra(extraResources(map[string]*fnv1.Resources{
				"tenant-operator-namespace": items(listedTenantJSON("example.com")),
			})))},
			want: want{rsp: accepted("AccessApp, AccessPolicy, DNSRecord, ServiceToken, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         followUp(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "annotationHash": "` + hash(t, tokenAccessAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record":    cname(pcOp, tunnelID),
						"access-policy": tokenAccessAllowPolicy(),
						"service-token": serviceToken(pcOp),
						"state":         stateConfigMap(stateData(hash(t, tokenAccessAnn, tunnelID, nil, nil), map[string]string{"tunnel_id": tunnelID})),
					},
				},
			})},
		},
		"ZoneListedRecordRefused": {
			reason: "A DNS record that cannot be made, such as one refused because someone else's record holds the hostname, keeps the tunnel rule back though the zone is listed: no route to a hostname that is not the route's. The route reports the record's error and asks for no early run.",
			args: args{req: routeRequest(nil, withExtra(extraResources(map[string]*fnv1.Resources{
				"tenant-operator-namespace": items(listedTenantJSON("example.com")),
			})), withObserved(map[string]string{"dns-record": `{
				"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "DNSRecord",
				"metadata": {"name": "app-x7k2p-d"},
				"spec": {"forProvider": {"type": "CNAME"}},
				"status": {"conditions": [{"type": "Synced", "status": "False", "reason": "ReconcileError", "message": "` + recordTaken + `", "lastTransitionTime": "2026-11-30T00:00:00Z"}]}
			}`}))},
			want: want{rsp: failing("DNSRecord app-x7k2p-d: "+recordTaken, zoneUnknown(t))},
		},
		"ZoneNotListed": {
			reason: "A hostname in none of the zones the Tenant's status lists waits for its DNS record to find the zone, as without a list.",
			args: args{req: routeRequest(nil, withExtra(extraResources(map[string]*fnv1.Resources{
				"tenant-operator-namespace": items(listedTenantJSON("example.org")),
			})))},
			want: want{rsp: zoneUnknown(t)},
		},
		"TenantInRouteNamespaceWins": {
			reason: "A Tenant in the route's namespace wins: its tunnel and its ProviderConfig are used.",
			args: args{req: routeRequest(nil, withExtra(extraResources(map[string]*fnv1.Resources{
				"tenant-route-namespace": items(tenantJSON("web", routeNSTun)),
			})), withZoneFound())},
			want: want{rsp: accepted("DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + routeNSTun + `", "zoneId": "` + zoneID + `", "annotationHash": "` + hash(t, tunnelAnn, routeNSTun, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"tunnel-route": tunnelRoute("web.home", routeNSTun, "http://app.web.svc.cluster.local:8080"),
						"dns-record":   cname("web.home", routeNSTun),
						"state":        stateConfigMap(stateData(hash(t, tunnelAnn, routeNSTun, nil, nil), map[string]string{"tunnel_id": routeNSTun, "zone_id": zoneID})),
					},
				},
			})},
		},
		"TemplatesMerged": {
			reason: "The per-route template wins over the base template, found in either namespace, and the tunnelId annotation over the Tenant.",
			args: args{req: routeRequest(map[string]string{
				v1alpha1.AnnotationTemplate: "protected",
				v1alpha1.AnnotationTunnelID: routeNSTun,
			}, withExtra(extraResources(map[string]*fnv1.Resources{
				"template-route-namespace":         items(templateJSON("web", "protected", `{"originService": {"url": "https://per-route.web.svc:443"}}`)),
				"template-operator-namespace":      {},
				"base-template-operator-namespace": items(templateJSON(opNS, "base-home", `{"originService": {"url": "https://traefik.traefik.svc:443"}}`)),
			})), withZoneFound())},
			want: want{rsp: accepted("DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("protected", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + routeNSTun + `", "zoneId": "` + zoneID + `", "annotationHash": "` + hash(t,
						map[string]string{v1alpha1.AnnotationTemplate: "protected", v1alpha1.AnnotationTunnelID: routeNSTun}, tunnelID,
						&v1alpha1.TemplateSpec{OriginService: &v1alpha1.OriginService{URL: "https://per-route.web.svc:443"}},
						&v1alpha1.TemplateSpec{OriginService: &v1alpha1.OriginService{URL: "https://traefik.traefik.svc:443"}}) + `"`),
					Resources: map[string]*fnv1.Resource{
						"tunnel-route": tunnelRoute(pcOp, routeNSTun, "https://per-route.web.svc:443"),
						"dns-record":   cname(pcOp, routeNSTun),
						"state": stateConfigMap(stateData(hash(t,
							map[string]string{v1alpha1.AnnotationTemplate: "protected", v1alpha1.AnnotationTunnelID: routeNSTun}, tunnelID,
							&v1alpha1.TemplateSpec{OriginService: &v1alpha1.OriginService{URL: "https://per-route.web.svc:443"}},
							&v1alpha1.TemplateSpec{OriginService: &v1alpha1.OriginService{URL: "https://traefik.traefik.svc:443"}}),
							map[string]string{"tunnel_id": routeNSTun, "zone_id": zoneID})),
					},
				},
			})},
		},
		"DNSOnlyStaticIP": {
			reason: "A base template's static IP gives a DNS-only route an A record and no tunnel route.",
			args: args{req: routeRequest(nil, withExtra(extraResources(map[string]*fnv1.Resources{
				"base-template-operator-namespace": items(templateJSON(opNS, "base-home", `{"dnsOnly": {"enabled": true, "staticIp": "192.0.2.10", "ttl": 300}}`)),
			})))},
			want: want{rsp: accepted("DNSRecord", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "annotationHash": "` + hash(t, nil, tunnelID, nil, &v1alpha1.TemplateSpec{DNSOnly: &v1alpha1.DNSOnly{Enabled: new(true), StaticIP: "192.0.2.10", TTL: new(int64(300))}}) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": record(pcOp, "A", "192.0.2.10", false, 300),
						"state":      stateConfigMap(stateData(hash(t, nil, tunnelID, nil, &v1alpha1.TemplateSpec{DNSOnly: &v1alpha1.DNSOnly{Enabled: new(true), StaticIP: "192.0.2.10", TTL: new(int64(300))}}), nil)),
					},
				},
			})},
		},
		"DNSOnlyAnnotation": {
			reason: "The seed's internal-dnsonly template takes the address from the dnsIp annotation.",
			args: args{req: routeRequest(map[string]string{
				v1alpha1.AnnotationTemplate: "internal-dnsonly",
				v1alpha1.AnnotationDNSIP:    "192.168.1.50",
			}, withExtra(extraResources(map[string]*fnv1.Resources{
				"template-route-namespace":    {},
				"template-operator-namespace": items(templateJSON(opNS, "internal-dnsonly", dnsTemplate)),
			})))},
			want: want{rsp: accepted("DNSRecord", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("internal-dnsonly", false),
				Desired: &fnv1.State{
					Composite: status(`, "annotationHash": "` + hash(t, map[string]string{v1alpha1.AnnotationTemplate: "internal-dnsonly", v1alpha1.AnnotationDNSIP: "192.168.1.50"}, tunnelID,
						&v1alpha1.TemplateSpec{DNSOnly: &v1alpha1.DNSOnly{Enabled: new(true), Proxied: new(false), TTL: new(int64(120))}}, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": record(pcOp, "A", "192.168.1.50", false, 120),
						"state": stateConfigMap(stateData(hash(t, map[string]string{v1alpha1.AnnotationTemplate: "internal-dnsonly", v1alpha1.AnnotationDNSIP: "192.168.1.50"}, tunnelID,
							&v1alpha1.TemplateSpec{DNSOnly: &v1alpha1.DNSOnly{Enabled: new(true), Proxied: new(false), TTL: new(int64(120))}}, nil), nil)),
					},
				},
			})},
		},
		"DNSOnlyIPv6": {
			reason: "An IPv6 address gives an AAAA record.",
			args: args{req: routeRequest(map[string]string{
				v1alpha1.AnnotationTemplate: "internal-dnsonly",
				v1alpha1.AnnotationDNSIP:    "2001:db8::50",
			}, withExtra(extraResources(map[string]*fnv1.Resources{
				"template-route-namespace":    items(templateJSON("web", "internal-dnsonly", dnsTemplate)),
				"template-operator-namespace": {},
			})))},
			want: want{rsp: accepted("DNSRecord", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("internal-dnsonly", false),
				Desired: &fnv1.State{
					Composite: status(`, "annotationHash": "` + hash(t, map[string]string{v1alpha1.AnnotationTemplate: "internal-dnsonly", v1alpha1.AnnotationDNSIP: "2001:db8::50"}, tunnelID,
						&v1alpha1.TemplateSpec{DNSOnly: &v1alpha1.DNSOnly{Enabled: new(true), Proxied: new(false), TTL: new(int64(120))}}, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": record(pcOp, "AAAA", "2001:db8::50", false, 120),
						"state": stateConfigMap(stateData(hash(t, map[string]string{v1alpha1.AnnotationTemplate: "internal-dnsonly", v1alpha1.AnnotationDNSIP: "2001:db8::50"}, tunnelID,
							&v1alpha1.TemplateSpec{DNSOnly: &v1alpha1.DNSOnly{Enabled: new(true), Proxied: new(false), TTL: new(int64(120))}}, nil), nil)),
					},
				},
			})},
		},
		"DNSOnlyServiceRequested": {
			reason: "A DNS-only route without an address asks for its ingress Service and leaves the desired state alone meanwhile.",
			args: args{req: routeRequest(nil, withDesired(existing), withExtra(extraResources(map[string]*fnv1.Resources{
				"base-template-operator-namespace": items(templateJSON(opNS, "base-home", svcTemplate)),
			})))},
			want: want{rsp: &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Desired:      existing,
				Requirements: requirements("", true),
			}},
		},
		"DNSOnlyServiceIP": {
			reason: "The Service's LoadBalancer IP is the record's address.",
			args: args{req: routeRequest(nil, withExtra(extraResources(map[string]*fnv1.Resources{
				"base-template-operator-namespace": items(templateJSON(opNS, "base-home", svcTemplate)),
				"ingress-service":                  items(serviceJSON(`[{"ip": "192.168.1.240"}]`)),
			})))},
			want: want{rsp: accepted("DNSRecord", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", true),
				Desired: &fnv1.State{
					Composite: status(`, "annotationHash": "` + hash(t, nil, tunnelID, nil, &v1alpha1.TemplateSpec{DNSOnly: &v1alpha1.DNSOnly{Enabled: new(true), IngressServiceRef: &v1alpha1.ServiceRef{Name: "traefik", Namespace: "traefik"}}}) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": record(pcOp, "A", "192.168.1.240", false, 120),
						"state":      stateConfigMap(stateData(hash(t, nil, tunnelID, nil, &v1alpha1.TemplateSpec{DNSOnly: &v1alpha1.DNSOnly{Enabled: new(true), IngressServiceRef: &v1alpha1.ServiceRef{Name: "traefik", Namespace: "traefik"}}}), nil)),
					},
				},
			})},
		},
		"DNSOnlyServicePending": {
			reason: "A Service still waiting for its load balancer is reported, naming the Service and the template that references it.",
			args: args{req: routeRequest(nil, withExtra(extraResources(map[string]*fnv1.Resources{
				"base-template-operator-namespace": items(templateJSON(opNS, "base-home", svcTemplate)),
				"ingress-service":                  items(serviceJSON(`[]`)),
			})))},
			want: want{rsp: refused(v1alpha1.ReasonWaitingForInput, "cannot take the address of route web/app from Service traefik/traefik (CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.dnsOnly.ingressServiceRef): "+
				"it has no LoadBalancer address yet; the route is published once the load balancer assigns one", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", true),
			})},
		},
		"DNSOnlyServiceMissing": {
			reason: "A missing Service is reported with what references it.",
			args: args{req: routeRequest(nil, withExtra(extraResources(map[string]*fnv1.Resources{
				"base-template-operator-namespace": items(templateJSON(opNS, "base-home", svcTemplate)),
				"ingress-service":                  {},
			})))},
			want: want{rsp: refused(v1alpha1.ReasonWaitingForInput, "cannot find Service traefik/traefik named by CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.dnsOnly.ingressServiceRef: create it, or fix the reference", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", true),
			})},
		},
		"DNSOnlyServicePrivateProxied": {
			reason: "A proxied record to a Service's private LoadBalancer address, which Cloudflare refuses, is refused naming the Service, the address and where both were set, and nothing is composed.",
			args: args{req: routeRequest(nil, withExtra(extraResources(map[string]*fnv1.Resources{
				"base-template-operator-namespace": items(templateJSON(opNS, "base-home", `{"dnsOnly": {"enabled": true, "proxied": true, "ingressServiceRef": {"name": "traefik", "namespace": "traefik"}}}`)),
				"ingress-service":                  items(serviceJSON(`[{"ip": "192.168.1.240"}]`)),
			})))},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, "cannot publish route web/app as a proxied DNS-only record: the LoadBalancer address 192.168.1.240 of Service traefik/traefik, named by CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.dnsOnly.ingressServiceRef, "+
				"is a private address (RFC 1918), which Cloudflare does not proxy to; set spec.dnsOnly.proxied to false in the Template to publish the record DNS-only, or give it a public address", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", true),
			})},
		},
		"DNSOnlyAnnotationCGNATProxied": {
			reason: "A proxied record to a CGNAT dnsIp is refused naming the annotation, the address and the Template field, and nothing is composed.",
			args: args{req: routeRequest(map[string]string{
				v1alpha1.AnnotationDNSIP: "100.64.0.7",
			}, withExtra(extraResources(map[string]*fnv1.Resources{
				"base-template-operator-namespace": items(templateJSON(opNS, "base-home", `{"dnsOnly": {"enabled": true, "proxied": true}}`)),
			})))},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, `cannot use annotation cfzt.cloudflare.com/dnsIp: "100.64.0.7" is a shared, carrier-grade NAT address (100.64.0.0/10), which Cloudflare does not proxy to, and CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.dnsOnly.proxied is true; set it to false to publish the record DNS-only, or use a public address`, &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
			})},
		},
		"AccessExistingPolicies": {
			reason: "Access by annotation composes an application attached to existing policies by name, and no policy of its own, at once; the tunnel rule waits for the application to be Ready and the route says it waits for it.",
			args: args{req: routeRequest(map[string]string{
				v1alpha1.AnnotationAccessEnabled:             "true",
				v1alpha1.AnnotationAccessExistingPolicyNames: "Allow Home Users, ADAUTH",
			}, withExtra(extraResources(nil)), withZoneFound())},
			want: want{rsp: accepted("AccessApp, DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         followUp(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "annotationHash": "` + hash(t, map[string]string{
						v1alpha1.AnnotationAccessEnabled: "true", v1alpha1.AnnotationAccessExistingPolicyNames: "Allow Home Users, ADAUTH",
					}, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": cname(pcOp, tunnelID),
						"access-app": {Resource: resource.MustStructJSON(managed("AccessApp", pcOp,
							`{`+accessDefaults+`, "existingPolicyNames": ["Allow Home Users", "ADAUTH"]}`))},
						"state": stateConfigMap(stateData(hash(t, map[string]string{
							v1alpha1.AnnotationAccessEnabled: "true", v1alpha1.AnnotationAccessExistingPolicyNames: "Allow Home Users, ADAUTH",
						}, tunnelID, nil, nil), map[string]string{"tunnel_id": tunnelID, "zone_id": zoneID})),
					},
				},
			})},
		},
		"AccessAllowPolicy": func() testCase {
			a, w := allowPolicyRoute("", meta())
			return testCase{reason: "Allowed groups and emails compose the allow policy; once observed with an ID the application is attached to it, and the IDs are recorded. The tunnel rule still waits for the application to be Ready.", args: a, want: w}
		}(),
		"TunnelRouteSoonAfterAppCreated": func() testCase {
			a, w := allowPolicyRoute(`, "crossplane.io/external-create-pending": "2026-11-30T12:00:00Z", "crossplane.io/external-create-succeeded": "2026-11-30T12:00:01Z"`, followUp())
			return testCase{reason: "An application Cloudflare has just made, not yet observed Ready, holds the tunnel rule back for seconds: the function asks to be run again in FollowUpTTL rather than a minute, in case Crossplane drops the application's change.", args: a, want: w}
		}(),
		"TunnelRouteAfterAppCreateFailed": func() testCase {
			a, w := allowPolicyRoute(`, "crossplane.io/external-create-pending": "2026-11-30T12:00:00Z", "crossplane.io/external-create-failed": "2026-11-30T12:00:01Z"`, meta())
			return testCase{reason: "An application whose last create failed may wait for minutes: the function asks for no early run.", args: a, want: w}
		}(),
		"AccessWaitsForZone": {
			reason: "A route with Access composes only its DNS record until the record has found its zone, and says it waits for that record alone, as a route without Access does.",
			args:   args{req: routeRequest(allowAnn, withExtra(extraResources(nil)))},
			want: want{rsp: accepted("DNSRecord", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "annotationHash": "` + hash(t, allowAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": cname(pcOp, tunnelID),
						"state":      stateConfigMap(stateData(hash(t, allowAnn, tunnelID, nil, nil), map[string]string{"tunnel_id": tunnelID})),
					},
				},
			})},
		},
		"AccessAppWaitsForPolicy": {
			reason: "Once the zone is found the allow policy is composed, and the application waits for it so that Cloudflare creates the application with the policy rather than updating it; the tunnel rule waits for the application; the route says it waits for all of them.",
			args:   args{req: routeRequest(allowAnn, withExtra(extraResources(nil)), withZoneFound())},
			want: want{rsp: accepted("AccessApp, AccessPolicy, DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         followUp(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "annotationHash": "` + hash(t, allowAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record":    cname(pcOp, tunnelID),
						"access-policy": allowPolicy,
						"state": stateConfigMap(stateData(hash(t, allowAnn, tunnelID, nil, nil),
							map[string]string{"tunnel_id": tunnelID, "zone_id": zoneID})),
					},
				},
			})},
		},
		"AccessAppCreatedWithPolicy": {
			reason: "Once the allow policy has its ID the application is composed for the first time, already attached to it.",
			args: args{req: routeRequest(allowAnn, withExtra(extraResources(nil)), withObserved(map[string]string{
				"access-policy": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "AccessPolicy", "metadata": {"name": "app-x7k2p-p", "annotations": {"crossplane.io/external-name": "policy-uuid"}}}`,
			}), withZoneFound())},
			want: want{rsp: accepted("AccessApp, AccessPolicy, DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         followUp(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "accessPolicyIds": ["policy-uuid"], "annotationHash": "` + hash(t, allowAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": cname(pcOp, tunnelID),
						"access-app": {Resource: resource.MustStructJSON(managed("AccessApp", pcOp,
							`{`+accessDefaults+`, "policyIds": ["policy-uuid"]}`))},
						"access-policy": allowPolicy,
						"state": stateConfigMap(stateData(hash(t, allowAnn, tunnelID, nil, nil),
							map[string]string{"tunnel_id": tunnelID, "zone_id": zoneID, "access_policy_ids": "policy-uuid"})),
					},
				},
			})},
		},
		"TunnelRouteOnceAccessReady": {
			reason: "Once the application is observed Ready the tunnel rule is composed: the origin is routed to only when Access protects it.",
			args: args{req: routeRequest(allowAnn, withExtra(extraResources(nil)), withObserved(map[string]string{
				"access-app": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "AccessApp", "metadata": {"name": "app-x7k2p-a", "annotations": {"crossplane.io/external-name": "app-uuid"}},
					"status": {"conditions": [{"type": "Ready", "status": "True", "reason": "Available"}]}}`,
				"access-policy": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "AccessPolicy", "metadata": {"name": "app-x7k2p-p", "annotations": {"crossplane.io/external-name": "policy-uuid"}},
					"status": {"conditions": [{"type": "Ready", "status": "True", "reason": "Available"}]}}`,
			}), withZoneFound())},
			want: want{rsp: accepted("DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "accessAppId": "app-uuid", "accessPolicyIds": ["policy-uuid"], "annotationHash": "` + hash(t, allowAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"tunnel-route": tunnelRoute(pcOp, tunnelID, "http://app.web.svc.cluster.local:8080"),
						"dns-record":   cname(pcOp, tunnelID),
						"access-app": {Ready: fnv1.Ready_READY_TRUE, Resource: resource.MustStructJSON(managed("AccessApp", pcOp,
							`{`+accessDefaults+`, "policyIds": ["policy-uuid"]}`))},
						"access-policy": {Ready: fnv1.Ready_READY_TRUE, Resource: allowPolicy.GetResource()},
						"state": stateConfigMap(stateData(hash(t, allowAnn, tunnelID, nil, nil), map[string]string{
							"tunnel_id": tunnelID, "zone_id": zoneID, "access_app_id": "app-uuid", "access_policy_ids": "policy-uuid",
						})),
					},
				},
			})},
		},
		"TunnelRouteKeptWhileAccessPending": {
			reason: "A route that already has its tunnel rule keeps it while its application is created, such as when Access is turned on for a published route: nothing published is torn down.",
			args: args{req: routeRequest(allowAnn, withExtra(extraResources(nil)), withObserved(map[string]string{
				"tunnel-route": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "TunnelRoute",
					"metadata": {"name": "app-x7k2p-t", "annotations": {"crossplane.io/external-name": "app.example.com"}}}`,
			}), withZoneFound())},
			want: want{rsp: accepted("AccessApp, AccessPolicy, DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         followUp(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "hostnameRouteId": "app.example.com", "annotationHash": "` + hash(t, allowAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"tunnel-route":  tunnelRoute(pcOp, tunnelID, "http://app.web.svc.cluster.local:8080"),
						"dns-record":    cname(pcOp, tunnelID),
						"access-policy": allowPolicy,
						"state": stateConfigMap(stateData(hash(t, allowAnn, tunnelID, nil, nil), map[string]string{
							"tunnel_id": tunnelID, "zone_id": zoneID, "hostname_route_id": "app.example.com",
						})),
					},
				},
			})},
		},
		"ServiceToken": {
			reason: "A service token writes its credentials to cfzt-svctoken-<route> in the route's namespace.",
			args: args{req: routeRequest(map[string]string{
				v1alpha1.AnnotationServiceTokenEnabled:  "true",
				v1alpha1.AnnotationServiceTokenDuration: "720h",
			}, withExtra(extraResources(nil)), withZoneFound())},
			want: want{rsp: accepted("DNSRecord, ServiceToken, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "annotationHash": "` + hash(t, map[string]string{
						v1alpha1.AnnotationServiceTokenEnabled: "true", v1alpha1.AnnotationServiceTokenDuration: "720h",
					}, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"tunnel-route": tunnelRoute(pcOp, tunnelID, "http://app.web.svc.cluster.local:8080"),
						"dns-record":   cname(pcOp, tunnelID),
						"service-token": {Resource: resource.MustStructJSON(managed("ServiceToken", pcOp,
							`{"name": "cfzt-app.example.com", "duration": "720h", "rotationOverlap": "24h", "refreshBefore": "720h"}`,
							`"writeConnectionSecretToRef": {"name": "cfzt-svctoken-app", "namespace": "web"}`))},
						"state": stateConfigMap(stateData(hash(t, map[string]string{
							v1alpha1.AnnotationServiceTokenEnabled: "true", v1alpha1.AnnotationServiceTokenDuration: "720h",
						}, tunnelID, nil, nil), map[string]string{"tunnel_id": tunnelID, "zone_id": zoneID})),
					},
				},
			})},
		},
		"ServiceTokenBeforeItsID": {
			reason: "A route with Access and a service token gets no token policy until the token exists, since the policy names it by ID, and no application until both its policies exist, nor a tunnel rule before the application; the route still says it waits for all of them.",
			args:   args{req: routeRequest(tokenAccessAnn, withExtra(extraResources(nil)), withZoneFound())},
			want: want{rsp: accepted("AccessApp, AccessPolicy, DNSRecord, ServiceToken, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         followUp(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "annotationHash": "` + hash(t, tokenAccessAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record":    cname(pcOp, tunnelID),
						"access-policy": tokenAccessAllowPolicy(),
						"service-token": serviceToken(pcOp),
						"state": stateConfigMap(stateData(hash(t, tokenAccessAnn, tunnelID, nil, nil),
							map[string]string{"tunnel_id": tunnelID, "zone_id": zoneID})),
					},
				},
			})},
		},
		"ServiceTokenAttached": {
			reason: "Once the token exists a non_identity policy admitting it is composed; once that exists the application lists it after the allow policy, and the route records both. The application is not Ready yet, so neither is there a tunnel rule.",
			args:   args{req: routeRequest(tokenAccessAnn, withExtra(extraResources(nil)), withObserved(tokenObserved))},
			want: want{rsp: accepted("AccessApp, AccessPolicy, ServiceToken, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "cnameRecordId": "372e67954025e0ba6aaa6d586b9e0b59", "accessAppId": "app-uuid", "accessPolicyIds": ["policy-uuid", "token-policy-uuid"],` +
						`"serviceTokenId": "token-uuid", "serviceTokenSecretName": "cfzt-svctoken-app", "annotationHash": "` + hash(t, tokenAccessAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": readyCNAME(pcOp, tunnelID),
						"access-app": {Resource: resource.MustStructJSON(managed("AccessApp", pcOp,
							`{`+accessDefaults+`, "existingPolicyNames": ["Allow Home Users"], "policyIds": ["policy-uuid", "token-policy-uuid"]}`))},
						"access-policy": tokenAccessAllowPolicy(),
						"token-policy": {Resource: resource.MustStructJSON(managed("AccessPolicy", pcOp,
							`{"name": "cfzt-app.example.com-token", "decision": "non_identity", "includeServiceTokenIds": ["token-uuid"]}`))},
						"service-token": serviceToken(pcOp),
						"state": stateConfigMap(stateData(hash(t, tokenAccessAnn, tunnelID, nil, nil), map[string]string{
							"tunnel_id": tunnelID, "zone_id": zoneID, "cname_record_id": "372e67954025e0ba6aaa6d586b9e0b59",
							"access_app_id": "app-uuid", "access_policy_ids": "policy-uuid,token-policy-uuid",
							"service_token_id": "token-uuid", "service_token_secret_name": "cfzt-svctoken-app",
						})),
					},
				},
			})},
		},
		"ServiceTokenNotAttached": {
			reason: "serviceToken.attach false composes no token policy: an existing one is dropped, detached from the application and no longer recorded.",
			args:   args{req: routeRequest(notAttachedAnn, withExtra(extraResources(nil)), withObserved(tokenObserved))},
			want: want{rsp: accepted("AccessApp, AccessPolicy, ServiceToken, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "` + zoneID + `", "cnameRecordId": "372e67954025e0ba6aaa6d586b9e0b59", "accessAppId": "app-uuid", "accessPolicyIds": ["policy-uuid"],` +
						`"serviceTokenId": "token-uuid", "serviceTokenSecretName": "cfzt-svctoken-app", "annotationHash": "` + hash(t, notAttachedAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": readyCNAME(pcOp, tunnelID),
						"access-app": {Resource: resource.MustStructJSON(managed("AccessApp", pcOp,
							`{`+accessDefaults+`, "existingPolicyNames": ["Allow Home Users"], "policyIds": ["policy-uuid"]}`))},
						"access-policy": tokenAccessAllowPolicy(),
						"service-token": serviceToken(pcOp),
						"state": stateConfigMap(stateData(hash(t, notAttachedAnn, tunnelID, nil, nil), map[string]string{
							"tunnel_id": tunnelID, "zone_id": zoneID, "cname_record_id": "372e67954025e0ba6aaa6d586b9e0b59",
							"access_app_id": "app-uuid", "access_policy_ids": "policy-uuid",
							"service_token_id": "token-uuid", "service_token_secret_name": "cfzt-svctoken-app",
						})),
					},
				},
			})},
		},
		"InvalidRotateEvery": {
			reason: "A rotation period that is not a duration is fatal, naming the annotation, the value and what to use.",
			args: args{req: routeRequest(map[string]string{
				v1alpha1.AnnotationServiceTokenEnabled:     "true",
				v1alpha1.AnnotationServiceTokenRotateEvery: "monthly",
			}, withDesired(existing), withExtra(extraResources(nil)))},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, `cannot use annotation cfzt.cloudflare.com/serviceToken.rotateEvery: "monthly" is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`, &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Desired:      existing,
				Requirements: requirements("", false),
			})},
		},
		"StateFromObserved": {
			reason: "The state ConfigMap and status carry the IDs of the observed resources still desired, and the zone of the record.",
			args: args{req: routeRequest(nil, withExtra(extraResources(nil)), withObserved(map[string]string{
				"tunnel-route": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "TunnelRoute",
					"metadata": {"name": "app-x7k2p-t", "annotations": {"crossplane.io/external-name": "app.example.com"}}}`,
				"dns-record": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "DNSRecord",
					"metadata": {"name": "app-x7k2p-d", "annotations": {"crossplane.io/external-name": "372e67954025e0ba6aaa6d586b9e0b59"}},
					"spec": {"forProvider": {"type": "CNAME"}},
					"status": {"atProvider": {"zoneId": "023e105f4ecef8ad9ca31a8372d0c353"}}}`,
				"service-token": `{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "ServiceToken",
					"metadata": {"name": "app-x7k2p-s", "annotations": {"crossplane.io/external-name": "token-uuid"}},
					"spec": {"writeConnectionSecretToRef": {"name": "cfzt-svctoken-app", "namespace": "web"}}}`,
			}))},
			want: want{rsp: accepted("DNSRecord, TunnelRoute", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "zoneId": "023e105f4ecef8ad9ca31a8372d0c353", "hostnameRouteId": "app.example.com",` +
						`"cnameRecordId": "372e67954025e0ba6aaa6d586b9e0b59", "annotationHash": "` + hash(t, tunnelAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"tunnel-route": tunnelRoute(pcOp, tunnelID, "http://app.web.svc.cluster.local:8080"),
						"dns-record":   cname(pcOp, tunnelID),
						"state": stateConfigMap(stateData(hash(t, tunnelAnn, tunnelID, nil, nil), map[string]string{
							"tunnel_id":         tunnelID,
							"zone_id":           "023e105f4ecef8ad9ca31a8372d0c353",
							"hostname_route_id": "app.example.com",
							"cname_record_id":   "372e67954025e0ba6aaa6d586b9e0b59",
						})),
					},
				},
			})},
		},
		"UnknownAnnotation": {
			reason: "A misspelt annotation is reported as a warning and the route is still composed.",
			args:   args{req: routeRequest(map[string]string{"cfzt.cloudflare.com/acess.enabled": "true"}, withExtra(extraResources(nil)))},
			want: want{rsp: accepted("DNSRecord", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
				Results: []*fnv1.Result{{
					Severity: fnv1.Severity_SEVERITY_WARNING,
					Message:  "ignoring unknown annotation cfzt.cloudflare.com/acess.enabled on route web/app; check its spelling",
					Target:   fnv1.Target_TARGET_COMPOSITE_AND_CLAIM.Enum(),
				}},
				Desired: &fnv1.State{
					Composite: status(`, "tunnelId": "` + tunnelID + `", "annotationHash": "` + hash(t, tunnelAnn, tunnelID, nil, nil) + `"`),
					Resources: map[string]*fnv1.Resource{
						"dns-record": cname(pcOp, tunnelID),
						"state":      stateConfigMap(stateData(hash(t, tunnelAnn, tunnelID, nil, nil), map[string]string{"tunnel_id": tunnelID})),
					},
				},
			})},
		},
		"ClaimInOtherNamespace": {
			reason: "A claim may not publish a route of another namespace, so it cannot borrow that namespace's Tenant.",
			args:   args{req: routeRequest(nil, withDesired(existing), withClaimNamespace("other"), withExtra(extraResources(nil)))},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, `spec.route.namespace "web" of route web/app is not the claim's namespace "other": a claim may only publish a route of its own namespace`, &fnv1.RunFunctionResponse{
				Meta:    meta(),
				Desired: existing,
			})},
		},
		"TenantFenceRefusesNamespace": {
			reason: "A Tenant that lists the namespaces allowed to use it refuses a route from any other, before anything is composed.",
			args: args{req: routeRequest(nil, withDesired(existing), withClaimNamespace("web"), withExtra(extraResources(map[string]*fnv1.Resources{
				"tenant-operator-namespace": items(`{
					"apiVersion": "cfzt.cloudflare.com/v1alpha1",
					"kind": "CloudflareZeroTrustTenant",
					"metadata": {"name": "home", "namespace": "` + opNS + `"},
					"spec": {"accountId": "` + accountID + `", "tunnelId": "` + tunnelID + `", "credentialRef": {"name": "cloudflare-token"}, "allowedNamespaces": ["blog"]}
				}`),
			})))},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, `route web/app may not use CloudflareZeroTrustTenant cloudflare-zero-trust/home: its spec.allowedNamespaces (blog) does not list namespace "web"`, &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Desired:      existing,
				Requirements: requirements("", false),
			})},
		},
		"MissingTenant": {
			reason: "A Tenant in neither namespace is fatal, with the namespaces searched and what to do.",
			args: args{req: routeRequest(nil, withDesired(existing), withExtra(extraResources(map[string]*fnv1.Resources{
				"tenant-operator-namespace": {},
			})))},
			want: want{rsp: refused(v1alpha1.ReasonWaitingForInput, `cannot find CloudflareZeroTrustTenant "home" in namespace "web" or "cloudflare-zero-trust": create it, or set annotation cfzt.cloudflare.com/tenant to an existing Tenant`, &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Desired:      existing,
				Requirements: requirements("", false),
			})},
		},
		"MissingTemplate": {
			reason: "A named template in neither namespace is fatal, with what to do.",
			args: args{req: routeRequest(map[string]string{v1alpha1.AnnotationTemplate: "protected"}, withExtra(extraResources(map[string]*fnv1.Resources{
				"template-route-namespace":    {},
				"template-operator-namespace": {},
			})))},
			want: want{rsp: refused(v1alpha1.ReasonWaitingForInput, `cannot find CloudflareZeroTrustTemplate "protected" in namespace "web" or "cloudflare-zero-trust": create it, or change or remove annotation cfzt.cloudflare.com/template`, &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("protected", false),
			})},
		},
		"InvalidSetting": {
			reason: "An invalid setting is fatal, naming the annotation and the value.",
			args:   args{req: routeRequest(map[string]string{v1alpha1.AnnotationAccessSessionDuration: "1 day"}, withExtra(extraResources(nil)))},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, `cannot use annotation cfzt.cloudflare.com/access.sessionDuration: "1 day" is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`, &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
			})},
		},
		"DNSOnlyWithAccess": {
			reason: "DNS-only with Access is fatal: Access needs the tunnel.",
			args: args{req: routeRequest(map[string]string{
				v1alpha1.AnnotationAccessEnabled: "true",
				v1alpha1.AnnotationDNSIP:         "192.168.1.50",
			}, withExtra(extraResources(map[string]*fnv1.Resources{
				"base-template-operator-namespace": items(templateJSON(opNS, "base-home", dnsTemplate)),
			})))},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, "cannot enable Access (annotation cfzt.cloudflare.com/access.enabled) in DNS-only mode (CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.dnsOnly.enabled): an Access application needs the tunnel; disable one of them", &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
			})},
		},
		"NotManaged": {
			reason: "A route without a hostname is fatal before anything is requested.",
			args:   args{req: routeRequest(map[string]string{v1alpha1.AnnotationHostname: "-"}, withDesired(existing))},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, "cannot publish route web/app: annotation cfzt.cloudflare.com/hostname is missing; set it to the public hostname, such as app.example.com", &fnv1.RunFunctionResponse{
				Meta:    meta(),
				Desired: existing,
			})},
		},
		"BadComposite": {
			reason: "A composite whose spec cannot be read is fatal, not a panic.",
			args: args{req: &fnv1.RunFunctionRequest{
				Meta: &fnv1.RequestMeta{Tag: "t"},
				Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: resource.MustStructJSON(
					`{"apiVersion": "cfzt.cloudflare.com/v1alpha1", "kind": "XZeroTrustRoute", "metadata": {"name": "app-x7k2p"}, "spec": {"route": "web/app"}}`)}},
			}},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, `cannot read the spec of composite "app-x7k2p": cannot unmarshal value from JSON: json: cannot unmarshal string into Go struct field RouteSpec.route of type v1alpha1.RouteReference`, &fnv1.RunFunctionResponse{
				Meta: meta(),
			})},
		},
		"EmptyRequest": {
			reason: "An empty request is fatal, not a panic.",
			args:   args{req: &fnv1.RunFunctionRequest{}},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, `cannot read the spec of composite "": spec: no such field`, &fnv1.RunFunctionResponse{
				Meta: &fnv1.ResponseMeta{Ttl: durationpb.New(response.DefaultTTL)},
			})},
		},
		"BadInput": {
			reason: "An Input whose operator namespace is not a namespace name is fatal.",
			args: args{req: func() *fnv1.RunFunctionRequest {
				r := routeRequest(nil)
				r.Input = resource.MustStructJSON(`{"apiVersion": "fn.cfzt.cloudflare.com/v1alpha1", "kind": "Input", "operatorNamespace": "Not_A_Namespace"}`)
				return r
			}()},
			want: want{rsp: refused(v1alpha1.ReasonInvalidInput, `the function's input operatorNamespace "Not_A_Namespace" is not a namespace name: use at most 63 lower case letters, digits and '-' in the Composition's input`, &fnv1.RunFunctionResponse{
				Meta: meta(),
			})},
		},
		"CustomOperatorNamespace": {
			reason: "The Input's operator namespace is where shared Tenants and Templates are looked up.",
			args: args{req: func() *fnv1.RunFunctionRequest {
				r := routeRequest(nil)
				r.Input = resource.MustStructJSON(`{"apiVersion": "fn.cfzt.cloudflare.com/v1alpha1", "kind": "Input", "operatorNamespace": "cfzt-system"}`)
				return r
			}()},
			want: want{rsp: &fnv1.RunFunctionResponse{
				Meta: meta(),
				Requirements: &fnv1.Requirements{ExtraResources: map[string]*fnv1.ResourceSelector{ //nolint:staticcheck // The function uses the extra resources API.
					"tenant-route-namespace":           selector("cfzt.cloudflare.com/v1alpha1", "CloudflareZeroTrustTenant", "home", "web"),
					"tenant-operator-namespace":        selector("cfzt.cloudflare.com/v1alpha1", "CloudflareZeroTrustTenant", "home", "cfzt-system"),
					"base-template-route-namespace":    selector("cfzt.cloudflare.com/v1alpha1", "CloudflareZeroTrustTemplate", "base-home", "web"),
					"base-template-operator-namespace": selector("cfzt.cloudflare.com/v1alpha1", "CloudflareZeroTrustTemplate", "base-home", "cfzt-system"),
				}},
			}},
		},
		"NoInput": {
			reason: "Without an Input the default operator namespace is used.",
			args: args{req: func() *fnv1.RunFunctionRequest {
				r := routeRequest(nil)
				r.Input = nil
				return r
			}()},
			want: want{rsp: &fnv1.RunFunctionResponse{
				Meta:         meta(),
				Requirements: requirements("", false),
			}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := &Function{log: logging.NewNopLogger()}
			rsp, err := f.RunFunction(context.Background(), tc.args.req)
			if diff := cmp.Diff(tc.want.rsp, rsp, protocmp.Transform()); diff != "" {
				t.Errorf("\n%s\nf.RunFunction(...): -want rsp, +got rsp:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\nf.RunFunction(...): -want err, +got err:\n%s", tc.reason, diff)
			}
		})
	}
}
