package fakecloudflare

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// adminRoutes serves the fake's own endpoints. They answer plain JSON, not
// Cloudflare's envelope, and need no token:
//
//	GET    /__admin/state            everything the fake holds, as a seed
//	PUT    /__admin/state            replace everything with the seed in the body
//	POST   /__admin/reset            back to the starting seed and rate window;
//	                                 no faults, no log, no requests counted
//	*      /__admin/state/<API path> a dashboard edit: the API operation at
//	                                 <API path> (below /client/v4) with the same
//	                                 rules and envelope, but no token, no
//	                                 faults, no write counted, nothing logged
//	GET    /__admin/faults           the faults and their counters
//	POST   /__admin/faults           add the fault in the body; answers it with its ID
//	DELETE /__admin/faults           remove every fault
//	DELETE /__admin/faults/{id}      remove one fault
//	GET    /__admin/writes           successful writes per operation ID
//	GET    /__admin/requests         the request log
//	DELETE /__admin/requests         empty the request log and the write counters
//	POST   /__admin/access/check     whether Access admits a request to a hostname
//	                                 with a service token: {hostname, client_id,
//	                                 client_secret} answers {admitted, app_id,
//	                                 policy_id, reason} (see CheckAccess)
//	GET    /__admin/ratelimit        the rate window {limit, window, block} and
//	                                 each user's count, remaining, reset (seconds)
//	                                 and blocked_until
//	PUT    /__admin/ratelimit        set {limit, window, block} ("5m"); limit 0
//	                                 lifts the window (see SetRateWindow)
//	POST   /__admin/ratelimit/spend  count {token, n}: n requests the token's
//	                                 user made elsewhere; the token by value, ID
//	                                 or name (see SpendRate)
func (s *Server) adminRoutes() {
	s.mux.HandleFunc("GET "+AdminPrefix+"/state", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Snapshot())
	})
	s.mux.HandleFunc("PUT "+AdminPrefix+"/state", withBody(func(seed Seed) (int, any, error) {
		if err := s.SetState(seed); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, s.Snapshot(), nil
	}))
	s.mux.HandleFunc("POST "+AdminPrefix+"/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		writeJSON(w, http.StatusOK, s.Snapshot())
	})
	s.mux.HandleFunc("GET "+AdminPrefix+"/faults", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Faults())
	})
	s.mux.HandleFunc("POST "+AdminPrefix+"/faults", withBody(func(f Fault) (int, any, error) {
		id, err := s.AddFault(f)
		f.ID = id
		return http.StatusCreated, f, err
	}))
	s.mux.HandleFunc("DELETE "+AdminPrefix+"/faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		writeJSON(w, http.StatusOK, []Fault{})
	})
	s.mux.HandleFunc("DELETE "+AdminPrefix+"/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil || !s.RemoveFault(id) {
			adminError(w, http.StatusNotFound, errors.Errorf("no fault %q", r.PathValue("id")))
			return
		}
		writeJSON(w, http.StatusOK, s.Faults())
	})
	s.mux.HandleFunc("GET "+AdminPrefix+"/writes", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.WriteCounts())
	})
	s.mux.HandleFunc("GET "+AdminPrefix+"/requests", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Requests())
	})
	s.mux.HandleFunc("DELETE "+AdminPrefix+"/requests", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetRecords()
		writeJSON(w, http.StatusOK, []RequestRecord{})
	})
	s.mux.HandleFunc("POST "+AdminPrefix+"/access/check", withBody(func(in accessCheckRequest) (int, any, error) {
		if in.Hostname == "" {
			return 0, nil, errors.New("hostname is required")
		}
		return http.StatusOK, s.CheckAccess(in.Hostname, in.ClientID, in.ClientSecret), nil
	}))
	s.mux.HandleFunc("GET "+AdminPrefix+"/ratelimit", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.RateWindowStatus())
	})
	s.mux.HandleFunc("PUT "+AdminPrefix+"/ratelimit", withBody(func(rw RateWindow) (int, any, error) {
		st, err := s.SetRateWindow(rw)
		return http.StatusOK, st, err
	}))
	s.mux.HandleFunc("POST "+AdminPrefix+"/ratelimit/spend", withBody(func(in rateSpend) (int, any, error) {
		u, err := s.SpendRate(in.Token, in.N)
		return http.StatusOK, u, err
	}))
	s.mux.HandleFunc(AdminPrefix+"/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, errors.Errorf("no admin endpoint %s %s", r.Method, r.URL.Path))
	})
}

// withBody serves an admin endpoint whose request body is a T: handle says
// what to answer, and a body that does not decode, or that handle refuses,
// is a 400.
func withBody[T any](handle func(T) (status int, v any, err error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in T
		if err := decodeAdmin(r, &in); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		status, v, err := handle(in)
		if err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		writeJSON(w, status, v)
	}
}

func decodeAdmin(r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return errors.Wrap(err, "cannot read request body")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return errors.Wrap(dec.Decode(v), "cannot decode request body")
}

func adminError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// SetState replaces everything the fake holds with seed. Faults, the request
// log and the counters stay; Reset still goes back to the starting seed.
func (s *Server) SetState(seed Seed) error {
	if err := seed.check(); err != nil {
		return errors.Wrap(err, "cannot use seed")
	}
	cp, err := deepCopy(seed)
	if err != nil {
		return errors.Wrap(err, "cannot copy seed")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = newState()
	s.load(cp)
	return nil
}
