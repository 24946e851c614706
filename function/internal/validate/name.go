// Package validate checks single setting values. Each check returns an error
// that says what is wrong with the value and what a valid one looks like; the
// caller adds where the value came from.
package validate

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/crossplane/function-sdk-go/errors"
)

const (
	maxHostnameLength = 253
	maxLabelLength    = 63
)

// Hostname checks that s is a fully qualified, lowercase DNS name of at least
// two labels, as Cloudflare expects for a tunnel hostname or DNS record.
func Hostname(s string) error {
	const want = "use a lowercase DNS name such as app.example.com"
	switch {
	case s == "":
		return errors.New("must not be empty; " + want)
	case len(s) > maxHostnameLength:
		return errors.Errorf("is %d characters long, more than the %d a DNS name allows", len(s), maxHostnameLength)
	case strings.ToLower(s) != s:
		return errors.New("must be lowercase; " + want)
	case strings.HasSuffix(s, "."):
		return errors.New("must not end with a dot; " + want)
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return errors.New("must have at least two labels; " + want)
	}
	for _, l := range labels {
		if len(l) > maxLabelLength {
			return errors.Errorf("has label %q of %d characters, more than the %d a DNS label allows", l, len(l), maxLabelLength)
		}
		if !isDNSLabel(l) {
			return errors.Errorf("has invalid label %q: labels hold only a-z, 0-9 and '-', and neither start nor end with '-'; %s", l, want)
		}
	}
	return nil
}

func isDNSLabel(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range l {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// ObjectName checks that s can name a Kubernetes object, such as a Tenant or
// Template, and fits in a label value, where the state ConfigMap records it.
func ObjectName(s string) error {
	if errs := validation.IsDNS1123Subdomain(s); len(errs) > 0 {
		return errors.Errorf("is not a Kubernetes object name: %s", strings.Join(errs, "; "))
	}
	return nil
}

// LabelValue checks that s fits in a Kubernetes label value. Routes and
// Tenants are recorded in labels of the objects composed for them.
func LabelValue(s string) error {
	if errs := validation.IsValidLabelValue(s); len(errs) > 0 {
		return errors.Errorf("cannot be used as a label value: %s", strings.Join(errs, "; "))
	}
	return nil
}
