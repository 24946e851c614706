package managedctrl

import (
	"context"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
)

// The helpers below serve the kinds whose external name is the Cloudflare ID
// of their object and whose object has a name of our own making: Access
// applications, Access policies and service tokens.

// Get reads with get the object whose ID is mg's external name. found is
// false, with no error, when mg has no external name yet or the object is
// gone, so that Create finds ours or makes one. what names the kind of
// object in errors, for example "Access policy".
func Get[O any](ctx context.Context, mg resource.Managed, what string, get func(ctx context.Context, id string) (O, error)) (o O, found bool, err error) {
	id := meta.GetExternalName(mg)
	if id == "" {
		return o, false, nil
	}
	o, err = get(ctx, id)
	if cloudflare.IsNotFound(err) {
		var none O
		return none, false, nil
	}
	if err != nil {
		return o, false, errors.Wrapf(err, "cannot get %s %q", what, id)
	}
	return o, true, nil
}

// FindOrCreate returns our object that find finds, which a create whose
// reply was lost may have made, or, only when find reports that there is
// none, the one create makes. created says which. A find that fails in any
// other way, such as an object of someone else in the way, is returned
// without creating: a create must never happen twice, nor take the place of
// a foreign object.
func FindOrCreate[O any](ctx context.Context, find, create func(ctx context.Context) (O, error)) (o O, created bool, err error) {
	o, err = find(ctx)
	if err == nil || !cloudflare.IsNotFound(err) {
		return o, false, err
	}
	o, err = create(ctx)
	return o, err == nil, err
}

// Delete marks mg as deleting and deletes with del the object whose ID is
// mg's external name. Without an external name there is nothing to delete,
// and an object already gone is not an error. A failed delete is returned
// with format, which has one %q for the ID.
func Delete(ctx context.Context, mg resource.Managed, del func(ctx context.Context, id string) error, format string) (managed.ExternalDelete, error) {
	mg.SetConditions(xpv2.Deleting())
	id := meta.GetExternalName(mg)
	if id == "" {
		return managed.ExternalDelete{}, nil
	}
	if err := del(ctx, id); err != nil && !cloudflare.IsNotFound(err) {
		return managed.ExternalDelete{}, errors.Wrapf(err, format, id)
	}
	return managed.ExternalDelete{}, nil
}
