package fakecloudflare_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// A tolerance is one way in which what the SDK sends, or what the fake
// answers, departs from testdata/openapi.json (Cloudflare's schema of
// 2024-08-06, older than cloudflare-go v4.6.0). Each sets one or more of the
// fields below.
type tolerance struct {
	reason string

	// patch edits the schema document, as decoded JSON, before it is loaded.
	patch func(doc map[string]any)
	// query lists, per operation ID, query parameters the schema does not
	// declare but the request may carry.
	query map[string][]string
	// adjust edits a copy of a decoded request body before it is checked.
	adjust func(op string, body any)
	// serverErrorsAs4XX checks a 5xx response against the operation's 4XX
	// response, the schema declaring no 5xx responses.
	serverErrorsAs4XX bool
}

// tolerated is the one list of differences the schema checks accept. Every
// request the tests send through the SDK and every response the fake returns
// must match the schema with these and no other allowances.
var tolerated = map[string]tolerance{
	"DNSBatchFromAPIReference": dnsBatchTolerance,
	"CatchAllRuleWithoutHostname": {
		reason: "tunnel_ingressRule requires hostname, but the catch-all rule that must end every configuration has none " +
			"(and Cloudflare rejects a configuration whose last rule has one). Only the last rule may omit it.",
		adjust: func(op string, body any) {
			if op != fake.OpTunnelConfigPut {
				return
			}
			cfg, _ := body.(map[string]any)["config"].(map[string]any)
			rules, _ := cfg["ingress"].([]any)
			if len(rules) == 0 {
				return
			}
			if last, ok := rules[len(rules)-1].(map[string]any); ok {
				if _, has := last["hostname"]; !has {
					last["hostname"] = "catch-all.invalid"
				}
			}
		},
	},
	"AccessListFiltersAndPaging": {
		reason: "The SDK sends name, domain, aud, exact and search on the Access application, group and service token " +
			"lists, and the API pages every Access list with page and per_page; the 2024 schema declares no query " +
			"parameters for them.",
		query: map[string][]string{
			fake.OpAccessAppsList:     {"name", "domain", "aud", "exact", "search", "page", "per_page"},
			fake.OpAccessGroupsList:   {"name", "search", "page", "per_page"},
			fake.OpServiceTokensList:  {"name", "search", "page", "per_page"},
			fake.OpAccessPoliciesList: {"page", "per_page"},
		},
	},
	"TypedTunnelConfigurationResult": {
		reason: "The schema types the tunnel configuration result as any object; the SDK decodes " +
			"{account_id, config{ingress, originRequest, warp-routing}, created_at, source, tunnel_id, version}. " +
			"This is not an allowance but a tightening: the fake's result is held to the SDK's shape.",
		patch: func(doc map[string]any) {
			s := schemaOf(doc, "tunnel_config_response_single")
			s["allOf"].([]any)[1] = map[string]any{"type": "object", "properties": map[string]any{"result": map[string]any{
				"type":     "object",
				"required": []any{"account_id", "config", "created_at", "source", "tunnel_id", "version"},
				"properties": map[string]any{
					"account_id": ref("tunnel_account_id"),
					"tunnel_id":  ref("tunnel_tunnel_id"),
					"created_at": map[string]any{"type": "string", "format": "date-time"},
					"source":     map[string]any{"type": "string", "enum": []any{"cloudflare", "local"}},
					"version":    map[string]any{"type": "integer", "minimum": 0},
					"config": map[string]any{"type": "object", "properties": map[string]any{
						"ingress": map[string]any{"type": "array", "items": map[string]any{
							"type":     "object",
							"required": []any{"service"},
							"properties": map[string]any{
								"hostname":      map[string]any{"type": "string"},
								"path":          map[string]any{"type": "string"},
								"service":       map[string]any{"type": "string"},
								"originRequest": ref("tunnel_originRequest"),
							},
						}},
						"originRequest": ref("tunnel_originRequest"),
						"warp-routing":  map[string]any{"type": "object", "properties": map[string]any{"enabled": map[string]any{"type": "boolean"}}},
					}},
				},
			}}}
		},
	},
	"RateLimitCode971": {
		reason: "The schema holds error codes to at least 1000, but Cloudflare answers a rate-limited call with code " +
			"971 (developers.cloudflare.com/fundamentals/api/reference/limits; cloudflare/workers-sdk#10025). Only " +
			"971 is let below 1000.",
		patch: func(doc map[string]any) {
			for _, name := range []string{"access_messages", "dns-records_messages", "tunnel_messages", "zones_messages"} {
				items := schemaOf(doc, name)["items"].(map[string]any)
				props := items["properties"].(map[string]any)
				props["code"] = map[string]any{"oneOf": []any{
					map[string]any{"type": "integer", "minimum": 1000},
					map[string]any{"type": "integer", "enum": []any{971}},
				}}
			}
		},
	},
	"RotateBody": {
		reason: "The 2024 schema declares no body for rotating a service token, and the SDK sends none. The API " +
			"reference's rotate page now takes an optional JSON body {previous_client_secret_expires_at: date-time}, " +
			"which keeps the old secret working until then; the provider sends it with option.WithJSONSet.",
		patch: func(doc map[string]any) {
			op := operation(doc, "/accounts/{account_id}/access/service_tokens/{service_token_id}/rotate", "post")
			op["requestBody"] = map[string]any{"required": false, "content": map[string]any{"application/json": map[string]any{
				"schema": map[string]any{"type": "object", "properties": map[string]any{
					"previous_client_secret_expires_at": map[string]any{"type": "string", "format": "date-time"},
				}},
			}}}
		},
	},
	"TokenVerifyOperations": {
		reason: "GET /user/tokens/verify and GET /accounts/{account_id}/tokens/verify are not in the subset. They are " +
			"added here as in Cloudflare's full schema (user-api-tokens-verify-token, account-api-tokens-verify-token): " +
			"200 with the common envelope and result {id, status} (expires_on and not_before optional), 4XX with the " +
			"common failure, bearer token only; the result's shape is the SDK's TokenVerifyResponse.",
		patch: func(doc map[string]any) {
			schemas(doc)["fake_token_verify_response"] = map[string]any{"allOf": []any{
				ref("zones_api-response-common"),
				map[string]any{"type": "object", "required": []any{"result"}, "properties": map[string]any{"result": map[string]any{
					"type":     "object",
					"required": []any{"id", "status"},
					"properties": map[string]any{
						"id":         map[string]any{"type": "string", "maxLength": 32},
						"status":     map[string]any{"type": "string", "enum": []any{"active", "disabled", "expired"}},
						"expires_on": map[string]any{"type": "string", "format": "date-time"},
						"not_before": map[string]any{"type": "string", "format": "date-time"},
					},
				}}},
			}}
			verify := func(id string, params []any) map[string]any {
				return map[string]any{"get": map[string]any{
					"operationId": id,
					"parameters":  params,
					"security":    []any{map[string]any{"api_token": []any{}}},
					"responses": map[string]any{
						"200": jsonResponse("Verify Token response", ref("fake_token_verify_response")),
						"4XX": jsonResponse("Verify Token response failure", ref("zones_api-response-common-failure")),
					},
				}}
			}
			paths := doc["paths"].(map[string]any)
			paths["/user/tokens/verify"] = verify(fake.OpUserTokenVerify, nil)
			paths["/accounts/{account_id}/tokens/verify"] = verify(fake.OpAccountTokenVerify, []any{map[string]any{
				"in": "path", "name": "account_id", "required": true, "schema": ref("tunnel_account_id"),
			}})
		},
	},
	"BearerTokenOnDNSAndAccess": {
		reason: "The DNS and Access operations list only X-Auth-Email plus X-Auth-Key as security; Cloudflare accepts " +
			"an API token on them too, which is how the SDK (option.WithAPIToken) and the project authenticate.",
		patch: func(doc map[string]any) {
			forEachOperation(doc, func(_, _ string, o map[string]any) {
				sec, _ := o["security"].([]any)
				for _, s := range sec {
					if _, ok := s.(map[string]any)["api_token"]; ok {
						return
					}
				}
				o["security"] = append(sec, map[string]any{"api_token": []any{}})
			})
		},
	},
	"DNSRequestBodyIsNotARecord": {
		reason: "The DNS create, update and patch bodies use dns-records_dns-record, the response's record, which " +
			"requires id, proxiable, created_on and modified_on; no client sends those (the last three are readOnly, " +
			"but only inside the oneOf branches). The request bodies are checked against the same schema without " +
			"those four required fields.",
		patch: func(doc map[string]any) {
			req := clone(schemaOf(doc, "dns-records_dns-record"))
			req["required"] = slices.DeleteFunc(req["required"].([]any), func(v any) bool {
				return slices.Contains([]any{"id", "proxiable", "created_on", "modified_on"}, v)
			})
			schemas(doc)["fake_dns_record_request"] = req
			for p, methods := range map[string][]string{
				"/zones/{zone_id}/dns_records":                 {"post"},
				"/zones/{zone_id}/dns_records/{dns_record_id}": {"put", "patch"},
			} {
				for _, m := range methods {
					operation(doc, p, m)["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"] = ref("fake_dns_record_request")
				}
			}
		},
	},
	"DNSDeleteWithoutBody": {
		reason: "The DNS delete operation marks its request body (which has no schema) as required; the SDK, like " +
			"every client, deletes with no body.",
		patch: func(doc map[string]any) {
			operation(doc, "/zones/{zone_id}/dns_records/{dns_record_id}", "delete")["requestBody"].(map[string]any)["required"] = false
		},
	},
	"SatisfiableFailureSchemas": {
		reason: "The tunnel and DNS failure responses are allOf(the success envelope, whose success is enum [true], " +
			"the failure envelope, whose success is enum [false]), which no body can satisfy, and the DNS ones are " +
			"keyed \"4xx\", which is not an OpenAPI status range. They are checked against the failure envelope alone, " +
			"under \"4XX\".",
		patch: func(doc map[string]any) {
			forEachOperation(doc, func(p, _ string, o map[string]any) {
				failure := ""
				switch {
				case strings.Contains(p, "/cfd_tunnel"):
					failure = "tunnel_api-response-common-failure"
				case strings.Contains(p, "/dns_records"):
					failure = "dns-records_api-response-common-failure"
				default:
					return
				}
				rs := o["responses"].(map[string]any)
				for _, k := range []string{"4xx", "4XX"} {
					if r, ok := rs[k].(map[string]any); ok {
						delete(rs, k)
						rs["4XX"] = jsonResponse(r["description"].(string), ref(failure))
					}
				}
			})
		},
	},
	"ServerErrorsUseTheFailureEnvelope": {
		reason: "The schema declares no 5xx responses, but Cloudflare answers 5xx (and the fake injects them) with the " +
			"same failure envelope; a 5xx is checked against the operation's 4XX response.",
		serverErrorsAs4XX: true,
	},
	"DNSListNameAndContentOperators": {
		reason: "The SDK v4.6.0 sends the DNS list's name and content filters as objects, serialised as name.exact, " +
			"name.contains, name.startswith, name.endswith (and the same for content); the 2024 schema declares only " +
			"name and content.",
		query: map[string][]string{fake.OpDNSRecordsList: {
			"name.exact", "name.contains", "name.startswith", "name.endswith",
			"content.exact", "content.contains", "content.startswith", "content.endswith",
		}},
	},
}

func ref(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func jsonResponse(description string, schema any) map[string]any {
	return map[string]any{"description": description, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
}

func schemas(doc map[string]any) map[string]any {
	return doc["components"].(map[string]any)["schemas"].(map[string]any)
}

func schemaOf(doc map[string]any, name string) map[string]any {
	return schemas(doc)[name].(map[string]any)
}

func operation(doc map[string]any, path, method string) map[string]any {
	item, _ := doc["paths"].(map[string]any)[path].(map[string]any)
	o, _ := item[method].(map[string]any)
	return o
}

func forEachOperation(doc map[string]any, f func(path, method string, op map[string]any)) {
	for p, item := range doc["paths"].(map[string]any) {
		for m, o := range item.(map[string]any) {
			if op, ok := o.(map[string]any); ok && m != "parameters" {
				f(p, m, op)
			}
		}
	}
}

// clone returns a deep copy of an object of the decoded JSON schema.
func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

// cloneValue returns a deep copy of a decoded JSON value.
func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return clone(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneValue(e)
		}
		return out
	default:
		return v
	}
}

// A validator checks requests and responses against the schema with the
// tolerated differences applied.
type validator struct {
	doc        *openapi3.T
	router     routers.Router
	extraQuery map[string][]string
	adjust     []func(op string, body any)
	as4XX      bool
	options    *openapi3filter.Options
}

var loadValidator = sync.OnceValues(func() (*validator, error) {
	raw, err := os.ReadFile("testdata/openapi.json")
	if err != nil {
		return nil, err
	}
	doc := map[string]any{}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	v := &validator{extraQuery: map[string][]string{}}
	for _, t := range tolerated {
		if t.patch != nil {
			t.patch(doc)
		}
		for op, q := range t.query {
			v.extraQuery[op] = append(v.extraQuery[op], q...)
		}
		if t.adjust != nil {
			v.adjust = append(v.adjust, t.adjust)
		}
		v.as4XX = v.as4XX || t.serverErrorsAs4XX
	}
	patched, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	v.doc, err = openapi3.NewLoader().LoadFromData(patched)
	if err != nil {
		return nil, fmt.Errorf("cannot load the patched schema: %w", err)
	}
	if err := v.doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the patched schema is not valid OpenAPI: %w", err)
	}
	if v.router, err = gorillamux.NewRouter(v.doc); err != nil {
		return nil, err
	}
	v.options = &openapi3filter.Options{
		IncludeResponseStatus:             true,
		RejectWhenRequestBodyNotSpecified: true,
		SkipSettingDefaults:               true,
		MultiError:                        true,
		AuthenticationFunc:                authenticate,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)),
			openapi3.WithStringFormatValidator("ipv4", openapi3.NewIPValidator(true)),
			openapi3.WithStringFormatValidator("ipv6", openapi3.NewIPValidator(false)),
			openapi3.WithStringFormatValidator("hostname", openapi3.NewRegexpFormatValidator(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)),
			openapi3.WithStringFormatValidator("email", openapi3.NewCallbackValidator(func(s string) error {
				_, err := mail.ParseAddress(s)
				return err
			})),
		},
	}
	return v, nil
})

// authenticate checks that a request carries the credential a security
// scheme names: a bearer token, or the header of an API key scheme.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	s := in.SecurityScheme
	switch {
	case s.Type == "http" && s.Scheme == "bearer":
		if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && v != "" {
			return nil
		}
	case s.Type == "apiKey" && s.In == "header":
		if r.Header.Get(s.Name) != "" {
			return nil
		}
	}
	return in.NewError(nil)
}

// checkRequest checks a request and returns its route, for checking the
// response. The request is addressed to the schema's server
// (https://api.cloudflare.com/client/v4) so that the router finds its
// operation.
func (v *validator) checkRequest(req *http.Request, body []byte) (*openapi3filter.RequestValidationInput, error) {
	u := *req.URL
	u.Scheme, u.Host = "https", "api.cloudflare.com"
	r := req.Clone(req.Context())
	r.URL = &u
	r.Host = u.Host
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return nil, fmt.Errorf("no operation in the schema: %w", err)
	}
	op := route.Operation.OperationID
	if len(body) > 0 && len(v.adjust) > 0 {
		var decoded any
		if err := json.Unmarshal(body, &decoded); err == nil {
			for _, f := range v.adjust {
				f(op, decoded)
			}
			if body, err = json.Marshal(decoded); err != nil {
				return nil, fmt.Errorf("cannot encode the adjusted request body: %w", err)
			}
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: v.options}

	var errs []string
	declared := map[string]bool{}
	for _, ps := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range ps {
			if p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	for k := range u.Query() {
		if !declared[k] && !slices.Contains(v.extraQuery[op], k) {
			errs = append(errs, fmt.Sprintf("query parameter %q is not in the schema", k))
		}
	}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return in, fmt.Errorf("%s: %s", op, strings.Join(errs, "; "))
	}
	return in, nil
}

// checkResponse checks a response to a request checkRequest routed.
func (v *validator) checkResponse(in *openapi3filter.RequestValidationInput, status int, h http.Header, body []byte) error {
	if v.as4XX && status >= http.StatusInternalServerError {
		status = http.StatusBadRequest
	}
	err := openapi3filter.ValidateResponse(in.Request.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 h,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                v.options,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", in.Route.Operation.OperationID, err)
	}
	return nil
}

// checkingTransport checks every request it sends and every response it gets
// against the schema, and reports what does not match through errorf.
type checkingTransport struct {
	v      *validator
	errorf func(format string, args ...any)
	next   http.RoundTripper
}

func (t *checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	in, err := t.v.checkRequest(req, body)
	if err != nil {
		t.errorf("request %s %s does not match the schema: %s", req.Method, req.URL.RequestURI(), short(err))
	}
	res, err := t.next.RoundTrip(req)
	if err != nil || in == nil {
		return res, err
	}
	rb, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(rb))
	if err := t.v.checkResponse(in, res.StatusCode, res.Header, rb); err != nil {
		t.errorf("response %d to %s %s does not match the schema: %s\nbody: %s", res.StatusCode, req.Method, req.URL.RequestURI(), short(err), rb)
	}
	return res, nil
}

// short keeps the first lines of a schema error, which otherwise prints the
// whole schema.
func short(err error) string {
	lines := strings.Split(err.Error(), "\n")
	if len(lines) > 12 {
		lines = append(lines[:12], "…")
	}
	return strings.Join(lines, "\n")
}
