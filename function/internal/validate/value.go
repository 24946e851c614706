package validate

import (
	"net/mail"
	"regexp"

	"github.com/crossplane/function-sdk-go/errors"
)

// Bool parses an annotation's boolean. Only "true" and "false" are accepted:
// the looser parsing of the operator this project replaces ("yes", "1",
// anything else meaning false) silently turned typos into false.
func Bool(s string) (bool, error) {
	switch s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errors.New(`must be "true" or "false"`)
}

// SameSite checks an Access cookie SameSite attribute.
func SameSite(s string) error {
	switch s {
	case "none", "lax", "strict":
		return nil
	}
	return errors.New(`must be "none", "lax" or "strict"`)
}

// A Cloudflare tunnel ID is a lowercase UUID.
var tunnelID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// TunnelID checks that s is a Cloudflare tunnel ID, a lowercase UUID.
func TunnelID(s string) error {
	if tunnelID.MatchString(s) {
		return nil
	}
	return errors.New("is not a tunnel ID; use the tunnel's lowercase UUID, such as 6ff42ae2-765d-4adf-8112-31c55c1551ef, from `cloudflared tunnel list`")
}

// Email checks that s is a bare email address, without a display name.
func Email(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return errors.New("is not an email address; use a bare address such as alice@example.com")
	}
	return nil
}
