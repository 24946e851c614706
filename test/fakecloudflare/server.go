// Package fakecloudflare is a stateful, in-memory fake of the part of
// Cloudflare's v4 API that the project uses: zones, tunnels and their remote
// configuration, DNS records, Access applications, policies, groups and
// service tokens, and API token verification.
//
// It answers under /client/v4 with Cloudflare's envelope, checks bearer
// tokens, and keeps Cloudflare's rules that matter to a client: a tunnel
// configuration is one document whose version goes up on every write and
// whose last rule is a catch-all; a CNAME cannot share its name with an A,
// AAAA or CNAME record; a service token's secret is shown only once; a user
// makes at most 1,200 requests in any 5 minutes, then is blocked for 5
// (WithRateWindow changes or lifts the window). Under /__admin it lets a
// test inject faults (429 with Retry-After, 5xx, latency), set the rate
// window and spend a user's requests, read a write counter per operation and
// a request log, edit state the way a person would in the dashboard, and ask
// whether Access would let a request with a service token in (CheckAccess).
//
// The same Server serves in-process tests (httptest), the real-stack e2e and
// `make demo` (cmd/fake-cloudflare). Its tests check every request and
// response against Cloudflare's OpenAPI schema (testdata/openapi.json).
package fakecloudflare

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

const (
	// APIPrefix is the path under which the fake serves Cloudflare's API.
	// Point a client at <server URL>+APIPrefix.
	APIPrefix = "/client/v4"

	// AdminPrefix is the path of the fake's own test endpoints.
	AdminPrefix = "/__admin"

	maxBody = 1 << 20
)

// An Option configures a Server.
type Option func(*Server)

// WithClock makes the fake read the time from now instead of the wall clock,
// for timestamps that golden files can hold.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = func() time.Time { return now().UTC() } }
}

// WithRandomSeed sets the seed of the IDs, secrets and probabilistic faults
// the fake makes. The same seed and the same requests give the same IDs.
func WithRandomSeed(seed uint64) Option {
	return func(s *Server) { s.randomSeed = seed }
}

// WithAccessPageSize sets how many objects an Access list (applications,
// policies, groups, service tokens) returns per page when the client does not
// ask for a page size. The SDK does not follow these pages, so a small size
// makes a test show whether a client pages by itself.
func WithAccessPageSize(n int) Option {
	return func(s *Server) { s.accessPerPage = n }
}

// A Server is the fake Cloudflare API. It is an http.Handler and is safe for
// concurrent use.
type Server struct {
	mux           *http.ServeMux
	now           func() time.Time
	randomSeed    uint64
	accessPerPage int

	mu      sync.Mutex
	initial Seed
	st      *state
	ids     idSource
	rng     *rand.Rand
	faults  []*Fault
	faultID int
	log     []RequestRecord
	seqLog  int
	writes  map[string]int

	rateInitial RateWindow // what New was given, for Reset
	rate        RateWindow
	rateUsers   map[string]*rateCalls
}

// New returns a fake that holds the objects of seed.
func New(seed Seed, opts ...Option) (*Server, error) {
	s := &Server{
		now:           func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) },
		accessPerPage: 25,
		writes:        map[string]int{},
		rateInitial:   RateWindow{Limit: DefaultRateLimit, Window: DefaultRateWindow, Block: DefaultRateBlock},
	}
	for _, o := range opts {
		o(s)
	}
	if err := s.rateInitial.check(); err != nil {
		return nil, errors.Wrap(err, "cannot use rate window")
	}
	if err := seed.check(); err != nil {
		return nil, errors.Wrap(err, "cannot use seed")
	}
	initial, err := deepCopy(seed)
	if err != nil {
		return nil, errors.Wrap(err, "cannot copy seed")
	}
	s.initial = initial
	s.reset()
	s.mux = http.NewServeMux()
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt.pattern, " ")
		s.mux.Handle(method+" "+APIPrefix+path, s.api(rt))
		s.mux.Handle(method+" "+AdminPrefix+"/state"+path, s.dashboard(rt))
	}
	s.mux.Handle(APIPrefix+"/", s.api(route{}))
	s.adminRoutes()
	return s, nil
}

// ServeHTTP serves Cloudflare's API under APIPrefix and the fake's own
// endpoints under AdminPrefix.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Reset puts the fake back to its seed and forgets faults, counters, the
// request log and the requests counted in the rate window, whose limit goes
// back to the one New was given.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset()
}

func (s *Server) reset() {
	s.ids = idSource{seed: s.randomSeed}
	s.rng = rand.New(rand.NewPCG(s.randomSeed, s.randomSeed^0x9e3779b97f4a7c15)) //nolint:gosec // G404: faults need a repeatable, not a secure, sequence.
	s.faults = nil
	s.faultID = 0
	s.log = nil
	s.seqLog = 0
	s.writes = map[string]int{}
	s.resetRate()
	seed, _ := deepCopy(s.initial) // New copied it once already, so it copies.
	s.st = newState()
	s.load(seed)
}

// A route is one operation of the API.
type route struct {
	pattern string // method and path below APIPrefix
	op      string
	handle  func(*Server, *call) (reply, error)
}

var routes = []route{
	{"GET /zones", OpZonesList, (*Server).listZones},
	{"GET /zones/{zone_id}", OpZoneGet, (*Server).getZone},

	{"GET /accounts/{account_id}/cfd_tunnel", OpTunnelsList, (*Server).listTunnels},
	{"GET /accounts/{account_id}/cfd_tunnel/{tunnel_id}", OpTunnelGet, (*Server).getTunnel},
	{"GET /accounts/{account_id}/cfd_tunnel/{tunnel_id}/configurations", OpTunnelConfigGet, (*Server).getTunnelConfig},
	{"PUT /accounts/{account_id}/cfd_tunnel/{tunnel_id}/configurations", OpTunnelConfigPut, (*Server).putTunnelConfig},

	{"GET /zones/{zone_id}/dns_records", OpDNSRecordsList, (*Server).listDNSRecords},
	{"POST /zones/{zone_id}/dns_records", OpDNSRecordCreate, (*Server).createDNSRecord},
	{"GET /zones/{zone_id}/dns_records/{dns_record_id}", OpDNSRecordGet, (*Server).getDNSRecord},
	{"PUT /zones/{zone_id}/dns_records/{dns_record_id}", OpDNSRecordUpdate, (*Server).updateDNSRecord},
	{"PATCH /zones/{zone_id}/dns_records/{dns_record_id}", OpDNSRecordPatch, (*Server).patchDNSRecord},
	{"DELETE /zones/{zone_id}/dns_records/{dns_record_id}", OpDNSRecordDelete, (*Server).deleteDNSRecord},
	{"POST /zones/{zone_id}/dns_records/batch", OpDNSRecordsBatch, (*Server).batchDNSRecords},

	{"GET /accounts/{account_id}/access/apps", OpAccessAppsList, (*Server).listAccessApps},
	{"POST /accounts/{account_id}/access/apps", OpAccessAppCreate, (*Server).createAccessApp},
	{"GET /accounts/{account_id}/access/apps/{app_id}", OpAccessAppGet, (*Server).getAccessApp},
	{"PUT /accounts/{account_id}/access/apps/{app_id}", OpAccessAppUpdate, (*Server).updateAccessApp},
	{"DELETE /accounts/{account_id}/access/apps/{app_id}", OpAccessAppDelete, (*Server).deleteAccessApp},

	{"GET /accounts/{account_id}/access/policies", OpAccessPoliciesList, (*Server).listAccessPolicies},
	{"POST /accounts/{account_id}/access/policies", OpAccessPolicyCreate, (*Server).createAccessPolicy},
	{"GET /accounts/{account_id}/access/policies/{policy_id}", OpAccessPolicyGet, (*Server).getAccessPolicy},
	{"PUT /accounts/{account_id}/access/policies/{policy_id}", OpAccessPolicyUpdate, (*Server).updateAccessPolicy},
	{"DELETE /accounts/{account_id}/access/policies/{policy_id}", OpAccessPolicyDelete, (*Server).deleteAccessPolicy},

	{"GET /accounts/{account_id}/access/groups", OpAccessGroupsList, (*Server).listAccessGroups},
	{"GET /accounts/{account_id}/access/groups/{group_id}", OpAccessGroupGet, (*Server).getAccessGroup},

	{"GET /accounts/{account_id}/access/service_tokens", OpServiceTokensList, (*Server).listServiceTokens},
	{"POST /accounts/{account_id}/access/service_tokens", OpServiceTokenCreate, (*Server).createServiceToken},
	{"GET /accounts/{account_id}/access/service_tokens/{service_token_id}", OpServiceTokenGet, (*Server).getServiceToken},
	{"PUT /accounts/{account_id}/access/service_tokens/{service_token_id}", OpServiceTokenUpdate, (*Server).updateServiceToken},
	{"DELETE /accounts/{account_id}/access/service_tokens/{service_token_id}", OpServiceTokenDelete, (*Server).deleteServiceToken},
	{"POST /accounts/{account_id}/access/service_tokens/{service_token_id}/refresh", OpServiceTokenRefresh, (*Server).refreshServiceToken},
	{"POST /accounts/{account_id}/access/service_tokens/{service_token_id}/rotate", OpServiceTokenRotate, (*Server).rotateServiceToken},

	{"GET /user/tokens/verify", OpUserTokenVerify, (*Server).verifyUserToken},
	{"GET /accounts/{account_id}/tokens/verify", OpAccountTokenVerify, (*Server).verifyAccountToken},
}

// A call is one request to an operation.
type call struct {
	r     *http.Request
	op    string
	token *APIToken // nil for a dashboard edit, which may do anything
	body  []byte
}

// decode reads the JSON request body into v.
func (c *call) decode(v any) error {
	if len(c.body) == 0 {
		return badRequest(codeInvalidRequest, "the request has no body")
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return badRequest(codeInvalidRequest, "the request body is not valid JSON: %v", err)
	}
	return nil
}

// decodeIfAny reads the JSON request body into v if there is one, for the
// operations whose body is optional; an empty body leaves v as it is.
func (c *call) decodeIfAny(v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	return c.decode(v)
}

// fromBody reads the call's body, a JSON object, onto v with read.
func fromBody[T any](c *call, v *T, read func(map[string]any, *T) error) error {
	m, err := c.object()
	if err != nil {
		return err
	}
	return read(m, v)
}

// replaceFromBody replaces *v with a copy read reads the call's body onto,
// once the whole body is valid: PUT is a full replace, so what the body
// leaves out is gone.
func replaceFromBody[T any](c *call, v *T, read func(map[string]any, *T) error) error {
	next := *v
	if err := fromBody(c, &next, read); err != nil {
		return err
	}
	*v = next
	return nil
}

// object reads the JSON request body as an object.
func (c *call) object() (map[string]any, error) {
	m := map[string]any{}
	if err := c.decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, badRequest(codeInvalidRequest, "the request body must be a JSON object")
	}
	return m, nil
}

func isWrite(method string) bool {
	return method != http.MethodGet && method != http.MethodHead
}

// api serves one operation of Cloudflare's API: faults first, then the rate
// window, then the bearer token, then the operation. A zero route answers
// 404, as Cloudflare does for a path it does not know.
//
// Every request with an active token counts in its user's rate window,
// whatever the answer, an unknown path or a refused permission included:
// Cloudflare received it. Fault replies do not count: a fault stands for an
// answer the API itself may never have given. Every reply carries the
// Ratelimit headers.
func (s *Server) api(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := RequestRecord{
			Method:    r.Method,
			Path:      strings.TrimPrefix(r.URL.Path, APIPrefix),
			Query:     r.URL.RawQuery,
			Operation: rt.op,
		}
		hit := s.matchFaults(rt.op, r.Method, rec.Path)
		if hit.latency > 0 {
			t := time.NewTimer(hit.latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if hit.fault != nil {
			rec.Fault = hit.fault.ID
			rec.Status = hit.fault.Status
			s.mu.Lock()
			user, known := s.rateUserOf(r)
			s.setRateHeaders(w.Header(), user, known, s.now())
			s.record(rec)
			s.mu.Unlock()
			writeFault(w, hit.fault)
			return
		}
		if hit.latencyFault != 0 {
			rec.Fault = hit.latencyFault
		}
		body, rerr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))

		s.mu.Lock()
		defer s.mu.Unlock()
		now := s.now()
		user, known := s.rateUserOf(r)
		var refused bool
		var wait time.Duration
		if known {
			refused, wait = s.countCall(user, now)
		}
		s.setRateHeaders(w.Header(), user, known, now)
		if refused {
			rec.Status = refuseRate(w, wait)
			s.record(rec)
			return
		}
		var rep reply
		var err error
		switch {
		case rerr != nil:
			err = badRequest(codeInvalidRequest, "cannot read the request body: %v", rerr)
		case rt.handle == nil:
			err = notFound("Could not route to %s, perhaps your object identifier is invalid?", rec.Path)
		default:
			var tok *APIToken
			if tok, err = s.authenticate(r, rt.op); err == nil {
				rep, err = rt.handle(s, &call{r: r, op: rt.op, token: tok, body: body})
			}
		}
		rec.Status = respond(w, rep, err)
		if err == nil && isWrite(r.Method) {
			s.writes[rt.op]++
			rec.Batch = rep.writes
		}
		s.record(rec)
	})
}

// dashboard serves an operation under /__admin/state the way a person's
// dashboard edit reaches Cloudflare: with the same rules, but no token, no
// faults, no write counted and nothing logged.
func (s *Server) dashboard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, rerr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		s.mu.Lock()
		defer s.mu.Unlock()
		if rerr != nil {
			respond(w, reply{}, badRequest(codeInvalidRequest, "cannot read the request body: %v", rerr))
			return
		}
		rep, err := rt.handle(s, &call{r: r, op: rt.op, body: body})
		respond(w, rep, err)
	})
}

// respond writes an operation's reply or error in Cloudflare's envelope and
// returns the status it wrote.
func respond(w http.ResponseWriter, rep reply, err error) int {
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			ae = &apiError{Status: http.StatusInternalServerError, Code: codeInternal, Message: err.Error()}
		}
		writeJSON(w, ae.Status, failure(ae))
		return ae.Status
	}
	status := rep.status
	if status == 0 {
		status = http.StatusOK
	}
	writeJSON(w, status, success(rep))
	return status
}

// authenticate finds the active API token a request carries and checks that
// it may reach the account in the path and has a permission op accepts.
func (s *Server) authenticate(r *http.Request, op string) (*APIToken, error) {
	value, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	tok := s.st.tokens[value]
	if !ok || value == "" || tok == nil || tok.Status != TokenActive {
		if op == OpUserTokenVerify || op == OpAccountTokenVerify {
			return nil, errorf(http.StatusUnauthorized, codeInvalidToken, "Invalid API Token")
		}
		return nil, errorf(http.StatusForbidden, codeAuthentication, "Authentication error")
	}
	if id := r.PathValue("account_id"); id != "" && tok.AccountID != "" && tok.AccountID != id {
		return nil, errorf(http.StatusForbidden, codeAuthentication, "Authentication error")
	}
	if !tok.allows(op) {
		// Cloudflare answers a call outside the token's permission groups
		// as it answers an unknown token (API reference, "Accepted
		// Permissions" of each endpoint).
		return nil, errorf(http.StatusForbidden, codeAuthentication, "Authentication error")
	}
	return tok, nil
}

// mayReach reports whether a call may see objects of an account.
func (c *call) mayReach(accountID string) bool {
	return c.token == nil || c.token.AccountID == "" || c.token.AccountID == accountID
}

// account returns the account named in the call's path.
func (s *Server) account(c *call) (*Account, error) {
	id := c.r.PathValue("account_id")
	a := s.st.accounts[id]
	if a == nil {
		return nil, notFound("Could not route to /accounts/%s, perhaps your object identifier is invalid?", id)
	}
	return a, nil
}

// An owned object belongs to one account.
type owned interface {
	account() string
}

// inAccount returns the object of m that the call's path names by param,
// when it belongs to the account in the path; else missing's error.
func inAccount[T owned](s *Server, c *call, m map[string]*T, param string, missing func(id string) error) (*T, error) {
	a, err := s.account(c)
	if err != nil {
		return nil, err
	}
	id := c.r.PathValue(param)
	v := m[id]
	if v == nil || (*v).account() != a.ID {
		return nil, missing(id)
	}
	return v, nil
}

func deepCopy[T any](v T) (T, error) {
	var out T
	b, err := json.Marshal(v)
	if err != nil {
		return out, err
	}
	err = json.Unmarshal(b, &out)
	return out, err
}

// sortedBySeq returns the values of m in the order they were created.
func sortedBySeq[T any](st *state, m map[string]*T, id func(*T) string) []*T {
	out := make([]*T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *T) int { return st.seq[id(a)] - st.seq[id(b)] })
	return out
}
