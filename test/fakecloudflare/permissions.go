package fakecloudflare

import (
	"slices"
	"strings"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Permission groups of an API token, as the dashboard names them when a
// token is made ("Cloudflare Tunnel" with "Edit" reads "Cloudflare Tunnel
// Edit"). A seed token lists them in its permissions. The API reference
// spells Edit as Write ("Cloudflare Tunnel Write"); the fake takes both.
const (
	PermissionZoneRead         = "Zone Read"
	PermissionZoneEdit         = "Zone Edit"
	PermissionDNSRead          = "DNS Read"
	PermissionDNSEdit          = "DNS Edit"
	PermissionTunnelRead       = "Cloudflare Tunnel Read"
	PermissionTunnelEdit       = "Cloudflare Tunnel Edit"
	PermissionAccessAppsRead   = "Access: Apps and Policies Read"
	PermissionAccessAppsEdit   = "Access: Apps and Policies Edit"
	PermissionAccessGroupsRead = "Access: Organizations, Identity Providers, and Groups Read"
	PermissionAccessGroupsEdit = "Access: Organizations, Identity Providers, and Groups Edit"
	PermissionServiceTokenRead = "Access: Service Tokens Read"
	PermissionServiceTokenEdit = "Access: Service Tokens Edit"
)

// Permission groups without their level.
const (
	groupZone          = "Zone"
	groupDNS           = "DNS"
	groupTunnel        = "Cloudflare Tunnel"
	groupConnectors    = "Cloudflare One Connectors"
	groupCloudflared   = "Cloudflare One Connector: cloudflared"
	groupAccessApps    = "Access: Apps and Policies"
	groupAccessGroups  = "Access: Organizations, Identity Providers, and Groups"
	groupServiceTokens = "Access: Service Tokens"
)

// knownGroups are the permission groups a seed token may name.
var knownGroups = []string{groupZone, groupDNS, groupTunnel, groupConnectors, groupCloudflared, groupAccessApps, groupAccessGroups, groupServiceTokens}

// A need is what an operation accepts: a permission of one of groups, at
// Edit level when edit is set. Edit implies Read, as in Cloudflare.
type need struct {
	groups []string
	edit   bool
}

var tunnelGroups = []string{groupTunnel, groupConnectors, groupCloudflared}

func needRead(groups ...string) need { return need{groups: groups} }
func needEdit(groups ...string) need { return need{groups: groups, edit: true} }

// needs holds, per operation, the API reference's "Accepted Permissions" of
// its endpoint (developers.cloudflare.com/api, and x-cfPermissionsRequired
// in Cloudflare's OpenAPI document where it has one: #zone:read,
// #dns_records:read, #dns_records:edit). The verify operations are missing
// on purpose: any valid token may verify itself.
//
// List Zones: the reference accepts more zone permissions than Zone Read,
// but whether a token with only, say, DNS Edit sees any zone is not
// verified; the fake asks for Zone, the stricter choice, which the README
// lists anyway.
var needs = map[string]need{
	OpZonesList: needRead(groupZone),
	OpZoneGet:   needRead(groupZone),

	OpTunnelsList:     needRead(tunnelGroups...),
	OpTunnelGet:       needRead(tunnelGroups...),
	OpTunnelConfigGet: needRead(tunnelGroups...),
	OpTunnelConfigPut: needEdit(tunnelGroups...),

	OpDNSRecordsList:  needRead(groupDNS),
	OpDNSRecordGet:    needRead(groupDNS),
	OpDNSRecordCreate: needEdit(groupDNS),
	OpDNSRecordUpdate: needEdit(groupDNS),
	OpDNSRecordPatch:  needEdit(groupDNS),
	OpDNSRecordDelete: needEdit(groupDNS),
	OpDNSRecordsBatch: needEdit(groupDNS),

	OpAccessAppsList:  needRead(groupAccessApps),
	OpAccessAppGet:    needRead(groupAccessApps),
	OpAccessAppCreate: needEdit(groupAccessApps),
	OpAccessAppUpdate: needEdit(groupAccessApps),
	OpAccessAppDelete: needEdit(groupAccessApps),

	OpAccessPoliciesList: needRead(groupAccessApps),
	OpAccessPolicyGet:    needRead(groupAccessApps),
	OpAccessPolicyCreate: needEdit(groupAccessApps),
	OpAccessPolicyUpdate: needEdit(groupAccessApps),
	OpAccessPolicyDelete: needEdit(groupAccessApps),

	OpAccessGroupsList: needRead(groupAccessGroups),
	OpAccessGroupGet:   needRead(groupAccessGroups),

	OpServiceTokensList:   needRead(groupServiceTokens),
	OpServiceTokenGet:     needRead(groupServiceTokens),
	OpServiceTokenCreate:  needEdit(groupServiceTokens),
	OpServiceTokenUpdate:  needEdit(groupServiceTokens),
	OpServiceTokenDelete:  needEdit(groupServiceTokens),
	OpServiceTokenRefresh: needEdit(groupServiceTokens),
	OpServiceTokenRotate:  needEdit(groupServiceTokens),
}

// parsePermission splits a permission such as "DNS Edit" into its group and
// whether it is the Edit (or Write) level.
func parsePermission(p string) (group string, isEdit bool, err error) {
	for suffix, e := range map[string]bool{" Read": false, " Edit": true, " Write": true} {
		if g, ok := strings.CutSuffix(p, suffix); ok && slices.Contains(knownGroups, g) {
			return g, e, nil
		}
	}
	return "", false, errors.Errorf("permission %q is not one the fake knows: want one of %s, each followed by Read or Edit", p, strings.Join(knownGroups, ", "))
}

// allows reports whether the token may call op. A token without a
// permissions list may call everything: tests that build seeds in Go have
// tokens without one, and the fake predates permission groups. A seed that
// means to test permissions lists them; an empty list allows nothing but
// verification.
func (t *APIToken) allows(op string) bool {
	n, ok := needs[op]
	if !ok || t.Permissions == nil {
		return true
	}
	for _, p := range t.Permissions {
		g, isEdit, err := parsePermission(p)
		if err == nil && slices.Contains(n.groups, g) && (isEdit || !n.edit) {
			return true
		}
	}
	return false
}

// checkPermissions reports the first permission of a token that the fake
// does not know, so that a typo in a seed does not silently refuse calls.
func (t *APIToken) checkPermissions() error {
	for _, p := range t.Permissions {
		if _, _, err := parsePermission(p); err != nil {
			return errors.Wrapf(err, "API token %q", t.ID)
		}
	}
	return nil
}
