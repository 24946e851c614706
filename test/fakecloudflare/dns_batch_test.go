package fakecloudflare_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/dns"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// Sources of the batch rules, as the cases name them.
const (
	batchDoc = "developers.cloudflare.com/dns/manage-dns-records/how-to/batch-record-changes"
	batchRef = "API reference \"Batch DNS Records\""
	batchSDK = "cloudflare-go v4.6.0 dns.RecordBatchParams and dns.RecordBatchResponse"
)

// dnsBatchTolerance teaches the schema checks the batch endpoint, which the
// schema subset predates, from the API reference and the SDK's types, out of
// the schema's own DNS record parts. Every request the tests send to it
// through the SDK, and every answer, is held to it like any other operation.
var dnsBatchTolerance = tolerance{
	reason: "POST /zones/{zone_id}/dns_records/batch is newer than the 2024 schema. It is added as the " + batchRef +
		" and " + batchSDK + " describe it: optional deletes [{id}], patches (an id and any record fields), puts (an id " +
		"and a whole record), posts (a whole record); DNS Write; 200 with result {deletes, patches, puts, posts}, each " +
		"a list of whole records. The fake always answers all four lists, which the SDK does not require: a tightening.",
	patch: func(doc map[string]any) {
		record := clone(schemaOf(doc, "dns-records_dns-record"))
		record["required"] = slices.DeleteFunc(record["required"].([]any), func(v any) bool {
			return slices.Contains([]any{"id", "proxiable", "created_on", "modified_on"}, v)
		})
		id := map[string]any{"type": "object", "required": []any{"id"}, "properties": map[string]any{"id": ref("dns-records_identifier")}}
		patch := map[string]any{"type": "object", "required": []any{"id"}, "properties": map[string]any{
			"id":      ref("dns-records_identifier"),
			"name":    ref("dns-records_name"),
			"type":    ref("dns-records_type"),
			"content": ref("dns-records_content"),
			"proxied": ref("dns-records_proxied"),
			"ttl":     ref("dns-records_ttl"),
			"comment": ref("dns-records_comment"),
			"tags":    ref("dns-records_tags"),
		}}
		list := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
		schemas(doc)["fake_dns_batch_record_request"] = record
		schemas(doc)["fake_dns_batch_request"] = map[string]any{"type": "object", "properties": map[string]any{
			"deletes": list(id),
			"patches": list(patch),
			"puts":    list(map[string]any{"allOf": []any{id, ref("fake_dns_batch_record_request")}}),
			"posts":   list(ref("fake_dns_batch_record_request")),
		}}
		schemas(doc)["fake_dns_batch_response"] = map[string]any{"allOf": []any{
			ref("dns-records_api-response-common"),
			map[string]any{"type": "object", "required": []any{"result"}, "properties": map[string]any{"result": map[string]any{
				"type":     "object",
				"required": []any{"deletes", "patches", "puts", "posts"},
				"properties": map[string]any{
					"deletes": list(ref("dns-records_dns-record")),
					"patches": list(ref("dns-records_dns-record")),
					"puts":    list(ref("dns-records_dns-record")),
					"posts":   list(ref("dns-records_dns-record")),
				},
			}}},
		}}
		doc["paths"].(map[string]any)["/zones/{zone_id}/dns_records/batch"] = map[string]any{"post": map[string]any{
			"operationId": fake.OpDNSRecordsBatch,
			"parameters": []any{map[string]any{
				"in": "path", "name": "zone_id", "required": true, "schema": ref("dns-records_identifier"),
			}},
			"security": []any{map[string]any{"api_email": []any{}, "api_key": []any{}}, map[string]any{"api_token": []any{}}},
			"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
				"schema": ref("fake_dns_batch_request"),
			}}},
			"responses": map[string]any{
				"200": jsonResponse("Batch DNS Records response", ref("fake_dns_batch_response")),
				"4XX": jsonResponse("Batch DNS Records response failure", ref("dns-records_api-response-common-failure")),
			},
		}}
	},
}

// batchResult is a batch's result, each record decoded as JSON.
type batchResult map[string][]map[string]any

// names are the "TYPE name" of the zone's records in a snapshot, sorted.
func names(s fake.Seed, zone string) []string {
	var out []string
	for _, r := range s.DNSRecords {
		if r.ZoneID == zone {
			out = append(out, r.Type+" "+r.Name)
		}
	}
	slices.Sort(out)
	return out
}

// posts returns n CNAME posts named <prefix>0 to <prefix><n-1>.
func posts(prefix string, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"type": "CNAME", "name": fmt.Sprintf("%s%d", prefix, i), "content": tunnelTarget, "proxied": true, "ttl": 1}
	}
	return out
}

func TestDNSBatchRules(t *testing.T) {
	cname := func(name string) map[string]any {
		return map[string]any{"type": "CNAME", "name": name, "content": tunnelTarget, "proxied": true, "ttl": 1}
	}
	seedTokens := func(s fake.Seed) fake.Seed {
		s.Tokens = append(s.Tokens,
			fake.APIToken{ID: "e00000000000000000000000000000d1", Value: "dns-read", AccountID: acct, Permissions: []string{fake.PermissionDNSRead}},
			fake.APIToken{ID: "e00000000000000000000000000000d2", Value: "dns-edit", AccountID: acct, Permissions: []string{fake.PermissionDNSEdit}},
		)
		return s
	}
	orgRecords := func(n int, plan string) func(fake.Seed) fake.Seed {
		return func(s fake.Seed) fake.Seed {
			return withRecords(withPlan(s, zoneOrg, plan), zoneOrg, n)
		}
	}
	seeded := []string{"A mail.example.com", "CNAME legacy.example.com"}
	refused := failure{Status: http.StatusForbidden, Code: 10000}
	tooMany := failure{Status: http.StatusBadRequest, Code: 1001}

	type want struct {
		failure failure
		// sizes are the lengths of the result's lists.
		sizes map[string]int
		// after are the zone's records after a batch that succeeded;
		// nil when added says how many more there are. After a failure
		// the whole state must be as it was.
		after []string
		added int
		// fields holds fields of result records, by "list/index".
		fields map[string]map[string]any
	}
	cases := map[string]struct {
		reason   string
		seed     func(fake.Seed) fake.Seed
		zone     string
		token    string
		body     map[string]any
		noSchema bool
		want     want
	}{
		"PostsCreate": {
			reason: "Posts create records, returned whole in order; the lists the request left out come back empty (" + batchRef + "; " + batchSDK + ").",
			body:   map[string]any{"posts": []any{cname("a"), cname("b")}},
			want: want{
				sizes: map[string]int{"deletes": 0, "patches": 0, "puts": 0, "posts": 2},
				after: append([]string{"CNAME a.example.com", "CNAME b.example.com"}, seeded...),
				fields: map[string]map[string]any{
					"posts/0": {"name": "a.example.com", "type": "CNAME", "proxied": true, "zone_id": zoneCom},
					"posts/1": {"name": "b.example.com"},
				},
			},
		},
		"DeletesRunFirst": {
			reason: "Deletes run before posts, so a batch may replace a CNAME with a CNAME of the same name (" + batchDoc + ", the order deletes, patches, puts, posts).",
			body:   map[string]any{"deletes": []any{map[string]any{"id": recLegacy}}, "posts": []any{cname("legacy")}},
			want: want{
				sizes:  map[string]int{"deletes": 1, "patches": 0, "puts": 0, "posts": 1},
				after:  seeded,
				fields: map[string]map[string]any{"posts/0": {"name": "legacy.example.com"}},
			},
		},
		"PatchesRunBeforePosts": {
			reason: "Patches run before posts: an A record renamed away frees its name for a CNAME in the same batch (" + batchDoc + ", the order).",
			body: map[string]any{
				"posts":   []any{cname("mail")},
				"patches": []any{map[string]any{"id": recMail, "name": "mail2"}},
			},
			want: want{after: []string{"A mail2.example.com", "CNAME legacy.example.com", "CNAME mail.example.com"}},
		},
		"PutsRunBeforePosts": {
			reason: "Puts run before posts: a CNAME overwritten under another name frees its name (" + batchDoc + ", the order).",
			body: map[string]any{
				"posts": []any{cname("legacy")},
				"puts":  []any{map[string]any{"id": recLegacy, "type": "CNAME", "name": "moved", "content": tunnelTarget}},
			},
			want: want{after: []string{"A mail.example.com", "CNAME legacy.example.com", "CNAME moved.example.com"}},
		},
		"PatchKeepsWhatItLeavesOut": {
			reason: "A patch changes the fields it names and keeps the others (" + batchDoc + ", patches).",
			body:   map[string]any{"patches": []any{map[string]any{"id": recMail, "content": "203.0.113.26"}}},
			want: want{
				after:  seeded,
				fields: map[string]map[string]any{"patches/0": {"id": recMail, "content": "203.0.113.26", "ttl": 3600.0}},
			},
		},
		"PutResetsWhatItLeavesOut": {
			reason: "A put overwrites: a field it leaves out takes its default, an automatic TTL (" + batchDoc + ", puts).",
			body:   map[string]any{"puts": []any{map[string]any{"id": recMail, "type": "A", "name": "mail", "content": "203.0.113.26"}}},
			want: want{
				after:  seeded,
				fields: map[string]map[string]any{"puts/0": {"id": recMail, "content": "203.0.113.26", "ttl": 1.0, "proxied": false}},
			},
		},
		"DeletesReturnWholeRecords": {
			reason: "A delete's result is the whole record as it was, not only its id (" + batchSDK + ": Deletes []RecordResponse).",
			body:   map[string]any{"deletes": []any{map[string]any{"id": recMail}}},
			want: want{
				after:  []string{"CNAME legacy.example.com"},
				fields: map[string]map[string]any{"deletes/0": {"id": recMail, "name": "mail.example.com", "type": "A", "content": "203.0.113.25"}},
			},
		},
		"AllOrNothing": {
			reason: "One element refused undoes the batch: the delete and the good post before it do not stay (" + batchDoc + ": \"If any of the individual action fails, no changes are applied\").",
			body: map[string]any{
				"deletes": []any{map[string]any{"id": recMail}},
				"posts":   []any{cname("good"), cname("legacy")},
			},
			want: want{failure: failure{Status: http.StatusBadRequest, Code: 81053}},
		},
		"FirstErrorInRunOrder": {
			reason: "The error is the first one met in the order the batch runs: a bad delete's before a bad post's, however the body lists them (" + batchDoc + ": \"the API returns the first error it encountered\"; the order).",
			body: map[string]any{
				"posts":   []any{cname("legacy")},
				"deletes": []any{map[string]any{"id": "d00000000000000000000000000000ff"}},
			},
			want: want{failure: failure{Status: http.StatusNotFound, Code: 81044}},
		},
		"CNAMEMeetsCNAMEOfTheSameBatch": {
			reason: "A post meets the records the batch made before it: a second CNAME of one name is refused with 81053 and neither stays (cloudflare-docs records-with-same-name; " + batchDoc + ").",
			body:   map[string]any{"posts": []any{cname("twin"), cname("twin")}},
			want:   want{failure: failure{Status: http.StatusBadRequest, Code: 81053}},
		},
		"CommentLimit": {
			reason: "A post meets the create endpoint's rules: a comment of 101 characters on Free is 1004 with 9313 (plans/index.json dns.record_comments; " + batchDoc + ": posts take the Create DNS Record fields).",
			body:   map[string]any{"posts": []any{map[string]any{"type": "A", "name": "c", "content": "198.51.100.7", "comment": strings.Repeat("x", 101)}}},
			want:   want{failure: chainCode(9313)},
		},
		"TagsOnFree": {
			reason: "Tags in a batch meet the Free quota of 0 (plans/index.json dns.record_tags; " + batchDoc + ": \"Tags and comments are also supported with batch changes\").",
			body:   map[string]any{"posts": []any{map[string]any{"type": "A", "name": "t", "content": "198.51.100.7", "tags": []string{"owner:dns"}}}},
			want:   want{failure: invalid(9300, "DNS record has 1 tags, exceeding the quota of 0.")},
		},
		"ProxiedPrivateTarget": {
			reason: "A patch meets the proxy rules: turning the proxy on for a private target is 9003 (maxfield-allison/dnsweaver#161; " + batchDoc + ").",
			seed: func(s fake.Seed) fake.Seed {
				s.DNSRecords = append(s.DNSRecords, fake.DNSRecord{ID: "d0000000000000000000000000000009", ZoneID: zoneCom, Type: "A", Name: "nas", Content: "192.168.1.10"})
				return s
			},
			body: map[string]any{"patches": []any{map[string]any{"id": "d0000000000000000000000000000009", "proxied": true}}},
			want: want{failure: invalid(9003, "Target 192.168.1.10 is not allowed for a proxied record.")},
		},
		"QuotaCountsTheBatch": {
			reason: "The record quota counts the records the batch made: 199 records and two posts exceed a new Free zone's 200 (plans/index.json dns.record_management.records_quota; the code is unverified).",
			seed:   orgRecords(199, fake.PlanFree),
			zone:   zoneOrg,
			body:   map[string]any{"posts": posts("q", 2)},
			want:   want{failure: failure{Status: http.StatusBadRequest, Code: 81045}},
		},
		"QuotaFreedByDeletes": {
			reason: "Deletes run first, so they make room for the posts (plans/index.json dns.record_management.records_quota; " + batchDoc + ", the order).",
			seed:   orgRecords(199, fake.PlanFree),
			zone:   zoneOrg,
			body:   map[string]any{"deletes": []any{map[string]any{"id": fmt.Sprintf("f%031x", 0)}}, "posts": posts("q", 2)},
			want:   want{added: 1},
		},
		"LimitFree200": {
			reason: "A Free zone takes 200 changes in one batch (" + batchDoc + ", \"Availability and limits\").",
			zone:   zoneOrg,
			body:   map[string]any{"posts": posts("n", 200)},
			want:   want{added: 200, sizes: map[string]int{"deletes": 0, "patches": 0, "puts": 0, "posts": 200}},
		},
		"LimitFree201": {
			reason: "A Free zone refuses a batch of 201 changes, counting every list, before it changes anything; the answer's code is not documented (" + batchDoc + ", \"Availability and limits\").",
			zone:   zoneOrg,
			body:   map[string]any{"deletes": []any{map[string]any{"id": fmt.Sprintf("f%031x", 0)}}, "posts": posts("n", 200)},
			seed:   orgRecords(1, fake.PlanFree),
			want:   want{failure: tooMany},
		},
		"LimitPaidAbove200": {
			reason: "A paid zone is not held to Free's 200 (" + batchDoc + ", \"Availability and limits\": Pro 3,500).",
			seed:   orgRecords(0, fake.PlanPro),
			zone:   zoneOrg,
			body:   map[string]any{"posts": posts("n", 201)},
			want:   want{added: 201},
		},
		"LimitPaid3501": {
			reason: "A paid zone refuses a batch of 3,501 changes (" + batchDoc + ", \"Availability and limits\": Business 3,500).",
			seed:   orgRecords(0, fake.PlanBusiness),
			zone:   zoneOrg,
			body:   map[string]any{"posts": posts("n", 3501)},
			want:   want{failure: tooMany},
		},
		"DNSReadRefused": {
			reason: "A batch needs DNS Write; DNS Read is refused as the single endpoints refuse it (" + batchRef + ", \"Accepted Permissions\": DNS Write).",
			seed:   seedTokens,
			token:  "dns-read",
			body:   map[string]any{"posts": []any{cname("a")}},
			want:   want{failure: refused},
		},
		"DNSEditAccepted": {
			reason: "DNS Edit may send a batch (" + batchRef + ", \"Accepted Permissions\": DNS Write).",
			seed:   seedTokens,
			token:  "dns-edit",
			body:   map[string]any{"posts": []any{cname("a")}},
			want:   want{after: append([]string{"CNAME a.example.com"}, seeded...)},
		},
		"OtherAccountsZone": {
			reason: "A token of another account cannot reach the zone, as with the single endpoints (" + batchRef + "; API reference \"Accepted Permissions\").",
			token:  tokenOther,
			body:   map[string]any{"posts": []any{cname("a")}},
			want:   want{failure: refused},
		},
		"DeleteWithoutID": {
			reason: "Every delete names a record by id (" + batchRef + "; " + batchSDK + ": RecordBatchParamsDelete.ID is required).",
			body:   map[string]any{"deletes": []any{map[string]any{"name": "mail.example.com"}}, "posts": []any{cname("a")}},
			// The schema refuses this body before it is sent.
			noSchema: true,
			want:     want{failure: failure{Status: http.StatusBadRequest, Code: 1001}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed := testSeed()
			if tc.seed != nil {
				seed = tc.seed(seed)
			}
			f, url := start(t, seed)
			zone := zoneCom
			if tc.zone != "" {
				zone = tc.zone
			}
			token := tokenAcct
			if tc.token != "" {
				token = tc.token
			}
			before := f.Snapshot()
			path := "zones/" + zone + "/dns_records/batch"
			var got failure
			var env struct {
				Result batchResult `json:"result"`
			}
			if tc.noSchema {
				status, body := do(t, http.MethodPost, url+fake.APIPrefix+"/"+path, bearer(token), tc.body)
				if status >= http.StatusBadRequest {
					got = failureFrom(t, status, body)
				} else if err := json.Unmarshal(body, &env); err != nil {
					t.Fatal(err)
				}
			} else {
				got = failureOf(t, client(t, url, token).Execute(context.Background(), http.MethodPost, path, tc.body, &env))
			}
			if tc.want.failure.Chain != nil && len(got.Chain) == 1 && !strings.Contains(tc.want.failure.Chain[0], ":") {
				// Only the chain code is Cloudflare's: drop the fake's wording.
				got.Chain[0], _, _ = strings.Cut(got.Chain[0], ":")
			}
			diff(t, tc.reason, "failure", tc.want.failure, got)
			after := f.Snapshot()
			if tc.want.failure.Status != 0 {
				diff(t, tc.reason, "state after a refused batch", before, after)
				return
			}
			if tc.want.sizes != nil {
				sizes := map[string]int{}
				for k, v := range env.Result {
					sizes[k] = len(v)
				}
				diff(t, tc.reason, "result lists", tc.want.sizes, sizes)
			}
			if tc.want.after != nil {
				want := slices.Clone(tc.want.after)
				slices.Sort(want)
				diff(t, tc.reason, "records after", want, names(after, zone))
			} else {
				diff(t, tc.reason, "records added", tc.want.added, len(names(after, zone))-len(names(before, zone)))
			}
			for at, fields := range tc.want.fields {
				list, i, _ := strings.Cut(at, "/")
				var n int
				if _, err := fmt.Sscan(i, &n); err != nil {
					t.Fatal(err)
				}
				sub := map[string]any{}
				if n < len(env.Result[list]) {
					for k := range fields {
						sub[k] = env.Result[list][n][k]
					}
				}
				diff(t, tc.reason, "result "+at, fields, sub)
			}
		})
	}
}

// TestDNSBatchSDK sends a batch with the SDK's own types and reads the answer
// with them (cloudflare-go v4.6.0 DNS.Records.Batch).
func TestDNSBatchSDK(t *testing.T) {
	_, url := start(t, testSeed())
	res, err := client(t, url, tokenAcct).DNS.Records.Batch(context.Background(), dns.RecordBatchParams{
		ZoneID:  cloudflare.F(zoneCom),
		Deletes: cloudflare.F([]dns.RecordBatchParamsDelete{{ID: cloudflare.F(recMail)}}),
		Posts: cloudflare.F([]dns.RecordBatchParamsPostUnion{dns.CNAMERecordParam{
			Name: cloudflare.F("app"), Type: cloudflare.F(dns.CNAMERecordTypeCNAME), Content: cloudflare.F(tunnelTarget),
			Proxied: cloudflare.F(true), TTL: cloudflare.F(dns.TTL(1)), Comment: cloudflare.F("managed-by: cfzt apps/web"),
		}}),
	})
	if err != nil {
		t.Fatalf("Batch(...): %v", err)
	}
	type rec struct{ ID, Name, Type, Comment string }
	got := map[string][]rec{}
	for list, rs := range map[string][]dns.RecordResponse{"deletes": res.Deletes, "patches": res.Patches, "puts": res.Puts, "posts": res.Posts} {
		got[list] = []rec{}
		for _, r := range rs {
			got[list] = append(got[list], rec{ID: r.ID, Name: r.Name, Type: string(r.Type), Comment: r.Comment})
		}
	}
	if len(res.Posts) == 1 {
		got["posts"][0].ID = "" // Made by the fake.
	}
	diff(t, "The SDK reads the deleted record and the created one whole from their lists.", "result", map[string][]rec{
		"deletes": {{ID: recMail, Name: "mail.example.com", Type: "A"}},
		"patches": {},
		"puts":    {},
		"posts":   {{Name: "app.example.com", Type: "CNAME", Comment: "managed-by: cfzt apps/web"}},
	}, got)
	missing := []string{}
	for list, f := range map[string]interface{ IsMissing() bool }{
		"deletes": res.JSON.Deletes, "patches": res.JSON.Patches, "puts": res.JSON.Puts, "posts": res.JSON.Posts,
	} {
		if f.IsMissing() {
			missing = append(missing, list)
		}
	}
	diff(t, "Every list of the SDK's result type is in the answer.", "missing lists", []string{}, missing)
}

// TestDNSBatchCounted shows that a batch is one operation in the write
// counter and the request log, so that a bench counts it, that the log names
// each record it wrote, in the order it wrote them, so that a test can follow
// every record, and that a refused batch writes nothing.
func TestDNSBatchCounted(t *testing.T) {
	f, url := start(t, testSeed())
	c := client(t, url, tokenAcct)
	path := "zones/" + zoneCom + "/dns_records/batch"
	body := map[string]any{"posts": posts("n", 2), "deletes": []any{map[string]any{"id": recMail}}}
	if err := c.Execute(context.Background(), http.MethodPost, path, body, nil); err != nil {
		t.Fatal(err)
	}
	bad := map[string]any{"posts": []any{posts("x", 1)[0], map[string]any{"type": "CNAME", "name": "legacy", "content": tunnelTarget}}}
	if err := c.Execute(context.Background(), http.MethodPost, path, bad, nil); err == nil {
		t.Fatal("a batch with a conflicting CNAME: want an error")
	}
	diff(t, "One successful batch is one write, however many records it made; the refused one is none.", "writes",
		map[string]int{fake.OpDNSRecordsBatch: 1}, f.WriteCounts())
	type logged struct {
		Operation string
		Status    int
		Object    *fake.ObjectRef
	}
	var got []logged
	for _, r := range f.Requests() {
		got = append(got, logged{Operation: r.Operation, Status: r.Status, Object: r.Object})
	}
	diff(t, "The log names the batch operation and no single object for it.", "log", []logged{
		{Operation: fake.OpDNSRecordsBatch, Status: http.StatusOK},
		{Operation: fake.OpDNSRecordsBatch, Status: http.StatusBadRequest},
	}, got)

	// Each write of the batch, as the single endpoints would log it:
	// the delete first, by ID alone, then each post as a create.
	var writes []fake.Write
	for _, r := range f.Requests() {
		writes = append(writes, r.Writes()...)
	}
	st := f.Snapshot()
	for i, w := range writes {
		if w.Operation == fake.OpDNSRecordCreate {
			if !slices.ContainsFunc(st.DNSRecords, func(r fake.DNSRecord) bool { return r.ID == w.Object.ID && r.Name == w.Object.Name }) {
				t.Errorf("Writes()[%d] names %+v, which the state does not hold", i, w.Object)
			}
			writes[i].Object.ID = ""
		}
	}
	diff(t, "Writes() names the batch's records in the order it wrote them; the refused batch none.", "writes", []fake.Write{
		{Operation: fake.OpDNSRecordDelete, Object: fake.ObjectRef{ID: recMail}},
		{Operation: fake.OpDNSRecordCreate, Object: fake.ObjectRef{Name: "n0.example.com"}},
		{Operation: fake.OpDNSRecordCreate, Object: fake.ObjectRef{Name: "n1.example.com"}},
	}, writes)
}

// TestDNSBatchSchemaCheck shows that the check the batch tests rely on
// refuses a batch the API reference does not allow, and an answer without
// its lists.
func TestDNSBatchSchemaCheck(t *testing.T) {
	cases := map[string]struct {
		reason   string
		body     string
		answer   string
		request  bool
		response bool
	}{
		"Valid": {
			reason: "A delete by id and a whole CNAME post, answered with the four lists, pass.",
			body:   `{"deletes":[{"id":"` + recMail + `"}],"posts":[{"type":"CNAME","name":"a","content":"x.example.net","ttl":1}]}`,
			answer: `{"success":true,"errors":[],"messages":[],"result":{"deletes":[],"patches":[],"puts":[],"posts":[]}}`,
		},
		"DeleteWithoutID": {
			reason:  "A delete without an id is reported.",
			body:    `{"deletes":[{"name":"mail.example.com"}]}`,
			answer:  `{"success":true,"errors":[],"messages":[],"result":{"deletes":[],"patches":[],"puts":[],"posts":[]}}`,
			request: true,
		},
		"PostWithoutContent": {
			reason:  "A post that is not a whole record is reported.",
			body:    `{"posts":[{"type":"CNAME","name":"a"}]}`,
			answer:  `{"success":true,"errors":[],"messages":[],"result":{"deletes":[],"patches":[],"puts":[],"posts":[]}}`,
			request: true,
		},
		"AnswerWithoutLists": {
			reason:   "A result without the four lists is reported.",
			body:     `{"posts":[]}`,
			answer:   `{"success":true,"errors":[],"messages":[],"result":{"posts":[]}}`,
			response: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.answer))
			}))
			t.Cleanup(srv.Close)
			var reported []string
			v, err := loadValidator()
			if err != nil {
				t.Fatal(err)
			}
			rt := &checkingTransport{v: v, next: http.DefaultTransport, errorf: func(format string, args ...any) {
				reported = append(reported, fmt.Sprintf(format, args...))
			}}
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
				srv.URL+fake.APIPrefix+"/zones/"+zoneCom+"/dns_records/batch", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer t")
			res, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = res.Body.Close()
			gotRequest, gotResponse := false, false
			for _, r := range reported {
				gotRequest = gotRequest || strings.HasPrefix(r, "request ")
				gotResponse = gotResponse || strings.HasPrefix(r, "response ")
			}
			diff(t, tc.reason, "request reported", tc.request, gotRequest)
			diff(t, tc.reason, "response reported", tc.response, gotResponse)
		})
	}
}
