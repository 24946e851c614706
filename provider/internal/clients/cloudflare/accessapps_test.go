package cloudflare

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

func TestFindAccessApp(t *testing.T) {
	type want struct {
		id        string
		policyIDs []string
		class     class
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
			reason: "Another application on our domain is not adopted.",
			domain: "grafana.example.com", name: "cfzt-grafana.example.com",
			want: want{class: class{Conflict: true, NotOwned: true}},
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
	f, url := newFake(t, accessSeed())
	c, _, _ := newTestClient(t, url)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a, err := c.FindAccessApp(context.Background(), tc.domain, tc.name)
			got := want{id: a.ID, policyIDs: a.PolicyIDs, class: classOf(err)}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\nFindAccessApp(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
	// A find runs before a create, so it never trusts a cached list.
	if diff := cmp.Diff(len(cases), ops(f, fakecloudflare.OpAccessAppsList)); diff != "" {
		t.Errorf("lists, one per find: -want, +got:\n%s", diff)
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
	ignore := cmpopts.IgnoreFields(AccessApp{}, "ID", "AUD", "Type")
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

	// Found after the create; a find lists afresh, as it guards a create.
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
	// Each find lists afresh, so the find after a failed create sees an
	// application that create may have made.
	_, _ = c.FindAccessApp(context.Background(), "new.example.com", "cfzt-new.example.com")
	if diff := cmp.Diff(2, ops(f, fakecloudflare.OpAccessAppsList)); diff != "" {
		t.Errorf("lists: -want, +got:\n%s", diff)
	}
}
