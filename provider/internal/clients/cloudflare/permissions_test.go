package cloudflare

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

func TestPermissionFor(t *testing.T) {
	cases := map[string]struct {
		reason string
		op     string
		want   Permission
		ok     bool
	}{
		"Zones":         {reason: "Zones need Zone · Zone · Read (README).", op: opZonesList, want: PermissionZoneRead, ok: true},
		"Tunnel":        {reason: "A tunnel read names Edit, which the TunnelRoute needs.", op: opTunnelsGet, want: PermissionTunnelEdit, ok: true},
		"TunnelConfig":  {reason: "Tunnel configurations are Cloudflare Tunnel's.", op: opTunnelConfigurationsUpdate, want: PermissionTunnelEdit, ok: true},
		"DNS":           {reason: "DNS records need Zone · DNS · Edit.", op: opDNSRecordsCreate, want: PermissionDNSEdit, ok: true},
		"AccessApps":    {reason: "Access applications need Access: Apps and Policies.", op: opAccessAppsDelete, want: PermissionAccessAppsEdit, ok: true},
		"Policies":      {reason: "Reusable policies are Access: Apps and Policies too.", op: opAccessPoliciesCreate, want: PermissionAccessAppsEdit, ok: true},
		"Groups":        {reason: "Groups need only the Read of Organizations, Identity Providers, and Groups.", op: opAccessGroupsList, want: PermissionAccessGroupsRead, ok: true},
		"ServiceTokens": {reason: "Service tokens need Access: Service Tokens.", op: opServiceTokensRotate, want: PermissionServiceTokensEdit, ok: true},
		"Verify":        {reason: "Verifying a token needs no permission.", op: opAccountTokensVerify},
		"Other":         {reason: "A request without an operation names nothing.", op: opOther},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := PermissionFor(tc.op)
			if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.ok {
				t.Errorf("\n%s\nPermissionFor(%q): -want, +got:\n%s\nok: want %t, got %t", tc.reason, tc.op, diff, tc.ok, ok)
			}
		})
	}
}

// permissionToken is an account token of the fake with only the given
// permission groups; none at all when there are none (a nil list would be
// every permission).
func permissionToken(value string, permissions ...string) fakecloudflare.APIToken {
	if permissions == nil {
		permissions = []string{}
	}
	ids := map[string]string{"narrow": "f0000000000000000000000000000011", "none": "f0000000000000000000000000000012", "no-access": "f0000000000000000000000000000013"}
	return fakecloudflare.APIToken{ID: ids[value], Value: value, AccountID: testAccount, Permissions: permissions}
}

// clientWithToken is a test client of the fake at url with the token.
func clientWithToken(t *testing.T, url, token string) *client {
	t.Helper()
	base, _, _ := newTestClient(t, url)
	c, err := newClient(Config{BaseURL: url, AccountID: testAccount, Token: token}, optionsOf(base), base.budget, newKeyedMutex())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPermissionError checks what a managed resource's condition says when
// Cloudflare refuses an operation with 403 because the token lacks a
// permission (the fake refuses as every endpoint's "Accepted Permissions"
// say).
func TestPermissionError(t *testing.T) {
	seed := accessSeed()
	seed.Zones = []fakecloudflare.Zone{{ID: testZone, Name: "example.com", AccountID: testAccount}}
	seed.Tokens = []fakecloudflare.APIToken{
		permissionToken("narrow", fakecloudflare.PermissionServiceTokenRead, fakecloudflare.PermissionDNSRead),
	}
	_, url := newFake(t, seed)
	c := clientWithToken(t, url, "narrow")
	ctx := context.Background()
	cases := map[string]struct {
		reason string
		call   func() error
		want   Permission
		msg    string
	}{
		"CreateServiceToken": {
			reason: "A create of a service token with only its Read names the Edit it needs.",
			call: func() error {
				_, err := c.CreateServiceToken(ctx, "cfzt-svctoken-new", "8760h")
				return err
			},
			want: PermissionServiceTokensEdit,
			msg:  "the API token lacks Account · Access: Service Tokens · Edit (a create of service tokens was refused): add it to the token",
		},
		"ListZones": {
			reason: "A zone list without Zone · Zone · Read names it.",
			call: func() error {
				_, err := c.ListZones(ctx)
				return err
			},
			want: PermissionZoneRead,
			msg:  "the API token lacks Zone · Zone · Read (a read of zones was refused): add it to the token",
		},
		"ResolveGroups": {
			reason: "A group lookup names the groups permission.",
			call: func() error {
				_, err := c.ResolveAccessGroupIDs(ctx, []string{"admins"})
				return err
			},
			want: PermissionAccessGroupsRead,
			msg:  "the API token lacks Account · Access: Organizations, Identity Providers, and Groups · Read (a read of Access groups was refused): add it to the token",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := tc.call()
			got, ok := MissingPermission(err)
			if !ok {
				t.Fatalf("\n%s\nMissingPermission(%v): not a permission error", tc.reason, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\n%s\npermission: -want, +got:\n%s", tc.reason, diff)
			}
			if !IsAuth(err) {
				t.Errorf("\n%s\nIsAuth(%v) = false: a permission error is still an auth error", tc.reason, err)
			}
			if pe, ok := errors.AsType[*PermissionError](err); ok {
				if diff := cmp.Diff(tc.msg, pe.Error()); diff != "" {
					t.Errorf("\n%s\nmessage: -want, +got:\n%s", tc.reason, diff)
				}
			}
		})
	}
}

func TestCheckPermissions(t *testing.T) {
	seed := accessSeed()
	seed.Zones = []fakecloudflare.Zone{{ID: testZone, Name: "example.com", AccountID: testAccount}}
	seed.Tokens = []fakecloudflare.APIToken{
		permissionToken("none"),
		permissionToken("no-access", fakecloudflare.PermissionTunnelEdit, fakecloudflare.PermissionZoneRead, fakecloudflare.PermissionDNSEdit),
		permissionToken("narrow", fakecloudflare.PermissionZoneRead, fakecloudflare.PermissionAccessAppsEdit, fakecloudflare.PermissionAccessGroupsRead, fakecloudflare.PermissionServiceTokenEdit),
	}
	f, url := newFake(t, seed)
	cases := map[string]struct {
		reason string
		token  string
		want   []Permission
		reads  int
	}{
		"All": {
			reason: "A token with every permission lacks nothing; one read per permission, DNS in the account's first zone.",
			token:  testToken, reads: 5,
		},
		"NoAccess": {
			reason: "A token for tunnels and DNS only lacks the three Access permissions.",
			token:  "no-access", want: []Permission{PermissionAccessAppsEdit, PermissionAccessGroupsRead, PermissionServiceTokensEdit}, reads: 5,
		},
		"NoDNS": {
			reason: "A token without DNS lacks Zone · DNS · Edit.",
			token:  "narrow", want: []Permission{PermissionDNSEdit}, reads: 5,
		},
		"None": {
			reason: "Without Zone · Zone · Read no zone is known, so DNS cannot be read: the zone permission comes first.",
			token:  "none", want: []Permission{PermissionZoneRead, PermissionAccessAppsEdit, PermissionAccessGroupsRead, PermissionServiceTokensEdit}, reads: 4,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f.ResetRecords()
			missing, err := clientWithToken(t, url, tc.token).CheckPermissions(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []Permission
			for _, m := range missing {
				got = append(got, m.Permission)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\n%s\nmissing: -want, +got:\n%s", tc.reason, diff)
			}
			reqs := f.Requests()
			if len(reqs) != tc.reads {
				t.Errorf("\n%s\nreads: want %d, got %d: %v", tc.reason, tc.reads, len(reqs), reqs)
			}
			for _, r := range reqs {
				if !strings.Contains(r.Query, "per_page="+probePageSize) {
					t.Errorf("\n%s\n%s asked for more than one small page: %s", tc.reason, r.Path, r.Query)
				}
			}
		})
	}
}
