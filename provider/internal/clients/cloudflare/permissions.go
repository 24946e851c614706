package cloudflare

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// A Permission is a permission of a Cloudflare API token, named as the
// README's "The Cloudflare API token" names it: scope · group · level.
type Permission string

// The permissions the provider needs, one per row of the README's table.
// Where a kind needs Edit, Edit is named even for a refused read: adding
// only Read would fail again at the first write.
const (
	PermissionTunnelEdit        Permission = "Account · Cloudflare Tunnel · Edit"
	PermissionZoneRead          Permission = "Zone · Zone · Read"
	PermissionDNSEdit           Permission = "Zone · DNS · Edit"
	PermissionAccessAppsEdit    Permission = "Account · Access: Apps and Policies · Edit"
	PermissionAccessGroupsRead  Permission = "Account · Access: Organizations, Identity Providers, and Groups · Read"
	PermissionServiceTokensEdit Permission = "Account · Access: Service Tokens · Edit"
)

// opPermissions maps the client's operations, by the prefix of their
// metric name, to the permission they need and what they act on. The more
// specific prefix comes first.
var opPermissions = []struct {
	prefix     string
	objects    string
	permission Permission
}{
	{"zones.", "zones", PermissionZoneRead},
	{"tunnels.configurations.", "tunnel configurations", PermissionTunnelEdit},
	{"tunnels.", "tunnels", PermissionTunnelEdit},
	{"dns.records.", "DNS records", PermissionDNSEdit},
	{"access.apps.", "Access applications", PermissionAccessAppsEdit},
	{"access.policies.", "Access policies", PermissionAccessAppsEdit},
	{"access.groups.", "Access groups", PermissionAccessGroupsRead},
	{"access.service_tokens.", "service tokens", PermissionServiceTokensEdit},
}

// PermissionFor returns the permission the client's operation op (a metric
// operation name such as "access.service_tokens.create") needs. Token
// verification needs none.
func PermissionFor(op string) (Permission, bool) {
	for _, o := range opPermissions {
		if strings.HasPrefix(op, o.prefix) {
			return o.permission, true
		}
	}
	return "", false
}

// describeOp says what op did, for a person: "a read of service tokens".
func describeOp(op string) string {
	objects := op
	for _, o := range opPermissions {
		if strings.HasPrefix(op, o.prefix) {
			objects = o.objects
			break
		}
	}
	verb := op[strings.LastIndex(op, ".")+1:]
	switch verb {
	case "list", "get":
		verb = "a read"
	case "update":
		verb = "an update"
	case "rotate":
		verb = "a rotation"
	default:
		verb = "a " + verb
	}
	return verb + " of " + objects
}

// A PermissionError is Cloudflare's 403 for an operation the API token has
// no permission for. It wraps the API's error, so IsAuth is true for it.
type PermissionError struct {
	// Op is the client's operation, as its metrics name it.
	Op string
	// Permission is what Op needs.
	Permission Permission

	err error
}

// Error names the permission to add, for a condition a person reads.
func (e *PermissionError) Error() string {
	return fmt.Sprintf("the API token lacks %s (%s was refused): add it to the token", e.Permission, e.Refused())
}

// Refused says what Cloudflare refused: "a read of service tokens".
func (e *PermissionError) Refused() string { return describeOp(e.Op) }

// Unwrap returns Cloudflare's error.
func (e *PermissionError) Unwrap() error { return e.err }

// MissingPermission returns the permission whose lack made Cloudflare
// refuse err's operation.
func MissingPermission(err error) (Permission, bool) {
	var e *PermissionError
	if !errors.As(err, &e) {
		return "", false
	}
	return e.Permission, true
}

// permissionMiddleware turns Cloudflare's 403 for an operation that needs a
// permission into a *PermissionError that names it, so that every managed
// resource's condition says what to add to the token. The SDK returns a
// middleware's error as it is.
func permissionMiddleware(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	res, err := next(req)
	if err != nil || res.StatusCode != http.StatusForbidden {
		return res, err
	}
	op := operationFrom(req.Context())
	p, ok := PermissionFor(op)
	if !ok {
		return res, nil
	}
	body, err := io.ReadAll(res.Body)
	_ = res.Body.Close() // Read to the end, or failed.
	if err != nil {
		return nil, errors.Wrap(err, "cannot read Cloudflare API response")
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	aerr := &cf.Error{Request: req, Response: res, StatusCode: res.StatusCode}
	// A body that is not Cloudflare's envelope still leaves the status.
	_ = aerr.UnmarshalJSON(body)
	return nil, &PermissionError{Op: op, Permission: p, err: aerr}
}

// probePageSize is the page a permission check asks for: the check wants
// an answer, not the objects.
const probePageSize = "5"

// PermissionChecker checks what the client's API token may do.
type PermissionChecker interface {
	// CheckPermissions tries one uncached list read of one page for each
	// permission of the README's table but Cloudflare Tunnel (GetTunnel
	// checks that one): zones, the DNS records of the account's first
	// zone, Access applications, Access groups and service tokens. It
	// returns a *PermissionError for each read Cloudflare refused, in that
	// order, and an error if a read failed otherwise. A read checks the
	// Read level only; Edit shows at the first write.
	CheckPermissions(ctx context.Context) ([]*PermissionError, error)
}

// CheckPermissions implements PermissionChecker.
func (c *client) CheckPermissions(ctx context.Context) ([]*PermissionError, error) {
	var missing []*PermissionError
	// probe reads one page at path and returns the IDs on it; nil when
	// Cloudflare refused the read, which it adds to missing.
	probe := func(op, path string, opts ...option.RequestOption) ([]string, error) {
		var items []struct {
			ID string `json:"id"`
		}
		err := do(func(o ...option.RequestOption) error {
			return c.sdk.Get(withOperation(ctx, op), path, nil, nil, o...)
		}, &items, append(opts, option.WithQuery("per_page", probePageSize))...)
		var pe *PermissionError
		switch {
		case errors.As(err, &pe):
			missing = append(missing, pe)
			return nil, nil
		case err != nil:
			return nil, errors.Wrapf(err, "cannot check the API token's permissions with %s", describeOp(op))
		}
		ids := make([]string, len(items))
		for i, it := range items {
			ids[i] = it.ID
		}
		return ids, nil
	}
	zones, err := probe(opZonesList, "zones", option.WithQuery("account.id", c.accountID))
	if err != nil {
		return nil, err
	}
	if len(zones) > 0 {
		if _, err := probe(opDNSRecordsList, "zones/"+zones[0]+"/dns_records"); err != nil {
			return nil, err
		}
	}
	for _, p := range []struct{ op, path string }{
		{opAccessAppsList, "accounts/" + c.accountID + "/access/apps"},
		{opAccessGroupsList, "accounts/" + c.accountID + "/access/groups"},
		{opServiceTokensList, "accounts/" + c.accountID + "/access/service_tokens"},
	} {
		if _, err := probe(p.op, p.path); err != nil {
			return nil, err
		}
	}
	return missing, nil
}
