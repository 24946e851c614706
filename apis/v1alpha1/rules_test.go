package v1alpha1

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestRules(t *testing.T) {
	const operatorNS = "cloudflare-zero-trust"
	tenant := func(ns string, namespaces, suffixes []string) *CloudflareZeroTrustTenant {
		return &CloudflareZeroTrustTenant{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "home"},
			Spec:       TenantSpec{AllowedNamespaces: namespaces, AllowedHostnameSuffixes: suffixes},
		}
	}
	route := func(kv ...string) map[string]string {
		a := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			a[kv[i]] = kv[i+1]
		}
		return a
	}
	type base struct {
		Tenant string
		IsBase bool
	}
	baseOf := func(template string) base {
		t, ok := BaseTemplateTenant(template)
		return base{Tenant: t, IsBase: ok}
	}
	published := route(AnnotationEnabled, "true", AnnotationTenant, "home", AnnotationHostname, "a.example.com")

	// Each case is one rule applied to one input; got is what the rule says.
	cases := map[string]struct {
		reason string
		got    any
		want   any
	}{
		"EnabledTrueValid": {
			reason: "\"true\" is an accepted value of the enabled annotation.",
			got:    EnabledValueValid("true"),
			want:   true,
		},
		"EnabledFalseValid": {
			reason: "\"false\" is an accepted value of the enabled annotation.",
			got:    EnabledValueValid("false"),
			want:   true,
		},
		"EnabledYesInvalid": {
			reason: "Anything but \"true\" and \"false\" is refused, \"yes\" included.",
			got:    EnabledValueValid("yes"),
			want:   false,
		},
		"EnabledCapitalizedInvalid": {
			reason: "The values are case-sensitive: \"True\" is not \"true\".",
			got:    EnabledValueValid("True"),
			want:   false,
		},
		"PublishRequested": {
			reason: "A route with enabled \"true\", a tenant and a hostname asks to be published.",
			got:    PublishRequested(published),
			want:   true,
		},
		"PublishNotTrue": {
			reason: "Only the exact value \"true\" publishes, as in the operator this project replaces.",
			got:    PublishRequested(route(AnnotationEnabled, "yes", AnnotationTenant, "home", AnnotationHostname, "a.example.com")),
			want:   false,
		},
		"PublishBlankTenant": {
			reason: "A tenant of spaces names no tenant.",
			got:    PublishRequested(route(AnnotationEnabled, "true", AnnotationTenant, " ", AnnotationHostname, "a.example.com")),
			want:   false,
		},
		"PublishNoHostname": {
			reason: "A route without a hostname does not ask to be published.",
			got:    PublishRequested(route(AnnotationEnabled, "true", AnnotationTenant, "home")),
			want:   false,
		},
		"RouteTenantTrimmed": {
			reason: "The tenant annotation is read without surrounding spaces.",
			got:    RouteTenant(route(AnnotationTenant, " home ")),
			want:   "home",
		},
		"RouteTemplateTrimmed": {
			reason: "The template annotation is read without surrounding spaces.",
			got:    RouteTemplate(route(AnnotationTemplate, " protected ")),
			want:   "protected",
		},
		"RouteHostnameNormalized": {
			reason: "The hostname annotation is read normalized.",
			got:    RouteHostname(route(AnnotationHostname, " A.Example.COM. ")),
			want:   "a.example.com",
		},
		"NormalizeHostname": {
			reason: "Hostnames compare in lower case, without spaces or a trailing dot.",
			got:    NormalizeHostname(" Www.Example.COM. "),
			want:   "www.example.com",
		},
		"NormalizeHostnameUnicode": {
			reason: "A Unicode hostname compares in Punycode, the form Cloudflare returns, so that a record read back is not seen as changed.",
			got:    NormalizeHostname("Bücher.Example.com."),
			want:   "xn--bcher-kva.example.com",
		},
		"NormalizeHostnamePunycodeUnchanged": {
			reason: "A hostname already in Punycode is left as it is, so both forms of a name compare equal.",
			got:    NormalizeHostname("XN--BCHER-KVA.example.com"),
			want:   "xn--bcher-kva.example.com",
		},
		"NormalizeHostnameUnicodeLabelsOnly": {
			reason: "Only the Unicode labels of a name change; a sub-domain label stays as written.",
			got:    NormalizeHostname("shop.münchen.example.com"),
			want:   "shop.xn--mnchen-3ya.example.com",
		},
		"NormalizeHostnameASCIIKeepsHyphens": {
			reason: "An ASCII name is never put through IDNA's label rules, which would refuse valid names with '--' or '_'.",
			got:    NormalizeHostname("r3---sn-ab._acme-challenge.example.com"),
			want:   "r3---sn-ab._acme-challenge.example.com",
		},
		"RouteHostnameUnicode": {
			reason: "The hostname annotation is read in Punycode.",
			got:    RouteHostname(route(AnnotationHostname, "bücher.example.com")),
			want:   "xn--bcher-kva.example.com",
		},
		"SuffixAllowsUnicodeHostname": {
			reason: "An allowed suffix written in Unicode allows the same name written in Punycode.",
			got:    TenantSpec{AllowedHostnameSuffixes: []string{"münchen.example.com"}}.AllowsHostname("shop.xn--mnchen-3ya.example.com"),
			want:   true,
		},
		"NormalizeSuffixWildcard": {
			reason: "A suffix stored as a wildcard before the CRD refused it reads as its canonical form.",
			got:    NormalizeHostnameSuffix("*.Example.com."),
			want:   "example.com",
		},
		"NormalizeSuffixLeadingDot": {
			reason: "A suffix stored with a leading dot reads as its canonical form.",
			got:    NormalizeHostnameSuffix(".example.com"),
			want:   "example.com",
		},
		"NoSuffixesAllowAnyHostname": {
			reason: "A Tenant without allowedHostnameSuffixes allows any hostname.",
			got:    tenant(operatorNS, nil, nil).Spec.AllowsHostname("a.example.org"),
			want:   true,
		},
		"HostnameUnderSuffix": {
			reason: "A hostname under an allowed suffix is allowed, whatever its case or trailing dot.",
			got:    tenant(operatorNS, nil, []string{"example.org", "example.com"}).Spec.AllowsHostname("A.Example.COM."),
			want:   true,
		},
		"HostnameIsSuffix": {
			reason: "The suffix itself is allowed.",
			got:    tenant(operatorNS, nil, []string{"example.com"}).Spec.AllowsHostname("example.com"),
			want:   true,
		},
		"HostnameOnLabelBoundaryOnly": {
			reason: "A suffix matches whole labels: badexample.com is not under example.com.",
			got:    tenant(operatorNS, nil, []string{"example.com"}).Spec.AllowsHostname("badexample.com"),
			want:   false,
		},
		"HostnameUnderWildcardSuffix": {
			reason: "A wildcard suffix stored before the CRD refused it allows what its canonical form allows.",
			got:    tenant(operatorNS, nil, []string{"*.example.com"}).Spec.AllowsHostname("a.example.com"),
			want:   true,
		},
		"HostnameUnderTrailingDotSuffix": {
			reason: "A suffix with a trailing dot stored before the CRD refused it allows what its canonical form allows.",
			got:    tenant(operatorNS, nil, []string{"example.com."}).Spec.AllowsHostname("a.example.com"),
			want:   true,
		},
		"HostnameOutsideSuffixes": {
			reason: "A hostname under none of the suffixes is refused.",
			got:    tenant(operatorNS, nil, []string{"example.com"}).Spec.AllowsHostname("a.example.org"),
			want:   false,
		},
		"EmptySuffixAllowsNothing": {
			reason: "An empty suffix stored before the CRD refused it allows nothing rather than everything.",
			got:    tenant(operatorNS, nil, []string{" "}).Spec.AllowsHostname("a.example.com"),
			want:   false,
		},
		"SharedTenantAnyNamespace": {
			reason: "A Tenant in the operator namespace without allowedNamespaces serves every namespace.",
			got:    tenant(operatorNS, nil, nil).AllowsNamespace("app", operatorNS),
			want:   true,
		},
		"OwnNamespace": {
			reason: "A Tenant in the route's namespace without allowedNamespaces serves its namespace.",
			got:    tenant("app", nil, nil).AllowsNamespace("app", operatorNS),
			want:   true,
		},
		"OtherApplicationNamespace": {
			reason: "A Tenant in another application namespace without allowedNamespaces does not serve the route.",
			got:    tenant("other", nil, nil).AllowsNamespace("app", operatorNS),
			want:   false,
		},
		"NamespaceListed": {
			reason: "A namespace listed in allowedNamespaces is allowed.",
			got:    tenant(operatorNS, []string{"x", "app"}, nil).AllowsNamespace("app", operatorNS),
			want:   true,
		},
		"OwnNamespaceNotListed": {
			reason: "A non-empty allowedNamespaces is the whole list, even for the Tenant's own namespace.",
			got:    tenant("app", []string{"x"}, nil).AllowsNamespace("app", operatorNS),
			want:   false,
		},
		"LookupRouteNamespaceFirst": {
			reason: "Tenants and Templates are looked up in the route's namespace, then in the operator namespace.",
			got:    LookupNamespaces("app", operatorNS),
			want:   []string{"app", operatorNS},
		},
		"LookupOperatorNamespaceOnce": {
			reason: "A route in the operator namespace looks there once.",
			got:    LookupNamespaces(operatorNS, operatorNS),
			want:   []string{operatorNS},
		},
		"BaseTemplateName": {
			reason: "A tenant's base template is base-<tenant>.",
			got:    BaseTemplateName("home"),
			want:   "base-home",
		},
		"BaseTemplateTenant": {
			reason: "The Template base-home is the base template of tenant home.",
			got:    baseOf("base-home"),
			want:   base{Tenant: "home", IsBase: true},
		},
		"NotBaseTemplate": {
			reason: "A Template named otherwise, or just base-, is no tenant's base template.",
			got:    []base{baseOf("protected"), baseOf("base-")},
			want:   []base{{Tenant: "", IsBase: false}, {Tenant: "", IsBase: false}},
		},
		"ProviderConfigName": {
			reason: "A Tenant's ProviderConfig is <namespace>.<name>.",
			got:    ProviderConfigName(operatorNS, "home"),
			want:   "cloudflare-zero-trust.home",
		},
		"TenantNothingDeprecated": {
			reason: "A Tenant that sets no deprecated field has nothing to be told.",
			got:    TenantSpec{AccountID: "a"}.Deprecated(),
			want:   []string(nil),
		},
		"TenantLogLevelDeprecated": {
			reason: "A Tenant that sets logLevel is told that it has no effect and what does.",
			got:    TenantSpec{LogLevel: "DEBUG"}.Deprecated(),
			want:   []string{"spec.logLevel has no effect: the provider's log level is set by its --debug flag"},
		},
		"TemplateNothingDeprecated": {
			reason: "A Template that sets no deprecated field has nothing to be told.",
			got:    TemplateSpec{OriginService: &OriginService{URL: "http://a"}}.Deprecated(),
			want:   []string(nil),
		},
		"TemplateFieldsDeprecated": {
			reason: "A Template that sets tenantRef and httpRedirect, even to false, is told that neither has an effect.",
			got:    TemplateSpec{TenantRef: "home", OriginService: &OriginService{HTTPRedirect: new(false)}}.Deprecated(),
			want: []string{
				"spec.tenantRef has no effect: the route's cfzt.cloudflare.com/tenant annotation names the tenant",
				"spec.originService.httpRedirect has no effect: HTTP to HTTPS redirection is a zone setting this project does not manage",
			},
		},
		"StateConfigMapName": {
			reason: "A route's state ConfigMap is cfzt-<route-namespace>-<route-name>.",
			got:    StateConfigMapName("web", "www"),
			want:   "cfzt-web-www",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestOwnershipComment(t *testing.T) {
	ns63 := strings.Repeat("n", 63)
	name63 := strings.Repeat("r", 63)
	name253 := strings.Repeat("a", 61) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63)
	long := RouteOwner(ns63, name63)

	type want struct {
		comment string
		marks   bool
	}
	cases := map[string]struct {
		reason string
		owner  string
		// comment is the record's comment; empty means owner's marker.
		comment string
		want    want
	}{
		"ShortOwnerReadable": {
			reason: "An owner whose marker fits is written in full, as before, so existing records keep the same comment.",
			owner:  "apps/web",
			want:   want{comment: "managed-by: cfzt apps/web", marks: true},
		},
		"LongestNamespaceAndName": {
			reason: "A 63-character namespace and name do not fit: the marker keeps the first 50 characters and a hash of the whole owner.",
			owner:  long,
			want:   want{comment: "managed-by: cfzt " + long[:50] + "~" + hash(long), marks: true},
		},
		"LongestHTTPRouteName": {
			reason: "A 253-character route name fits in the marker too.",
			owner:  RouteOwner(ns63, name253),
			want:   want{comment: "managed-by: cfzt " + ns63[:50] + "~" + hash(RouteOwner(ns63, name253)), marks: true},
		},
		"LegacyLongCommentRecognised": {
			reason:  "A record marked with the whole owner, before markers were kept short, is still the owner's.",
			owner:   long,
			comment: "managed-by: cfzt " + long,
			want:    want{comment: "managed-by: cfzt " + long, marks: true},
		},
		"NoteAfterMarkerIgnored": {
			reason:  "A note added after the marker in the dashboard does not orphan the record.",
			owner:   long,
			comment: OwnershipComment(long) + " do not touch",
			want:    want{comment: OwnershipComment(long) + " do not touch", marks: true},
		},
		"SharedPrefixNotRecognised": {
			reason:  "Two routes whose owners share their first 50 characters have different markers; one's record is not the other's.",
			owner:   RouteOwner(ns63, strings.Repeat("r", 62)+"x"),
			comment: OwnershipComment(long),
			want:    want{comment: OwnershipComment(long), marks: false},
		},
		"OtherRouteNotRecognised": {
			reason:  "Another route's marker does not mark the record as ours.",
			owner:   "apps/web",
			comment: "managed-by: cfzt apps/other",
			want:    want{comment: "managed-by: cfzt apps/other", marks: false},
		},
		"PrefixOfOwnerNotRecognised": {
			reason:  "A marker naming an owner that is a prefix of ours is not ours.",
			owner:   "apps/web",
			comment: "managed-by: cfzt apps/we",
			want:    want{comment: "managed-by: cfzt apps/we", marks: false},
		},
		"UnmarkedNotRecognised": {
			reason:  "A record without a marker is nobody's.",
			owner:   "apps/web",
			comment: "added by hand",
			want:    want{comment: "added by hand", marks: false},
		},
		"OwnerWithSpaceHashed": {
			reason: "An owner with a space would be cut at it when read back, so its marker is hashed.",
			owner:  "apps/my web",
			want:   want{comment: "managed-by: cfzt apps/my_web~" + hash("apps/my web"), marks: true},
		},
		"OwnerFillingTheLimit": {
			reason: "An owner that makes the marker exactly 100 characters long is written in full.",
			owner:  strings.Repeat("o", 83),
			want:   want{comment: "managed-by: cfzt " + strings.Repeat("o", 83), marks: true},
		},
		"OwnerOneOverTheLimit": {
			reason: "One character more and the marker is hashed.",
			owner:  strings.Repeat("o", 84),
			want:   want{comment: "managed-by: cfzt " + strings.Repeat("o", 50) + "~" + hash(strings.Repeat("o", 84)), marks: true},
		},
		"UnicodeOwnerCutOnRune": {
			reason: "A long owner in Unicode is cut between characters, never inside one.",
			owner:  strings.Repeat("ü", 60),
			want:   want{comment: "managed-by: cfzt " + strings.Repeat("ü", 25) + "~" + hash(strings.Repeat("ü", 60)), marks: true},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			comment := tc.comment
			if comment == "" {
				comment = OwnershipComment(tc.owner)
			}
			got := want{comment: comment, marks: CommentMarksOwner(comment, tc.owner)}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("%s\n-want, +got:\n%s", tc.reason, diff)
			}
			if n := utf8.RuneCountInString(OwnershipComment(tc.owner)); n > MaxOwnershipCommentLength {
				t.Errorf("%s\nOwnershipComment(%q) is %d characters long, more than %d", tc.reason, tc.owner, n, MaxOwnershipCommentLength)
			}
		})
	}
}

// hash is the hash part of an ownership marker, computed independently of
// the code under test.
func hash(owner string) string {
	sum := sha256.Sum256([]byte(owner))
	return hex.EncodeToString(sum[:])[:32]
}

func TestNotProxiable(t *testing.T) {
	cases := map[string]struct {
		reason string
		addr   string
		want   string
	}{
		"Public":        {reason: "A public IPv4 address can be proxied.", addr: "203.0.113.10", want: ""},
		"PublicIPv6":    {reason: "A public IPv6 address can be proxied.", addr: "2606:4700::1111", want: ""},
		"RFC1918Ten":    {reason: "10/8 is private.", addr: "10.1.2.3", want: "is a private address (RFC 1918)"},
		"RFC1918172":    {reason: "172.16/12 is private.", addr: "172.20.0.1", want: "is a private address (RFC 1918)"},
		"RFC1918192":    {reason: "192.168/16 is private.", addr: "192.168.1.10", want: "is a private address (RFC 1918)"},
		"Beyond172":     {reason: "172.32/16 is outside 172.16/12, and public.", addr: "172.32.0.1", want: ""},
		"CGNAT":         {reason: "100.64/10 is shared address space.", addr: "100.100.1.1", want: "is a shared, carrier-grade NAT address (100.64.0.0/10)"},
		"BeyondCGNAT":   {reason: "100.128/16 is outside 100.64/10, and public.", addr: "100.128.0.1", want: ""},
		"Loopback":      {reason: "127/8 is loopback.", addr: "127.0.0.53", want: "is a loopback address"},
		"LoopbackIPv6":  {reason: "::1 is loopback.", addr: "::1", want: "is a loopback address"},
		"LinkLocal":     {reason: "169.254/16 is link-local.", addr: "169.254.169.254", want: "is a link-local address"},
		"LinkLocalIPv6": {reason: "fe80::/10 is link-local.", addr: "fe80::1", want: "is a link-local address"},
		"ULA":           {reason: "fc00::/7 is unique local.", addr: "fd12:3456::1", want: "is a unique local address (fc00::/7)"},
		"ThisNetwork":   {reason: "0/8 is no host's address.", addr: "0.1.2.3", want: "is an unspecified address"},
		"Reserved":      {reason: "240/4 is reserved.", addr: "250.0.0.1", want: "is a reserved address (240.0.0.0/4)"},
		"Multicast":     {reason: "224/4 is multicast.", addr: "239.1.1.1", want: "is a multicast address"},
		"MappedPrivate": {reason: "An IPv4-mapped private address is private.", addr: "::ffff:10.0.0.1", want: "is a private address (RFC 1918)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, NotProxiable(netip.MustParseAddr(tc.addr))); diff != "" {
				t.Errorf("%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestProxiedTargetError(t *testing.T) {
	cases := map[string]struct {
		reason  string
		typ     string
		content string
		proxied bool
		want    string
	}{
		"ProxiedPrivate": {reason: "A proxied A record to a private address is refused, naming it.", typ: "A", content: "10.0.0.5", proxied: true, want: "address 10.0.0.5, is a private address (RFC 1918), which Cloudflare does not proxy to"},
		"DNSOnlyPrivate": {reason: "A DNS-only record may point anywhere.", typ: "A", content: "10.0.0.5", want: ""},
		"ProxiedPublic":  {reason: "A proxied record to a public address is fine.", typ: "AAAA", content: "2001:4860::1", proxied: true, want: ""},
		"ProxiedULA":     {reason: "A proxied AAAA record to a unique local address is refused.", typ: "AAAA", content: "fd00::1", proxied: true, want: "address fd00::1, is a unique local address (fc00::/7), which Cloudflare does not proxy to"},
		"ProxiedCNAME":   {reason: "A CNAME's target is a name, never checked here.", typ: "CNAME", content: "x.cfargotunnel.com", proxied: true, want: ""},
		"ProxiedNotAnIP": {reason: "Content that is no address is left to the other checks.", typ: "A", content: "nonsense", proxied: true, want: ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ProxiedTargetError(tc.typ, tc.content, tc.proxied)); diff != "" {
				t.Errorf("%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestZoneFor(t *testing.T) {
	zones := []TenantZone{
		{Name: "example.com", ID: "z1"},
		{Name: "b.example.com", ID: "z2"},
		{Name: "Example.ORG.", ID: "z3"},
		{Name: "xn--bcher-kva.example", ID: "z4"},
		{Name: "c.example.com", ID: "z5"},
		{Name: "example.com", ID: "z6"},
	}
	cases := map[string]struct {
		reason   string
		hostname string
		want     string
	}{
		"Apex":          {reason: "A zone's own name is in it.", hostname: "example.com", want: "z1"},
		"Under":         {reason: "A name under a zone is in it.", hostname: "app.example.com", want: "z1"},
		"Longest":       {reason: "The longest matching zone wins, whatever the order of the list.", hostname: "a.b.example.com", want: "z2"},
		"LongestFirst":  {reason: "A shorter zone listed after the longest does not win.", hostname: "a.c.example.com", want: "z5"},
		"LabelBoundary": {reason: "A zone matches on a label boundary only.", hostname: "badexample.com", want: ""},
		"Normalized":    {reason: "Case and a trailing dot do not matter, on either side.", hostname: "App.Example.Org.", want: "z3"},
		"Unicode":       {reason: "A Unicode hostname is compared in Punycode, as Cloudflare names zones.", hostname: "www.bücher.example", want: "z4"},
		"None":          {reason: "A hostname in no zone has none.", hostname: "app.example.net", want: ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			z, ok := ZoneFor(tc.hostname, zones, func(z TenantZone) string { return z.Name })
			if ok != (tc.want != "") {
				t.Errorf("%s\nZoneFor(%q): ok = %v, want %v", tc.reason, tc.hostname, ok, tc.want != "")
			}
			if diff := cmp.Diff(tc.want, z.ID); diff != "" {
				t.Errorf("%s\nZoneFor(%q): -want, +got:\n%s", tc.reason, tc.hostname, diff)
			}
		})
	}
}

func TestListedZoneID(t *testing.T) {
	zones := []TenantZone{{Name: "example.com", ID: "z1"}, {Name: "home.example.com", ID: "z2"}}
	cases := map[string]struct {
		reason   string
		zones    []TenantZone
		hostname string
		want     string
	}{
		"Listed":  {reason: "A hostname under a listed zone is in it.", zones: zones, hostname: "app.example.com", want: "z1"},
		"Longest": {reason: "The longest listed zone wins, as the provider places records.", zones: zones, hostname: "nas.home.example.com", want: "z2"},
		"LongestFirst": {
			reason: "The longest listed zone wins when it comes first too.", hostname: "nas.home.example.com", want: "z2",
			zones: []TenantZone{{Name: "home.example.com", ID: "z2"}, {Name: "example.com", ID: "z1"}},
		},
		"NotListed": {reason: "A hostname in no listed zone has none yet.", zones: zones, hostname: "app.example.org", want: ""},
		"NoList":    {reason: "A Tenant not yet checked lists no zones.", hostname: "app.example.com", want: ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := (TenantStatus{Zones: tc.zones}).ListedZoneID(tc.hostname); got != tc.want {
				t.Errorf("%s\nListedZoneID(%q) = %q, want %q", tc.reason, tc.hostname, got, tc.want)
			}
		})
	}
}
