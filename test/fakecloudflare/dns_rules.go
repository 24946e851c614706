package fakecloudflare

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Zone plans, as a seed names them: the plan's legacy_id.
const (
	PlanFree       = "free"
	PlanPro        = "pro"
	PlanBusiness   = "business"
	PlanEnterprise = "enterprise"
)

// A plan is what the zone object's plan says about a subscription. The Free
// plan's ID is Cloudflare's fixed one; the Pro plan's is the one in
// Cloudflare's API reference examples; the Business and Enterprise IDs are
// the fake's own (not verified).
type plan struct {
	id        string
	name      string
	price     float64
	frequency string
}

var plans = map[string]plan{
	PlanFree:       {id: "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", name: "Free Website"},
	PlanPro:        {id: "e592fd9519420ba7405e1307bff33214", name: "Pro Website", price: 20, frequency: "monthly"},
	PlanBusiness:   {id: "b5b1ee5d1ba5000000000000000000b5", name: "Business Website", price: 200, frequency: "monthly"},
	PlanEnterprise: {id: "e7e4b1e5000000000000000000000e7e", name: "Enterprise Website", frequency: "monthly"},
}

// planJSON is a zone's plan as the API returns it: cloudflare-go v4.6.0's
// zones.ZonePlan.
func planJSON(legacyID string) map[string]any {
	p := plans[legacyID]
	return map[string]any{
		"id":                 p.id,
		"name":               p.name,
		"price":              p.price,
		"currency":           "USD",
		"frequency":          p.frequency,
		"is_subscribed":      true,
		"can_subscribe":      false,
		"legacy_id":          legacyID,
		"legacy_discount":    false,
		"externally_managed": false,
	}
}

// paid reports whether a zone is on a paid plan.
func (z *Zone) paid() bool { return z.Plan != PlanFree }

// freeQuotaCutoff is when Cloudflare lowered the record quota of new Free
// zones from 1,000 to 200 (plans/index.json dns.record_management.records_quota).
var freeQuotaCutoff = time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)

// recordQuota is how many DNS records the zone may hold.
func (z *Zone) recordQuota() int {
	switch {
	case z.paid():
		return 3500
	case z.CreatedOn.Before(freeQuotaCutoff):
		return 1000
	}
	return 200
}

// DNS error codes. Validation errors (9xxx) are answered as
// codeDNSValidation, "DNS Validation Error", with the specific code in
// error_chain, as the raw bodies quoted in external-dns#3706 and
// terraform-provider-cloudflare#3217 show.
const (
	codeDNSValidation = 1004
	// codeDNSInvalid is the fake's own chain code for a type, name or
	// content Cloudflare refuses without a code the fake knows.
	codeDNSInvalid = 9000
	// codeDNSProxiedTarget answers "Target … is not allowed for a proxied
	// record.".
	codeDNSProxiedTarget = 9003
	// codeDNSProxy answers "This record type cannot be proxied.".
	codeDNSProxy   = 9004
	codeDNSTTL     = 9021
	codeDNSTags    = 9300
	codeDNSComment = 9313
	// codeDNSQuota is the code the dashboard shows for "The record quota has
	// been exceeded." (js-org/js.org#2873); that the API answers it with 400
	// is not verified.
	codeDNSQuota = 81045
	// codeDNSNSExists answers "NS records with that host already exist."
	// (cloudflare-docs existing-ns-record).
	codeDNSNSExists = 81056
)

// dnsInvalid is a DNS validation error: 400, 1004 "DNS Validation Error",
// with the specific code and message in its error_chain.
func dnsInvalid(code int, format string, args ...any) *apiError {
	e := badRequest(codeDNSValidation, "DNS Validation Error")
	e.Chain = []message{{Code: code, Message: fmt.Sprintf(format, args...)}}
	return e
}

// asciiName returns a record or zone name as Cloudflare stores it: lower
// case, in Punycode, without the final dot. Names are returned in Punycode
// (cloudflare-go v4.6.0 dns/record.go). The Punycode profile converts labels
// and nothing more, so that "_dmarc" and "*" stay valid.
func asciiName(name string) (string, error) {
	name = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
	return idna.Punycode.ToASCII(name)
}

// checkName applies RFC 1035's lengths to a fully qualified name: labels of
// at most 63 characters and at most 255 in all (cloudflare-docs#26665). The
// code in the chain is inferred.
func checkName(name string) error {
	if len(name) > 255 {
		return dnsInvalid(codeDNSInvalid, "DNS name is too long: %d characters, at most 255.", len(name))
	}
	for l := range strings.SplitSeq(name, ".") {
		if len(l) > 63 {
			return dnsInvalid(codeDNSInvalid, "DNS name label %q is too long: %d characters, at most 63.", l, len(l))
		}
		if l == "" {
			return dnsInvalid(codeDNSInvalid, "DNS name is invalid.")
		}
	}
	return nil
}

// checkComment: at most 100 characters on Free, 500 on paid plans, on one
// line (plans/index.json dns.record_comments;
// STRRL/cloudflare-tunnel-ingress-controller#139, #168). The messages'
// wording is the fake's; the code is Cloudflare's.
func checkComment(comment string, z *Zone) error {
	limit := 100
	if z.paid() {
		limit = 500
	}
	if n := utf8.RuneCountInString(comment); n > limit {
		return dnsInvalid(codeDNSComment, "DNS record comment is %d characters long, exceeding the limit of %d.", n, limit)
	}
	if strings.ContainsAny(comment, "\r\n") {
		return dnsInvalid(codeDNSComment, "DNS record comment must not contain a newline.")
	}
	return nil
}

// checkTags: none on Free; on paid plans at most 20, each "name:value" with
// a name of at most 32 and a value of at most 100 characters
// (plans/index.json dns.record_tags; external-dns#3706). Only the quota's
// message is Cloudflare's; the length messages are the fake's.
func checkTags(tags []string, z *Zone) error {
	quota := 0
	if z.paid() {
		quota = 20
	}
	if len(tags) > quota {
		return dnsInvalid(codeDNSTags, "DNS record has %d tags, exceeding the quota of %d.", len(tags), quota)
	}
	for _, t := range tags {
		name, value, _ := strings.Cut(t, ":")
		if n := utf8.RuneCountInString(name); n == 0 || n > 32 {
			return dnsInvalid(codeDNSTags, "DNS record tag name %q must be 1 to 32 characters long.", name)
		}
		if utf8.RuneCountInString(value) > 100 {
			return dnsInvalid(codeDNSTags, "DNS record tag %q has a value longer than 100 characters.", name)
		}
	}
	return nil
}

// checkTTL: 1 (automatic) or 60 to 86400 seconds; 30 to 59 only on
// Enterprise (cloudflare-go v4.6.0 dns/record.go TTL doc;
// timothymiller/cloudflare-ddns#179).
func checkTTL(ttl int, z *Zone) error {
	lowest := 60
	if z.Plan == PlanEnterprise {
		lowest = 30
	}
	if ttl != 1 && (ttl < lowest || ttl > 86400) {
		return dnsInvalid(codeDNSTTL, "TTL must be between %d and 86400 seconds, or 1 for Automatic.", lowest)
	}
	return nil
}

// cgnat is the shared address space of RFC 6598.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// privateTarget reports whether an A or AAAA record points at an address
// Cloudflare will not proxy to: RFC 1918, CGNAT, loopback, link-local or
// ULA (maxfield-allison/dnsweaver#161; DNSControl/dnscontrol#4776;
// python-cloudflare#73).
func privateTarget(r *DNSRecord) bool {
	if r.Type != "A" && r.Type != "AAAA" {
		return false
	}
	ip, err := netip.ParseAddr(r.Content)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	return ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || cgnat.Contains(ip)
}

// recordProxiable is the record's proxiable: a type Cloudflare proxies, to
// an address it may proxy to.
func recordProxiable(r *DNSRecord) bool {
	return proxiable(r.Type) && !privateTarget(r)
}

// checkProxy: only A, AAAA and CNAME can be proxied (external-dns#1945), and
// not to a private address. A proxied record's TTL is automatic, whatever
// was sent (terraform-provider-cloudflare#126).
func checkProxy(r *DNSRecord) error {
	if !r.Proxied {
		return nil
	}
	if !proxiable(r.Type) {
		return dnsInvalid(codeDNSProxy, "This record type cannot be proxied.")
	}
	if privateTarget(r) {
		return dnsInvalid(codeDNSProxiedTarget, "Target %s is not allowed for a proxied record.", r.Content)
	}
	r.TTL = 1
	return nil
}

// checkNS: NS records stand alone on their name (cloudflare-docs
// existing-ns-record): an NS record cannot join other records, and, inferred
// from the same rule, no other record can join NS records. The zone's apex is
// exempt: its NS records sit beside its other records.
func checkNS(r, o *DNSRecord, z *Zone) error {
	if r.Name == z.Name || (r.Type == "NS") == (o.Type == "NS") {
		return nil
	}
	return badRequest(codeDNSNSExists, "NS records with that host already exist.")
}

// checkQuota refuses a new record when the zone is full
// (plans/index.json dns.record_management.records_quota). The code is not
// verified for the API: see codeDNSQuota.
func (s *Server) checkQuota(z *Zone) error {
	n := 0
	for _, r := range s.st.records {
		if r.ZoneID == z.ID {
			n++
		}
	}
	if n >= z.recordQuota() {
		return errorf(http.StatusBadRequest, codeDNSQuota, "Record quota exceeded.")
	}
	return nil
}
