package fakecloudflare

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// An EditError is the fake's refusal of a dashboard edit, with Cloudflare's
// status, code and message.
type EditError struct {
	Status  int
	Code    int
	Message string
}

func (e *EditError) Error() string {
	return fmt.Sprintf("cannot edit: %d %s (code %d)", e.Status, e.Message, e.Code)
}

// Edit changes the fake's state the way a person would in the dashboard:
// it runs the API operation at method and path (below /client/v4, such as
// "PUT", "/zones/<id>/dns_records/<id>") with body as its JSON request body,
// under the API's rules, but with no token, no faults, no write counted and
// nothing logged. It returns the result of Cloudflare's envelope.
func (s *Server) Edit(method, path string, body any) (json.RawMessage, error) {
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, errors.Wrap(err, "cannot encode edit body")
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	// The edit is served in-process and at once: there is nothing to cancel.
	req := httptest.NewRequestWithContext(context.Background(), method, AdminPrefix+"/state"+path, rd)
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, req)
	var env struct {
		Success bool            `json:"success"`
		Errors  []message       `json:"errors"`
		Result  json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		return nil, &EditError{Status: rec.Code, Message: rec.Body.String()}
	}
	if rec.Code >= http.StatusBadRequest || !env.Success {
		e := &EditError{Status: rec.Code}
		if len(env.Errors) > 0 {
			e.Code, e.Message = env.Errors[0].Code, env.Errors[0].Message
		}
		return nil, e
	}
	return env.Result, nil
}

// PutDNSRecord creates r (when r.ID is empty) or overwrites the record with
// r's ID, as a dashboard edit; CNAME exclusivity and the other rules apply.
// It returns the record as stored.
func (s *Server) PutDNSRecord(r DNSRecord) (DNSRecord, error) {
	body := map[string]any{
		"type": r.Type, "name": r.Name, "content": r.Content, "proxied": r.Proxied, "ttl": max(r.TTL, 1),
		"comment": r.Comment, "tags": r.Tags,
	}
	if r.Priority != nil {
		body["priority"] = *r.Priority
	}
	if r.Data != nil {
		body["data"] = r.Data
	}
	if r.Settings != nil {
		body["settings"] = r.Settings
	}
	method, path := http.MethodPost, "/zones/"+r.ZoneID+"/dns_records"
	if r.ID != "" {
		method, path = http.MethodPut, path+"/"+r.ID
	}
	res, err := s.Edit(method, path, body)
	if err != nil {
		return DNSRecord{}, err
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(res, &out); err != nil {
		return DNSRecord{}, errors.Wrap(err, "cannot decode DNS record")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.st.records[out.ID], nil
}

// DeleteDNSRecord deletes a DNS record as a dashboard edit.
func (s *Server) DeleteDNSRecord(id string) error {
	s.mu.Lock()
	r := s.st.records[id]
	s.mu.Unlock()
	if r == nil {
		return &EditError{Status: http.StatusNotFound, Code: codeDNSNotFound, Message: "Record does not exist."}
	}
	_, err := s.Edit(http.MethodDelete, "/zones/"+r.ZoneID+"/dns_records/"+id, nil)
	return err
}

// SetTunnelConfig replaces a tunnel's configuration document as a dashboard
// edit, which adds one to its version like any other write. It returns the
// new version.
func (s *Server) SetTunnelConfig(tunnelID string, config map[string]any) (int, error) {
	s.mu.Lock()
	t := s.st.tunnels[tunnelID]
	s.mu.Unlock()
	if t == nil {
		return 0, &EditError{Status: http.StatusNotFound, Code: codeNotFound, Message: "tunnel " + tunnelID + " not found"}
	}
	res, err := s.Edit(http.MethodPut, "/accounts/"+t.AccountID+"/cfd_tunnel/"+tunnelID+"/configurations",
		map[string]any{"config": config})
	if err != nil {
		return 0, err
	}
	var out struct {
		Version int `json:"version"`
	}
	return out.Version, errors.Wrap(json.Unmarshal(res, &out), "cannot decode tunnel configuration")
}

// DeleteAccessApp deletes an Access application as a dashboard edit.
func (s *Server) DeleteAccessApp(id string) error {
	return s.deleteAccess(id, "apps", func(st *state) string {
		if a := st.apps[id]; a != nil {
			return a.AccountID
		}
		return ""
	})
}

// DeleteAccessPolicy deletes a reusable Access policy as a dashboard edit;
// like the API, it refuses while an application uses the policy.
func (s *Server) DeleteAccessPolicy(id string) error {
	return s.deleteAccess(id, "policies", func(st *state) string {
		if p := st.policies[id]; p != nil {
			return p.AccountID
		}
		return ""
	})
}

// DeleteServiceToken deletes a service token as a dashboard edit.
func (s *Server) DeleteServiceToken(id string) error {
	return s.deleteAccess(id, "service_tokens", func(st *state) string {
		if t := st.svcTokens[id]; t != nil {
			return t.AccountID
		}
		return ""
	})
}

func (s *Server) deleteAccess(id, kind string, account func(*state) string) error {
	s.mu.Lock()
	acct := account(s.st)
	s.mu.Unlock()
	if acct == "" {
		return &EditError{Status: http.StatusNotFound, Code: codeAccess, Message: kind + " " + id + " not found"}
	}
	_, err := s.Edit(http.MethodDelete, "/accounts/"+acct+"/access/"+kind+"/"+id, nil)
	return err
}
