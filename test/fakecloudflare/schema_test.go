package fakecloudflare_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSchemaChecks shows that the checks the other tests rely on fail on a
// request or a response that does not match the schema.
func TestSchemaChecks(t *testing.T) {
	const envelope = `{"success":true,"errors":[],"messages":[],"result":[],"result_info":{"page":1,"per_page":20,"count":0,"total_count":0,"total_pages":0}}`
	type want struct {
		request  bool // the request is reported
		response bool // the response is reported
	}
	cases := map[string]struct {
		reason string
		method string
		path   string
		token  string
		body   string
		status int
		answer string
		want   want
	}{
		"Matches": {
			reason: "A request and a response that match the schema are not reported.",
			method: http.MethodGet, path: "/zones?name=example.com", token: "t",
			status: http.StatusOK, answer: envelope,
		},
		"UndeclaredQueryParameter": {
			reason: "A query parameter the operation does not declare is reported.",
			method: http.MethodGet, path: "/zones?bogus=1", token: "t",
			status: http.StatusOK, answer: envelope,
			want: want{request: true},
		},
		"ToleratedQueryParameterElsewhere": {
			reason: "A parameter tolerated on one operation (name.exact on the DNS list) is still reported on another.",
			method: http.MethodGet, path: "/zones?name.exact=example.com", token: "t",
			status: http.StatusOK, answer: envelope,
			want: want{request: true},
		},
		"NoToken": {
			reason: "A request without the credential the operation's security needs is reported.",
			method: http.MethodGet, path: "/zones",
			status: http.StatusOK, answer: envelope,
			want: want{request: true},
		},
		"UnknownPath": {
			reason: "A request for an operation the schema does not have is reported.",
			method: http.MethodGet, path: "/zones/c0000000000000000000000000000001/rulesets", token: "t",
			want: want{request: true},
		},
		"BadRequestBody": {
			reason: "A DNS record whose A content is not an IPv4 address is reported.",
			method: http.MethodPost, path: "/zones/c0000000000000000000000000000001/dns_records", token: "t",
			body:   `{"type":"A","name":"www.example.com","content":"not-an-ip"}`,
			status: http.StatusOK, answer: `{"success":true,"errors":[],"messages":[],"result":{}}`,
			want: want{request: true, response: true},
		},
		"MissingEnvelopeField": {
			reason: "A response without the envelope's errors is reported.",
			method: http.MethodGet, path: "/zones", token: "t",
			status: http.StatusOK, answer: `{"success":true,"messages":[],"result":[]}`,
			want: want{response: true},
		},
		"UndeclaredStatus": {
			reason: "A status the operation does not declare is reported.",
			method: http.MethodGet, path: "/zones", token: "t",
			status: http.StatusCreated, answer: envelope,
			want: want{response: true},
		},
		"FailureCodeBelow1000": {
			reason: "A 4xx whose error code is below Cloudflare's minimum of 1000 is reported.",
			method: http.MethodGet, path: "/zones", token: "t",
			status: http.StatusBadRequest, answer: `{"success":false,"errors":[{"code":972,"message":"no such code"}],"messages":[],"result":null}`,
			want: want{response: true},
		},
		"RateLimitCode971": {
			reason: "Cloudflare's rate limit code 971 is the one code below 1000 allowed (fundamentals/api/reference/limits).",
			method: http.MethodGet, path: "/zones", token: "t",
			status: http.StatusTooManyRequests, answer: `{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[],"result":null}`,
		},
		"ServerErrorWithoutEnvelope": {
			reason: "A 5xx is held to the failure envelope too.",
			method: http.MethodGet, path: "/zones", token: "t",
			status: http.StatusBadGateway, answer: `{"oops":true}`,
			want: want{response: true},
		},
		"TunnelRuleWithoutHostnameNotLast": {
			reason: "Only the last ingress rule may omit hostname.",
			method: http.MethodPut, path: "/accounts/0a1b2c3d4e5f60718293a4b5c6d7e8f9/cfd_tunnel/7e000000-0000-4000-8000-000000000001/configurations", token: "t",
			body:   `{"config":{"ingress":[{"service":"http://a"},{"service":"http_status:404"}]}}`,
			status: http.StatusBadRequest, answer: `{"success":false,"errors":[{"code":1055,"message":"no"}],"messages":[],"result":null}`,
			want: want{request: true},
		},
		"TunnelConfigurationResultShape": {
			reason: "A tunnel configuration result without a version is reported (the SDK's shape is required).",
			method: http.MethodGet, path: "/accounts/0a1b2c3d4e5f60718293a4b5c6d7e8f9/cfd_tunnel/7e000000-0000-4000-8000-000000000001/configurations", token: "t",
			status: http.StatusOK,
			answer: `{"success":true,"errors":[],"messages":[],"result":{"account_id":"a","tunnel_id":"7e000000-0000-4000-8000-000000000001","config":{},"source":"cloudflare","created_at":"2025-01-01T00:00:00Z"}}`,
			want:   want{response: true},
		},
	}
	v, err := loadValidator()
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = fmt.Fprint(w, tc.answer)
			}))
			defer srv.Close()
			var mu sync.Mutex
			var reports []string
			rt := &checkingTransport{v: v, next: http.DefaultTransport, errorf: func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				reports = append(reports, fmt.Sprintf(format, args...))
			}}
			req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.URL+"/client/v4"+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			if tc.status == 0 {
				tc.status = http.StatusNotFound
				tc.answer = `{}`
			}
			res, err := (&http.Client{Transport: rt}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = res.Body.Close()
			got := want{}
			for _, r := range reports {
				got.request = got.request || strings.HasPrefix(r, "request ")
				got.response = got.response || strings.HasPrefix(r, "response ")
			}
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); d != "" {
				t.Errorf("\n%s\nreports -want, +got:\n%s\nreports:\n%s", tc.reason, d, strings.Join(reports, "\n"))
			}
		})
	}
}
