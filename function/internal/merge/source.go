package merge

import (
	"fmt"

	"github.com/crossplane/function-sdk-go/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// A source names where a setting's value came from, so that an error points
// the user at what to change.
type source string

// builtIn is the source of a setting nothing else set.
const builtIn source = "the built-in default"

// backendRef is the source of an origin derived from the route.
const backendRef source = "the route's first backendRef"

func annotation(key string) source {
	return source("annotation " + key)
}

func templateField(t *v1alpha1.CloudflareZeroTrustTemplate, path string) source {
	return source(fmt.Sprintf("CloudflareZeroTrustTemplate %s/%s field %s", t.GetNamespace(), t.GetName(), path))
}

func tenantField(t *v1alpha1.CloudflareZeroTrustTenant, path string) source {
	return source(fmt.Sprintf("CloudflareZeroTrustTenant %s/%s field %s", t.GetNamespace(), t.GetName(), path))
}

// A value is a merged setting and where it came from.
type value[T any] struct {
	v    T
	from source
}

// invalid explains that the value v from a source is wrong. err says what is
// wrong with it and what to use instead.
func invalid(from source, v any, err error) error {
	if s, ok := v.(string); ok {
		return errors.Errorf("cannot use %s: %q %w", from, s, err)
	}
	return errors.Errorf("cannot use %s: %v %w", from, v, err)
}
