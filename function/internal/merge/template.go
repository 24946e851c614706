package merge

import (
	"regexp"
)

// hostnameVariable matches {{ hostname }} with any spacing inside the braces.
var hostnameVariable = regexp.MustCompile(`\{\{\s*hostname\s*\}\}`)

// expand replaces the {{ hostname }} variable of a template string with the
// route's hostname.
func expand(s, hostname string) string {
	return hostnameVariable.ReplaceAllLiteralString(s, hostname)
}
