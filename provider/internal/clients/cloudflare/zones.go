package cloudflare

import (
	"context"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/zones"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// A Zone is a DNS zone of the account.
type Zone struct {
	ID     string
	Name   string
	Status string
	// Plan is the legacy_id of the zone's plan: "free", "pro", "business"
	// or "enterprise"; "" when the zones list did not say.
	Plan string
}

func (z Zone) id() string { return z.ID }

// zoneJSON is a zone as the zones list returns it.
type zoneJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	Plan   struct {
		LegacyID string `json:"legacy_id"`
	} `json:"plan"`
}

func (z zoneJSON) zone() Zone {
	return Zone{ID: z.ID, Name: z.Name, Status: z.Status, Plan: z.Plan.LegacyID}
}

// Limits of one DNS batch: the number of changes Cloudflare takes in one
// call, 200 on Free and 3,500 on Pro, Business and Enterprise
// (developers.cloudflare.com/dns/manage-dns-records/how-to/
// batch-record-changes, "Availability and limits").
const (
	dnsBatchLimitFree = 200
	dnsBatchLimitPaid = 3500
)

// dnsBatchLimit is how many changes one DNS batch to the zone may hold. A
// plan the client does not know as a paid one gets Free's limit: too small
// a batch costs a call, too large a one is refused.
func (z Zone) dnsBatchLimit() int {
	switch z.Plan {
	case "pro", "business", "enterprise":
		return dnsBatchLimitPaid
	}
	return dnsBatchLimitFree
}

// Zones finds the zone a hostname belongs to.
type Zones interface {
	// ListZones returns every zone of the client's account. The list is
	// cached.
	ListZones(ctx context.Context) ([]Zone, error)

	// ZoneForHostname returns the account's zone whose name is the longest
	// suffix of hostname (a.b.example.com is in b.example.com before
	// example.com), from the cached zone list. It returns an error for
	// which IsNotFound is true when no zone matches.
	ZoneForHostname(ctx context.Context, hostname string) (Zone, error)
}

// zonesPerPage is the API's largest page of zones.
const zonesPerPage = 50

func (c *client) ListZones(ctx context.Context) ([]Zone, error) {
	zs, err := c.zones.get(ctx, c.accountID, func(ctx context.Context) ([]Zone, error) {
		ctx = withOperation(ctx, opZonesList)
		params := zones.ZoneListParams{Account: cf.F(zones.ZoneListParamsAccount{ID: cf.F(c.accountID)})}
		zs, err := listAll(func(opts ...option.RequestOption) error {
			_, err := c.sdk.Zones.List(ctx, params, opts...)
			return err
		}, zonesPerPage, zoneJSON.zone)
		if err == nil {
			c.dnsQueues.learnLimits(zs)
		}
		return zs, err
	})
	if err != nil {
		return nil, errors.Wrapf(err, "cannot list zones of account %q", c.accountID)
	}
	return append([]Zone(nil), zs...), nil
}

func (c *client) ZoneForHostname(ctx context.Context, hostname string) (Zone, error) {
	zs, err := c.ListZones(ctx)
	if err != nil {
		return Zone{}, err
	}
	z, ok := v1alpha1.ZoneFor(hostname, zs, func(z Zone) string { return z.Name })
	if !ok {
		return Zone{}, &NotFoundError{Kind: "zone for hostname", Name: hostname}
	}
	return z, nil
}
