package v1alpha1

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// The rules below are applied by both binaries: the route controller in the
// provider decides with them whether to write a claim, the composition
// function whether to render it, and the Tenant controller names the
// ProviderConfig the function refers to. Each is implemented once, here, so
// that the two can never disagree about a route.

// Values of the cfzt.cloudflare.com/enabled annotation. Only these two are
// accepted; only "true" publishes, as in the operator this project replaces.
const (
	EnabledTrue  = "true"
	EnabledFalse = "false"
)

// EnabledValueValid reports whether v is an accepted value of the enabled
// annotation, "true" or "false".
func EnabledValueValid(v string) bool {
	return v == EnabledTrue || v == EnabledFalse
}

// PublishRequested reports whether route annotations a ask for the route to
// be published: enabled is "true" and a tenant and a hostname are named.
func PublishRequested(a map[string]string) bool {
	return a[AnnotationEnabled] == EnabledTrue && RouteTenant(a) != "" && RouteHostname(a) != ""
}

// RouteTenant returns the Tenant name that route annotations a name.
func RouteTenant(a map[string]string) string {
	return strings.TrimSpace(a[AnnotationTenant])
}

// RouteTemplate returns the per-route Template name that route annotations a
// name, "" for none.
func RouteTemplate(a map[string]string) string {
	return strings.TrimSpace(a[AnnotationTemplate])
}

// RouteHostname returns the hostname that route annotations a ask for, in
// the form it is compared and published in.
func RouteHostname(a map[string]string) string {
	return NormalizeHostname(a[AnnotationHostname])
}

// NormalizeHostname returns the form in which hostnames are compared and
// published: lower case, without surrounding spaces or a trailing dot, and
// in Punycode. DNS names are case-insensitive and a trailing dot names the
// same host. Cloudflare returns names in Punycode, so a Unicode name such as
// bücher.example.com is published as xn--bcher-kva.example.com: compared in
// any other form, a record would look changed on every read. A name that is
// not a valid internationalised name is returned lower cased, for the
// hostname checks to refuse.
func NormalizeHostname(h string) string {
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	if isASCII(h) {
		// ASCII names, _acme-challenge and r3---sn-x among them, are left
		// as they are: IDNA's stricter label rules are for Unicode names.
		return h
	}
	a, err := idna.Lookup.ToASCII(h)
	if err != nil {
		return h
	}
	return strings.TrimSuffix(a, ".")
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// NormalizeHostnameSuffix returns the canonical form of an entry of
// TenantSpec.AllowedHostnameSuffixes, "example.com": a normalized hostname
// without a leading "*." or ".". The CRD refuses the other forms; a Tenant
// stored before it did is read as if it had used the canonical one.
func NormalizeHostnameSuffix(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "*")
	s = strings.TrimPrefix(s, ".")
	return NormalizeHostname(s)
}

// AllowsHostname implements AllowedHostnameSuffixes: a suffix allows itself
// and every name under it, on a label boundary, so that "example.com"
// allows "a.example.com" but not "badexample.com". No suffix allows every
// hostname.
func (s TenantSpec) AllowsHostname(hostname string) bool {
	if len(s.AllowedHostnameSuffixes) == 0 {
		return true
	}
	h := NormalizeHostname(hostname)
	for _, suffix := range s.AllowedHostnameSuffixes {
		suffix = NormalizeHostnameSuffix(suffix)
		if suffix == "" {
			continue
		}
		if h == suffix || strings.HasSuffix(h, "."+suffix) {
			return true
		}
	}
	return false
}

// ZoneFor returns the zone among zones that hostname is published in: the
// one whose name, given by name, is the longest suffix of hostname on a
// label boundary, so that a.b.example.com is in b.example.com before
// example.com. ok is false when no zone's name is a suffix of it. The
// provider places DNS records by it, and the composition function decides
// by it whether a route's hostname has a zone.
func ZoneFor[Z any](hostname string, zones []Z, name func(Z) string) (zone Z, ok bool) {
	h := NormalizeHostname(hostname)
	best := ""
	for _, z := range zones {
		n := NormalizeHostname(name(z))
		if n != "" && (h == n || strings.HasSuffix(h, "."+n)) && len(n) > len(best) {
			zone, best, ok = z, n, true
		}
	}
	return zone, ok
}

// ListedZoneID returns the ID of the zone of hostname among the zones the
// Tenant's last successful check listed (ZoneFor), "" when none is its zone.
// A route whose hostname is in a listed zone makes its policies and service
// token at once rather than after its DNS record has looked the zone up, a
// Crossplane round trip later; a zone added since the check is found by the
// record. A zone removed since the check can only get a route those
// account-wide objects, which act on no hostname.
func (s TenantStatus) ListedZoneID(hostname string) string {
	z, _ := ZoneFor(hostname, s.Zones, func(z TenantZone) string { return z.Name })
	return z.ID
}

// AllowsNamespace implements AllowedNamespaces: a route in namespace
// routeNS may use the Tenant when the list names routeNS or, when the list is
// empty, when the Tenant is in routeNS or in the operator namespace.
func (t *CloudflareZeroTrustTenant) AllowsNamespace(routeNS, operatorNS string) bool {
	if len(t.Spec.AllowedNamespaces) > 0 {
		return slices.Contains(t.Spec.AllowedNamespaces, routeNS)
	}
	return t.GetNamespace() == routeNS || t.GetNamespace() == operatorNS
}

// LookupNamespaces returns where a route in namespace routeNS looks for its
// Tenant and Templates, in order: its own namespace, then the operator
// namespace, once when they are the same.
func LookupNamespaces(routeNS, operatorNS string) []string {
	if routeNS == operatorNS {
		return []string{routeNS}
	}
	return []string{routeNS, operatorNS}
}

// BaseTemplatePrefix starts the name of a tenant's base template.
const BaseTemplatePrefix = "base-"

// BaseTemplateName returns the name of the Template that applies to every
// route of a tenant, base-<tenant>.
func BaseTemplateName(tenant string) string {
	return BaseTemplatePrefix + tenant
}

// BaseTemplateTenant returns the tenant whose base template a Template of
// this name is, and whether it is one.
func BaseTemplateTenant(template string) (string, bool) {
	t, ok := strings.CutPrefix(template, BaseTemplatePrefix)
	if !ok || t == "" {
		return "", false
	}
	return t, true
}

// ProviderConfigName returns the name of the ProviderConfig the provider
// keeps for a Tenant, which the managed resources of the Tenant's routes
// use. Namespaces cannot contain dots, so the name is unambiguous.
func ProviderConfigName(tenantNamespace, tenant string) string {
	return tenantNamespace + "." + tenant
}

// StateConfigMapName returns the name of a route's state ConfigMap in the
// operator namespace, that of the operator this project replaces.
func StateConfigMapName(routeNamespace, routeName string) string {
	return "cfzt-" + routeNamespace + "-" + routeName
}

// Keys of the state ConfigMap's data, those of the operator this project
// replaces. The composition function writes every key but
// StateKeyLastReconcile, which needs a clock; the route controller writes
// that one.
const (
	StateKeyAnnotationHash         = "annotation_hash"
	StateKeyHostname               = "hostname"
	StateKeyTenantName             = "tenant_name"
	StateKeyTunnelID               = "tunnel_id"
	StateKeyZoneID                 = "zone_id"
	StateKeyHostnameRouteID        = "hostname_route_id"
	StateKeyCNAMERecordID          = "cname_record_id"
	StateKeyDNSRecordID            = "dns_record_id"
	StateKeyDNSRecordIP            = "dns_record_ip"
	StateKeyAccessAppID            = "access_app_id"
	StateKeyAccessPolicyIDs        = "access_policy_ids"
	StateKeyServiceTokenID         = "service_token_id"
	StateKeyServiceTokenSecretName = "service_token_secret_name"
	StateKeyLastReconcile          = "last_reconcile"
	StateKeyHTTPRouteNamespace     = "httproute_namespace"
	StateKeyHTTPRouteName          = "httproute_name"
)

// Deprecated returns, for each field of the Tenant's spec that is accepted
// but has no effect, what to know about it. The Tenant controller reports
// them as a Warning Event on the Tenant.
func (s TenantSpec) Deprecated() []string {
	var out []string
	if s.LogLevel != "" {
		out = append(out, "spec.logLevel has no effect: the provider's log level is set by its --debug flag")
	}
	return out
}

// Deprecated returns, for each field of the Template's spec that is
// accepted but has no effect, what to know about it. The route controller
// reports them as a Warning Event on the routes that use the Template.
func (s TemplateSpec) Deprecated() []string {
	var out []string
	if s.TenantRef != "" {
		out = append(out, "spec.tenantRef has no effect: the route's "+AnnotationTenant+" annotation names the tenant")
	}
	if s.OriginService != nil && s.OriginService.HTTPRedirect != nil {
		out = append(out, "spec.originService.httpRedirect has no effect: HTTP to HTTPS redirection is a zone setting this project does not manage")
	}
	return out
}

// RouteOwner returns the owner of the Cloudflare objects composed for a
// route, <namespace>/<name>, as recorded in DNS record comments.
func RouteOwner(namespace, name string) string {
	return namespace + "/" + name
}

// The ownership marker is the comment of a DNS record that says which owner
// (usually a route, RouteOwner) the record belongs to. It has two forms:
//
//	managed-by: cfzt <owner>
//	managed-by: cfzt <first 50 characters of owner>~<32 hex digits>
//
// The first is used when it fits in MaxOwnershipCommentLength characters and
// the owner holds no space or '~'; the second otherwise, the hex digits being
// the start of the SHA-256 of the whole owner, so that two owners that share
// their first 50 characters never share a marker. Kubernetes names hold no
// '~', so a marker of the first form can never be read as one of the second.
const (
	// OwnershipCommentPrefix starts every ownership marker.
	OwnershipCommentPrefix = "managed-by: cfzt "

	// MaxOwnershipCommentLength is the longest comment a record of a zone
	// on the Free plan may have. Every marker fits in it.
	MaxOwnershipCommentLength = 100

	// ownerHashSeparator separates the truncated owner from its hash.
	ownerHashSeparator = "~"

	// ownerHashLength is how many hex digits of the owner's SHA-256 a
	// marker carries: 128 bits.
	ownerHashLength = 32

	// ownerReadableLength is how much of the owner a hashed marker keeps,
	// so that the marker is as long as the limit allows.
	ownerReadableLength = MaxOwnershipCommentLength - len(OwnershipCommentPrefix) - len(ownerHashSeparator) - ownerHashLength
)

// OwnershipComment returns the comment that marks a DNS record as owner's,
// at most MaxOwnershipCommentLength characters long whatever the owner.
func OwnershipComment(owner string) string {
	return OwnershipCommentPrefix + ownerToken(owner)
}

// ownerToken is the part of owner's marker after the prefix.
func ownerToken(owner string) string {
	if len(OwnershipCommentPrefix)+len(owner) <= MaxOwnershipCommentLength &&
		owner != "" && !strings.ContainsFunc(owner, unicode.IsSpace) && !strings.Contains(owner, ownerHashSeparator) {
		return owner
	}
	sum := sha256.Sum256([]byte(owner))
	var b strings.Builder
	for _, r := range owner {
		if b.Len()+utf8.RuneLen(r) > ownerReadableLength {
			break
		}
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			r = '_'
		}
		b.WriteRune(r)
	}
	return b.String() + ownerHashSeparator + hex.EncodeToString(sum[:])[:ownerHashLength]
}

// CommentOwner returns the owner a DNS record's comment names, as it names
// it (truncated and hashed when long), or "" when the comment is not an
// ownership marker. Text after the owner, separated by a space, is ignored,
// so that a note added in the dashboard does not orphan the record. Use
// CommentMarksOwner to decide whether a record is someone's.
func CommentOwner(comment string) string {
	rest, ok := strings.CutPrefix(comment, OwnershipCommentPrefix)
	if !ok {
		return ""
	}
	if f := strings.Fields(rest); len(f) > 0 {
		return f[0]
	}
	return ""
}

// CommentMarksOwner reports whether a DNS record's comment marks it as
// owner's: it carries owner's marker, or, for a record marked before markers
// were kept to MaxOwnershipCommentLength, "managed-by: cfzt <owner>" in full.
func CommentMarksOwner(comment, owner string) bool {
	named := CommentOwner(comment)
	if named == "" || owner == "" {
		return false
	}
	return named == ownerToken(owner) || named == owner
}

// Address ranges Cloudflare refuses as the target of a proxied A or AAAA
// record, besides those netip classifies.
var (
	// sharedAddressSpace is RFC 6598's carrier-grade NAT range.
	sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")
	// thisNetwork is RFC 1122's "this host on this network".
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	// reservedIPv4 is RFC 1112's reserved range, with the broadcast address.
	reservedIPv4 = netip.MustParsePrefix("240.0.0.0/4")
)

// NotProxiable returns why Cloudflare's proxy cannot be put in front of an
// A or AAAA record to address a, or "" when it can: the proxy only connects
// to addresses on the public internet, and Cloudflare refuses a proxied
// record to a private (RFC 1918), shared (CGNAT, RFC 6598), loopback,
// link-local or unique local (fc00::/7) address. Such an address can still
// be published DNS-only, with proxied false.
func NotProxiable(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "is not an IP address"
	case a.IsUnspecified() || thisNetwork.Contains(a):
		return "is an unspecified address"
	case a.IsLoopback():
		return "is a loopback address"
	case a.IsLinkLocalUnicast():
		return "is a link-local address"
	case a.IsMulticast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast():
		return "is a multicast address"
	case a.Is4() && a.IsPrivate():
		return "is a private address (RFC 1918)"
	case a.IsPrivate():
		return "is a unique local address (fc00::/7)"
	case sharedAddressSpace.Contains(a):
		return "is a shared, carrier-grade NAT address (100.64.0.0/10)"
	case reservedIPv4.Contains(a):
		return "is a reserved address (240.0.0.0/4)"
	}
	return ""
}

// ProxiedTargetError returns, for a proxied A or AAAA record to content, why
// Cloudflare would refuse it, or "" when it would not. content that is not an
// IP address is left to the other checks.
func ProxiedTargetError(recordType, content string, proxied bool) string {
	if !proxied || (recordType != "A" && recordType != "AAAA") {
		return ""
	}
	a, err := netip.ParseAddr(content)
	if err != nil {
		return ""
	}
	if why := NotProxiable(a); why != "" {
		return fmt.Sprintf("address %s, %s, which Cloudflare does not proxy to", a, why)
	}
	return ""
}

// cloudflaredServices are the origin services cloudflared runs itself
// rather than proxying to a URL (its ingress package's names).
var cloudflaredServices = map[string]bool{
	"hello_world": true, "hello-world": true, "bastion": true, "socks-proxy": true,
}

// IsCloudflaredService reports whether a tunnel rule's service is one that
// cloudflared runs itself, such as hello_world or bastion.
func IsCloudflaredService(s string) bool { return cloudflaredServices[s] }
