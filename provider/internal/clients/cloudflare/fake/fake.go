// Package fake has function-field mocks of the Cloudflare client, for
// controller unit tests. Set the fields a test expects to be called; calling
// one left nil panics, which fails the test that did not expect the call.
package fake

import (
	"context"
	"time"

	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
)

var _ cloudflare.Client = &MockClient{}

// MockClient implements cloudflare.Client, and so every narrower interface,
// with one function field per method.
type MockClient struct {
	MockListZones       func(ctx context.Context) ([]cloudflare.Zone, error)
	MockZoneForHostname func(ctx context.Context, hostname string) (cloudflare.Zone, error)

	MockGetTunnel              func(ctx context.Context, tunnelID string) (cloudflare.Tunnel, error)
	MockGetTunnelConfiguration func(ctx context.Context, tunnelID string) (cloudflare.TunnelConfiguration, error)
	MockUpdateTunnelIngress    func(ctx context.Context, tunnelID string, mutate func([]cloudflare.IngressRule) []cloudflare.IngressRule) (cloudflare.TunnelConfiguration, error)

	MockFindDNSRecord   func(ctx context.Context, zoneID, name, recordType, owner string) (cloudflare.DNSRecord, error)
	MockGetDNSRecord    func(ctx context.Context, zoneID, recordID string) (cloudflare.DNSRecord, error)
	MockCreateDNSRecord func(ctx context.Context, zoneID string, r cloudflare.DNSRecord) (cloudflare.DNSRecord, error)
	MockUpdateDNSRecord func(ctx context.Context, zoneID, recordID string, r cloudflare.DNSRecord) (cloudflare.DNSRecord, error)
	MockDeleteDNSRecord func(ctx context.Context, zoneID, recordID, owner string) error

	MockFindAccessApp   func(ctx context.Context, domain, name string) (cloudflare.AccessApp, error)
	MockGetAccessApp    func(ctx context.Context, appID string) (cloudflare.AccessApp, error)
	MockCreateAccessApp func(ctx context.Context, a cloudflare.AccessApp) (cloudflare.AccessApp, error)
	MockUpdateAccessApp func(ctx context.Context, appID string, a cloudflare.AccessApp) (cloudflare.AccessApp, error)
	MockDeleteAccessApp func(ctx context.Context, appID string) error

	MockFindAccessPolicy       func(ctx context.Context, name string) (cloudflare.AccessPolicy, error)
	MockResolveAccessPolicyIDs func(ctx context.Context, names []string) ([]string, error)
	MockGetAccessPolicy        func(ctx context.Context, policyID string) (cloudflare.AccessPolicy, error)
	MockCreateAccessPolicy     func(ctx context.Context, p cloudflare.AccessPolicy) (cloudflare.AccessPolicy, error)
	MockUpdateAccessPolicy     func(ctx context.Context, policyID string, p cloudflare.AccessPolicy) (cloudflare.AccessPolicy, error)
	MockDeleteAccessPolicy     func(ctx context.Context, policyID string) error

	MockResolveAccessGroupIDs func(ctx context.Context, names []string) ([]string, error)

	MockFindServiceToken    func(ctx context.Context, name string) (cloudflare.ServiceToken, error)
	MockGetServiceToken     func(ctx context.Context, tokenID string) (cloudflare.ServiceToken, error)
	MockCreateServiceToken  func(ctx context.Context, name, duration string) (cloudflare.ServiceToken, error)
	MockUpdateServiceToken  func(ctx context.Context, tokenID, name, duration string) (cloudflare.ServiceToken, error)
	MockRotateServiceToken  func(ctx context.Context, tokenID string, previousExpiresAt time.Time) (cloudflare.ServiceToken, error)
	MockRefreshServiceToken func(ctx context.Context, tokenID string) (cloudflare.ServiceToken, error)
	MockDeleteServiceToken  func(ctx context.Context, tokenID string) error

	MockVerifyToken func(ctx context.Context) (cloudflare.TokenStatus, error)
}

// ListZones calls MockListZones.
func (m *MockClient) ListZones(ctx context.Context) ([]cloudflare.Zone, error) {
	return m.MockListZones(ctx)
}

// ZoneForHostname calls MockZoneForHostname.
func (m *MockClient) ZoneForHostname(ctx context.Context, hostname string) (cloudflare.Zone, error) {
	return m.MockZoneForHostname(ctx, hostname)
}

// GetTunnel calls MockGetTunnel.
func (m *MockClient) GetTunnel(ctx context.Context, tunnelID string) (cloudflare.Tunnel, error) {
	return m.MockGetTunnel(ctx, tunnelID)
}

// GetTunnelConfiguration calls MockGetTunnelConfiguration.
func (m *MockClient) GetTunnelConfiguration(ctx context.Context, tunnelID string) (cloudflare.TunnelConfiguration, error) {
	return m.MockGetTunnelConfiguration(ctx, tunnelID)
}

// UpdateTunnelIngress calls MockUpdateTunnelIngress.
func (m *MockClient) UpdateTunnelIngress(ctx context.Context, tunnelID string, mutate func([]cloudflare.IngressRule) []cloudflare.IngressRule) (cloudflare.TunnelConfiguration, error) {
	return m.MockUpdateTunnelIngress(ctx, tunnelID, mutate)
}

// FindDNSRecord calls MockFindDNSRecord.
func (m *MockClient) FindDNSRecord(ctx context.Context, zoneID, name, recordType, owner string) (cloudflare.DNSRecord, error) {
	return m.MockFindDNSRecord(ctx, zoneID, name, recordType, owner)
}

// GetDNSRecord calls MockGetDNSRecord.
func (m *MockClient) GetDNSRecord(ctx context.Context, zoneID, recordID string) (cloudflare.DNSRecord, error) {
	return m.MockGetDNSRecord(ctx, zoneID, recordID)
}

// CreateDNSRecord calls MockCreateDNSRecord.
func (m *MockClient) CreateDNSRecord(ctx context.Context, zoneID string, r cloudflare.DNSRecord) (cloudflare.DNSRecord, error) {
	return m.MockCreateDNSRecord(ctx, zoneID, r)
}

// UpdateDNSRecord calls MockUpdateDNSRecord.
func (m *MockClient) UpdateDNSRecord(ctx context.Context, zoneID, recordID string, r cloudflare.DNSRecord) (cloudflare.DNSRecord, error) {
	return m.MockUpdateDNSRecord(ctx, zoneID, recordID, r)
}

// DeleteDNSRecord calls MockDeleteDNSRecord.
func (m *MockClient) DeleteDNSRecord(ctx context.Context, zoneID, recordID, owner string) error {
	return m.MockDeleteDNSRecord(ctx, zoneID, recordID, owner)
}

// FindAccessApp calls MockFindAccessApp.
func (m *MockClient) FindAccessApp(ctx context.Context, domain, name string) (cloudflare.AccessApp, error) {
	return m.MockFindAccessApp(ctx, domain, name)
}

// GetAccessApp calls MockGetAccessApp.
func (m *MockClient) GetAccessApp(ctx context.Context, appID string) (cloudflare.AccessApp, error) {
	return m.MockGetAccessApp(ctx, appID)
}

// CreateAccessApp calls MockCreateAccessApp.
func (m *MockClient) CreateAccessApp(ctx context.Context, a cloudflare.AccessApp) (cloudflare.AccessApp, error) {
	return m.MockCreateAccessApp(ctx, a)
}

// UpdateAccessApp calls MockUpdateAccessApp.
func (m *MockClient) UpdateAccessApp(ctx context.Context, appID string, a cloudflare.AccessApp) (cloudflare.AccessApp, error) {
	return m.MockUpdateAccessApp(ctx, appID, a)
}

// DeleteAccessApp calls MockDeleteAccessApp.
func (m *MockClient) DeleteAccessApp(ctx context.Context, appID string) error {
	return m.MockDeleteAccessApp(ctx, appID)
}

// FindAccessPolicy calls MockFindAccessPolicy.
func (m *MockClient) FindAccessPolicy(ctx context.Context, name string) (cloudflare.AccessPolicy, error) {
	return m.MockFindAccessPolicy(ctx, name)
}

// ResolveAccessPolicyIDs calls MockResolveAccessPolicyIDs.
func (m *MockClient) ResolveAccessPolicyIDs(ctx context.Context, names []string) ([]string, error) {
	return m.MockResolveAccessPolicyIDs(ctx, names)
}

// GetAccessPolicy calls MockGetAccessPolicy.
func (m *MockClient) GetAccessPolicy(ctx context.Context, policyID string) (cloudflare.AccessPolicy, error) {
	return m.MockGetAccessPolicy(ctx, policyID)
}

// CreateAccessPolicy calls MockCreateAccessPolicy.
func (m *MockClient) CreateAccessPolicy(ctx context.Context, p cloudflare.AccessPolicy) (cloudflare.AccessPolicy, error) {
	return m.MockCreateAccessPolicy(ctx, p)
}

// UpdateAccessPolicy calls MockUpdateAccessPolicy.
func (m *MockClient) UpdateAccessPolicy(ctx context.Context, policyID string, p cloudflare.AccessPolicy) (cloudflare.AccessPolicy, error) {
	return m.MockUpdateAccessPolicy(ctx, policyID, p)
}

// DeleteAccessPolicy calls MockDeleteAccessPolicy.
func (m *MockClient) DeleteAccessPolicy(ctx context.Context, policyID string) error {
	return m.MockDeleteAccessPolicy(ctx, policyID)
}

// ResolveAccessGroupIDs calls MockResolveAccessGroupIDs.
func (m *MockClient) ResolveAccessGroupIDs(ctx context.Context, names []string) ([]string, error) {
	return m.MockResolveAccessGroupIDs(ctx, names)
}

// FindServiceToken calls MockFindServiceToken.
func (m *MockClient) FindServiceToken(ctx context.Context, name string) (cloudflare.ServiceToken, error) {
	return m.MockFindServiceToken(ctx, name)
}

// GetServiceToken calls MockGetServiceToken.
func (m *MockClient) GetServiceToken(ctx context.Context, tokenID string) (cloudflare.ServiceToken, error) {
	return m.MockGetServiceToken(ctx, tokenID)
}

// CreateServiceToken calls MockCreateServiceToken.
func (m *MockClient) CreateServiceToken(ctx context.Context, name, duration string) (cloudflare.ServiceToken, error) {
	return m.MockCreateServiceToken(ctx, name, duration)
}

// UpdateServiceToken calls MockUpdateServiceToken.
func (m *MockClient) UpdateServiceToken(ctx context.Context, tokenID, name, duration string) (cloudflare.ServiceToken, error) {
	return m.MockUpdateServiceToken(ctx, tokenID, name, duration)
}

// RotateServiceToken calls MockRotateServiceToken.
func (m *MockClient) RotateServiceToken(ctx context.Context, tokenID string, previousExpiresAt time.Time) (cloudflare.ServiceToken, error) {
	return m.MockRotateServiceToken(ctx, tokenID, previousExpiresAt)
}

// RefreshServiceToken calls MockRefreshServiceToken.
func (m *MockClient) RefreshServiceToken(ctx context.Context, tokenID string) (cloudflare.ServiceToken, error) {
	return m.MockRefreshServiceToken(ctx, tokenID)
}

// DeleteServiceToken calls MockDeleteServiceToken.
func (m *MockClient) DeleteServiceToken(ctx context.Context, tokenID string) error {
	return m.MockDeleteServiceToken(ctx, tokenID)
}

// VerifyToken calls MockVerifyToken.
func (m *MockClient) VerifyToken(ctx context.Context) (cloudflare.TokenStatus, error) {
	return m.MockVerifyToken(ctx)
}
