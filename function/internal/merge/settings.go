// Package merge turns a route's annotations, its per-route template, its
// tenant's base template and built-in defaults into one set of settings.
// Per setting the first source that sets it wins, in that order, and every
// value is checked as it is picked so that an error names where it came from.
package merge

// The built-in defaults of the operator this project replaces.
const (
	DefaultSessionDuration         = "24h"
	DefaultServiceTokenDuration    = "8760h"
	DefaultRotationOverlap         = "24h"
	DefaultRefreshBefore           = "720h"
	DefaultDNSTTL                  = 120
	DefaultTLSTimeout              = 10
	DefaultSameSiteCookieAttribute = "lax"
	DefaultBackendPort             = 80
)

// Settings are a route's merged settings, what its composed resources are
// built from.
type Settings struct {
	Hostname     string
	Tenant       string
	TunnelID     string
	Origin       Origin
	Access       Access
	ServiceToken ServiceToken
	DNSOnly      DNSOnly
}

// Origin is where the tunnel sends the route's traffic, and how.
type Origin struct {
	// URL is empty in DNS-only mode when no source sets it.
	URL              string
	NoTLSVerify      bool
	OriginServerName string
	CAPool           string
	TLSTimeout       int64
	HTTP2Origin      bool
	MatchSNIToHost   bool
}

// Access configures the Access application in front of the route.
type Access struct {
	Enabled                  bool
	SessionDuration          string
	AllowGroups              []string
	AllowEmails              []string
	ExistingPolicyNames      []string
	AutoRedirectToIdentity   bool
	EnableBindingCookie      bool
	HTTPOnlyCookieAttribute  bool
	SameSiteCookieAttribute  string
	LogoURL                  string
	SkipInterstitial         bool
	AppLauncherVisible       bool
	ServiceAuth401Redirect   bool
	CustomDenyMessage        string
	CustomDenyURL            string
	CustomNonIdentityDenyURL string
}

// ServiceToken configures the route's service token.
type ServiceToken struct {
	Enabled  bool
	Duration string

	// Attach admits the token to the route's Access application through a
	// policy of its own, when the route has one.
	Attach bool

	// Rotate asks for a new secret whenever it changes; only an annotation
	// sets it.
	Rotate string

	// RotateEvery is empty when the secret is never rotated on its own.
	RotateEvery     string
	RotationOverlap string
	RefreshBefore   string
}

// DNSOnly publishes an A or AAAA record instead of a tunnel route.
type DNSOnly struct {
	Enabled bool
	Proxied bool
	TTL     int64

	// IP is the record's address, from the dnsIp annotation or a template's
	// staticIp. When it is empty in DNS-only mode, Service names the
	// LoadBalancer Service whose address the record takes.
	IP string

	// Service is the LoadBalancer Service to take the address from.
	Service *ServiceRef
}

// A ServiceRef names a Service, with where the reference came from so that
// problems with the Service can point at it.
type ServiceRef struct {
	Namespace string
	Name      string
	From      string
}

// Defaults returns the built-in settings of the operator this project
// replaces, for a route with nothing set. OriginServerName is empty here: it
// defaults to the hostname.
func Defaults() Settings {
	return Settings{
		Origin: Origin{
			TLSTimeout: DefaultTLSTimeout,
		},
		Access: Access{
			SessionDuration:         DefaultSessionDuration,
			HTTPOnlyCookieAttribute: true,
			SameSiteCookieAttribute: DefaultSameSiteCookieAttribute,
			AppLauncherVisible:      true,
		},
		ServiceToken: ServiceToken{
			Duration:        DefaultServiceTokenDuration,
			Attach:          true,
			RotationOverlap: DefaultRotationOverlap,
			RefreshBefore:   DefaultRefreshBefore,
		},
		DNSOnly: DNSOnly{
			TTL: DefaultDNSTTL,
		},
	}
}
