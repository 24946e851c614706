package cloudflare

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestListAllPages(t *testing.T) {
	items := func(from, to int) []map[string]any {
		out := []map[string]any{}
		for i := from; i < to; i++ {
			out = append(out, map[string]any{"id": fmt.Sprintf("g%d", i), "name": fmt.Sprintf("group %d", i)})
		}
		return out
	}
	type want struct {
		groups   int
		requests int
	}
	cases := map[string]struct {
		reason string
		page   func(w http.ResponseWriter, page int)
		want   want
	}{
		"TotalPages": {
			reason: "A server that caps the page size and says how many pages there are is read to the last page.",
			page: func(w http.ResponseWriter, page int) {
				replyPage(w, items((page-1)*2, min(page*2, 5)), page, 2, 3)
			},
			want: want{groups: 5, requests: 3},
		},
		"ShortPage": {
			reason: "Without total_pages, a page shorter than its per_page is the last.",
			page: func(w http.ResponseWriter, page int) {
				w.Header().Set("Content-Type", "application/json")
				from := (page - 1) * 100
				_, _ = fmt.Fprintf(w, `{"success":true,"errors":[],"messages":[],"result":%s,"result_info":{"page":%d,"per_page":100}}`, mustJSON(items(from, min(from+100, 150))), page)
			},
			want: want{groups: 150, requests: 2},
		},
		"IgnoresPaging": {
			reason: "A server that ignores paging and returns the same full page is read twice, not forever.",
			page: func(w http.ResponseWriter, _ int) {
				reply(w, http.StatusOK, items(0, accessPerPage))
			},
			want: want{groups: accessPerPage, requests: 2},
		},
		"SinglePage": {
			reason: "A short single page without result_info is one request.",
			page: func(w http.ResponseWriter, _ int) {
				reply(w, http.StatusOK, items(0, 3))
			},
			want: want{groups: 3, requests: 1},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv, count := serve(t, func(w http.ResponseWriter, r *http.Request) {
				p, _ := strconv.Atoi(r.URL.Query().Get("page"))
				tc.page(w, p)
			})
			c, _, _ := newTestClient(t, srv.URL)
			gs, err := c.groups.all(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := want{groups: len(gs), requests: count.total()}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
