package main

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"strings"

	"google.golang.org/protobuf/types/known/durationpb"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/crossplane/function-sdk-go/errors"
	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composite"
	"github.com/crossplane/function-sdk-go/response"

	inputv1alpha1 "github.com/cfzt/cfzt/apis/input/v1alpha1"
	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/compose"
	"github.com/cfzt/cfzt/function/internal/extra"
	"github.com/cfzt/cfzt/function/internal/merge"
	"github.com/cfzt/cfzt/function/internal/state"
)

// Function composes the Cloudflare objects of one annotated HTTPRoute.
type Function struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	log logging.Logger
}

// RunFunction renders a route's managed resources and state ConfigMap from
// the composite, the route's Tenant and Templates and, for a DNS-only route,
// a LoadBalancer Service. A user mistake becomes a fatal result naming what
// to fix, and condition Accepted=False on the composite and its claim; a
// rendered route gets Accepted=True. Until Crossplane has fetched the extra
// resources the function asks for, the desired state passes through
// untouched: an empty desired state would delete every composed resource.
func (f *Function) RunFunction(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	rsp := response.To(req, response.DefaultTTL)
	rendered, err := f.run(req, rsp)
	switch {
	case err != nil:
		refuse(rsp, err)
	case rendered:
		response.ConditionTrue(rsp, v1alpha1.TypeAccepted, v1alpha1.ReasonAccepted).TargetCompositeAndClaim()
	}
	return rsp, nil
}

// run does RunFunction's work. It reports whether it rendered the route:
// false with no error means it waits for Crossplane to fetch extra resources.
func (f *Function) run(req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse) (bool, error) {
	operatorNS, err := operatorNamespace(req)
	if err != nil {
		return false, err
	}
	xr, spec, err := routeSpec(req)
	if err != nil {
		return false, err
	}
	route, err := merge.Identify(spec)
	if err != nil {
		return false, err
	}
	if err := merge.CheckClaimNamespace(route, xr.GetLabels()[labelClaimNamespace]); err != nil {
		return false, err
	}
	log := f.log.WithValues("xr", xr.GetName(), "route", route.String())

	for _, k := range merge.Unknown(spec.Annotations) {
		response.Warning(rsp, errors.Errorf("ignoring unknown annotation %s on route %s; check its spelling", k, route)).TargetCompositeAndClaim()
	}

	got := req.GetExtraResources() //nolint:staticcheck // The design uses the extra resources API, the only one crossplane render honours.
	in, err := fetch(rsp, got, route, operatorNS)
	if err != nil || in == nil {
		if err == nil {
			log.Debug("Waiting for Crossplane to fetch the Tenant and Templates")
		}
		return false, err
	}
	if err := merge.CheckFences(route, in.tenant, operatorNS); err != nil {
		return false, err
	}

	settings, err := merge.Merge(merge.Inputs{
		Route:        route,
		Annotations:  spec.Annotations,
		BackendRef:   spec.BackendRef,
		Tenant:       in.tenant,
		Template:     in.template,
		BaseTemplate: in.base,
	})
	if err != nil {
		return false, err
	}
	if settings.DNSOnly.Enabled && settings.DNSOnly.IP == "" {
		ip, err := serviceAddress(rsp, got, route, settings.DNSOnly.Service)
		if err != nil || ip == "" {
			if err == nil {
				log.Debug("Waiting for Crossplane to fetch the ingress Service")
			}
			return false, err
		}
		settings.DNSOnly.IP = ip
	}

	if err := render(req, rsp, route, operatorNS, spec.Annotations, in, settings); err != nil {
		return false, err
	}
	log.Debug("Composed route", "dnsOnly", settings.DNSOnly.Enabled, "access", settings.Access.Enabled, "serviceToken", settings.ServiceToken.Enabled)
	return true, nil
}

// A refusal is an error with the reason of the Accepted=False condition it
// becomes. Errors that are not refusals are the user's input being invalid.
type refusal struct {
	reason string
	err    error
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// waiting marks an error as a Tenant, Template or Service that does not exist
// or has no address yet.
func waiting(err error) error { return &refusal{reason: v1alpha1.ReasonWaitingForInput, err: err} }

// internal marks an error, if any, as the function's own failure.
func internal(err error) error {
	if err == nil {
		return nil
	}
	return &refusal{reason: v1alpha1.ReasonInternalError, err: err}
}

// refuse returns a fatal result and sets Accepted=False on the composite and
// its claim, with the same message.
func refuse(rsp *fnv1.RunFunctionResponse, err error) {
	reason := v1alpha1.ReasonInvalidInput
	if r := (&refusal{}); errors.As(err, &r) {
		reason = r.reason
	}
	response.Fatal(rsp, err)
	response.ConditionFalse(rsp, v1alpha1.TypeAccepted, reason).WithMessage(err.Error()).TargetCompositeAndClaim()
}

// operatorNamespace reads the function's Input. Without one, shared Tenants
// and Templates are in the default operator namespace.
func operatorNamespace(req *fnv1.RunFunctionRequest) (string, error) {
	in := &inputv1alpha1.Input{}
	if req.GetInput() != nil {
		if err := request.GetInput(req, in); err != nil {
			return "", errors.Wrap(err, "cannot read the function's input")
		}
	}
	if in.OperatorNamespace == "" {
		return v1alpha1.DefaultOperatorNamespace, nil
	}
	if errs := k8svalidation.IsDNS1123Label(in.OperatorNamespace); len(errs) > 0 {
		return "", errors.Errorf("the function's input operatorNamespace %q is not a namespace name: use at most 63 lower case letters, digits and '-' in the Composition's input", in.OperatorNamespace)
	}
	return in.OperatorNamespace, nil
}

// labelClaimNamespace is set by Crossplane on a composite made for a claim.
const labelClaimNamespace = "crossplane.io/claim-namespace"

// routeSpec reads the observed composite and its spec.
func routeSpec(req *fnv1.RunFunctionRequest) (*composite.Unstructured, v1alpha1.RouteSpec, error) {
	spec := v1alpha1.RouteSpec{}
	oxr, err := request.GetObservedCompositeResource(req)
	if err != nil {
		return nil, spec, errors.Wrap(err, "cannot read the observed composite resource")
	}
	if err := oxr.Resource.GetValueInto("spec", &spec); err != nil {
		return nil, spec, errors.Wrapf(err, "cannot read the spec of composite %q", oxr.Resource.GetName())
	}
	return oxr.Resource, spec, nil
}

// inputs are the Tenant and Templates a route is rendered from.
type inputs struct {
	tenant   *v1alpha1.CloudflareZeroTrustTenant
	template *v1alpha1.CloudflareZeroTrustTemplate
	base     *v1alpha1.CloudflareZeroTrustTemplate
}

// fetch requires the route's Tenant, its per-route template when it names one
// and its tenant's base template, each in the route's namespace and then the
// operator namespace. It returns nil inputs until Crossplane has fetched them
// all, and an error when the Tenant or a named template does not exist.
func fetch(rsp *fnv1.RunFunctionResponse, got map[string]*fnv1.Resources, r merge.Route, operatorNS string) (*inputs, error) {
	tenantLookup := extra.Tenant(r.Tenant, r.Namespace, operatorNS)
	baseLookup := extra.BaseTemplate(v1alpha1.BaseTemplateName(r.Tenant), r.Namespace, operatorNS)
	lookups := []extra.Lookup{tenantLookup, baseLookup}
	var templateLookup *extra.Lookup
	if r.Template != "" {
		l := extra.Template(r.Template, r.Namespace, operatorNS)
		templateLookup = &l
		lookups = append(lookups, l)
	}
	require(rsp, lookups...)
	for _, l := range lookups {
		if found, err := l.Find(got); err != nil || !found.Fetched {
			return nil, err
		}
	}

	in := &inputs{tenant: &v1alpha1.CloudflareZeroTrustTenant{}}
	ok, err := find(got, tenantLookup, in.tenant)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, waiting(errors.Errorf("cannot find CloudflareZeroTrustTenant %q in %s: create it, or set annotation %s to an existing Tenant",
			r.Tenant, namespaces(tenantLookup), v1alpha1.AnnotationTenant))
	}
	if templateLookup != nil {
		in.template = &v1alpha1.CloudflareZeroTrustTemplate{}
		ok, err := find(got, *templateLookup, in.template)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, waiting(errors.Errorf("cannot find CloudflareZeroTrustTemplate %q in %s: create it, or change or remove annotation %s",
				r.Template, namespaces(*templateLookup), v1alpha1.AnnotationTemplate))
		}
	}
	// The base template is optional.
	in.base = &v1alpha1.CloudflareZeroTrustTemplate{}
	ok, err = find(got, baseLookup, in.base)
	if err != nil {
		return nil, err
	}
	if !ok {
		in.base = nil
	}
	return in, nil
}

// serviceAddress requires the Service a DNS-only route takes its address
// from and returns its LoadBalancer IP. The IP is empty until Crossplane has
// fetched the Service.
func serviceAddress(rsp *fnv1.RunFunctionResponse, got map[string]*fnv1.Resources, r merge.Route, svc *merge.ServiceRef) (string, error) {
	if svc == nil {
		// Merge refuses a DNS-only route with neither address nor Service.
		return "", errors.Errorf("cannot find an address for DNS-only route %s", r)
	}
	l := extra.Service(svc.Namespace, svc.Name)
	require(rsp, l)
	found, err := l.Find(got)
	if err != nil || !found.Fetched {
		return "", err
	}
	if found.Object == nil {
		return "", waiting(errors.Errorf("cannot find Service %s/%s named by %s: create it, or fix the reference", svc.Namespace, svc.Name, svc.From))
	}
	ip, err := extra.LoadBalancerIP(found.Object)
	if err != nil {
		err = errors.Errorf("cannot take the address of route %s from Service %s/%s (%s): it %w", r, svc.Namespace, svc.Name, svc.From, err)
		if errors.Is(err, extra.ErrNoAddressYet) {
			return "", waiting(err)
		}
		return "", err
	}
	return ip, nil
}

// render sets the desired composed resources and the composite's status.
// Everything but the DNS record waits until the hostname's zone is known,
// so that a hostname in none of the account's zones gets nothing written for
// it, and the Access application and tunnel rule until the route's own DNS
// record exists, so that a hostname someone else's record holds gets no
// Access or route (compose.WaitForZone). A new Access application
// waits for the policies it is created with (compose.WaitForPolicies), and
// the tunnel rule of a route with Access for the application to be Ready
// (compose.WaitForAccess), so that the origin is never routed to unprotected.
func render(req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse, r merge.Route, operatorNS string, annotations map[string]string, in *inputs, s merge.Settings) error {
	hash, err := state.Hash(state.HashInputs{
		Annotations:  annotations,
		Tenant:       &in.tenant.Spec,
		Template:     specOf(in.template),
		BaseTemplate: specOf(in.base),
	})
	if err != nil {
		return internal(err)
	}
	observed, err := request.GetObservedComposedResources(req)
	if err != nil {
		return internal(errors.Wrap(err, "cannot read the observed composed resources"))
	}
	seen := state.Read(observed)
	ci := compose.Inputs{
		Route:           r,
		Settings:        s,
		TenantNamespace: in.tenant.GetNamespace(),
		ZoneID:          in.tenant.Spec.ZoneID,
		PolicyID:        seen.AccessPolicyID,
		ServiceTokenID:  seen.ServiceTokenID,
		TokenPolicyID:   seen.TokenPolicyID,
	}
	desired, err := compose.Managed(ci)
	if err != nil {
		return err
	}
	forRecord := compose.WaitForZone(desired, observed, cmp.Or(in.tenant.Spec.ZoneID, seen.ZoneID, in.tenant.Status.ListedZoneID(s.Hostname)), seen.ZoneID)
	held := maps.Clone(forRecord)
	maps.Copy(held, compose.WaitForPolicies(desired, observed, ci))
	maps.Copy(held, compose.WaitForAccess(desired, observed, ci))

	rec := state.Record{Route: r, Hash: hash, Observed: state.Read(stillDesired(observed, desired))}
	if !s.DNSOnly.Enabled {
		rec.TunnelID = s.TunnelID
	}
	desired[compose.NameState] = compose.StateConfigMap(r, operatorNS, rec.Data())
	compose.MarkReady(desired, observed)
	setPublished(rsp, compose.Publish(desired, held, observed))
	if compose.AwaitsCreate(held, desired, observed) || compose.AwaitsRecord(forRecord, desired, observed) {
		rsp.GetMeta().Ttl = durationpb.New(compose.FollowUpTTL)
	}

	if err := response.SetDesiredComposedResources(rsp, desired); err != nil {
		return internal(errors.Wrap(err, "cannot set the desired composed resources"))
	}
	return internal(setStatus(req, rsp, rec.Status()))
}

// setPublished sets condition Published on the composite and its claim.
func setPublished(rsp *fnv1.RunFunctionResponse, p compose.Publication) {
	var c *response.ConditionOption
	switch p.Status {
	case corev1.ConditionTrue:
		c = response.ConditionTrue(rsp, v1alpha1.TypePublished, p.Reason)
	case corev1.ConditionFalse:
		c = response.ConditionFalse(rsp, v1alpha1.TypePublished, p.Reason)
	default:
		c = response.ConditionUnknown(rsp, v1alpha1.TypePublished, p.Reason)
	}
	if p.Message != "" {
		c = c.WithMessage(p.Message)
	}
	c.TargetCompositeAndClaim()
}

// require adds the lookups' extra resource requirements to the response.
func require(rsp *fnv1.RunFunctionResponse, lookups ...extra.Lookup) {
	if rsp.GetRequirements() == nil {
		rsp.Requirements = &fnv1.Requirements{}
	}
	if rsp.GetRequirements().GetExtraResources() == nil { //nolint:staticcheck // As in RunFunction.
		rsp.Requirements.ExtraResources = map[string]*fnv1.ResourceSelector{} //nolint:staticcheck // As in RunFunction.
	}
	for _, l := range lookups {
		maps.Copy(rsp.GetRequirements().GetExtraResources(), l.Selectors()) //nolint:staticcheck // As in RunFunction.
	}
}

// find runs a lookup over the extra resources Crossplane sent and decodes
// what it found into obj. It reports whether it found anything.
func find(got map[string]*fnv1.Resources, l extra.Lookup, into runtime.Object) (bool, error) {
	r, err := l.Find(got)
	if err != nil || r.Object == nil {
		return false, err
	}
	return true, extra.Decode(r.Object, into)
}

// namespaces describes where a lookup searched, for messages.
func namespaces(l extra.Lookup) string {
	ns := l.Namespaces()
	q := make([]string, len(ns))
	for i := range ns {
		q[i] = `"` + ns[i] + `"`
	}
	return "namespace " + strings.Join(q, " or ")
}

func specOf(t *v1alpha1.CloudflareZeroTrustTemplate) *v1alpha1.TemplateSpec {
	if t == nil {
		return nil
	}
	return &t.Spec
}

// stillDesired returns the observed resources that are desired again. The
// others are about to be deleted, and their IDs no longer describe the route.
func stillDesired(observed map[resource.Name]resource.ObservedComposed, desired map[resource.Name]*resource.DesiredComposed) map[resource.Name]resource.ObservedComposed {
	out := make(map[resource.Name]resource.ObservedComposed, len(observed))
	for n, o := range observed {
		if _, ok := desired[n]; ok {
			out[n] = o
		}
	}
	return out
}

// setStatus writes the route's status into the desired composite, leaving
// everything else there as it is.
func setStatus(req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse, s v1alpha1.RouteStatus) error {
	dxr, err := request.GetDesiredCompositeResource(req)
	if err != nil {
		return errors.Wrap(err, "cannot read the desired composite resource")
	}
	j, err := json.Marshal(s)
	if err != nil {
		return errors.Wrap(err, "cannot encode the composite's status")
	}
	fields := map[string]any{}
	if err := json.Unmarshal(j, &fields); err != nil {
		return errors.Wrap(err, "cannot decode the composite's status")
	}
	for k, v := range fields {
		if err := dxr.Resource.SetValue("status."+k, v); err != nil {
			return errors.Wrapf(err, "cannot set status.%s of the composite", k)
		}
	}
	return errors.Wrap(response.SetDesiredCompositeResource(rsp, dxr), "cannot set the desired composite resource")
}
