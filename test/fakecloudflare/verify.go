package fakecloudflare

import "net/http"

// tokenValid is the message Cloudflare sends with a successful verification.
var tokenValid = []message{{Code: 10000, Message: "This API Token is valid and active"}}

func verifyJSON(t *APIToken) map[string]any {
	return map[string]any{"id": t.ID, "status": t.Status}
}

// invalidToken is verify's answer for a token it does not know.
func invalidToken() error {
	return errorf(http.StatusUnauthorized, codeInvalidToken, "Invalid API Token")
}

// verifyUserToken answers for the token the request carries. An unknown or
// inactive token never gets here: authenticate answers 401 "Invalid API
// Token" for the verify operations. An account-owned token is unknown here
// too: Cloudflare answers 401 and such a token verifies only at its
// account's endpoint (benvinegar/counterscale#268).
func (s *Server) verifyUserToken(c *call) (reply, error) {
	if c.token == nil {
		return reply{}, badRequest(codeInvalidRequest, "a dashboard edit has no token to verify")
	}
	if c.token.AccountID != "" {
		return reply{}, invalidToken()
	}
	return reply{result: verifyJSON(c.token), messages: tokenValid}, nil
}

// verifyAccountToken answers for the account-owned token the request
// carries, if it belongs to the account. Whether Cloudflare verifies a user
// token here is not verified; the fake answers 401 as the user endpoint
// does for an account token, the stricter choice, so that a client that
// asks only one of the two endpoints fails in tests too.
func (s *Server) verifyAccountToken(c *call) (reply, error) {
	if _, err := s.account(c); err != nil {
		return reply{}, err
	}
	if c.token == nil {
		return reply{}, badRequest(codeInvalidRequest, "a dashboard edit has no token to verify")
	}
	if c.token.AccountID == "" {
		return reply{}, invalidToken()
	}
	return reply{result: verifyJSON(c.token), messages: tokenValid}, nil
}
