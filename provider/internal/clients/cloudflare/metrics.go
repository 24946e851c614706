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
	opZonesList = "zones.list"

	opTunnelsGet                 = "tunnels.get"
	opTunnelConfigurationsGet    = "tunnels.configurations.get"
	opTunnelConfigurationsUpdate = "tunnels.configurations.update"

	opDNSRecordsList   = "dns.records.list"
	opDNSRecordsGet    = "dns.records.get"
	opDNSRecordsCreate = "dns.records.create"
	opDNSRecordsUpdate = "dns.records.update"
	opDNSRecordsDelete = "dns.records.delete"
	opDNSRecordsBatch  = "dns.records.batch"

	opAccessAppsList   = "access.apps.list"
	opAccessAppsGet    = "access.apps.get"
	opAccessAppsCreate = "access.apps.create"
	opAccessAppsUpdate = "access.apps.update"
	opAccessAppsDelete = "access.apps.delete"

	opAccessPoliciesList   = "access.policies.list"
	opAccessPoliciesGet    = "access.policies.get"
	opAccessPoliciesCreate = "access.policies.create"
	opAccessPoliciesUpdate = "access.policies.update"
	opAccessPoliciesDelete = "access.policies.delete"

	opAccessGroupsList = "access.groups.list"

	opServiceTokensList    = "access.service_tokens.list"
	opServiceTokensGet     = "access.service_tokens.get"
	opServiceTokensCreate  = "access.service_tokens.create"
	opServiceTokensUpdate  = "access.service_tokens.update"
	opServiceTokensRotate  = "access.service_tokens.rotate"
	opServiceTokensRefresh = "access.service_tokens.refresh"
	opServiceTokensDelete  = "access.service_tokens.delete"

	opUserTokensVerify    = "user.tokens.verify"
	opAccountTokensVerify = "accounts.tokens.verify"

	// opOther labels a request sent without an operation name.
	opOther = "other"
)

// Cache names label the cache metrics.
const (
	cacheZones                = "zones"
	cacheTunnelConfigurations = "tunnel_configurations"
	cacheDNSRecords           = "dns_records"
	cacheAccessApps           = "access_apps"
	cacheAccessPolicies       = "access_policies"
	cacheAccessGroups         = "access_groups"
	cacheServiceTokens        = "service_tokens"
)

// Reasons for a rate-limit wait.
const (
	// waitWindow: the shared window of Cloudflare's rate limit had no room
	// yet, by our own count of the last period or by Cloudflare's.
	waitWindow = "window"
	// waitRetryAfter: Cloudflare answered 429 and the budget is paused for
	// its Retry-After.
	waitRetryAfter = "retry_after"
	// waitRejected: the wait would have been longer than the client's
	// maximum, so the request was refused without being sent.
	waitRejected = "rejected"
)

// Metrics are the client's Prometheus collectors, shared by every client a
// Registry makes:
//
//	cfzt_cloudflare_api_requests_total{operation,status}       HTTP requests sent; status is 2xx, 4xx, 5xx… or "error" (no response)
//	cfzt_cloudflare_api_retries_total{operation,reason}        idempotent requests sent again; reason is rate_limited, server_error or transport_error
//	cfzt_cloudflare_rate_limit_waits_total{reason}             requests that waited for, or were refused by, the shared budget; reason is window, retry_after or rejected
//	cfzt_cloudflare_rate_limit_wait_seconds_total{reason}      time spent in those waits
//	cfzt_cloudflare_rate_limit_remaining{account}              requests left in Cloudflare's window, as its latest response reported
//	cfzt_cloudflare_cache_hits_total{cache}                    reads served without an API call
//	cfzt_cloudflare_cache_misses_total{cache}                  reads that called the API
//	cfzt_cloudflare_tunnel_config_conflicts_total              tunnel configuration writes that met another writer
type Metrics struct {
	requests        *prometheus.CounterVec
	retries         *prometheus.CounterVec
	waits           *prometheus.CounterVec
	waitSeconds     *prometheus.CounterVec
	remaining       *prometheus.GaugeVec
	cacheHits       *prometheus.CounterVec
	cacheMisses     *prometheus.CounterVec
	tunnelConflicts prometheus.Counter
}

// NewMetrics returns unregistered collectors. Register them with Register.
func NewMetrics() *Metrics {
	return &Metrics{
		requests:    counterVec("cfzt_cloudflare_api_requests_total", "HTTP requests sent to the Cloudflare API, by operation and status class.", "operation", "status"),
		retries:     counterVec("cfzt_cloudflare_api_retries_total", "Idempotent Cloudflare API requests sent again, by operation and reason.", "operation", "reason"),
		waits:       counterVec("cfzt_cloudflare_rate_limit_waits_total", "Requests that waited for, or were refused by, the shared Cloudflare request budget.", "reason"),
		waitSeconds: counterVec("cfzt_cloudflare_rate_limit_wait_seconds_total", "Seconds spent waiting for the shared Cloudflare request budget.", "reason"),
		remaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "cfzt_cloudflare_rate_limit_remaining",
			Help: "Requests left in Cloudflare's rate-limit window for the user behind the account's API token, as the latest response's Ratelimit header reported; it counts the user's requests from anywhere, not only the provider's.",
		}, []string{"account"}),
		cacheHits:   counterVec("cfzt_cloudflare_cache_hits_total", "Cloudflare reads served from the shared cache or a concurrent identical read.", "cache"),
		cacheMisses: counterVec("cfzt_cloudflare_cache_misses_total", "Cloudflare reads that called the API.", "cache"),
		tunnelConflicts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cfzt_cloudflare_tunnel_config_conflicts_total",
			Help: "Tunnel configuration writes that found another writer's change in between.",
		}),
	}
}

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

// Register registers the collectors with r, for example controller-runtime's
// metrics.Registry.
func (m *Metrics) Register(r prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{m.requests, m.retries, m.waits, m.waitSeconds, m.remaining, m.cacheHits, m.cacheMisses, m.tunnelConflicts} {
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
