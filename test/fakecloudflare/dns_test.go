package fakecloudflare_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/dns"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

const tunnelTarget = tunnelRemote + ".cfargotunnel.com"

func cname(name, comment string, tags ...string) dns.CNAMERecordParam {
	p := dns.CNAMERecordParam{
		Name:    cloudflare.F(name),
		Type:    cloudflare.F(dns.CNAMERecordTypeCNAME),
		Content: cloudflare.F(tunnelTarget),
		Proxied: cloudflare.F(true),
		TTL:     cloudflare.F(dns.TTL1),
	}
	if comment != "" {
		p.Comment = cloudflare.F(comment)
	}
	if tags != nil {
		p.Tags = cloudflare.F(tags)
	}
	return p
}

func aRecord(name, ip string) dns.ARecordParam {
	return dns.ARecordParam{
		Name:    cloudflare.F(name),
		Type:    cloudflare.F(dns.ARecordTypeA),
		Content: cloudflare.F(ip),
		TTL:     cloudflare.F(dns.TTL(120)),
	}
}

func TestDNSRecordCreate(t *testing.T) {
	type want struct {
		status, code int
		record       map[string]any
	}
	cases := map[string]struct {
		reason string
		body   dns.RecordNewParamsBodyUnion
		want   want
	}{
		"CNAMEWithOwnership": {
			reason: "A CNAME is stored with its comment and tags verbatim, for the project's ownership marks (tags need a paid plan).",
			body:   cname("app.example.com", "managed-by: cfzt route default/app", "owner:cfzt", "route:default/app"),
			want: want{record: map[string]any{
				"name": "app.example.com", "type": "CNAME", "content": tunnelTarget, "proxied": true, "ttl": 1.0,
				"comment": "managed-by: cfzt route default/app", "tags": []any{"owner:cfzt", "route:default/app"},
			}},
		},
		"RelativeName": {
			reason: "A name without the zone gets the zone appended, as Cloudflare does.",
			body:   aRecord("www", "198.51.100.7"),
			want: want{record: map[string]any{
				"name": "www.example.com", "type": "A", "content": "198.51.100.7", "proxied": false, "ttl": 120.0, "tags": []any{},
			}},
		},
		"SecondA": {
			reason: "Two A records of one name are allowed (round robin).",
			body:   aRecord("mail.example.com", "203.0.113.26"),
			want: want{record: map[string]any{
				"name": "mail.example.com", "type": "A", "content": "203.0.113.26", "proxied": false, "ttl": 120.0, "tags": []any{},
			}},
		},
		"CNAMEOverA": {
			reason: "A CNAME cannot share its name with an A record.",
			body:   cname("mail.example.com", ""),
			want:   want{status: http.StatusBadRequest, code: 81053},
		},
		"CNAMEOverCNAME": {
			reason: "A CNAME cannot share its name with another CNAME.",
			body:   cname("legacy.example.com", ""),
			want:   want{status: http.StatusBadRequest, code: 81053},
		},
		"AOverCNAME": {
			reason: "An A record cannot share its name with a CNAME.",
			body:   aRecord("legacy.example.com", "198.51.100.7"),
			want:   want{status: http.StatusBadRequest, code: 81054},
		},
		"AAAAOverCNAME": {
			reason: "An AAAA record cannot share its name with a CNAME.",
			body: dns.AAAARecordParam{
				Name: cloudflare.F("legacy.example.com"), Type: cloudflare.F(dns.AAAARecordTypeAAAA),
				Content: cloudflare.F("2001:db8::1"), TTL: cloudflare.F(dns.TTL1),
			},
			want: want{status: http.StatusBadRequest, code: 81054},
		},
		"Identical": {
			reason: "A record identical to an existing one is refused.",
			body:   aRecord("mail.example.com", "203.0.113.25"),
			want:   want{status: http.StatusBadRequest, code: 81058},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, url := start(t, withPlan(testSeed(), zoneCom, fake.PlanPro))
			cf := client(t, url, tokenAcct)
			res, err := cf.DNS.Records.New(context.Background(), dns.RecordNewParams{ZoneID: cloudflare.F(zoneCom), Body: tc.body})
			status, code := cfError(t, err)
			diff(t, tc.reason, "status and code", []int{tc.want.status, tc.want.code}, []int{status, code})
			wantWrites := 0
			if err == nil {
				wantWrites = 1
				got := raw(t, res.JSON.RawJSON())
				diff(t, tc.reason, "zone_id", zoneCom, got["zone_id"])
				for _, k := range []string{"id", "zone_id", "zone_name", "proxiable", "locked", "meta", "settings", "created_on", "modified_on"} {
					delete(got, k)
				}
				diff(t, tc.reason, "record", tc.want.record, got)
				again, err := cf.DNS.Records.Get(context.Background(), res.ID, dns.RecordGetParams{ZoneID: cloudflare.F(zoneCom)})
				if err != nil {
					t.Fatal(err)
				}
				diff(t, tc.reason, "GET returns what create returned", res.JSON.RawJSON(), again.JSON.RawJSON())
			}
			diff(t, tc.reason, "writes", wantWrites, f.WriteCount(fake.OpDNSRecordCreate))
		})
	}
}

// TestPutDNSRecordRules checks records the schema already forbids, so no SDK
// client sends them; a dashboard edit meets the same rules. An EditError
// holds the top-level code: validation errors are 1004, their chain codes are
// checked in dns_rules_test.go.
func TestPutDNSRecordRules(t *testing.T) {
	prio := 10
	cases := map[string]struct {
		reason string
		record fake.DNSRecord
		status int
		code   int
	}{
		"Valid": {
			reason: "A valid MX record is stored.",
			record: fake.DNSRecord{ZoneID: zoneCom, Type: "MX", Name: "@", Content: "mail.example.com", Priority: &prio},
		},
		"BadIPv4": {
			reason: "An A record needs an IPv4 address.",
			record: fake.DNSRecord{ZoneID: zoneCom, Type: "A", Name: "x", Content: "2001:db8::1"},
			status: http.StatusBadRequest, code: 1004,
		},
		"BadIPv6": {
			reason: "An AAAA record needs an IPv6 address.",
			record: fake.DNSRecord{ZoneID: zoneCom, Type: "AAAA", Name: "x", Content: "192.0.2.1"},
			status: http.StatusBadRequest, code: 1004,
		},
		"MXWithoutPriority": {
			reason: "An MX record needs a priority.",
			record: fake.DNSRecord{ZoneID: zoneCom, Type: "MX", Name: "@", Content: "mail.example.com"},
			status: http.StatusBadRequest, code: 1004,
		},
		"ShortTTL": {
			reason: "A TTL is 1 (automatic) or 60 to 86400 seconds (cloudflare-go v4.6.0 dns/record.go TTL doc).",
			record: fake.DNSRecord{ZoneID: zoneCom, Type: "A", Name: "x", Content: "192.0.2.1", TTL: 5},
			status: http.StatusBadRequest, code: 1004,
		},
		"ProxiedTXT": {
			reason: "Only A, AAAA and CNAME records can be proxied.",
			record: fake.DNSRecord{ZoneID: zoneCom, Type: "TXT", Name: "x", Content: "hello", Proxied: true},
			status: http.StatusBadRequest, code: 1004,
		},
		"UnknownType": {
			reason: "The type must be one the API knows.",
			record: fake.DNSRecord{ZoneID: zoneCom, Type: "SPF", Name: "x", Content: "v=spf1"},
			status: http.StatusBadRequest, code: 1004,
		},
		"CNAMEOverA": {
			reason: "A dashboard edit meets CNAME exclusivity too.",
			record: fake.DNSRecord{ZoneID: zoneCom, Type: "CNAME", Name: "mail", Content: tunnelTarget},
			status: http.StatusBadRequest, code: 81053,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, _ := start(t, testSeed())
			_, err := f.PutDNSRecord(tc.record)
			var e *fake.EditError
			status, code := 0, 0
			if errors.As(err, &e) {
				status, code = e.Status, e.Code
			}
			diff(t, tc.reason, "status and code", []int{tc.status, tc.code}, []int{status, code})
		})
	}
}

func TestDNSRecordsList(t *testing.T) {
	f, url := start(t, withPlan(testSeed(), zoneCom, fake.PlanPro))
	ids := map[string]string{"legacy": recLegacy, "mail": recMail}
	for _, r := range []fake.DNSRecord{
		{ZoneID: zoneCom, Type: "CNAME", Name: "app", Content: tunnelTarget, Proxied: true, Comment: "managed-by: cfzt", Tags: []string{"owner:cfzt", "route:default/app"}},
		{ZoneID: zoneCom, Type: "CNAME", Name: "api", Content: tunnelTarget, Proxied: true, Comment: "managed-by: cfzt", Tags: []string{"owner:cfzt", "route:default/api"}},
		{ZoneID: zoneCom, Type: "TXT", Name: "app", Content: "verify=1", Comment: "Managed-By: someone"},
		{ZoneID: zoneOrg, Type: "CNAME", Name: "app", Content: tunnelTarget, Comment: "managed-by: cfzt"},
	} {
		got, err := f.PutDNSRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		if r.ZoneID == zoneCom {
			ids[r.Name+"-"+r.Type] = got.ID
		}
	}
	cases := map[string]struct {
		reason string
		params dns.RecordListParams
		want   []string
	}{
		"All": {
			reason: "Without filters every record of the zone is listed, ordered by type.",
			want:   []string{"mail", "legacy", "app-CNAME", "api-CNAME", "app-TXT"},
		},
		"NameExact": {
			reason: "name.exact finds the records of one name.",
			params: dns.RecordListParams{Name: cloudflare.F(dns.RecordListParamsName{Exact: cloudflare.F("app.example.com")})},
			want:   []string{"app-CNAME", "app-TXT"},
		},
		"NameExactAndType": {
			reason: "name.exact and type together find the one CNAME of a name.",
			params: dns.RecordListParams{
				Name: cloudflare.F(dns.RecordListParamsName{Exact: cloudflare.F("app.example.com")}),
				Type: cloudflare.F(dns.RecordListParamsTypeCNAME),
			},
			want: []string{"app-CNAME"},
		},
		"NameStartsWith": {
			reason: "name.startswith matches a prefix.",
			params: dns.RecordListParams{Name: cloudflare.F(dns.RecordListParamsName{Startswith: cloudflare.F("ap")})},
			want:   []string{"app-CNAME", "api-CNAME", "app-TXT"},
		},
		"ContentExact": {
			reason: "content.exact finds the records pointing at the tunnel.",
			params: dns.RecordListParams{Content: cloudflare.F(dns.RecordListParamsContent{Exact: cloudflare.F(tunnelTarget)})},
			want:   []string{"legacy", "app-CNAME", "api-CNAME"},
		},
		"CommentExactIgnoresCase": {
			reason: "Comment filters ignore case.",
			params: dns.RecordListParams{Comment: cloudflare.F(dns.RecordListParamsComment{Exact: cloudflare.F("MANAGED-BY: CFZT")})},
			want:   []string{"app-CNAME", "api-CNAME"},
		},
		"CommentStartsWith": {
			reason: "comment.startswith matches a prefix, whatever the case.",
			params: dns.RecordListParams{Comment: cloudflare.F(dns.RecordListParamsComment{Startswith: cloudflare.F("managed-by")})},
			want:   []string{"app-CNAME", "api-CNAME", "app-TXT"},
		},
		"CommentContains": {
			reason: "comment.contains matches a substring.",
			params: dns.RecordListParams{Comment: cloudflare.F(dns.RecordListParamsComment{Contains: cloudflare.F("alice")})},
			want:   []string{"legacy"},
		},
		"CommentAbsent": {
			reason: "comment.absent keeps records without a comment.",
			params: dns.RecordListParams{Comment: cloudflare.F(dns.RecordListParamsComment{Absent: cloudflare.F("")})},
			want:   []string{"mail"},
		},
		"TagPresent": {
			reason: "tag.present keeps records that have the tag, whatever its value.",
			params: dns.RecordListParams{Tag: cloudflare.F(dns.RecordListParamsTag{Present: cloudflare.F("owner")})},
			want:   []string{"app-CNAME", "api-CNAME"},
		},
		"TagAbsent": {
			reason: "tag.absent keeps records without the tag.",
			params: dns.RecordListParams{Tag: cloudflare.F(dns.RecordListParamsTag{Absent: cloudflare.F("owner")})},
			want:   []string{"mail", "legacy", "app-TXT"},
		},
		"TagExact": {
			reason: "tag.exact matches a name and a value.",
			params: dns.RecordListParams{Tag: cloudflare.F(dns.RecordListParamsTag{Exact: cloudflare.F("route:default/api")})},
			want:   []string{"api-CNAME"},
		},
		"TagMatchAll": {
			reason: "By default every tag filter must hold.",
			params: dns.RecordListParams{Tag: cloudflare.F(dns.RecordListParamsTag{
				Exact: cloudflare.F("route:default/api"), Startswith: cloudflare.F("route:default/app"),
			})},
			want: []string{},
		},
		"TagMatchAny": {
			reason: "tag_match=any needs one tag filter to hold.",
			params: dns.RecordListParams{
				Tag: cloudflare.F(dns.RecordListParamsTag{
					Exact: cloudflare.F("route:default/api"), Startswith: cloudflare.F("route:default/app"),
				}),
				TagMatch: cloudflare.F(dns.RecordListParamsTagMatchAny),
			},
			want: []string{"app-CNAME", "api-CNAME"},
		},
		"MatchAny": {
			reason: "match=any needs one filter to hold.",
			params: dns.RecordListParams{
				Name:    cloudflare.F(dns.RecordListParamsName{Exact: cloudflare.F("mail.example.com")}),
				Comment: cloudflare.F(dns.RecordListParamsComment{Contains: cloudflare.F("alice")}),
				Match:   cloudflare.F(dns.RecordListParamsMatchAny),
			},
			want: []string{"mail", "legacy"},
		},
		"ProxiedFalse": {
			reason: "proxied=false keeps DNS-only records.",
			params: dns.RecordListParams{Proxied: cloudflare.F(false)},
			want:   []string{"mail", "app-TXT"},
		},
		"OrderByName": {
			reason: "order=name sorts by name.",
			params: dns.RecordListParams{Order: cloudflare.F(dns.RecordListParamsOrderName), Type: cloudflare.F(dns.RecordListParamsTypeCNAME)},
			want:   []string{"api-CNAME", "app-CNAME", "legacy"},
		},
	}
	names := map[string]string{}
	for k, v := range ids {
		names[v] = k
	}
	cf := client(t, url, tokenAcct)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tc.params.ZoneID = cloudflare.F(zoneCom)
			res, err := cf.DNS.Records.List(context.Background(), tc.params)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, r := range res.Result {
				got = append(got, names[r.ID])
			}
			diff(t, tc.reason, "records", tc.want, got)
		})
	}
}

func TestDNSRecordsPaging(t *testing.T) {
	f, url := start(t, testSeed())
	for i := range 5 {
		if _, err := f.PutDNSRecord(fake.DNSRecord{ZoneID: zoneOrg, Type: "A", Name: fmt.Sprintf("h%d", i), Content: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
	}
	cf := client(t, url, tokenAcct)
	params := dns.RecordListParams{ZoneID: cloudflare.F(zoneOrg), PerPage: cloudflare.F(2.0)}
	page, err := cf.DNS.Records.List(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "List returns one page.", "count", 2, len(page.Result))
	diff(t, "result_info tells how many pages there are.", "result_info",
		map[string]any{"page": 1.0, "per_page": 2.0, "count": 2.0, "total_count": 5.0, "total_pages": 3.0},
		raw(t, page.ResultInfo.JSON.RawJSON()))
	n := 0
	iter := cf.DNS.Records.ListAutoPaging(context.Background(), params)
	for iter.Next() {
		n++
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	diff(t, "The auto-pager reads all three pages.", "records", 5, n)
}

func TestDNSRecordUpdate(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		reason string
		write  func(cf *cloudflare.Client, id string) error
		status int
		want   map[string]any
	}{
		"PutOverwrites": {
			reason: "A PUT is a full overwrite: the comment and tags it leaves out are gone.",
			write: func(cf *cloudflare.Client, id string) error {
				_, err := cf.DNS.Records.Update(ctx, id, dns.RecordUpdateParams{ZoneID: cloudflare.F(zoneCom), Body: cname("app.example.com", "")})
				return err
			},
			want: map[string]any{"content": tunnelTarget, "tags": []any{}},
		},
		"PatchKeeps": {
			reason: "A PATCH changes what it sends and keeps the rest: the tags stay.",
			write: func(cf *cloudflare.Client, id string) error {
				_, err := cf.DNS.Records.Edit(ctx, id, dns.RecordEditParams{ZoneID: cloudflare.F(zoneCom), Body: cname("app.example.com", "managed-by: cfzt v2")})
				return err
			},
			want: map[string]any{"content": tunnelTarget, "comment": "managed-by: cfzt v2", "tags": []any{"owner:cfzt"}},
		},
		"RenameOntoA": {
			reason: "Renaming a CNAME onto a name with an A record breaks exclusivity.",
			write: func(cf *cloudflare.Client, id string) error {
				_, err := cf.DNS.Records.Update(ctx, id, dns.RecordUpdateParams{ZoneID: cloudflare.F(zoneCom), Body: cname("mail.example.com", "")})
				return err
			},
			status: http.StatusBadRequest,
			want:   map[string]any{"content": tunnelTarget, "comment": "managed-by: cfzt", "tags": []any{"owner:cfzt"}},
		},
		"NotFound": {
			reason: "Updating a record that does not exist is a 404.",
			write: func(cf *cloudflare.Client, _ string) error {
				_, err := cf.DNS.Records.Update(ctx, "ffffffffffffffffffffffffffffffff", dns.RecordUpdateParams{ZoneID: cloudflare.F(zoneCom), Body: cname("x.example.com", "")})
				return err
			},
			status: http.StatusNotFound,
			want:   map[string]any{"content": tunnelTarget, "comment": "managed-by: cfzt", "tags": []any{"owner:cfzt"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, url := start(t, withPlan(testSeed(), zoneCom, fake.PlanPro))
			cf := client(t, url, tokenAcct)
			rec, err := cf.DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: cloudflare.F(zoneCom), Body: cname("app.example.com", "managed-by: cfzt", "owner:cfzt")})
			if err != nil {
				t.Fatal(err)
			}
			status, _ := cfError(t, tc.write(cf, rec.ID))
			diff(t, tc.reason, "status", tc.status, status)
			got, err := cf.DNS.Records.Get(ctx, rec.ID, dns.RecordGetParams{ZoneID: cloudflare.F(zoneCom)})
			if err != nil {
				t.Fatal(err)
			}
			m := raw(t, got.JSON.RawJSON())
			sub := map[string]any{}
			for k := range map[string]bool{"content": true, "comment": true, "tags": true} {
				if v, ok := m[k]; ok {
					sub[k] = v
				}
			}
			diff(t, tc.reason, "record", tc.want, sub)
		})
	}
}

func TestDNSRecordDelete(t *testing.T) {
	f, url := start(t, testSeed())
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	del, err := cf.DNS.Records.Delete(ctx, recMail, dns.RecordDeleteParams{ZoneID: cloudflare.F(zoneCom)})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "A delete answers the record's ID.", "id", recMail, del.ID)
	_, err = cf.DNS.Records.Get(ctx, recMail, dns.RecordGetParams{ZoneID: cloudflare.F(zoneCom)})
	status, code := cfError(t, err)
	diff(t, "A deleted record is gone: 404 with Cloudflare's 81044.", "status and code", []int{404, 81044}, []int{status, code})
	_, err = cf.DNS.Records.Delete(ctx, recMail, dns.RecordDeleteParams{ZoneID: cloudflare.F(zoneOrg)})
	status, _ = cfError(t, err)
	diff(t, "A record is found only in its own zone.", "status", 404, status)
	diff(t, "One delete was counted.", "writes", map[string]int{fake.OpDNSRecordDelete: 1}, f.WriteCounts())
}
