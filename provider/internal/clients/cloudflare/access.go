package cloudflare

import (
	"context"
	"slices"

	"github.com/cloudflare/cloudflare-go/v4/option"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// accessPerPage is the page size of every Access list: one page for all but
// the largest accounts, so that a list costs one call however many routes
// there are. The API reference documents page and per_page for Access lists
// but no maximum; a server that caps it answers with its own per_page in
// result_info, and listAll reads the next pages.
const accessPerPage = 1000

// An accessKind is one kind of Access object of the account (applications,
// policies, groups, service tokens), which the client lists, caches as one
// list and writes by ID. It holds what differs from kind to kind: names, the
// SDK calls and the conversion from the API's form J to the client's T. Its
// methods are the reads and writes the kinds share; they return what the
// cache holds, which a caller copies before handing it out.
type accessKind[J any, T listed] struct {
	// kind and plural name the objects in messages.
	kind, plural string
	accountID    string
	nameOf       func(T) string
	decode       func(J) T
	cache        *cache[[]T]

	list, get, create, update, delete request
}

// A request is one SDK method, with the operation name its metrics carry.
type request struct {
	op   string
	send func(ctx context.Context, id string, opts ...option.RequestOption) error
}

// to is the call of r for the object id; id is ignored by a method on the
// whole collection.
func (r request) to(ctx context.Context, id string) call {
	ctx = withOperation(ctx, r.op)
	return func(opts ...option.RequestOption) error { return r.send(ctx, id, opts...) }
}

// with is r sending opts as well, after the SDK's own.
func (r request) with(opts ...option.RequestOption) request {
	send := r.send
	r.send = func(ctx context.Context, id string, more ...option.RequestOption) error {
		return send(ctx, id, append(slices.Clone(opts), more...)...)
	}
	return r
}

// byID adapts an SDK method on one object, such as Get(ctx, id, params), to
// a request.
func byID[P, R any](op string, method func(context.Context, string, P, ...option.RequestOption) (R, error), params P) request {
	return request{op: op, send: func(ctx context.Context, id string, opts ...option.RequestOption) error {
		_, err := method(ctx, id, params, opts...)
		return err
	}}
}

// onAll adapts an SDK method on a whole collection, such as List(ctx,
// params), to a request.
func onAll[P, R any](op string, method func(context.Context, P, ...option.RequestOption) (R, error), params P) request {
	return request{op: op, send: func(ctx context.Context, _ string, opts ...option.RequestOption) error {
		_, err := method(ctx, params, opts...)
		return err
	}}
}

// all returns the objects of the account, from the cache or read afresh.
func (k *accessKind[J, T]) all(ctx context.Context) ([]T, error) {
	ts, err := k.cache.get(ctx, k.accountID, func(ctx context.Context) ([]T, error) {
		return listAll(k.list.to(ctx, ""), accessPerPage, k.decode)
	})
	return ts, errors.Wrapf(err, "cannot list %s of account %q", k.plural, k.accountID)
}

// fresh returns the objects of the account read afresh, for a caller that
// must see an object someone else may have made since the cached read.
func (k *accessKind[J, T]) fresh(ctx context.Context) ([]T, error) {
	k.cache.invalidate(k.accountID)
	return k.all(ctx)
}

// find returns the object called name, from the cached list. Every write
// of this client updates that list, so it holds every object this process
// made; a caller that does not know whether an earlier create happened
// asks for a newer list with FreshSince.
func (k *accessKind[J, T]) find(ctx context.Context, name string) (T, error) {
	ts, err := k.all(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return findByName(ts, k.kind, name, k.nameOf)
}

// resolve returns the IDs of the objects called exactly names, in order,
// from the cached list, which it does not read when there are no names. A
// name no object has, or two have, is findByName's error.
func (k *accessKind[J, T]) resolve(ctx context.Context, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	ts, err := k.all(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(names))
	for i, n := range names {
		t, err := findByName(ts, k.kind, n, k.nameOf)
		if err != nil {
			return nil, err
		}
		ids[i] = t.id()
	}
	return ids, nil
}

// one returns the object, from the cached list if it is there, else from
// the API: an object missing from a stale list is asked for rather than
// reported as deleted.
func (k *accessKind[J, T]) one(ctx context.Context, id string) (T, error) {
	ts, err := k.all(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	for _, t := range ts {
		if t.id() == id {
			return t, nil
		}
	}
	var raw J
	err = do(k.get.to(ctx, id), &raw)
	return k.decode(raw), errors.Wrapf(err, "cannot get %s %q", k.kind, id)
}

// add sends the create request with body v, once, and adds what it returns
// to the cached list. label names the object in the error.
func (k *accessKind[J, T]) add(ctx context.Context, label string, v any) (J, error) {
	var raw J
	err := doJSON(k.create.to(ctx, ""), v, &raw)
	if err = cacheCreated(k.cache, k.accountID, k.decode(raw), err); err != nil {
		var zero J
		return zero, errors.Wrapf(err, "cannot create %s %q", k.kind, label)
	}
	return raw, nil
}

// write sends req for the object id, with body v unless it is nil, and puts
// what it returns in the cached list in place of the object. verb says what
// req does, for the error.
func (k *accessKind[J, T]) write(ctx context.Context, req request, verb, id string, v any) (J, error) {
	var raw J
	err := doJSON(req.to(ctx, id), v, &raw)
	t := k.decode(raw)
	if err = cacheWrite(k.cache, k.accountID, id, &t, err); err != nil {
		var zero J
		return zero, errors.Wrapf(err, "cannot %s %s %q", verb, k.kind, id)
	}
	return raw, nil
}

// remove deletes the object and drops it from the cached list. One already
// gone is not an error.
func (k *accessKind[J, T]) remove(ctx context.Context, id string) error {
	err := send(k.delete.to(ctx, id))
	if IsNotFound(err) {
		// Already gone, as the caller wants it.
		err = nil
	}
	return errors.Wrapf(cacheWrite(k.cache, k.accountID, id, nil, err), "cannot delete %s %q", k.kind, id)
}
