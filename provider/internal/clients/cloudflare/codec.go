package cloudflare

import (
	"encoding/json"
	"maps"
	"reflect"
	"strings"
	"sync"

	"github.com/cloudflare/cloudflare-go/v4/option"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

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
	env, err := fetch[T](c, opts...)
	if err != nil {
		return err
	}
	*out = env.Result
	return nil
}

// fetch sends one request and decodes its whole envelope.
func fetch[T any](c call, opts ...option.RequestOption) (envelope[T], error) {
	var body []byte
	env := envelope[T]{}
	if err := c(append(opts, option.WithResponseBodyInto(&body))...); err != nil {
		return env, err
	}
	return env, errors.Wrap(json.Unmarshal(body, &env), "cannot decode Cloudflare API response")
}

// send sends one request and ignores its result.
func send(c call) error {
	var body []byte
	return c(option.WithResponseBodyInto(&body))
}

// doJSON sends one request with v, unless it is nil, encoded as JSON as its
// body in place of the SDK's typed parameters, which know only some of the
// fields we write, and decodes its result into out.
func doJSON[T any](c call, v any, out *T) error {
	if v == nil {
		return do(c, out)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return errors.Wrap(err, "cannot encode Cloudflare API request")
	}
	return do(c, out, option.WithRequestBody("application/json", b))
}

// encodeWithExtra encodes fields, a struct, as a JSON object that also holds
// the keys of extra that fields does not set.
func encodeWithExtra(fields any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(fields)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	out := maps.Clone(extra)
	maps.Copy(out, m)
	return json.Marshal(out)
}

// decodeKnown decodes each key of the JSON object b that names a field of
// the struct dst points to into that field, and returns the other keys, and
// the keys whose value does not fit the field, as they were.
func decodeKnown(b []byte, dst any) (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	idx := jsonFields(t)
	var extra map[string]json.RawMessage
	for k, raw := range m {
		if i, ok := idx[k]; ok {
			p := reflect.New(t.Field(i).Type)
			if json.Unmarshal(raw, p.Interface()) == nil {
				v.Field(i).Set(p.Elem())
				continue
			}
		}
		if extra == nil {
			extra = map[string]json.RawMessage{}
		}
		extra[k] = raw
	}
	return extra, nil
}

// fieldIndex caches jsonFields per struct type.
var fieldIndex sync.Map

// jsonFields maps the JSON names of t's fields to their index.
func jsonFields(t reflect.Type) map[string]int {
	if idx, ok := fieldIndex.Load(t); ok {
		m, _ := idx.(map[string]int)
		return m
	}
	idx := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			idx[name] = i
		}
	}
	fieldIndex.Store(t, idx)
	return idx
}
