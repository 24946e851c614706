package httproute

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/test"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestLookupInputs(t *testing.T) {
	annotations := map[string]string{
		v1alpha1.AnnotationTenant:   "home",
		v1alpha1.AnnotationTemplate: "protected",
	}
	type want struct {
		tenant, template, base string // Namespaces where they were found.
		err                    error
	}
	where := func(in Inputs) want {
		w := want{}
		if in.Tenant != nil {
			w.tenant = in.Tenant.GetNamespace()
		}
		if in.Template != nil {
			w.template = in.Template.GetNamespace()
		}
		if in.BaseTemplate != nil {
			w.base = in.BaseTemplate.GetNamespace()
		}
		return w
	}

	cases := map[string]struct {
		reason string
		kube   client.Reader
		want   want
	}{
		"OperatorNamespace": {
			reason: "Shared Tenants and Templates are found in the operator namespace.",
			kube: newFakeClient(nil, tenant(opNS, "home"), template(opNS, "protected", "8h"),
				template(opNS, "base-home", "24h")),
			want: want{tenant: opNS, template: opNS, base: opNS},
		},
		"RouteNamespaceFirst": {
			reason: "A Tenant or Template in the route's namespace wins over the operator namespace's.",
			kube: newFakeClient(nil, tenant(opNS, "home"), tenant(appNS, "home"),
				template(opNS, "protected", "8h"), template(appNS, "protected", "1h")),
			want: want{tenant: appNS, template: appNS},
		},
		"OtherNamespaceIgnored": {
			reason: "A Tenant in another application namespace is never used.",
			kube:   newFakeClient(nil, tenant(otherNS, "home"), template(otherNS, "protected", "8h")),
			want:   want{},
		},
		"GetError": {
			reason: "An error reading a Tenant is returned.",
			kube:   &test.MockClient{MockGet: test.NewMockGetFn(errBoom)},
			want:   want{err: errBoom},
		},
		"NotFoundIsAbsent": {
			reason: "A missing Template is absent, not an error.",
			kube: &test.MockClient{MockGet: test.NewMockGetFn(
				kerrors.NewNotFound(schema.GroupResource{Resource: "x"}, "x"))},
			want: want{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in, err := lookup{kube: tc.kube, operatorNamespace: opNS}.inputs(t.Context(), appNS, annotations)
			got := where(in)
			got.err = err
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{}), cmpopts.EquateErrors()); diff != "" {
				t.Errorf("%s\ninputs(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestInputsHash(t *testing.T) {
	base := Inputs{
		Tenant:       tenant(opNS, "home"),
		TemplateName: "protected",
		Template:     template(opNS, "protected", "8h"),
		BaseName:     "base-home",
		BaseTemplate: template(opNS, "base-home", "24h"),
	}
	with := func(f func(in *Inputs)) Inputs {
		in := base
		in.Tenant = base.Tenant.DeepCopy()
		in.Template = base.Template.DeepCopy()
		in.BaseTemplate = base.BaseTemplate.DeepCopy()
		f(&in)
		return in
	}

	cases := map[string]struct {
		reason string
		in     Inputs
		same   bool
	}{
		"TenantStatus": {
			reason: "A Tenant status update does not re-render.",
			in: with(func(in *Inputs) {
				in.Tenant.Status.ObservedGeneration = 7
				in.Tenant.SetLabels(map[string]string{"team": "a"})
				in.Tenant.SetResourceVersion("42")
			}),
			same: true,
		},
		"TenantSpec": {
			reason: "A change of the Tenant's spec re-renders.",
			in:     with(func(in *Inputs) { in.Tenant.Spec.TunnelID = "11111111-2222-3333-4444-555555555555" }),
			same:   false,
		},
		"TemplateSpec": {
			reason: "A change of the route's template re-renders.",
			in:     with(func(in *Inputs) { in.Template.Spec.AccessApplication.SessionDuration = "1h" }),
			same:   false,
		},
		"BaseSpec": {
			reason: "A change of the tenant's base template re-renders.",
			in:     with(func(in *Inputs) { in.BaseTemplate.Spec.AccessApplication.SessionDuration = "1h" }),
			same:   false,
		},
		"TemplateAppears": {
			reason: "A template that did not exist and appears re-renders.",
			in:     with(func(in *Inputs) { in.BaseTemplate = nil }),
			same:   false,
		},
		"TemplateMoves": {
			reason: "The same template found in another namespace re-renders: it is another object.",
			in:     with(func(in *Inputs) { in.Template.SetNamespace(appNS) }),
			same:   false,
		},
	}
	want, err := base.Hash()
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := tc.in.Hash()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.same, got == want); diff != "" {
				t.Errorf("%s\nHash() == base hash: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestInputsDeprecated(t *testing.T) {
	redirect := template(opNS, "protected", "8h")
	redirect.Spec.OriginService = &v1alpha1.OriginService{HTTPRedirect: new(true)} //nolint:staticcheck // SA1019: the deprecated field is set on purpose.
	tenantRef := template(appNS, "base-home", "8h")
	tenantRef.Spec.TenantRef = "home" //nolint:staticcheck // SA1019: the deprecated field is set on purpose.

	cases := map[string]struct {
		reason string
		in     Inputs
		want   *event.Event
	}{
		"None": {
			reason: "Templates that set no deprecated field give no Warning.",
			in:     Inputs{Template: template(opNS, "protected", "8h"), BaseTemplate: template(opNS, "base-home", "8h")},
		},
		"NoTemplates": {
			reason: "A route without Templates gives no Warning.",
			in:     Inputs{},
		},
		"Both": {
			reason: "The Warning names each Template and the deprecated fields it sets.",
			in:     Inputs{Template: redirect, BaseTemplate: tenantRef},
			want: &event.Event{
				Type:   event.TypeWarning,
				Reason: ReasonDeprecatedField,
				Message: "CloudflareZeroTrustTemplate cloudflare-zero-trust/protected: spec.originService.httpRedirect has no effect: " +
					"HTTP to HTTPS redirection is a zone setting this project does not manage; " +
					"CloudflareZeroTrustTemplate app/base-home: spec.tenantRef has no effect: " +
					"the route's cfzt.cloudflare.com/tenant annotation names the tenant; remove these deprecated fields",
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.in.deprecated()); diff != "" {
				t.Errorf("%s\ndeprecated(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
