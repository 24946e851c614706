package fakecloudflare

import (
	"net/http"
	"time"
)

const defaultTokenDuration = "8760h"

// serviceTokenJSON is a service token as the API returns it: without its
// secret, except from create and rotate, and without the previous secret
// ever. previous_client_secret_expires_at is there once a rotation set it.
func serviceTokenJSON(t *ServiceToken, withSecret bool) map[string]any {
	m := map[string]any{
		"id":                    t.ID,
		"name":                  t.Name,
		"client_id":             t.ClientID,
		"client_secret_version": t.secretVersion(),
		"duration":              t.Duration,
		"expires_at":            t.ExpiresAt,
		"created_at":            t.CreatedAt,
		"updated_at":            t.UpdatedAt,
	}
	if !t.PreviousClientSecretExpiresAt.IsZero() {
		m["previous_client_secret_expires_at"] = t.PreviousClientSecretExpiresAt
	}
	if withSecret {
		m["client_secret"] = t.ClientSecret
	}
	return m
}

// withoutSecret is a service token as the API returns it but from create
// and rotate.
func withoutSecret(t *ServiceToken) map[string]any { return serviceTokenJSON(t, false) }

// serviceToken returns the service token in the call's path.
func (s *Server) serviceToken(c *call) (*ServiceToken, error) {
	return inAccount(s, c, s.st.svcTokens, "service_token_id", func(id string) error { return accessNotFound("service token", id) })
}

// serviceTokenBody reads a name and a duration from a request body.
type serviceTokenBody struct {
	Name     *string `json:"name"`
	Duration *string `json:"duration"`
}

// listServiceTokens filters by name and search, both case-insensitive
// substrings, and pages.
func (s *Server) listServiceTokens(c *call) (reply, error) {
	acct, err := s.account(c)
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query()
	filters := nameFilters(q, func(t *ServiceToken) string { return t.Name })
	var out []*ServiceToken
	for _, t := range sortedBySeq(s.st, s.st.svcTokens, func(t *ServiceToken) string { return t.ID }) {
		if t.AccountID == acct.ID && matches(t, filters, false) {
			out = append(out, t)
		}
	}
	return pageReply(out, q, s.accessPager(), withoutSecret)
}

// createServiceToken makes a token and returns its secret, the only time
// before a rotation that the API shows it.
func (s *Server) createServiceToken(c *call) (reply, error) {
	acct, err := s.account(c)
	if err != nil {
		return reply{}, err
	}
	var body serviceTokenBody
	if err := c.decode(&body); err != nil {
		return reply{}, err
	}
	if body.Name == nil || *body.Name == "" {
		return reply{}, accessInvalid("name is required")
	}
	d := defaultTokenDuration
	if body.Duration != nil {
		d = *body.Duration
	}
	if err := checkDuration("duration", d); err != nil {
		return reply{}, err
	}
	now := s.now()
	t := &ServiceToken{
		ID:                  s.newUUID("service-token"),
		AccountID:           acct.ID,
		Name:                *body.Name,
		ClientID:            s.ids.hex("client-id", 16) + ".access",
		ClientSecret:        s.ids.hex("client-secret", 32),
		ClientSecretVersion: 1,
		Duration:            d,
		CreatedAt:           now,
		UpdatedAt:           now,
		ExpiresAt:           expiry(now, d),
	}
	store(s.st, s.st.svcTokens, t.ID, t)
	return reply{status: http.StatusCreated, result: serviceTokenJSON(t, true)}, nil
}

func expiry(from time.Time, duration string) time.Time {
	d, _ := time.ParseDuration(duration) // Checked when set.
	return from.Add(d)
}

func (s *Server) getServiceToken(c *call) (reply, error) {
	t, err := s.serviceToken(c)
	return answer(err, func() any { return withoutSecret(t) })
}

// updateServiceToken changes the name or the duration; a new duration counts
// from now.
func (s *Server) updateServiceToken(c *call) (reply, error) {
	t, err := s.serviceToken(c)
	if err != nil {
		return reply{}, err
	}
	var body serviceTokenBody
	if err := c.decode(&body); err != nil {
		return reply{}, err
	}
	if body.Name != nil && *body.Name == "" {
		return reply{}, accessInvalid("name must not be empty")
	}
	if body.Duration != nil {
		if err := checkDuration("duration", *body.Duration); err != nil {
			return reply{}, err
		}
	}
	now := s.now()
	if body.Name != nil {
		t.Name = *body.Name
	}
	if body.Duration != nil {
		t.Duration = *body.Duration
		t.ExpiresAt = expiry(now, t.Duration)
	}
	t.UpdatedAt = now
	return reply{result: withoutSecret(t)}, nil
}

func (s *Server) deleteServiceToken(c *call) (reply, error) {
	t, err := s.serviceToken(c)
	if err != nil {
		return reply{}, err
	}
	delete(s.st.svcTokens, t.ID)
	return reply{result: withoutSecret(t)}, nil
}

// refreshServiceToken extends the expiry by the token's duration from now;
// the client ID, the secret and the previous secret's expiry stay.
func (s *Server) refreshServiceToken(c *call) (reply, error) {
	t, err := s.serviceToken(c)
	if err != nil {
		return reply{}, err
	}
	now := s.now()
	t.ExpiresAt = expiry(now, t.Duration)
	t.UpdatedAt = now
	return reply{result: withoutSecret(t)}, nil
}

// rotateServiceToken issues a new secret, returned this once, and counts
// client_secret_version up. The old secret becomes the previous one, which
// Access accepts until previous_client_secret_expires_at: now, unless the
// body says a later time. Only two secrets are ever valid: a secret that was
// already the previous one is gone (inferred; Cloudflare documents one
// previous secret).
func (s *Server) rotateServiceToken(c *call) (reply, error) {
	t, err := s.serviceToken(c)
	if err != nil {
		return reply{}, err
	}
	now := s.now()
	until, err := previousSecretExpiry(c, now)
	if err != nil {
		return reply{}, err
	}
	t.PreviousClientSecret, t.PreviousClientSecretExpiresAt = t.ClientSecret, until
	t.ClientSecret = s.ids.hex("client-secret", 32)
	t.ClientSecretVersion = t.secretVersion() + 1
	t.UpdatedAt = now
	return reply{result: serviceTokenJSON(t, true)}, nil
}

// rotateBody is the optional body of a rotation. The schema the fake's tests
// check against (testdata/openapi.json, of 2024-08-06) declares no body, and
// cloudflare-go v4.6.0 sends none. Newer versions of the API take
// previous_client_secret_expires_at, a date-time that defaults to now (API
// reference, "Rotate a service token"; cloudflare-go v6
// AccessServiceTokenRotateParams). As the schema's README asks for operations
// newer than the file, the fake takes what the SDK sends (nothing) and what
// the newer API documents. The field is read as any JSON value so that a
// number or an object gets the same Access validation error as a malformed
// string.
type rotateBody struct {
	PreviousClientSecretExpiresAt any `json:"previous_client_secret_expires_at"`
}

// previousSecretExpiry reads when the previous secret stops working from a
// rotation's body: now when there is no body or no such field, else an
// RFC 3339 date-time, which may be in the past.
func previousSecretExpiry(c *call, now time.Time) (time.Time, error) {
	var body rotateBody
	if err := c.decodeIfAny(&body); err != nil {
		return time.Time{}, err
	}
	switch v := body.PreviousClientSecretExpiresAt.(type) {
	case nil:
		return now, nil
	case string:
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return time.Time{}, accessInvalid("previous_client_secret_expires_at %q is not a date-time such as 2025-01-02T03:04:05Z", v)
		}
		return at.UTC(), nil
	default:
		return time.Time{}, accessInvalid("previous_client_secret_expires_at must be a date-time string, not %v", v)
	}
}
