package cloudflare

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v4"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Cloudflare error codes that mean "not found" or "already exists" although
// the HTTP status says 400.
var (
	// 7003: "Could not route to /zones/<id>/…, perhaps your object
	// identifier is invalid?" — the zone or object ID does not exist.
	notFoundCodes = []int64{7003}
	// 81053: an A, AAAA or CNAME record with that host already exists;
	// 81054: a CNAME record with that host already exists; 81057: the
	// record already exists; 81058: an identical record already exists;
	// 81056: NS records with that host already exist (an NS record stands
	// alone on its name).
	conflictCodes = []int64{81053, 81054, 81056, 81057, 81058}
)

// IsNotFound reports whether err says that the object does not exist in
// Cloudflare: an HTTP 404, a Cloudflare "invalid object identifier" error, or
// a name that resolves to nothing.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return true
	}
	e, ok := apiError(err)
	return ok && (e.StatusCode == http.StatusNotFound || hasCode(e, notFoundCodes))
}

// IsConflict reports whether err says that the object clashes with one that
// already exists: an HTTP 409, a Cloudflare "record already exists" error, an
// object that exists but belongs to someone else, a name that matches more
// than one object, or a tunnel configuration that kept changing under us.
func IsConflict(err error) bool {
	var no *NotOwnedError
	var amb *AmbiguousError
	var cw *ConcurrentWriteError
	if errors.As(err, &no) || errors.As(err, &amb) || errors.As(err, &cw) {
		return true
	}
	e, ok := apiError(err)
	return ok && (e.StatusCode == http.StatusConflict || hasCode(e, conflictCodes))
}

// IsRateLimited reports whether err is Cloudflare's HTTP 429 or this client
// refusing to wait longer than its maximum for the shared request budget.
func IsRateLimited(err error) bool {
	var rl *RateLimitedError
	if errors.As(err, &rl) {
		return true
	}
	e, ok := apiError(err)
	return ok && e.StatusCode == http.StatusTooManyRequests
}

// IsAuth reports whether Cloudflare rejected the API token: HTTP 401 (not a
// valid token) or 403 (the token lacks a permission).
func IsAuth(err error) bool {
	e, ok := apiError(err)
	return ok && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

func apiError(err error) (*cf.Error, bool) {
	var e *cf.Error
	if !errors.As(err, &e) {
		return nil, false
	}
	return e, true
}

// hasCode reports whether any of e's errors, or any cause in their
// error_chain, has one of the codes.
func hasCode(e *cf.Error, codes []int64) bool {
	for _, d := range e.Errors {
		if slices.Contains(codes, d.Code) {
			return true
		}
	}
	for _, d := range errorBody(e) {
		found := false
		d.walk(func(c errorEntry) bool {
			found = slices.Contains(codes, c.Code)
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// An errorEntry is one entry of a Cloudflare envelope's errors, with the
// error_chain that cloudflare-go v4.6.0's shared.ErrorData does not decode.
// DNS validation errors come as code 1004 "DNS Validation Error" with the
// specific cause, such as 9313 for a comment that is too long, in the chain.
type errorEntry struct {
	Code       int64        `json:"code"`
	Message    string       `json:"message"`
	ErrorChain []errorEntry `json:"error_chain"`
}

// walk calls f on the entry's chain, depth first, until f returns false.
func (d errorEntry) walk(f func(errorEntry) bool) bool {
	for _, c := range d.ErrorChain {
		if !f(c) || !c.walk(f) {
			return false
		}
	}
	return true
}

// errorBody decodes the errors of the raw body the SDK keeps with e. It
// returns nil when the body is not a Cloudflare envelope.
func errorBody(e *cf.Error) []errorEntry {
	var env struct {
		Errors []errorEntry `json:"errors"`
	}
	if json.Unmarshal([]byte(e.JSON.RawJSON()), &env) != nil {
		return nil
	}
	return env.Errors
}

// ErrorCause returns the most specific Cloudflare error behind err: the
// innermost cause in the first error's error_chain when it has one, such as
// 9313 for a DNS record comment that is too long rather than the 1004 "DNS
// Validation Error" around it; otherwise the first error itself. ok is false
// when err is not a Cloudflare API error with an error code.
func ErrorCause(err error) (code int64, message string, ok bool) {
	e, isAPI := apiError(err)
	if !isAPI {
		return 0, "", false
	}
	if body := errorBody(e); len(body) > 0 {
		d := body[0]
		for len(d.ErrorChain) > 0 {
			d = d.ErrorChain[0]
		}
		return d.Code, d.Message, true
	}
	if len(e.Errors) > 0 {
		return e.Errors[0].Code, e.Errors[0].Message, true
	}
	return 0, "", false
}

// ErrorCauseMessage returns ErrorCause as "<code>: <message>", such as
// "9313: DNS record comment is too long", for a condition a person reads;
// "" when err is not a Cloudflare API error with an error code.
func ErrorCauseMessage(err error) string {
	code, msg, ok := ErrorCause(err)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d: %s", code, msg)
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 {
			return 0, true
		}
		return time.Duration(s * float64(time.Second)), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// A NotFoundError says that a name or hostname matches no object in
// Cloudflare. IsNotFound is true for it.
type NotFoundError struct {
	// Kind of object looked for, for example "Access group".
	Kind string
	// Name looked for.
	Name string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s %q not found", e.Kind, e.Name)
}

// An AmbiguousError says that a name matches more than one object, so it
// cannot be resolved to one ID. IsConflict is true for it, never IsNotFound:
// a caller that creates what it cannot find must not create a third.
type AmbiguousError struct {
	// Kind of object looked for, for example "Access policy".
	Kind string
	// Name looked for.
	Name string
	// IDs of the objects the name matches.
	IDs []string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%s name %q is ambiguous: %d objects have it", e.Kind, e.Name, len(e.IDs))
}

// A NotOwnedError says that an object exists in Cloudflare where we would
// create ours, but carries no cfzt ownership marker or another owner's. Such
// an object is never adopted, changed or deleted. IsConflict is true for it.
type NotOwnedError struct {
	// Kind of object, for example "DNS record".
	Kind string
	// Name of the object, for example the record's hostname.
	Name string
	// ID of the object in Cloudflare.
	ID string
	// Owner named by the object's marker, empty when it has none.
	Owner string
}

func (e *NotOwnedError) Error() string {
	if e.Owner == "" {
		return fmt.Sprintf("%s %q already exists in Cloudflare and is not managed by cfzt", e.Kind, e.Name)
	}
	return fmt.Sprintf("%s %q already exists in Cloudflare and belongs to %q", e.Kind, e.Name, e.Owner)
}

// A RateLimitedError says that the shared request budget is paused, or
// booked, for longer than the client may block a caller. No request was sent.
// IsRateLimited is true for it.
type RateLimitedError struct {
	// RetryAfter is how long until the budget has room again.
	RetryAfter time.Duration
}

// Error does not include the delay, so that a condition built from it stays
// the same from one reconcile to the next.
func (e *RateLimitedError) Error() string {
	return "Cloudflare API rate limit reached: requests for this account are paused"
}

// A ConcurrentWriteError says that a tunnel configuration was changed by
// another writer each time we wrote it, so our change could not be verified.
// IsConflict is true for it.
type ConcurrentWriteError struct {
	// TunnelID of the configuration.
	TunnelID string
	// Attempts made.
	Attempts int
}

func (e *ConcurrentWriteError) Error() string {
	return fmt.Sprintf("tunnel %q configuration was changed by another writer during each of %d attempts", e.TunnelID, e.Attempts)
}
