package fakecloudflare

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
)

// Cloudflare error codes the fake answers with. Where Cloudflare's own code
// for a case is known the fake uses it; the others are in Cloudflare's style
// (at least 1000, as the schema requires).
const (
	codeInvalidRequest  = 1001
	codeInternal        = 1002
	codeRateLimited     = 971
	codeNotFound        = 7003
	codeAuthentication  = 10000
	codeInvalidToken    = 1000
	codeAccess          = 12130
	codeTunnelInvalid   = 1055
	codeDNSNotFound     = 81044
	codeDNSConflict     = 81053
	codeDNSIdenticalRec = 81058
)

// An apiError is a failure the fake answers with a 4xx or 5xx status and an
// envelope whose success is false. Chain is the entry's error_chain: the
// specific causes behind a general code, as DNS validation errors carry them.
type apiError struct {
	Status  int
	Code    int
	Message string
	Chain   []message
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s (code %d)", e.Status, e.Message, e.Code)
}

func errorf(status, code int, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func badRequest(code int, format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, code, format, args...)
}

func notFound(format string, args ...any) *apiError {
	return errorf(http.StatusNotFound, codeNotFound, format, args...)
}

// A message is one entry of an envelope's errors or messages. An error may
// carry an error_chain of the messages that caused it.
type message struct {
	Code       int       `json:"code"`
	Message    string    `json:"message"`
	ErrorChain []message `json:"error_chain,omitempty"`
}

// resultInfo is the paging information of a list.
type resultInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
	TotalPages int `json:"total_pages"`
}

// envelope is the body of every response under /client/v4.
type envelope struct {
	Success    bool        `json:"success"`
	Errors     []message   `json:"errors"`
	Messages   []message   `json:"messages"`
	Result     any         `json:"result"`
	ResultInfo *resultInfo `json:"result_info,omitempty"`
}

// A reply is what an operation answers when it succeeds.
type reply struct {
	status   int // 200 when zero
	result   any
	info     *resultInfo
	messages []message
	// writes is what a DNS batch wrote, for the request log.
	writes []Write
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		if b, err = json.Marshal(failure(&apiError{Status: status, Code: codeInternal, Message: err.Error()})); err != nil {
			http.Error(w, err.Error(), status)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func success(rep reply) envelope {
	msgs := rep.messages
	if msgs == nil {
		msgs = []message{}
	}
	return envelope{Success: true, Errors: []message{}, Messages: msgs, Result: rep.result, ResultInfo: rep.info}
}

func failure(e *apiError) envelope {
	return envelope{Success: false, Errors: []message{{Code: e.Code, Message: e.Message, ErrorChain: e.Chain}}, Messages: []message{}}
}

// A pager reads page and per_page from a query.
type pager struct {
	defaultPerPage int
	minPerPage     int
	maxPerPage     int
}

// paginate returns one page of items and its result_info. A page past the end
// is empty: the SDK's auto-pager stops only on an empty page.
func paginate[T any](items []T, q url.Values, p pager) ([]T, *resultInfo, error) {
	page, err := intParam(q, "page", 1, 1, math.MaxInt32)
	if err != nil {
		return nil, nil, err
	}
	perPage, err := intParam(q, "per_page", p.defaultPerPage, p.minPerPage, p.maxPerPage)
	if err != nil {
		return nil, nil, err
	}
	total := len(items)
	start := min((page-1)*perPage, total)
	end := min(start+perPage, total)
	out := items[start:end:end]
	if out == nil {
		out = []T{}
	}
	return out, &resultInfo{
		Page:       page,
		PerPage:    perPage,
		Count:      len(out),
		TotalCount: total,
		TotalPages: (total + perPage - 1) / perPage,
	}, nil
}

// pageReply answers a list with one page of items, each as render writes
// it.
func pageReply[T any](items []T, q url.Values, p pager, render func(T) map[string]any) (reply, error) {
	page, info, err := paginate(items, q, p)
	if err != nil {
		return reply{}, err
	}
	out := make([]map[string]any, 0, len(page))
	for _, v := range page {
		out = append(out, render(v))
	}
	return reply{result: out, info: info}, nil
}

// answer is the reply of a read: the object render writes, unless the read
// failed with err.
func answer(err error, render func() any) (reply, error) {
	if err != nil {
		return reply{}, err
	}
	return reply{result: render()}, nil
}

// intParam reads a whole number from a query; the SDK sends numbers such as
// page as floats.
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, badRequest(codeInvalidRequest, "%s must be a whole number from %d to %d, not %q", name, lo, hi, s)
	}
	return int(f), nil
}

// boolParam reads true or false from a query.
func boolParam(q url.Values, name string) (value, set bool, err error) {
	s := q.Get(name)
	if s == "" {
		return false, false, nil
	}
	b, perr := strconv.ParseBool(s)
	if perr != nil {
		return false, false, badRequest(codeInvalidRequest, "%s must be true or false, not %q", name, s)
	}
	return b, true, nil
}
