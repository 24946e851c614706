package validate

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/crossplane/function-sdk-go/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Origin services cloudflared accepts that are not URLs.
var (
	httpStatus = regexp.MustCompile(`^http_status:[1-5][0-9][0-9]$`)
)

// Origin URL schemes cloudflared proxies to. HTTP-like schemes are proxied as
// HTTP; the others are carried as TCP streams.
var schemes = map[string]bool{
	"http": true, "https": true, "ws": true, "wss": true,
	"tcp": true, "ssh": true, "rdp": true, "smb": true,
}

const wantOrigin = "use a URL such as http://web.app.svc.cluster.local:8080, or unix:/path, http_status:404 or hello_world"

// OriginURL checks that s is a service cloudflared accepts for an ingress
// rule: a URL with scheme http, https, ws, wss, tcp, ssh, rdp or smb and a
// host but no path (a trailing "/" is a path, which Cloudflare refuses too);
// unix: or unix+tls: with a socket path; http_status:<code>; hello_world,
// bastion or socks-proxy (cloudflared's names; a bare "socks5" is refused).
func OriginURL(s string) error {
	if v1alpha1.IsCloudflaredService(s) || httpStatus.MatchString(s) {
		return nil
	}
	if strings.HasPrefix(s, "http_status:") {
		return errors.New("must be http_status: followed by a status code such as 404")
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("is not a URL; " + wantOrigin)
	}
	switch {
	case u.Scheme == "unix" || u.Scheme == "unix+tls":
		if u.Path == "" && u.Opaque == "" {
			return errors.New("names no socket; use unix:/path/to/socket")
		}
		return nil
	case u.Scheme == "":
		return errors.New("has no scheme; " + wantOrigin)
	case !schemes[u.Scheme]:
		return errors.Errorf("has scheme %q that cloudflared cannot proxy to; use http, https, ws, wss, tcp, ssh, rdp or smb", u.Scheme)
	case u.Hostname() == "":
		return errors.New("has no host; " + wantOrigin)
	case u.Path == "/" && u.RawQuery == "" && u.Fragment == "":
		return errors.Errorf("must not end with a '/': a trailing / is a path, and cloudflared forwards the request's own path; use %s", strings.TrimSuffix(s, "/"))
	case u.Path != "", u.RawQuery != "", u.Fragment != "":
		return errors.New("must not have a path, query or fragment: cloudflared forwards the request's own path")
	case u.User != nil:
		return errors.New("must not carry credentials")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return errors.Errorf("has port %q outside 1-65535", p)
		}
	}
	return nil
}

// WebURL checks that s is an absolute http or https URL, such as an Access
// application's logo or custom deny page.
func WebURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("is not an http or https URL; use one such as https://example.com/denied")
	}
	return nil
}
