package fakecloudflare_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudflare/cloudflare-go/v4"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// withPlan returns seed with the zone on the plan.
func withPlan(seed fake.Seed, zoneID, plan string) fake.Seed {
	seed.Zones = append([]fake.Zone(nil), seed.Zones...)
	for i := range seed.Zones {
		if seed.Zones[i].ID == zoneID {
			seed.Zones[i].Plan = plan
		}
	}
	return seed
}

// withRecords returns seed with n more A records in the zone, named fill0
// to fill<n-1>.
func withRecords(seed fake.Seed, zoneID string, n int) fake.Seed {
	seed.DNSRecords = append([]fake.DNSRecord(nil), seed.DNSRecords...)
	for i := range n {
		seed.DNSRecords = append(seed.DNSRecords, fake.DNSRecord{
			ID: fmt.Sprintf("f%031x", i), ZoneID: zoneID, Type: "A", Name: fmt.Sprintf("fill%d", i), Content: "192.0.2.1",
		})
	}
	return seed
}

// withZoneCreated returns seed with the zone created at t.
func withZoneCreated(seed fake.Seed, zoneID string, t time.Time) fake.Seed {
	seed.Zones = append([]fake.Zone(nil), seed.Zones...)
	for i := range seed.Zones {
		if seed.Zones[i].ID == zoneID {
			seed.Zones[i].CreatedOn = t
		}
	}
	return seed
}

// A failure is what a refusal says: its status, its top-level code and the
// codes and messages of its error_chain.
type failure struct {
	Status int
	Code   int
	Chain  []string // "code: message"
}

// failureOf reads an SDK error. cloudflare-go v4.6.0 does not decode
// error_chain, so it is read from the raw body the error keeps.
func failureOf(t *testing.T, err error) failure {
	t.Helper()
	if err == nil {
		return failure{}
	}
	var e *cloudflare.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *cloudflare.Error", err)
	}
	return failureFrom(t, e.StatusCode, []byte(e.JSON.RawJSON()))
}

func failureFrom(t *testing.T, status int, body []byte) failure {
	t.Helper()
	var env struct {
		Errors []struct {
			Code       int `json:"code"`
			ErrorChain []struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error_chain"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("cannot decode %q: %v", body, err)
	}
	f := failure{Status: status}
	if len(env.Errors) > 0 {
		f.Code = env.Errors[0].Code
		for _, c := range env.Errors[0].ErrorChain {
			f.Chain = append(f.Chain, fmt.Sprintf("%d: %s", c.Code, c.Message))
		}
	}
	return f
}

// invalid is a DNS validation error as Cloudflare answers it: 400, 1004,
// the specific code in error_chain.
func invalid(code int, msg string) failure {
	return failure{Status: http.StatusBadRequest, Code: 1004, Chain: []string{fmt.Sprintf("%d: %s", code, msg)}}
}

// chainCode matches a failure's chain code only, for messages the fake
// words itself.
func chainCode(code int) failure {
	return failure{Status: http.StatusBadRequest, Code: 1004, Chain: []string{fmt.Sprintf("%d", code)}}
}

func TestDNSRecordRules(t *testing.T) {
	type req struct {
		method string // POST when empty
		record string // the record ID of a PUT or PATCH
		zone   string // zoneCom when empty
		body   map[string]any
		// noSchema sends the request past the schema check, for a body
		// the schema already forbids.
		noSchema bool
	}
	type want struct {
		failure failure
		// record holds fields of the stored record, checked when the
		// write succeeds.
		record map[string]any
	}
	rec := func(typ, name, content string, more ...any) map[string]any {
		m := map[string]any{"type": typ, "name": name, "content": content}
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i].(string)] = more[i+1]
		}
		return m
	}
	tags := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("t%d:v", i)
		}
		return out
	}
	paid := func(s fake.Seed) fake.Seed { return withPlan(s, zoneCom, fake.PlanPro) }
	enterprise := func(s fake.Seed) fake.Seed { return withPlan(s, zoneCom, fake.PlanEnterprise) }
	recordsAt := func(n int, plan string, created time.Time) func(fake.Seed) fake.Seed {
		return func(s fake.Seed) fake.Seed {
			return withRecords(withZoneCreated(withPlan(s, zoneOrg, plan), zoneOrg, created), zoneOrg, n)
		}
	}
	newFree, oldFree := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 8, 31, 0, 0, 0, 0, time.UTC)
	quotaErr := failure{Status: http.StatusBadRequest, Code: 81045}
	nsErr := failure{Status: http.StatusBadRequest, Code: 81056}

	cases := map[string]struct {
		reason string
		seed   func(fake.Seed) fake.Seed
		req    req
		want   want
	}{
		// Comments.
		"CommentFree100": {
			reason: "A Free zone takes a comment of 100 characters (plans/index.json dns.record_comments; STRRL/cloudflare-tunnel-ingress-controller#139).",
			req:    req{body: rec("A", "c", "198.51.100.7", "comment", strings.Repeat("é", 100))},
			want:   want{record: map[string]any{"comment": strings.Repeat("é", 100)}},
		},
		"CommentFree101": {
			reason: "A Free zone refuses a comment of 101 characters: 1004 with 9313 in the chain (plans/index.json dns.record_comments; STRRL/cloudflare-tunnel-ingress-controller#139, #168).",
			req:    req{body: rec("A", "c", "198.51.100.7", "comment", strings.Repeat("x", 101))},
			want:   want{failure: chainCode(9313)},
		},
		"CommentPaid500": {
			reason: "A paid zone takes a comment of 500 characters (plans/index.json dns.record_comments).",
			seed:   paid,
			req:    req{body: rec("A", "c", "198.51.100.7", "comment", strings.Repeat("x", 500))},
			want:   want{record: map[string]any{"comment": strings.Repeat("x", 500)}},
		},
		"CommentPaid501": {
			reason: "A paid zone refuses a comment of 501 characters (plans/index.json dns.record_comments; the code on paid plans is not verified).",
			seed:   paid,
			req:    req{body: rec("A", "c", "198.51.100.7", "comment", strings.Repeat("x", 501))},
			want:   want{failure: chainCode(9313)},
		},
		"CommentNewline": {
			reason: "A comment is one line (STRRL/cloudflare-tunnel-ingress-controller#168).",
			seed:   paid,
			req:    req{body: rec("A", "c", "198.51.100.7", "comment", "managed-by: cfzt\nroute default/app")},
			want:   want{failure: chainCode(9313)},
		},
		"CommentPatchedTooLong": {
			reason: "A PATCH meets the comment limit too (plans/index.json dns.record_comments).",
			req:    req{method: http.MethodPatch, record: recMail, body: rec("A", "mail", "203.0.113.25", "comment", strings.Repeat("x", 101))},
			want:   want{failure: chainCode(9313)},
		},

		// Tags.
		"TagFree": {
			reason: "A Free zone has a tag quota of 0, with Cloudflare's words (plans/index.json dns.record_tags; external-dns#3706).",
			req:    req{body: rec("A", "t", "198.51.100.7", "tags", []string{"owner:dns-team"})},
			want:   want{failure: invalid(9300, "DNS record has 1 tags, exceeding the quota of 0.")},
		},
		"TagsPaid20": {
			reason: "A paid zone takes 20 tags (plans/index.json dns.record_tags).",
			seed:   paid,
			req:    req{body: rec("A", "t", "198.51.100.7", "tags", tags(20))},
			want:   want{record: map[string]any{"name": "t.example.com"}},
		},
		"TagsPaid21": {
			reason: "A paid zone refuses a 21st tag (plans/index.json dns.record_tags; external-dns#3706).",
			seed:   paid,
			req:    req{body: rec("A", "t", "198.51.100.7", "tags", tags(21))},
			want:   want{failure: invalid(9300, "DNS record has 21 tags, exceeding the quota of 20.")},
		},
		"TagName33": {
			reason: "A tag name is at most 32 characters (plans/index.json dns.record_tags).",
			seed:   paid,
			req:    req{body: rec("A", "t", "198.51.100.7", "tags", []string{strings.Repeat("n", 33) + ":v"})},
			want:   want{failure: chainCode(9300)},
		},
		"TagValue101": {
			reason: "A tag value is at most 100 characters (plans/index.json dns.record_tags).",
			seed:   paid,
			req:    req{body: rec("A", "t", "198.51.100.7", "tags", []string{"owner:" + strings.Repeat("v", 101)})},
			want:   want{failure: chainCode(9300)},
		},

		// TTL.
		"TTL60": {
			reason: "60 seconds is the shortest TTL below Enterprise (cloudflare-go v4.6.0 dns/record.go TTL doc).",
			req:    req{body: rec("A", "t", "198.51.100.7", "ttl", 60)},
			want:   want{record: map[string]any{"ttl": 60.0}},
		},
		"TTL45": {
			reason: "Below Enterprise a TTL of 45 is refused with 9021 (cloudflare-go v4.6.0 dns/record.go TTL doc; timothymiller/cloudflare-ddns#179).",
			seed:   paid,
			req:    req{body: rec("A", "t", "198.51.100.7", "ttl", 45)},
			want:   want{failure: chainCode(9021)},
		},
		"TTL45Enterprise": {
			reason: "Enterprise takes TTLs from 30 (cloudflare-go v4.6.0 dns/record.go TTL doc).",
			seed:   enterprise,
			req:    req{body: rec("A", "t", "198.51.100.7", "ttl", 45)},
			want:   want{record: map[string]any{"ttl": 45.0}},
		},
		"TTL29Enterprise": {
			reason: "Not even Enterprise goes below 30 (cloudflare-go v4.6.0 dns/record.go TTL doc).",
			seed:   enterprise,
			req:    req{body: rec("A", "t", "198.51.100.7", "ttl", 29), noSchema: true},
			want:   want{failure: chainCode(9021)},
		},
		"TTLOverADay": {
			reason: "A TTL is at most 86400 (cloudflare-go v4.6.0 dns/record.go TTL doc).",
			req:    req{body: rec("A", "t", "198.51.100.7", "ttl", 86401), noSchema: true},
			want:   want{failure: chainCode(9021)},
		},
		"ProxiedTTLIsAuto": {
			reason: "A proxied record's TTL is stored and returned as 1, whatever was sent (terraform-provider-cloudflare#126; cloudflare-docs proxy-status).",
			req:    req{body: rec("CNAME", "p", tunnelTarget, "proxied", true, "ttl", 3600)},
			want:   want{record: map[string]any{"ttl": 1.0, "proxied": true, "proxiable": true}},
		},

		// Proxying.
		"ProxiedTXT": {
			reason: "Only A, AAAA and CNAME can be proxied: 9004 (external-dns#1945).",
			req:    req{body: rec("TXT", "p", "hello", "proxied", true)},
			want:   want{failure: invalid(9004, "This record type cannot be proxied.")},
		},
		"ProxiedRFC1918": {
			reason: "A proxied A record to an RFC 1918 address is refused with 9003 (maxfield-allison/dnsweaver#161; DNSControl/dnscontrol#4776).",
			req:    req{body: rec("A", "p", "10.1.2.3", "proxied", true)},
			want:   want{failure: invalid(9003, "Target 10.1.2.3 is not allowed for a proxied record.")},
		},
		"ProxiedCGNAT": {
			reason: "So is CGNAT space, 100.64/10 (DNSControl/dnscontrol#4776).",
			req:    req{body: rec("A", "p", "100.100.1.1", "proxied", true)},
			want:   want{failure: invalid(9003, "Target 100.100.1.1 is not allowed for a proxied record.")},
		},
		"ProxiedLoopback": {
			reason: "So is loopback (python-cloudflare#73).",
			req:    req{body: rec("A", "p", "127.0.0.1", "proxied", true)},
			want:   want{failure: invalid(9003, "Target 127.0.0.1 is not allowed for a proxied record.")},
		},
		"ProxiedLinkLocal": {
			reason: "So is link-local (maxfield-allison/dnsweaver#161).",
			req:    req{body: rec("A", "p", "169.254.10.1", "proxied", true)},
			want:   want{failure: invalid(9003, "Target 169.254.10.1 is not allowed for a proxied record.")},
		},
		"ProxiedULA": {
			reason: "So is an IPv6 unique local address, fc00::/7 (maxfield-allison/dnsweaver#161).",
			req:    req{body: rec("AAAA", "p", "fd12:3456::1", "proxied", true)},
			want:   want{failure: invalid(9003, "Target fd12:3456::1 is not allowed for a proxied record.")},
		},
		"ProxiedPublic": {
			reason: "A proxied A record to a public address is proxiable (maxfield-allison/dnsweaver#161).",
			req:    req{body: rec("A", "p", "198.51.100.7", "proxied", true)},
			want:   want{record: map[string]any{"proxied": true, "proxiable": true}},
		},
		"DNSOnlyPrivate": {
			reason: "A DNS-only record to a private address is stored, with proxiable false (DNSControl/dnscontrol#4776; python-cloudflare#73).",
			req:    req{body: rec("A", "nas", "192.168.1.10", "ttl", 300)},
			want:   want{record: map[string]any{"proxied": false, "proxiable": false}},
		},
		"ProxyPatchedOntoPrivate": {
			reason: "Turning the proxy on for a private target with a PATCH is refused too (maxfield-allison/dnsweaver#161).",
			seed: func(s fake.Seed) fake.Seed {
				s.DNSRecords = append(s.DNSRecords, fake.DNSRecord{ID: "d0000000000000000000000000000009", ZoneID: zoneCom, Type: "A", Name: "nas", Content: "192.168.1.10"})
				return s
			},
			req:  req{method: http.MethodPatch, record: "d0000000000000000000000000000009", body: rec("A", "nas", "192.168.1.10", "proxied", true)},
			want: want{failure: invalid(9003, "Target 192.168.1.10 is not allowed for a proxied record.")},
		},

		// Names.
		"Punycode": {
			reason: "Names are stored and returned in Punycode (cloudflare-go v4.6.0 dns/record.go doc).",
			req:    req{body: rec("A", "Bücher", "198.51.100.7")},
			want:   want{record: map[string]any{"name": "xn--bcher-kva.example.com"}},
		},
		"Label63": {
			reason: "A label of 63 characters is valid (RFC 1035).",
			req:    req{body: rec("A", strings.Repeat("a", 63), "198.51.100.7")},
			want:   want{record: map[string]any{"name": strings.Repeat("a", 63) + ".example.com"}},
		},
		"Label64": {
			reason: "A label of 64 characters is refused; the chain code is inferred (RFC 1035; cloudflare-docs#26665).",
			req:    req{body: rec("A", strings.Repeat("a", 64), "198.51.100.7")},
			want:   want{failure: chainCode(9000)},
		},
		"PunycodeLabel64": {
			reason: "The label limit counts the Punycode form: 61 characters become 68 (RFC 1035; cloudflare-docs#26665).",
			req:    req{body: rec("A", strings.Repeat("a", 60)+"ü", "198.51.100.7")},
			want:   want{failure: chainCode(9000)},
		},
		"Name256": {
			reason: "A name of more than 255 characters is refused; the chain code is inferred (RFC 1035; cloudflare-docs#26665).",
			req:    req{body: rec("A", strings.Repeat(strings.Repeat("a", 60)+".", 4)+"abc", "198.51.100.7"), noSchema: true},
			want:   want{failure: chainCode(9000)},
		},

		// NS records.
		"NSWhereAExists": {
			reason: "An NS record cannot join other records of its name: 81056 (cloudflare-docs existing-ns-record).",
			req:    req{body: rec("NS", "mail", "ns1.elsewhere.net")},
			want:   want{failure: nsErr},
		},
		"AWhereNSExists": {
			reason: "No other record can join NS records of its name: 81056, inferred (cloudflare-docs existing-ns-record).",
			seed: func(s fake.Seed) fake.Seed {
				s.DNSRecords = append(s.DNSRecords, fake.DNSRecord{ID: "d0000000000000000000000000000009", ZoneID: zoneCom, Type: "NS", Name: "sub", Content: "ns1.elsewhere.net"})
				return s
			},
			req:  req{body: rec("TXT", "sub", "hello")},
			want: want{failure: nsErr},
		},
		"NSBesideNS": {
			reason: "NS records of one name stand together (cloudflare-docs existing-ns-record).",
			seed: func(s fake.Seed) fake.Seed {
				s.DNSRecords = append(s.DNSRecords, fake.DNSRecord{ID: "d0000000000000000000000000000009", ZoneID: zoneCom, Type: "NS", Name: "sub", Content: "ns1.elsewhere.net"})
				return s
			},
			req:  req{body: rec("NS", "sub", "ns2.elsewhere.net")},
			want: want{record: map[string]any{"name": "sub.example.com"}},
		},

		// Record quota.
		"QuotaNewFree": {
			reason: "A Free zone created since 2024-09-01 holds 200 records; the code is unverified (plans/index.json dns.record_management.records_quota).",
			seed:   recordsAt(200, fake.PlanFree, newFree),
			req:    req{zone: zoneOrg, body: rec("A", "one-more", "198.51.100.7")},
			want:   want{failure: quotaErr},
		},
		"QuotaNewFreeRoom": {
			reason: "The 200th record fits (plans/index.json dns.record_management.records_quota).",
			seed:   recordsAt(199, fake.PlanFree, newFree),
			req:    req{zone: zoneOrg, body: rec("A", "one-more", "198.51.100.7")},
			want:   want{record: map[string]any{"name": "one-more.example.org"}},
		},
		"QuotaOldFree": {
			reason: "A Free zone created before 2024-09-01 holds 1,000 records (plans/index.json dns.record_management.records_quota).",
			seed:   recordsAt(999, fake.PlanFree, oldFree),
			req:    req{zone: zoneOrg, body: rec("A", "one-more", "198.51.100.7")},
			want:   want{record: map[string]any{"name": "one-more.example.org"}},
		},
		"QuotaOldFreeFull": {
			reason: "…and no more (plans/index.json dns.record_management.records_quota).",
			seed:   recordsAt(1000, fake.PlanFree, oldFree),
			req:    req{zone: zoneOrg, body: rec("A", "one-more", "198.51.100.7")},
			want:   want{failure: quotaErr},
		},
		"QuotaPaid": {
			reason: "A paid zone holds 3,500 records (plans/index.json dns.record_management.records_quota).",
			seed:   recordsAt(3500, fake.PlanBusiness, newFree),
			req:    req{zone: zoneOrg, body: rec("A", "one-more", "198.51.100.7")},
			want:   want{failure: quotaErr},
		},
		"QuotaPaidRoom": {
			reason: "A paid zone is not held to Free's 200 (plans/index.json dns.record_management.records_quota).",
			seed:   recordsAt(200, fake.PlanPro, newFree),
			req:    req{zone: zoneOrg, body: rec("A", "one-more", "198.51.100.7")},
			want:   want{record: map[string]any{"name": "one-more.example.org"}},
		},
		"QuotaUpdateWhenFull": {
			reason: "The quota counts records, so a full zone still takes updates (plans/index.json dns.record_management.records_quota).",
			seed:   recordsAt(200, fake.PlanFree, newFree),
			req:    req{zone: zoneOrg, method: http.MethodPatch, record: fmt.Sprintf("f%031x", 0), body: rec("A", "fill0", "198.51.100.8")},
			want:   want{record: map[string]any{"content": "198.51.100.8"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed := testSeed()
			if tc.seed != nil {
				seed = tc.seed(seed)
			}
			_, url := start(t, seed)
			zone := cmp.Or(tc.req.zone, zoneCom)
			path := "zones/" + zone + "/dns_records"
			if tc.req.record != "" {
				path += "/" + tc.req.record
			}
			method := cmp.Or(tc.req.method, http.MethodPost)
			var got failure
			var env struct {
				Result map[string]any `json:"result"`
			}
			if tc.req.noSchema {
				status, body := do(t, method, url+fake.APIPrefix+"/"+path, bearer(tokenAcct), tc.req.body)
				if status >= http.StatusBadRequest {
					got = failureFrom(t, status, body)
				} else if err := json.Unmarshal(body, &env); err != nil {
					t.Fatal(err)
				}
			} else {
				got = failureOf(t, client(t, url, tokenAcct).Execute(context.Background(), method, path, tc.req.body, &env))
			}
			if tc.want.failure.Chain != nil && len(got.Chain) == 1 && !strings.Contains(tc.want.failure.Chain[0], ":") {
				// Only the chain code is Cloudflare's: drop the fake's wording.
				got.Chain[0], _, _ = strings.Cut(got.Chain[0], ":")
			}
			diff(t, tc.reason, "failure", tc.want.failure, got)
			if tc.want.failure.Status != 0 {
				return
			}
			sub := map[string]any{}
			for k := range tc.want.record {
				sub[k] = env.Result[k]
			}
			diff(t, tc.reason, "record", tc.want.record, sub)
		})
	}
}

// TestSeededRecordNames shows that a seed's names are stored as the API
// returns them: in Punycode (cloudflare-go v4.6.0 dns/record.go doc).
func TestSeededRecordNames(t *testing.T) {
	seed := testSeed()
	seed.Zones = append(seed.Zones, fake.Zone{ID: "c0000000000000000000000000000009", Name: "Bücher.example", AccountID: acct})
	seed.DNSRecords = append(seed.DNSRecords, fake.DNSRecord{ID: "d0000000000000000000000000000009", ZoneID: "c0000000000000000000000000000009", Type: "A", Name: "Café", Content: "192.0.2.1"})
	f, _ := start(t, seed)
	snap := f.Snapshot()
	diff(t, "The zone's name is in Punycode.", "zone", "xn--bcher-kva.example", snap.Zones[len(snap.Zones)-1].Name)
	diff(t, "The record's name is in Punycode, within its zone.", "record", "xn--caf-dma.xn--bcher-kva.example", snap.DNSRecords[len(snap.DNSRecords)-1].Name)
}
