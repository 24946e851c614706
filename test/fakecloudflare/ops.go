package fakecloudflare

// Operation IDs, as Cloudflare's OpenAPI document names them. The fake counts
// writes, logs requests and matches faults by these names, so that a test can
// say "no DNS record was created" in the API's own words.
const (
	OpZonesList = "zones-get"
	OpZoneGet   = "zones-0-get"

	OpTunnelsList     = "cloudflare-tunnel-list-cloudflare-tunnels"
	OpTunnelGet       = "cloudflare-tunnel-get-a-cloudflare-tunnel"
	OpTunnelConfigGet = "cloudflare-tunnel-configuration-get-configuration"
	OpTunnelConfigPut = "cloudflare-tunnel-configuration-put-configuration"

	OpDNSRecordsList  = "dns-records-for-a-zone-list-dns-records"
	OpDNSRecordCreate = "dns-records-for-a-zone-create-dns-record"
	OpDNSRecordGet    = "dns-records-for-a-zone-dns-record-details"
	OpDNSRecordUpdate = "dns-records-for-a-zone-update-dns-record"
	OpDNSRecordPatch  = "dns-records-for-a-zone-patch-dns-record"
	OpDNSRecordDelete = "dns-records-for-a-zone-delete-dns-record"
	// OpDNSRecordsBatch is newer than the schema subset; its name is the
	// one Cloudflare's API reference uses ("Batch DNS Records").
	OpDNSRecordsBatch = "dns-records-for-a-zone-batch-dns-records"

	OpAccessAppsList  = "access-applications-list-access-applications"
	OpAccessAppCreate = "access-applications-add-an-application"
	OpAccessAppGet    = "access-applications-get-an-access-application"
	OpAccessAppUpdate = "access-applications-update-an-access-application"
	OpAccessAppDelete = "access-applications-delete-an-access-application"

	OpAccessPoliciesList = "access-policies-list-access-reusable-policies"
	OpAccessPolicyCreate = "access-policies-create-an-access-reusable-policy"
	OpAccessPolicyGet    = "access-policies-get-an-access-reusable-policy"
	OpAccessPolicyUpdate = "access-policies-update-an-access-reusable-policy"
	OpAccessPolicyDelete = "access-policies-delete-an-access-reusable-policy"

	OpAccessGroupsList = "access-groups-list-access-groups"
	OpAccessGroupGet   = "access-groups-get-an-access-group"

	OpServiceTokensList   = "access-service-tokens-list-service-tokens"
	OpServiceTokenCreate  = "access-service-tokens-create-a-service-token"
	OpServiceTokenGet     = "access-service-tokens-get-a-service-token"
	OpServiceTokenUpdate  = "access-service-tokens-update-a-service-token"
	OpServiceTokenDelete  = "access-service-tokens-delete-a-service-token"
	OpServiceTokenRefresh = "access-service-tokens-refresh-a-service-token"
	OpServiceTokenRotate  = "access-service-tokens-rotate-a-service-token"

	// OpUserTokenVerify and OpAccountTokenVerify, the token verification
	// operations, are not in the schema subset; their names are the ones
	// Cloudflare's full OpenAPI document uses.
	OpUserTokenVerify    = "user-api-tokens-verify-token"
	OpAccountTokenVerify = "account-api-tokens-verify-token"
)
