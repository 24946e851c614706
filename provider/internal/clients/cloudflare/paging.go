package cloudflare

import (
	"encoding/json"
	"strconv"

	"github.com/cloudflare/cloudflare-go/v4/option"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// maxPages stops a list from a server that never says it is done.
const maxPages = 1000

// An envelope is Cloudflare's response wrapper. The client decodes results
// into its own small types rather than the SDK's response unions, so that
// nothing the SDK does not model is lost or mis-decoded.
type envelope[T any] struct {
	Result     T           `json:"result"`
	ResultInfo *resultInfo `json:"result_info"`
}

type resultInfo struct {
	Page       int64 `json:"page"`
	PerPage    int64 `json:"per_page"`
	TotalPages int64 `json:"total_pages"`
}

// call sends one request through the SDK with the given extra options; the
// caller passes them on to the SDK method.
type call func(opts ...option.RequestOption) error

// do sends one request and decodes its result into out.
func do[T any](c call, out *T, opts ...option.RequestOption) error {
	var body []byte
	if err := c(append(opts, option.WithResponseBodyInto(&body))...); err != nil {
		return err
	}
	env := envelope[T]{}
	if err := json.Unmarshal(body, &env); err != nil {
		return errors.Wrap(err, "cannot decode Cloudflare API response")
	}
	*out = env.Result
	return nil
}

// send sends one request and ignores its result.
func send(c call) error {
	var body []byte
	return c(option.WithResponseBodyInto(&body))
}

// listAll reads every page of a list. The SDK's auto-paging drops the
// caller's context after the first page, and its single-page lists (all of
// Access) never read a second page, so the client pages itself: it stops at
// total_pages when the server sends it, else at the first short page, and
// always at a page that adds nothing new (a server that ignores paging).
func listAll[T any](c call, perPage int, id func(T) string) ([]T, error) {
	seen := map[string]bool{}
	var out []T
	for page := 1; page <= maxPages; page++ {
		var body []byte
		err := c(
			option.WithQuery("page", strconv.Itoa(page)),
			option.WithQuery("per_page", strconv.Itoa(perPage)),
			option.WithResponseBodyInto(&body),
		)
		if err != nil {
			return nil, err
		}
		env := envelope[[]T]{}
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, errors.Wrap(err, "cannot decode Cloudflare API response")
		}
		added := 0
		for _, it := range env.Result {
			k := id(it)
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, it)
			added++
		}
		if added == 0 || !morePages(env.ResultInfo, page, len(env.Result), perPage) {
			break
		}
	}
	return out, nil
}

func morePages(ri *resultInfo, page, n, perPage int) bool {
	if ri != nil && ri.TotalPages > 0 {
		return int64(page) < ri.TotalPages
	}
	if ri != nil && ri.PerPage > 0 {
		perPage = int(ri.PerPage)
	}
	return n >= perPage
}
