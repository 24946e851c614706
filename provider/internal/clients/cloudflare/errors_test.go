package cloudflare

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/shared"
	"github.com/google/go-cmp/cmp"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

func apiErr(status int, codes ...int64) error {
	e := &cf.Error{StatusCode: status, Response: &http.Response{StatusCode: status, Header: http.Header{}}}
	for _, c := range codes {
		e.Errors = append(e.Errors, shared.ErrorData{Code: c})
	}
	return errors.Wrap(e, "cannot do something")
}

// apiBody returns the SDK's error for a response with status and body, as
// cloudflare-go v4.6.0 decodes it: the codes of errors[], and the raw body.
func apiBody(t *testing.T, status int, body string) error {
	t.Helper()
	e := &cf.Error{}
	if err := e.UnmarshalJSON([]byte(body)); err != nil {
		t.Fatalf("cannot decode %q: %v", body, err)
	}
	e.StatusCode = status
	e.Response = &http.Response{StatusCode: status, Header: http.Header{}}
	return errors.Wrap(e, "cannot do something")
}

// dnsValidationBody is a DNS validation error as Cloudflare sends it: 1004
// with the cause in error_chain (external-dns#3706).
func dnsValidationBody(code int, message string) string {
	return fmt.Sprintf(`{"success":false,"errors":[{"code":1004,"message":"DNS Validation Error","error_chain":[{"code":%d,"message":%q}]}],"messages":[],"result":null}`, code, message)
}

func TestClassify(t *testing.T) {
	type want struct {
		notFound, conflict, rateLimited, auth bool
	}
	cases := map[string]struct {
		reason string
		err    error
		want   want
	}{
		"Nil": {
			reason: "No error is no class.",
		},
		"Plain": {
			reason: "An error that is not Cloudflare's is no class.",
			err:    errBoom,
		},
		"404": {
			reason: "An HTTP 404, wrapped, is not found.",
			err:    apiErr(http.StatusNotFound),
			want:   want{notFound: true},
		},
		"InvalidIdentifier": {
			reason: "Cloudflare's 7003 'perhaps your object identifier is invalid' with status 400 is not found.",
			err:    apiErr(http.StatusBadRequest, 7003),
			want:   want{notFound: true},
		},
		"NameNotFound": {
			reason: "A name that resolves to nothing is not found.",
			err:    errors.Wrap(&NotFoundError{Kind: "Access group", Name: "admins"}, "cannot resolve"),
			want:   want{notFound: true},
		},
		"409": {
			reason: "An HTTP 409 is a conflict.",
			err:    apiErr(http.StatusConflict),
			want:   want{conflict: true},
		},
		"RecordExists": {
			reason: "Cloudflare's 'record with that host already exists' with status 400 is a conflict.",
			err:    apiErr(http.StatusBadRequest, 9000, 81053),
			want:   want{conflict: true},
		},
		"NSRecordExists": {
			reason: "Cloudflare's 81056 'NS records with that host already exist.' is a conflict (cloudflare-docs existing-ns-record).",
			err:    apiBody(t, http.StatusBadRequest, `{"success":false,"errors":[{"code":81056,"message":"NS records with that host already exist."}],"messages":[],"result":null}`),
			want:   want{conflict: true},
		},
		"ConflictInChain": {
			reason: "A conflict code inside error_chain counts, although the SDK decodes only the top-level 1004.",
			err:    apiBody(t, http.StatusBadRequest, dnsValidationBody(81053, "An A, AAAA, or CNAME record with that host already exists.")),
			want:   want{conflict: true},
		},
		"NotFoundInChain": {
			reason: "So does a not-found code inside error_chain.",
			err:    apiBody(t, http.StatusBadRequest, dnsValidationBody(7003, "Could not route to /zones/x")),
			want:   want{notFound: true},
		},
		"ValidationInChain": {
			reason: "A DNS validation error (9313 in the chain of 1004) is no class: retrying will not fix it.",
			err:    apiBody(t, http.StatusBadRequest, dnsValidationBody(9313, "comment too long")),
		},
		"NotOwned": {
			reason: "An object that exists but is not ours is a conflict.",
			err:    errors.Wrap(&NotOwnedError{Kind: "DNS record", Name: "a.example.com"}, "cannot create"),
			want:   want{conflict: true},
		},
		"Ambiguous": {
			reason: "A name two objects share is a conflict, never not found: a caller must not create a third.",
			err:    &AmbiguousError{Kind: "Access policy", Name: "p", IDs: []string{"1", "2"}},
			want:   want{conflict: true},
		},
		"ConcurrentWrite": {
			reason: "A tunnel configuration that kept changing is a conflict.",
			err:    &ConcurrentWriteError{TunnelID: testTunnel, Attempts: 5},
			want:   want{conflict: true},
		},
		"429": {
			reason: "An HTTP 429 is rate limited.",
			err:    apiErr(http.StatusTooManyRequests),
			want:   want{rateLimited: true},
		},
		"BudgetPaused": {
			reason: "The client refusing to wait is rate limited.",
			err:    fmt.Errorf("get: %w", &RateLimitedError{RetryAfter: time.Minute}),
			want:   want{rateLimited: true},
		},
		"401": {
			reason: "An invalid token is an auth error.",
			err:    apiErr(http.StatusUnauthorized, 1000),
			want:   want{auth: true},
		},
		"403": {
			reason: "A token without the permission is an auth error.",
			err:    apiErr(http.StatusForbidden, 10000),
			want:   want{auth: true},
		},
		"500": {
			reason: "A server error is no class.",
			err:    apiErr(http.StatusInternalServerError),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := want{notFound: IsNotFound(tc.err), conflict: IsConflict(tc.err), rateLimited: IsRateLimited(tc.err), auth: IsAuth(tc.err)}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestErrorCause(t *testing.T) {
	type want struct {
		code    int64
		message string
		ok      bool
		text    string
	}
	cases := map[string]struct {
		reason string
		err    error
		want   want
	}{
		"Nil": {
			reason: "No error has no cause.",
		},
		"Plain": {
			reason: "An error that is not Cloudflare's has no Cloudflare cause.",
			err:    errBoom,
		},
		"Chain": {
			reason: "A DNS validation error's cause is the code in its error_chain, not the 1004 around it.",
			err:    apiBody(t, http.StatusBadRequest, dnsValidationBody(9313, "comment too long")),
			want:   want{code: 9313, message: "comment too long", ok: true, text: "9313: comment too long"},
		},
		"NestedChain": {
			reason: "A chain inside a chain gives its innermost cause.",
			err: apiBody(t, http.StatusBadRequest, `{"success":false,"errors":[{"code":6003,"message":"Invalid request headers",`+
				`"error_chain":[{"code":6111,"message":"Invalid format for Authorization header","error_chain":[{"code":6112,"message":"inner"}]}]}],"messages":[],"result":null}`),
			want: want{code: 6112, message: "inner", ok: true, text: "6112: inner"},
		},
		"NoChain": {
			reason: "Without a chain the cause is the first error.",
			err:    apiBody(t, http.StatusBadRequest, `{"success":false,"errors":[{"code":81053,"message":"An A, AAAA, or CNAME record with that host already exists."}],"messages":[],"result":null}`),
			want: want{
				code: 81053, message: "An A, AAAA, or CNAME record with that host already exists.", ok: true,
				text: "81053: An A, AAAA, or CNAME record with that host already exists.",
			},
		},
		"NoRawBody": {
			reason: "An error whose raw body is gone still gives its decoded code.",
			err:    apiErr(http.StatusConflict, 11010),
			want:   want{code: 11010, ok: true, text: "11010: "},
		},
		"NoCode": {
			reason: "An API error without an error code has no cause.",
			err:    apiErr(http.StatusInternalServerError),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			code, message, ok := ErrorCause(tc.err)
			got := want{code: code, message: message, ok: ok, text: ErrorCauseMessage(tc.err)}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	type want struct {
		d  time.Duration
		ok bool
	}
	cases := map[string]struct {
		reason string
		v      string
		want   want
	}{
		"Empty":      {reason: "No header, no delay.", v: "", want: want{}},
		"Seconds":    {reason: "Delay-seconds are seconds.", v: "120", want: want{d: 2 * time.Minute, ok: true}},
		"Fraction":   {reason: "A fraction of a second is kept.", v: "0.5", want: want{d: 500 * time.Millisecond, ok: true}},
		"Negative":   {reason: "A negative delay means now.", v: "-3", want: want{d: 0, ok: true}},
		"Date":       {reason: "An HTTP date is the time until it.", v: "Fri, 02 Jan 2026 03:09:05 GMT", want: want{d: 5 * time.Minute, ok: true}},
		"PastDate":   {reason: "A date in the past means now.", v: "Fri, 02 Jan 2026 03:00:00 GMT", want: want{d: 0, ok: true}},
		"Unreadable": {reason: "Anything else is no delay.", v: "soon", want: want{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			d, ok := parseRetryAfter(tc.v, now)
			if diff := cmp.Diff(tc.want, want{d: d, ok: ok}, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestErrorsNeverHoldTheToken(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		fail(w, http.StatusForbidden, 10000, "Authentication error")
	})
	c, _, _ := newTestClient(t, srv.URL)
	_, err := c.GetTunnel(t.Context(), testTunnel)
	if !IsAuth(err) {
		t.Fatalf("GetTunnel(...): want an auth error, got %v", err)
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), Config{AccountID: testAccount, Token: testToken}.String(), fmt.Sprintf("%v %+v %#v %s", Config{Token: testToken}, Config{Token: testToken}, Config{Token: testToken}, &Config{Token: testToken})} {
		if strings.Contains(s, testToken) {
			t.Errorf("%q holds the API token", s)
		}
	}
}
