package cloudflare

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestResolveAccessGroupIDs(t *testing.T) {
	type want struct {
		ids   []string
		class class
	}
	cases := map[string]struct {
		reason  string
		resolve func(c *client) ([]string, error)
		want    want
	}{
		"Groups": {
			reason: "Group names resolve to IDs in the order given.",
			resolve: func(c *client) ([]string, error) {
				return c.ResolveAccessGroupIDs(context.Background(), []string{"family", "admins"})
			},
			want: want{ids: []string{grpFamily, grpAdmins}},
		},
		"GroupMissing": {
			reason: "A group name that matches nothing is not found.",
			resolve: func(c *client) ([]string, error) {
				return c.ResolveAccessGroupIDs(context.Background(), []string{"nobody"})
			},
			want: want{class: class{NotFound: true}},
		},
		"GroupAmbiguous": {
			reason: "A group name two groups share is ambiguous.",
			resolve: func(c *client) ([]string, error) {
				return c.ResolveAccessGroupIDs(context.Background(), []string{"dup"})
			},
			want: want{class: class{Conflict: true, Ambiguous: true}},
		},
		"None": {
			reason:  "No names resolve without a call.",
			resolve: func(c *client) ([]string, error) { return c.ResolveAccessGroupIDs(context.Background(), nil) },
			want:    want{},
		},
	}
	_, url := newFake(t, accessSeed())
	c, _, _ := newTestClient(t, url)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ids, err := tc.resolve(c)
			got := want{ids: ids, class: classOf(err)}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
