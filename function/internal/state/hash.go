// Package state records what was published for a route: the annotation hash
// of the operator this project replaces and the Cloudflare IDs read from the
// observed composed resources, for the state ConfigMap and the composite's
// status.
package state

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"

	"github.com/crossplane/function-sdk-go/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// HashInputs are what a route's annotation hash covers.
type HashInputs struct {
	// Annotations are the route's annotations; only input annotations count.
	Annotations map[string]string

	Tenant       *v1alpha1.TenantSpec
	Template     *v1alpha1.TemplateSpec
	BaseTemplate *v1alpha1.TemplateSpec
}

// Hash returns the hex SHA-256 of the route's input annotations and the specs
// of the Tenant and Templates it uses, as JSON with sorted keys. Like the
// annotation_hash of the operator this project replaces, it changes whenever
// anything the route is rendered from changes.
func Hash(in HashInputs) (string, error) {
	a := map[string]string{}
	for k, v := range in.Annotations {
		if slices.Contains(v1alpha1.InputAnnotations, k) {
			a[k] = v
		}
	}
	doc := map[string]any{"annotations": a}
	for key, spec := range map[string]any{
		"tenant":             in.Tenant,
		"per_route_template": in.Template,
		"base_template":      in.BaseTemplate,
	} {
		c, err := canonical(spec)
		if err != nil {
			return "", errors.Wrapf(err, "cannot hash the %s spec", key)
		}
		if c != nil {
			doc[key] = c
		}
	}
	// encoding/json writes map keys sorted, so the document is canonical.
	j, err := json.Marshal(doc)
	if err != nil {
		return "", errors.Wrap(err, "cannot hash the route's inputs")
	}
	sum := sha256.Sum256(j)
	return hex.EncodeToString(sum[:]), nil
}

// canonical returns v as generic JSON values, whose object keys encoding/json
// writes sorted, or nil for a nil pointer.
func canonical(v any) (any, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(j, &out)
	return out, err
}
