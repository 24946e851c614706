package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestMergerText(t *testing.T) {
	get := func(s *v1alpha1.TemplateSpec) string { return s.AccessApplication.SessionDuration }
	cases := map[string]struct {
		reason      string
		annotations map[string]string
		templates   []*v1alpha1.CloudflareZeroTrustTemplate
		want        value[string]
	}{
		"EmptyAnnotation": {
			reason:      "An empty annotation does not count as set.",
			annotations: map[string]string{v1alpha1.AnnotationAccessSessionDuration: ""},
			templates:   []*v1alpha1.CloudflareZeroTrustTemplate{template("base-home", func(s *v1alpha1.TemplateSpec) { accessApp(s).SessionDuration = "2h" })},
			want:        value[string]{v: "2h", from: "CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.accessApplication.sessionDuration"},
		},
		"NilTemplateSkipped": {
			reason:    "A missing template is skipped.",
			templates: []*v1alpha1.CloudflareZeroTrustTemplate{nil, template("base-home", func(s *v1alpha1.TemplateSpec) { accessApp(s).SessionDuration = "2h" })},
			want:      value[string]{v: "2h", from: "CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.accessApplication.sessionDuration"},
		},
		"TemplateWithoutSection": {
			reason:    "A template without the section falls through to the default.",
			templates: []*v1alpha1.CloudflareZeroTrustTemplate{template("protected")},
			want:      value[string]{v: "24h", from: builtIn},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := newMerger(tc.annotations, "app.example.com", tc.templates...)
			got := m.text(v1alpha1.AnnotationAccessSessionDuration, "spec.accessApplication.sessionDuration", get, "24h")
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(value[string]{})); diff != "" {
				t.Errorf("\n%s\ntext(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestMergerList(t *testing.T) {
	get := func(s *v1alpha1.TemplateSpec) []string { return s.AccessApplication.AllowGroups }
	cases := map[string]struct {
		reason      string
		annotations map[string]string
		templates   []*v1alpha1.CloudflareZeroTrustTemplate
		want        value[[]string]
	}{
		"BlankAnnotation": {
			reason:      "An annotation with no items does not count as set.",
			annotations: map[string]string{v1alpha1.AnnotationAccessAllowGroups: " , "},
			templates:   []*v1alpha1.CloudflareZeroTrustTemplate{template("base-home", func(s *v1alpha1.TemplateSpec) { accessApp(s).AllowGroups = []string{"ops"} })},
			want:        value[[]string]{v: []string{"ops"}, from: "CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.accessApplication.allowGroups"},
		},
		"BlankTemplateItems": {
			reason: "A template list of blank items does not count as set.",
			templates: []*v1alpha1.CloudflareZeroTrustTemplate{
				template("protected", func(s *v1alpha1.TemplateSpec) { accessApp(s).AllowGroups = []string{" ", ""} }),
				template("base-home", func(s *v1alpha1.TemplateSpec) { accessApp(s).AllowGroups = []string{"ops"} }),
			},
			want: value[[]string]{v: []string{"ops"}, from: "CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.accessApplication.allowGroups"},
		},
		"Expanded": {
			reason:    "Template list items have {{ hostname }} expanded.",
			templates: []*v1alpha1.CloudflareZeroTrustTemplate{template("protected", func(s *v1alpha1.TemplateSpec) { accessApp(s).AllowGroups = []string{"{{ hostname }}-users"} })},
			want:      value[[]string]{v: []string{"app.example.com-users"}, from: "CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.accessApplication.allowGroups"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := newMerger(tc.annotations, "app.example.com", tc.templates...)
			got := m.list(v1alpha1.AnnotationAccessAllowGroups, "spec.accessApplication.allowGroups", get)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(value[[]string]{})); diff != "" {
				t.Errorf("\n%s\nlist(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestMergerFirstProblem(t *testing.T) {
	m := newMerger(map[string]string{
		v1alpha1.AnnotationAccessEnabled:          "yes",
		v1alpha1.AnnotationAccessSkipInterstitial: "no",
	}, "app.example.com")
	get := func(*v1alpha1.TemplateSpec) *bool { return nil }
	m.flag(v1alpha1.AnnotationAccessEnabled, "", get, false)
	m.flag(v1alpha1.AnnotationAccessSkipInterstitial, "", get, false)
	want := `cannot use annotation cfzt.cloudflare.com/access.enabled: "yes" must be "true" or "false"`
	if diff := cmp.Diff(want, message(m.err)); diff != "" {
		t.Errorf("a merger keeps the first problem it finds: -want, +got:\n%s", diff)
	}
}
