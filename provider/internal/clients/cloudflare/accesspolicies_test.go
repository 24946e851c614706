package cloudflare

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

func TestResolveAccessPolicyIDs(t *testing.T) {
	type want struct {
		ids   []string
		class class
	}
	cases := map[string]struct {
		reason  string
		resolve func(c *client) ([]string, error)
		want    want
	}{
		"Policies": {
			reason: "Policy names resolve to IDs in the order given.",
			resolve: func(c *client) ([]string, error) {
				return c.ResolveAccessPolicyIDs(context.Background(), []string{"Admins", "Allow Home"})
			},
			want: want{ids: []string{polAdmins, polHome}},
		},
		"PolicyMissing": {
			reason: "A policy name that matches nothing is not found.",
			resolve: func(c *client) ([]string, error) {
				return c.ResolveAccessPolicyIDs(context.Background(), []string{"Admins", "Nobody"})
			},
			want: want{class: class{NotFound: true}},
		},
		"PolicyCaseMatters": {
			reason: "Names match exactly.",
			resolve: func(c *client) ([]string, error) {
				return c.ResolveAccessPolicyIDs(context.Background(), []string{"admins"})
			},
			want: want{class: class{NotFound: true}},
		},
		"PolicyAmbiguous": {
			reason: "A policy name two policies share is ambiguous, a conflict and not 'not found'.",
			resolve: func(c *client) ([]string, error) {
				return c.ResolveAccessPolicyIDs(context.Background(), []string{"Dup"})
			},
			want: want{class: class{Conflict: true, Ambiguous: true}},
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

func TestAccessPolicies(t *testing.T) {
	f, url := newFake(t, accessSeed())
	c, _, _ := newTestClient(t, url)
	ctx := context.Background()

	got, err := c.GetAccessPolicy(ctx, polAdmins)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(AccessPolicy{ID: polAdmins, Name: "Admins", Decision: "allow", IncludeGroupIDs: []string{grpAdmins}, IncludeEmails: []string{"ops@example.com"}, OtherIncludes: 1}, got); diff != "" {
		t.Errorf("GetAccessPolicy(...): -want, +got:\n%s", diff)
	}
	if _, err := c.FindAccessPolicy(ctx, "cfzt-new.example.com-allow"); !IsNotFound(err) {
		t.Fatalf("FindAccessPolicy(new): want not found, got %v", err)
	}

	p := AccessPolicy{Name: "cfzt-new.example.com-allow", IncludeGroupIDs: []string{grpFamily, grpAdmins}, IncludeEmails: []string{"me@example.com"}, IncludeServiceTokenIDs: []string{tokOurs}}
	created, err := c.CreateAccessPolicy(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	wantCreated := AccessPolicy{Name: p.Name, Decision: DecisionAllow, IncludeGroupIDs: p.IncludeGroupIDs, IncludeEmails: p.IncludeEmails, IncludeServiceTokenIDs: p.IncludeServiceTokenIDs}
	if diff := cmp.Diff(wantCreated, created, cmpopts.IgnoreFields(AccessPolicy{}, "ID")); diff != "" {
		t.Errorf("CreateAccessPolicy(...): -want, +got:\n%s", diff)
	}
	var stored fakecloudflare.AccessPolicy
	for _, sp := range f.Snapshot().AccessPolicies {
		if sp.ID == created.ID {
			stored = sp
		}
	}
	wantInclude := []fakecloudflare.Rule{
		{"group": map[string]any{"id": grpFamily}},
		{"group": map[string]any{"id": grpAdmins}},
		{"email": map[string]any{"email": "me@example.com"}},
		{"service_token": map[string]any{"token_id": tokOurs}},
	}
	if diff := cmp.Diff(wantInclude, stored.Include); diff != "" {
		t.Errorf("stored include rules: -want, +got:\n%s", diff)
	}
	if found, err := c.FindAccessPolicy(ctx, p.Name); err != nil || found.ID != created.ID {
		t.Errorf("FindAccessPolicy after create: got %v, %v", found.ID, err)
	}

	p.IncludeGroupIDs = nil
	p.Decision = "deny"
	updated, err := c.UpdateAccessPolicy(ctx, created.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(AccessPolicy{ID: created.ID, Name: p.Name, Decision: "deny", IncludeEmails: []string{"me@example.com"}, IncludeServiceTokenIDs: []string{tokOurs}}, updated); diff != "" {
		t.Errorf("UpdateAccessPolicy(...): -want, +got:\n%s", diff)
	}
	if got, err := c.GetAccessPolicy(ctx, created.ID); err != nil || !cmp.Equal([]string{tokOurs}, got.IncludeServiceTokenIDs) {
		t.Errorf("GetAccessPolicy(...) after update: want the service token read back, got %v, %v", got.IncludeServiceTokenIDs, err)
	}
	if err := c.DeleteAccessPolicy(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAccessPolicy(ctx, created.ID); err != nil {
		t.Errorf("DeleteAccessPolicy of a gone policy: want nil, got %v", err)
	}
	if _, err := c.FindAccessPolicy(ctx, p.Name); !IsNotFound(err) {
		t.Errorf("FindAccessPolicy after delete: want not found, got %v", err)
	}
	// The first read fills the cache; every find and get after it is
	// served from the list the writes keep.
	if diff := cmp.Diff(1, ops(f, fakecloudflare.OpAccessPoliciesList)); diff != "" {
		t.Errorf("lists, one for every read: -want, +got:\n%s", diff)
	}
}

func TestCacheWrite(t *testing.T) {
	errWrite := errors.New("boom")
	a, b := AccessPolicy{ID: "a", Name: "A"}, AccessPolicy{ID: "b", Name: "B"}
	type want struct {
		err    error
		cached []AccessPolicy
		kept   bool
	}
	cases := map[string]struct {
		reason string
		id     string
		v      *AccessPolicy
		err    error
		want   want
	}{
		"Replaced": {
			reason: "A done update swaps the cached object for the one the API returned.",
			id:     "a",
			v:      &AccessPolicy{ID: "a", Name: "A2"},
			want:   want{cached: []AccessPolicy{b, {ID: "a", Name: "A2"}}, kept: true},
		},
		"Removed": {
			reason: "A done delete takes the object out of the cached list.",
			id:     "a",
			want:   want{cached: []AccessPolicy{b}, kept: true},
		},
		"Failed": {
			reason: "A failed write may still have been done: the list is dropped and the error returned.",
			id:     "a",
			v:      &AccessPolicy{ID: "a", Name: "A2"},
			err:    errWrite,
			want:   want{err: errWrite},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := newCache[[]AccessPolicy]("test", time.Minute, newFakeClock(), NewMetrics())
			before := []AccessPolicy{a, b}
			c.set("acct", before)
			err := cacheWrite(c, "acct", tc.id, tc.v, tc.err)
			e, kept := c.entries["acct"]
			got := want{err: err, cached: e.value, kept: kept}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{}), cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\ncacheWrite(...): -want, +got:\n%s", tc.reason, diff)
			}
			// Readers may hold the cached list, so a write must not change it.
			if diff := cmp.Diff([]AccessPolicy{a, b}, before); diff != "" {
				t.Errorf("the list cached before the write changed: -want, +got:\n%s", diff)
			}
		})
	}
}
