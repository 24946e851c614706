package tunnelroute

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// validate refuses a rule that Cloudflare, which runs cloudflared's
// validation on every configuration written, would refuse, so that nothing
// is written and the message says which field to fix. The CRD refuses most
// of these at create; this catches what its CEL rules cannot see (Go's URL
// parser) and TunnelRoutes stored before the CRD checked them.
func validate(p v1alpha1.TunnelRouteParameters) error {
	if err := validateHostname(p.Hostname); err != nil {
		return err
	}
	return validateService(p.Service)
}

// validateHostname applies cloudflared's hostname rules, and refuses a
// catch-all hostname: the TunnelRoute's rule goes before the tunnel's
// catch-all, where one would hide every rule after it.
func validateHostname(h string) error {
	const field = "spec.forProvider.hostname"
	switch {
	case h == "" || h == "*":
		return errors.Errorf("%s %q would match every request, and Cloudflare allows that only in the tunnel's last rule: set a name such as app.example.com or *.example.com", field, h)
	case strings.Contains(h, ":"):
		if _, _, err := net.SplitHostPort(h); err == nil {
			return errors.Errorf("%s %q has a port, which Cloudflare refuses: cloudflared matches host names only; remove the port", field, h)
		}
		return errors.Errorf("%s %q has a ':', which no host name has: set a name such as app.example.com", field, h)
	case strings.LastIndex(h, "*") > 0, strings.HasPrefix(h, "*") && !strings.HasPrefix(h, "*."):
		return errors.Errorf("%s %q has a '*' that is not its whole first label, which Cloudflare refuses: use one wildcard, first, as in *.example.com", field, h)
	}
	return nil
}

// validateService applies cloudflared's rules for a rule's service, and
// refuses a query or fragment too, as the CRD does: cloudflared forwards
// the request's own.
func validateService(s string) error {
	const field = "spec.forProvider.service"
	const want = "use a URL with a scheme and a host such as http://web.app.svc.cluster.local:8080, or unix:/path/to/socket, http_status:404, hello_world, bastion or socks-proxy"
	switch {
	case strings.HasPrefix(s, "unix:"), strings.HasPrefix(s, "unix+tls:"), v1alpha1.IsCloudflaredService(s):
		return nil
	case strings.HasPrefix(s, "http_status:"):
		code, err := strconv.Atoi(strings.TrimPrefix(s, "http_status:"))
		if err != nil || code < 100 || code > 999 {
			return errors.Errorf("%s %q is not a status Cloudflare accepts: use http_status: and a code from 100 to 999, such as http_status:404", field, s)
		}
		return nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.Errorf("%s %q is not a URL (%v): %s", field, s, err, want)
	case u.Scheme == "" || u.Hostname() == "":
		return errors.Errorf("%s %q has no scheme or no host, which Cloudflare refuses: %s", field, s, want)
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "":
		u.Path, u.RawPath, u.RawQuery, u.Fragment = "", "", "", ""
		return errors.Errorf("%s %q has a path, query or fragment (a trailing / is a path), which Cloudflare refuses: cloudflared forwards the request's own path; use %s", field, s, u.String())
	}
	return nil
}
