package merge

import (
	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/validate"
)

// A merger picks each setting from the first source that sets it: the
// route's annotation, then each template in order, then the built-in
// default. It keeps the first problem it finds, so that a merge reads as a
// list of settings and checks the error once.
type merger struct {
	annotations map[string]string
	hostname    string
	levels      []level
	err         error
}

// A level is one template of the merge chain.
type level struct {
	template *v1alpha1.CloudflareZeroTrustTemplate

	// spec is the template's spec with every nested struct present, so that
	// getters need no nil checks.
	spec v1alpha1.TemplateSpec
}

// newMerger returns a merger over the supplied annotations and templates, in
// precedence order. Nil templates are skipped.
func newMerger(annotations map[string]string, hostname string, templates ...*v1alpha1.CloudflareZeroTrustTemplate) *merger {
	m := &merger{annotations: annotations, hostname: hostname}
	for _, t := range templates {
		if t == nil {
			continue
		}
		m.levels = append(m.levels, level{template: t, spec: complete(t.Spec)})
	}
	return m
}

func complete(in v1alpha1.TemplateSpec) v1alpha1.TemplateSpec {
	s := *in.DeepCopy()
	if s.OriginService == nil {
		s.OriginService = &v1alpha1.OriginService{}
	}
	if s.OriginService.OriginTLS == nil {
		s.OriginService.OriginTLS = &v1alpha1.OriginTLS{}
	}
	if s.AccessApplication == nil {
		s.AccessApplication = &v1alpha1.AccessApplication{}
	}
	if s.ServiceToken == nil {
		s.ServiceToken = &v1alpha1.ServiceTokenSettings{}
	}
	if s.DNSOnly == nil {
		s.DNSOnly = &v1alpha1.DNSOnly{}
	}
	return s
}

// fail records err unless an earlier problem was recorded.
func (m *merger) fail(err error) {
	if m.err == nil {
		m.err = err
	}
}

// annotation returns the route's annotation key, and whether it is set. An
// empty key stands for a setting no annotation sets.
func (m *merger) annotation(key string) (string, bool) {
	if key == "" {
		return "", false
	}
	v := m.annotations[key]
	return v, v != ""
}

// text picks a string setting. Template strings have {{ hostname }} expanded.
func (m *merger) text(key, path string, get func(*v1alpha1.TemplateSpec) string, def string) value[string] {
	if v, ok := m.annotation(key); ok {
		return value[string]{v: v, from: annotation(key)}
	}
	for _, l := range m.levels {
		if v := get(&l.spec); v != "" {
			return value[string]{v: expand(v, m.hostname), from: templateField(l.template, path)}
		}
	}
	return value[string]{v: def, from: builtIn}
}

// flag picks a boolean setting. An annotation must be "true" or "false".
func (m *merger) flag(key, path string, get func(*v1alpha1.TemplateSpec) *bool, def bool) value[bool] {
	if v, ok := m.annotation(key); ok {
		b, err := validate.Bool(v)
		if err != nil {
			m.fail(invalid(annotation(key), v, err))
		}
		return value[bool]{v: b, from: annotation(key)}
	}
	for _, l := range m.levels {
		if p := get(&l.spec); p != nil {
			return value[bool]{v: *p, from: templateField(l.template, path)}
		}
	}
	return value[bool]{v: def, from: builtIn}
}

// list picks a list setting; an annotation sets it as a comma separated
// list. A list with no items after trimming does not count as set.
func (m *merger) list(key, path string, get func(*v1alpha1.TemplateSpec) []string) value[[]string] {
	if v, ok := m.annotation(key); ok {
		if l := splitList(v); l != nil {
			return value[[]string]{v: l, from: annotation(key)}
		}
	}
	for _, l := range m.levels {
		items := get(&l.spec)
		expanded := make([]string, len(items))
		for i := range items {
			expanded[i] = expand(items[i], m.hostname)
		}
		if c := cleanList(expanded); c != nil {
			return value[[]string]{v: c, from: templateField(l.template, path)}
		}
	}
	return value[[]string]{from: builtIn}
}

// number picks an integer setting, which only templates set.
func (m *merger) number(path string, get func(*v1alpha1.TemplateSpec) *int64, def int64) value[int64] {
	for _, l := range m.levels {
		if p := get(&l.spec); p != nil {
			return value[int64]{v: *p, from: templateField(l.template, path)}
		}
	}
	return value[int64]{v: def, from: builtIn}
}

// check records a problem when a non-empty string value fails fn.
func (m *merger) check(v value[string], fn func(string) error) {
	if v.v == "" {
		return
	}
	if err := fn(v.v); err != nil {
		m.fail(invalid(v.from, v.v, err))
	}
}

// checkEach records a problem when an item of a list value fails fn.
func (m *merger) checkEach(v value[[]string], fn func(string) error) {
	for _, i := range v.v {
		m.check(value[string]{v: i, from: v.from}, fn)
	}
}

// checkNumber records a problem when a number value fails fn.
func (m *merger) checkNumber(v value[int64], fn func(int64) error) {
	if err := fn(v.v); err != nil {
		m.fail(invalid(v.from, v.v, err))
	}
}
