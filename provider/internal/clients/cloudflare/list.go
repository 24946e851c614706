package cloudflare

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/cloudflare/cloudflare-go/v4/option"
)

// maxPages stops a list from a server that never says it is done.
const maxPages = 1000

// listAll reads every page of a list and decodes each item. The SDK's
// auto-paging drops the caller's context after the first page, and its
// single-page lists (all of Access) never read a second page, so the client
// pages itself: it stops at total_pages when the server sends it, else at the
// first short page, and always at a page that adds nothing new (a server that
// ignores paging).
func listAll[J any, T listed](c call, perPage int, decode func(J) T) ([]T, error) {
	seen := map[string]bool{}
	var out []T
	for page := 1; page <= maxPages; page++ {
		env, err := fetch[[]J](c,
			option.WithQuery("page", strconv.Itoa(page)),
			option.WithQuery("per_page", strconv.Itoa(perPage)),
		)
		if err != nil {
			return nil, err
		}
		added := 0
		for _, raw := range env.Result {
			it := decode(raw)
			if seen[it.id()] {
				continue
			}
			seen[it.id()] = true
			out = append(out, it)
			added++
		}
		if added == 0 || !morePages(env.ResultInfo, page, len(env.Result), perPage) {
			break
		}
	}
	return out, nil
}

// asIs is the decode of items whose API form is the client's.
func asIs[T any](v T) T { return v }

func morePages(ri *resultInfo, page, n, perPage int) bool {
	if ri != nil && ri.TotalPages > 0 {
		return int64(page) < ri.TotalPages
	}
	if ri != nil && ri.PerPage > 0 {
		perPage = int(ri.PerPage)
	}
	return n >= perPage
}

// A listed is an item of a list, known by its ID.
type listed interface {
	id() string
}

// findByName returns the one item called name: a *NotFoundError when none
// is, an *AmbiguousError when more than one is.
func findByName[T listed](items []T, kind, name string, nameOf func(T) string) (T, error) {
	var zero T
	var found []T
	for _, it := range items {
		if nameOf(it) == name {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 0:
		return zero, &NotFoundError{Kind: kind, Name: name}
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, it := range found {
		ids[i] = it.id()
	}
	return zero, &AmbiguousError{Kind: kind, Name: name, IDs: ids}
}

// cacheWrite keeps the list cached under key in step with a write to the
// object whose ID is id; err is the write's outcome. A failed write that may
// still have been done drops the list. A done one takes the object out of
// the list and, when v is not nil, puts *v in its place.
func cacheWrite[T listed](c *cache[[]T], key, id string, v *T, err error) error {
	if err != nil {
		if mayHaveHappened(err) {
			c.invalidate(key)
		}
		return err
	}
	c.update(key, func(items []T) []T {
		out := slices.DeleteFunc(slices.Clone(items), func(x T) bool { return x.id() == id })
		if v != nil {
			out = append(out, *v)
		}
		return out
	})
	return nil
}

// cacheCreated adds an object a create returned to the list cached under
// key, or drops the list when the create failed but may have been done.
func cacheCreated[T any](c *cache[[]T], key string, v T, err error) error {
	if err != nil {
		if mayHaveHappened(err) {
			c.invalidate(key)
		}
		return err
	}
	c.update(key, func(items []T) []T { return append(slices.Clone(items), v) })
	return nil
}

// mayHaveHappened reports whether a write that failed with err may still
// have been done, or shows the cached list to be out of date: anything but
// Cloudflare refusing it with a 4xx, which it does before changing anything.
// A 409 says that something the list does not show is in the way.
func mayHaveHappened(err error) bool {
	if IsRateLimited(err) {
		return false
	}
	e, ok := apiError(err)
	return !ok || e.StatusCode < http.StatusBadRequest || e.StatusCode >= http.StatusInternalServerError || e.StatusCode == http.StatusConflict
}
