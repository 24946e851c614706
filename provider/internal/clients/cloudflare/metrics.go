package cloudflare

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Operation names label every metric and never change, so that dashboards
// and alerts survive upgrades.
const (
	OpZonesList = "zones.list"

	OpTunnelsGet                 = "tunnels.get"
	OpTunnelConfigurationsGet    = "tunnels.configurations.get"
	OpTunnelConfigurationsUpdate = "tunnels.configurations.update"

	OpDNSRecordsList   = "dns.records.list"
	OpDNSRecordsGet    = "dns.records.get"
	OpDNSRecordsCreate = "dns.records.create"
	OpDNSRecordsUpdate = "dns.records.update"
	OpDNSRecordsDelete = "dns.records.delete"

	OpAccessAppsList   = "access.apps.list"
	OpAccessAppsGet    = "access.apps.get"
	OpAccessAppsCreate = "access.apps.create"
	OpAccessAppsUpdate = "access.apps.update"
	OpAccessAppsDelete = "access.apps.delete"

	OpAccessPoliciesList   = "access.policies.list"
	OpAccessPoliciesGet    = "access.policies.get"
	OpAccessPoliciesCreate = "access.policies.create"
	OpAccessPoliciesUpdate = "access.policies.update"
	OpAccessPoliciesDelete = "access.policies.delete"

	OpAccessGroupsList = "access.groups.list"

	OpServiceTokensList   = "access.service_tokens.list"
	OpServiceTokensGet    = "access.service_tokens.get"
	OpServiceTokensCreate = "access.service_tokens.create"
	OpServiceTokensUpdate = "access.service_tokens.update"
	OpServiceTokensRotate = "access.service_tokens.rotate"
	OpServiceTokensDelete = "access.service_tokens.delete"

	OpUserTokensVerify    = "user.tokens.verify"
	OpAccountTokensVerify = "accounts.tokens.verify"

	// opOther labels a request sent without an operation name.
	opOther = "other"
)

// Cache names label the cache metrics.
const (
	CacheZones                = "zones"
	CacheTunnelConfigurations = "tunnel_configurations"
	CacheDNSRecords           = "dns_records"
	CacheAccessApps           = "access_apps"
	CacheAccessPolicies       = "access_policies"
	CacheAccessGroups         = "access_groups"
	CacheServiceTokens        = "service_tokens"
)

// Reasons for a rate-limit wait.
const (
	// WaitTokenBucket: the shared token bucket had no token yet.
	WaitTokenBucket = "token_bucket"
	// WaitRetryAfter: Cloudflare answered 429 and the budget is paused for
	// its Retry-After.
	WaitRetryAfter = "retry_after"
	// WaitRejected: the wait would have been longer than the client's
	// maximum, so the request was refused without being sent.
	WaitRejected = "rejected"
)

// Metrics are the client's Prometheus collectors, shared by every client a
// Registry makes:
//
//	cfzt_cloudflare_api_requests_total{operation,status}       HTTP requests sent; status is 2xx, 4xx, 5xx… or "error" (no response)
//	cfzt_cloudflare_api_retries_total{operation,reason}        idempotent requests sent again; reason is rate_limited, server_error or transport_error
//	cfzt_cloudflare_rate_limit_waits_total{reason}             requests that waited for, or were refused by, the shared budget
//	cfzt_cloudflare_rate_limit_wait_seconds_total{reason}      time spent in those waits
//	cfzt_cloudflare_cache_hits_total{cache}                    reads served without an API call
//	cfzt_cloudflare_cache_misses_total{cache}                  reads that called the API
//	cfzt_cloudflare_tunnel_config_conflicts_total              tunnel configuration writes that met another writer
type Metrics struct {
	requests        *prometheus.CounterVec
	retries         *prometheus.CounterVec
	waits           *prometheus.CounterVec
	waitSeconds     *prometheus.CounterVec
	cacheHits       *prometheus.CounterVec
	cacheMisses     *prometheus.CounterVec
	tunnelConflicts prometheus.Counter
}

// NewMetrics returns unregistered collectors. Register them with Register.
func NewMetrics() *Metrics {
	return &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cfzt_cloudflare_api_requests_total",
			Help: "HTTP requests sent to the Cloudflare API, by operation and status class.",
		}, []string{"operation", "status"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cfzt_cloudflare_api_retries_total",
			Help: "Idempotent Cloudflare API requests sent again, by operation and reason.",
		}, []string{"operation", "reason"}),
		waits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cfzt_cloudflare_rate_limit_waits_total",
			Help: "Requests that waited for, or were refused by, the shared Cloudflare request budget.",
		}, []string{"reason"}),
		waitSeconds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cfzt_cloudflare_rate_limit_wait_seconds_total",
			Help: "Seconds spent waiting for the shared Cloudflare request budget.",
		}, []string{"reason"}),
		cacheHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cfzt_cloudflare_cache_hits_total",
			Help: "Cloudflare reads served from the shared cache or a concurrent identical read.",
		}, []string{"cache"}),
		cacheMisses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cfzt_cloudflare_cache_misses_total",
			Help: "Cloudflare reads that called the API.",
		}, []string{"cache"}),
		tunnelConflicts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cfzt_cloudflare_tunnel_config_conflicts_total",
			Help: "Tunnel configuration writes that found another writer's change in between.",
		}),
	}
}

// Register registers the collectors with r, for example controller-runtime's
// metrics.Registry.
func (m *Metrics) Register(r prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{m.requests, m.retries, m.waits, m.waitSeconds, m.cacheHits, m.cacheMisses, m.tunnelConflicts} {
		if err := r.Register(c); err != nil {
			return errors.Wrap(err, "cannot register Cloudflare client metrics")
		}
	}
	return nil
}

func (m *Metrics) wait(reason string, d time.Duration) {
	m.waits.WithLabelValues(reason).Inc()
	m.waitSeconds.WithLabelValues(reason).Add(d.Seconds())
}

type operationKey struct{}

// withOperation names the API operation a context's requests belong to.
func withOperation(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

func operationFrom(ctx context.Context) string {
	if op, ok := ctx.Value(operationKey{}).(string); ok {
		return op
	}
	return opOther
}
