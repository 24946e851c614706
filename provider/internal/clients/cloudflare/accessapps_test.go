package cloudflare

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// Applications of coveringSeed that cover hostnames besides their domain.
const (
	appWiki   = "a0000000-0000-0000-0000-0000000000a1"
	appPortal = "a0000000-0000-0000-0000-0000000000a2"
	appAdmin  = "a0000000-0000-0000-0000-0000000000a3"
)

// coveringSeed is accessSeed with foreign applications that cover hostnames
// by self_hosted_domains, by destinations and by a path.
func coveringSeed() fakecloudflare.Seed {
	s := accessSeed()
	s.AccessApps = append(s.AccessApps,
		fakecloudflare.AccessApp{
			ID: appWiki, AccountID: testAccount, Name: "Wiki", Domain: "wiki.example.com", Type: "self_hosted",
			Extra: map[string]any{"self_hosted_domains": []any{"wiki.example.com", "docs.example.com"}},
		},
		fakecloudflare.AccessApp{
			ID: appPortal, AccountID: testAccount, Name: "Portal", Domain: "portal.example.com", Type: "self_hosted",
			Extra: map[string]any{"destinations": []any{
				map[string]any{"type": "public", "uri": "status.example.com"},
				map[string]any{"type": "private", "hostname": "intranet.example.com"},
			}},
		},
		fakecloudflare.AccessApp{ID: appAdmin, AccountID: testAccount, Name: "Admin", Domain: "tools.example.com/admin", Type: "self_hosted"},
	)
	return s
}

// conflictWith returns the name and ID of the application an
// *AccessAppConflictError names, or nothing.
func conflictWith(err error) []string {
	var c *AccessAppConflictError
	if !errors.As(err, &c) {
		return nil
	}
	return []string{c.AppName, c.AppID}
}

func TestFindAccessApp(t *testing.T) {
	type want struct {
		id        string
		policyIDs []string
		class     class
		// other is the name and ID of the application in the way.
		other []string
	}
	cases := map[string]struct {
		reason       string
		domain, name string
		want         want
	}{
		"Ours": {
			reason: "Our application is found by name, with its policies in precedence order.",
			domain: "app.example.com", name: "cfzt-app.example.com",
			want: want{id: appOurs, policyIDs: []string{polHome, polAdmins}},
		},
		"DomainTaken": {
			reason: "Another application on our domain is not adopted: a conflict naming it.",
			domain: "grafana.example.com", name: "cfzt-grafana.example.com",
			want: want{class: class{Conflict: true, NotOwned: true}, other: []string{"Grafana", appGrafana}},
		},
		"CaseAndTrailingDot": {
			reason: "Hostnames compare without case and without a trailing dot.",
			domain: "Grafana.EXAMPLE.com.", name: "cfzt-grafana.example.com",
			want: want{class: class{Conflict: true, NotOwned: true}, other: []string{"Grafana", appGrafana}},
		},
		"SelfHostedDomain": {
			reason: "An application covers its self_hosted_domains as well as its domain.",
			domain: "docs.example.com", name: "cfzt-docs.example.com",
			want: want{class: class{Conflict: true, NotOwned: true}, other: []string{"Wiki", appWiki}},
		},
		"PublicDestination": {
			reason: "An application covers the URIs of its public destinations.",
			domain: "status.example.com", name: "cfzt-status.example.com",
			want: want{class: class{Conflict: true, NotOwned: true}, other: []string{"Portal", appPortal}},
		},
		"PrivateDestination": {
			reason: "A private destination is reached through WARP and covers no public hostname.",
			domain: "intranet.example.com", name: "cfzt-intranet.example.com",
			want: want{class: class{NotFound: true}},
		},
		"OtherPath": {
			reason: "An application on a path of a host leaves the host itself free.",
			domain: "tools.example.com", name: "cfzt-tools.example.com",
			want: want{class: class{NotFound: true}},
		},
		"SamePath": {
			reason: "The same host and path, with a trailing slash, is covered.",
			domain: "tools.example.com/admin/", name: "cfzt-tools.example.com",
			want: want{class: class{Conflict: true, NotOwned: true}, other: []string{"Admin", appAdmin}},
		},
		"Ambiguous": {
			reason: "Two applications with our name are a conflict, not something to create a third of.",
			domain: "dup.example.com", name: "cfzt-dup.example.com",
			want: want{class: class{Conflict: true, Ambiguous: true}},
		},
		"Free": {
			reason: "No application with our name or on our domain may be created.",
			domain: "new.example.com", name: "cfzt-new.example.com",
			want: want{class: class{NotFound: true}},
		},
	}
	f, url := newFake(t, coveringSeed())
	c, _, _ := newTestClient(t, url)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a, err := c.FindAccessApp(context.Background(), tc.domain, tc.name)
			got := want{id: a.ID, policyIDs: a.PolicyIDs, class: classOf(err), other: conflictWith(err)}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\nFindAccessApp(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
	// Finds share the cached list, which every write of the client keeps:
	// one list for all of them, however many routes look.
	if diff := cmp.Diff(1, ops(f, fakecloudflare.OpAccessAppsList)); diff != "" {
		t.Errorf("lists, one for all finds: -want, +got:\n%s", diff)
	}
}

func TestAccessAppWrites(t *testing.T) {
	f, url := newFake(t, accessSeed())
	c, _, _ := newTestClient(t, url)
	ctx := context.Background()

	want := AccessApp{
		Name: "cfzt-new.example.com", Domain: "new.example.com", SessionDuration: "8h",
		SkipInterstitial: new(true), AppLauncherVisible: new(false), AutoRedirectToIdentity: new(true),
		EnableBindingCookie: new(false), HTTPOnlyCookieAttribute: new(true), SameSiteCookieAttribute: "lax",
		ServiceAuth401Redirect: new(true), CustomDenyURL: "https://deny.example.com",
		PolicyIDs: []string{polAdmins, polHome},
	}
	created, err := c.CreateAccessApp(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	ignore := cmpopts.IgnoreFields(AccessApp{}, "ID", "AUD", "Type", "Hostnames")
	if diff := cmp.Diff(want, created, ignore); diff != "" {
		t.Errorf("CreateAccessApp(...): -want, +got:\n%s", diff)
	}
	var stored *fakecloudflare.AccessApp
	for _, a := range f.Snapshot().AccessApps {
		if a.ID == created.ID {
			stored = &a
		}
	}
	if stored == nil {
		t.Fatal("the application was not stored")
	}
	if diff := cmp.Diff([]fakecloudflare.AppPolicyRef{{ID: polAdmins, Precedence: 1}, {ID: polHome, Precedence: 2}}, stored.Policies); diff != "" {
		t.Errorf("policies as {id, precedence} links: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff("self_hosted", stored.Type); diff != "" {
		t.Errorf("type: -want, +got:\n%s", diff)
	}

	// Found after the create. No list was cached before it, so the find
	// reads one, which holds the new application.
	if a, err := c.FindAccessApp(ctx, "new.example.com", "cfzt-new.example.com"); err != nil || a.ID != created.ID {
		t.Errorf("FindAccessApp after create: got %v, %v", a.ID, err)
	}
	if diff := cmp.Diff(1, ops(f, fakecloudflare.OpAccessAppsList)); diff != "" {
		t.Errorf("lists, one per find: -want, +got:\n%s", diff)
	}

	upd := want
	upd.SessionDuration = "1h"
	upd.SkipInterstitial = new(false)
	upd.PolicyIDs = []string{polHome}
	updated, err := c.UpdateAccessApp(ctx, created.ID, upd)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(upd, updated, ignore); diff != "" {
		t.Errorf("UpdateAccessApp(...): -want, +got:\n%s", diff)
	}
	got, err := c.GetAccessApp(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(upd, got, ignore); diff != "" {
		t.Errorf("GetAccessApp after update: -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(0, ops(f, fakecloudflare.OpAccessAppGet)); diff != "" {
		t.Errorf("gets, served from the updated list: -want, +got:\n%s", diff)
	}

	if err := c.DeleteAccessApp(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAccessApp(ctx, created.ID); err != nil {
		t.Errorf("DeleteAccessApp of a gone application: want nil, got %v", err)
	}
	if _, err := c.GetAccessApp(ctx, created.ID); !IsNotFound(err) {
		t.Errorf("GetAccessApp after delete: want not found, got %v", err)
	}
	if diff := cmp.Diff(1, f.WriteCount(fakecloudflare.OpAccessAppDelete)); diff != "" {
		t.Errorf("deletes: -want, +got:\n%s", diff)
	}
}

func TestCreateAccessAppSentOnce(t *testing.T) {
	f, url := newFake(t, accessSeed())
	if _, err := f.AddFault(fakecloudflare.Fault{Operation: fakecloudflare.OpAccessAppCreate, Status: 503}); err != nil {
		t.Fatal(err)
	}
	c, _, _ := newTestClient(t, url)
	if _, err := c.FindAccessApp(context.Background(), "new.example.com", "cfzt-new.example.com"); !IsNotFound(err) {
		t.Fatalf("FindAccessApp: want not found, got %v", err)
	}
	if _, err := c.CreateAccessApp(context.Background(), AccessApp{Name: "cfzt-new.example.com", Domain: "new.example.com"}); err == nil {
		t.Fatal("CreateAccessApp with a 503: want an error")
	}
	if diff := cmp.Diff(1, ops(f, fakecloudflare.OpAccessAppCreate)); diff != "" {
		t.Errorf("creates sent: -want, +got:\n%s", diff)
	}
	// A 503 leaves the create's result unknown, so it drops the cached
	// list and the next find lists again: it sees an application that
	// create may have made.
	_, _ = c.FindAccessApp(context.Background(), "new.example.com", "cfzt-new.example.com")
	if diff := cmp.Diff(2, ops(f, fakecloudflare.OpAccessAppsList)); diff != "" {
		t.Errorf("lists: -want, +got:\n%s", diff)
	}
}

// TestCreateAccessAppCovered shows that Cloudflare's refusal of an
// application on a domain another covers (409, 11010) is the same conflict
// as the one a find reports, naming the other application when a list shows
// it.
func TestCreateAccessAppCovered(t *testing.T) {
	cases := map[string]struct {
		reason   string
		listFail bool
		other    []string
	}{
		"Named": {
			reason: "The application in the way is named, from a list read afresh.",
			other:  []string{"Grafana", appGrafana},
		},
		"ListFails": {
			reason:   "When the list fails the conflict stands, naming no application.",
			listFail: true,
			other:    []string{"", ""},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, url := newFake(t, accessSeed())
			if tc.listFail {
				if _, err := f.AddFault(fakecloudflare.Fault{Operation: fakecloudflare.OpAccessAppsList, Status: 403}); err != nil {
					t.Fatal(err)
				}
			}
			c, _, _ := newTestClient(t, url)
			_, err := c.CreateAccessApp(context.Background(), AccessApp{Name: "cfzt-grafana.example.com", Domain: "GRAFANA.example.com"})
			if diff := cmp.Diff(class{Conflict: true, NotOwned: true}, classOf(err)); diff != "" {
				t.Errorf("\n%s\nclass: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.other, conflictWith(err)); diff != "" {
				t.Errorf("\n%s\napplication in the way: -want, +got:\n%s", tc.reason, diff)
			}
			if e, ok := apiError(err); !ok || !hasCode(e, []int64{11010}) {
				t.Errorf("\n%s\nthe conflict keeps Cloudflare's error: got %v", tc.reason, err)
			}
			if diff := cmp.Diff(0, f.WriteCount(fakecloudflare.OpAccessAppCreate)); diff != "" {
				t.Errorf("\n%s\ncreates written: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestAccessAppConflictMessage(t *testing.T) {
	cases := map[string]struct {
		reason string
		err    *AccessAppConflictError
		want   string
	}{
		"Named": {
			reason: "The message names the application in the way by name and ID.",
			err:    &AccessAppConflictError{Domain: "app.example.com", AppName: "Legacy", AppID: "a1"},
			want:   `Access application "Legacy" (ID a1) already covers "app.example.com" and is not managed by cfzt`,
		},
		"Unnamed": {
			reason: "Without a name it says what Cloudflare refused.",
			err:    &AccessAppConflictError{Domain: "app.example.com"},
			want:   `another Access application, not managed by cfzt, already covers "app.example.com": Cloudflare refused ours (code 11010, application already exists)`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.err.Error()); diff != "" {
				t.Errorf("\n%s\nError(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
