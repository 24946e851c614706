package fakecloudflare

// tokenValid is the message Cloudflare sends with a successful verification.
var tokenValid = []message{{Code: 10000, Message: "This API Token is valid and active"}}

func verifyJSON(t *APIToken) map[string]any {
	return map[string]any{"id": t.ID, "status": t.Status}
}

// verifyUserToken answers for the token the request carries. An unknown or
// inactive token never gets here: authenticate answers 401 "Invalid API
// Token" for the verify operations.
func (s *Server) verifyUserToken(c *call) (reply, error) {
	if c.token == nil {
		return reply{}, badRequest(codeInvalidRequest, "a dashboard edit has no token to verify")
	}
	return reply{result: verifyJSON(c.token), messages: tokenValid}, nil
}

// verifyAccountToken answers for the token the request carries, if it may
// reach the account.
func (s *Server) verifyAccountToken(c *call) (reply, error) {
	if _, err := s.account(c); err != nil {
		return reply{}, err
	}
	return s.verifyUserToken(c)
}
