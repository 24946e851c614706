package cloudflare

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"strings"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// defaultCatchAllService answers requests no rule matches, in a catch-all
// rule added to a configuration that has none.
const defaultCatchAllService = "http_status:404"

// A Tunnel is a Cloudflare Tunnel (cloudflared) of the account.
type Tunnel struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	// RemoteConfig is true when the tunnel is configured from Cloudflare,
	// the only kind whose ingress rules this client can change.
	RemoteConfig bool       `json:"remote_config"`
	DeletedAt    *time.Time `json:"deleted_at"`
}

// A TunnelConfiguration is a remotely managed tunnel's configuration.
type TunnelConfiguration struct {
	TunnelID string
	// Version increases by one with every write.
	Version int64
	// Source is "cloudflare" when the configuration is managed remotely.
	Source string
	// Ingress rules in order; the last is the catch-all (no path, and no
	// hostname or "*") unless the configuration is empty.
	Ingress []IngressRule
	// Extra holds the configuration's other keys, such as warp-routing and
	// originRequest, exactly as read. They are written back unchanged.
	Extra map[string]json.RawMessage
}

// An IngressRule routes a hostname (and optionally a path) to a service.
type IngressRule struct {
	Hostname      string         `json:"hostname,omitempty"`
	Path          string         `json:"path,omitempty"`
	Service       string         `json:"service"`
	OriginRequest *OriginRequest `json:"originRequest,omitempty"`
	// Extra holds the rule's keys this client does not model, exactly as
	// read. They are written back unchanged.
	Extra map[string]json.RawMessage `json:"-"`
}

// OriginRequest is the originRequest block of an ingress rule. Only the
// fields set are written. Its fields match v1alpha1.OriginRequest.
type OriginRequest struct {
	NoTLSVerify            *bool  `json:"noTLSVerify,omitempty"`
	OriginServerName       string `json:"originServerName,omitempty"`
	CAPool                 string `json:"caPool,omitempty"`
	ConnectTimeout         *int64 `json:"connectTimeout,omitempty"`
	HTTP2Origin            *bool  `json:"http2Origin,omitempty"`
	HTTPHostHeader         string `json:"httpHostHeader,omitempty"`
	TLSTimeout             *int64 `json:"tlsTimeout,omitempty"`
	KeepAliveConnections   *int64 `json:"keepAliveConnections,omitempty"`
	KeepAliveTimeout       *int64 `json:"keepAliveTimeout,omitempty"`
	TCPKeepAlive           *int64 `json:"tcpKeepAlive,omitempty"`
	NoHappyEyeballs        *bool  `json:"noHappyEyeballs,omitempty"`
	DisableChunkedEncoding *bool  `json:"disableChunkedEncoding,omitempty"`
	ProxyType              string `json:"proxyType,omitempty"`
	ProxyAddress           string `json:"proxyAddress,omitempty"`
	ProxyPort              *int64 `json:"proxyPort,omitempty"`
	// Extra holds keys this client does not model (matchSNItoHost, access,
	// …) and modelled keys whose value it could not read, exactly as read.
	Extra map[string]json.RawMessage `json:"-"`
}

// Tunnels reads a tunnel and changes its ingress rules.
type Tunnels interface {
	// GetTunnel returns the tunnel. The Tenant controller uses it to check
	// the credentials and the tunnel at once. Not cached.
	GetTunnel(ctx context.Context, tunnelID string) (Tunnel, error)

	// GetTunnelConfiguration returns the tunnel's configuration from the
	// cache, or reads it. Use it to observe; never to write back.
	GetTunnelConfiguration(ctx context.Context, tunnelID string) (TunnelConfiguration, error)

	// UpdateTunnelIngress changes the tunnel's ingress rules. Changes to
	// one tunnel are queued and committed in groups, one at a time within
	// the process: a commit reads the configuration afresh, applies every
	// queued mutate in turn to the rules other than the catch-all, and, if
	// they changed, writes them with the catch-all last (http_status:404
	// if there was none) and every unmodelled field as read. It then reads
	// the configuration back and checks, for each change, that mutate has
	// nothing more to do; a change another writer undid goes in the next
	// commit, up to the configured attempts, and then fails with an error
	// for which IsConflict is true. It returns the configuration as
	// verified.
	//
	// mutate must change only the caller's own rules, keep every other
	// rule, and be idempotent: applied to its own result it must return an
	// equal list. UpsertIngressRule and RemoveIngressRule are such
	// functions. It may be called more than once, and with other callers'
	// changes applied.
	UpdateTunnelIngress(ctx context.Context, tunnelID string, mutate func(rules []IngressRule) []IngressRule) (TunnelConfiguration, error)
}

func (c *client) GetTunnel(ctx context.Context, tunnelID string) (Tunnel, error) {
	ctx = withOperation(ctx, opTunnelsGet)
	t := Tunnel{}
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Tunnels.Cloudflared.Get(ctx, tunnelID, zero_trust.TunnelCloudflaredGetParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	}, &t)
	return t, errors.Wrapf(err, "cannot get tunnel %q", tunnelID)
}

func (c *client) GetTunnelConfiguration(ctx context.Context, tunnelID string) (TunnelConfiguration, error) {
	tc, err := c.tunnels.get(ctx, tunnelID, func(ctx context.Context) (TunnelConfiguration, error) {
		return c.readTunnelConfiguration(ctx, tunnelID)
	})
	if err != nil {
		return TunnelConfiguration{}, errors.Wrapf(err, "cannot get tunnel %q configuration", tunnelID)
	}
	return tc.clone(), nil
}

// UpsertIngressRule returns rules with r in place of the rule for the same
// hostname and path, or with r appended. Keys this client does not model
// that the old rule had (its Extra and its originRequest's Extra, such as
// matchSNItoHost set in the dashboard) are kept unless r sets its own.
func UpsertIngressRule(rules []IngressRule, r IngressRule) []IngressRule {
	out := make([]IngressRule, 0, len(rules)+1)
	found := false
	for _, old := range rules {
		if !sameRule(old, r.Hostname, r.Path) {
			out = append(out, old)
			continue
		}
		if found {
			// A duplicate rule for our hostname is dead weight: the first
			// one always wins.
			continue
		}
		found = true
		nr := r
		if nr.Extra == nil {
			nr.Extra = old.Extra
		}
		if old.OriginRequest != nil && len(old.OriginRequest.Extra) > 0 {
			o := OriginRequest{}
			if nr.OriginRequest != nil {
				o = *nr.OriginRequest
			}
			if o.Extra == nil {
				o.Extra = old.OriginRequest.Extra
				nr.OriginRequest = &o
			}
		}
		out = append(out, nr)
	}
	if !found {
		out = append(out, r)
	}
	return out
}

// RemoveIngressRule returns rules without the rules for hostname and path.
func RemoveIngressRule(rules []IngressRule, hostname, path string) []IngressRule {
	out := make([]IngressRule, 0, len(rules))
	for _, r := range rules {
		if !sameRule(r, hostname, path) {
			out = append(out, r)
		}
	}
	return out
}

// FindIngressRule returns the first rule for hostname and path.
func FindIngressRule(rules []IngressRule, hostname, path string) (IngressRule, bool) {
	for _, r := range rules {
		if sameRule(r, hostname, path) {
			return r, true
		}
	}
	return IngressRule{}, false
}

func sameRule(r IngressRule, hostname, path string) bool {
	return strings.EqualFold(r.Hostname, hostname) && r.Path == path
}

// splitCatchAll returns the rules before a trailing catch-all, and the
// catch-all if there is one. As cloudflared reads it, a catch-all has no
// path and no hostname or the hostname "*".
func splitCatchAll(rules []IngressRule) ([]IngressRule, *IngressRule) {
	n := len(rules)
	if n == 0 || !isCatchAll(rules[n-1]) {
		return rules, nil
	}
	last := rules[n-1]
	return rules[:n-1], &last
}

// isCatchAll reports whether r matches every request.
func isCatchAll(r IngressRule) bool {
	return (r.Hostname == "" || r.Hostname == "*") && r.Path == ""
}

func ingressEqual(a, b []IngressRule) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 {
		return true
	}
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// cloneRules deep-copies rules, so that neither mutate nor a caller can
// change what the cache holds. Raw JSON values are shared: they are replaced,
// never changed in place.
func cloneRules(rules []IngressRule) []IngressRule {
	if rules == nil {
		return nil
	}
	out := make([]IngressRule, len(rules))
	for i, r := range rules {
		r.Extra = maps.Clone(r.Extra)
		if r.OriginRequest != nil {
			r.OriginRequest = r.OriginRequest.clone()
		}
		out[i] = r
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func (t TunnelConfiguration) clone() TunnelConfiguration {
	t.Ingress = cloneRules(t.Ingress)
	t.Extra = maps.Clone(t.Extra)
	return t
}

// tunnelConfigurationJSON is the API's result for a tunnel configuration.
type tunnelConfigurationJSON struct {
	TunnelID string          `json:"tunnel_id"`
	Version  int64           `json:"version"`
	Source   string          `json:"source"`
	Config   json.RawMessage `json:"config"`
}

func (t *tunnelConfigurationJSON) decode() (TunnelConfiguration, error) {
	out := TunnelConfiguration{TunnelID: t.TunnelID, Version: t.Version, Source: t.Source}
	if len(t.Config) == 0 || string(t.Config) == "null" {
		return out, nil
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(t.Config, &m); err != nil {
		return out, errors.Wrap(err, "cannot decode tunnel configuration")
	}
	if raw, ok := m["ingress"]; ok {
		if err := json.Unmarshal(raw, &out.Ingress); err != nil {
			return out, errors.Wrap(err, "cannot decode tunnel ingress rules")
		}
		delete(m, "ingress")
	}
	if len(m) > 0 {
		out.Extra = m
	}
	return out, nil
}

func (c *client) readTunnelConfiguration(ctx context.Context, tunnelID string) (TunnelConfiguration, error) {
	ctx = withOperation(ctx, opTunnelConfigurationsGet)
	raw := tunnelConfigurationJSON{}
	err := do(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Tunnels.Cloudflared.Configurations.Get(ctx, tunnelID, zero_trust.TunnelCloudflaredConfigurationGetParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	}, &raw)
	if err != nil {
		return TunnelConfiguration{}, err
	}
	return raw.decode()
}

// writeTunnelConfiguration PUTs the whole configuration as raw JSON: the
// SDK's typed parameters know no warp-routing and only some originRequest
// keys, and would drop the rest.
func (c *client) writeTunnelConfiguration(ctx context.Context, tunnelID string, tc TunnelConfiguration) (TunnelConfiguration, error) {
	ctx = withOperation(ctx, opTunnelConfigurationsUpdate)
	cfg := maps.Clone(tc.Extra)
	if cfg == nil {
		cfg = map[string]json.RawMessage{}
	}
	ingress, err := json.Marshal(tc.Ingress)
	if err != nil {
		return TunnelConfiguration{}, errors.Wrap(err, "cannot encode tunnel ingress rules")
	}
	cfg["ingress"] = ingress
	raw := tunnelConfigurationJSON{}
	err = doJSON(func(opts ...option.RequestOption) error {
		_, err := c.sdk.ZeroTrust.Tunnels.Cloudflared.Configurations.Update(ctx, tunnelID, zero_trust.TunnelCloudflaredConfigurationUpdateParams{AccountID: cf.F(c.accountID)}, opts...)
		return err
	}, map[string]any{"config": cfg}, &raw)
	if err != nil {
		return TunnelConfiguration{}, err
	}
	return raw.decode()
}

// ingressRuleFields and originRequestFields encode the modelled fields
// without the custom methods below.
type (
	ingressRuleFields   IngressRule
	originRequestFields OriginRequest
)

// MarshalJSON writes the modelled fields over the unmodelled ones.
func (r IngressRule) MarshalJSON() ([]byte, error) {
	return encodeWithExtra(ingressRuleFields(r), r.Extra)
}

// UnmarshalJSON reads the modelled fields and keeps every other key.
func (r *IngressRule) UnmarshalJSON(b []byte) error {
	*r = IngressRule{}
	extra, err := decodeKnown(b, (*ingressRuleFields)(r))
	r.Extra = extra
	return err
}

// MarshalJSON writes the modelled fields over the unmodelled ones.
func (o OriginRequest) MarshalJSON() ([]byte, error) {
	return encodeWithExtra(originRequestFields(o), o.Extra)
}

// UnmarshalJSON reads the modelled fields and keeps every other key.
func (o *OriginRequest) UnmarshalJSON(b []byte) error {
	*o = OriginRequest{}
	extra, err := decodeKnown(b, (*originRequestFields)(o))
	o.Extra = extra
	return err
}

func (o OriginRequest) clone() *OriginRequest {
	c := o
	c.NoTLSVerify = clonePtr(o.NoTLSVerify)
	c.ConnectTimeout = clonePtr(o.ConnectTimeout)
	c.HTTP2Origin = clonePtr(o.HTTP2Origin)
	c.TLSTimeout = clonePtr(o.TLSTimeout)
	c.KeepAliveConnections = clonePtr(o.KeepAliveConnections)
	c.KeepAliveTimeout = clonePtr(o.KeepAliveTimeout)
	c.TCPKeepAlive = clonePtr(o.TCPKeepAlive)
	c.NoHappyEyeballs = clonePtr(o.NoHappyEyeballs)
	c.DisableChunkedEncoding = clonePtr(o.DisableChunkedEncoding)
	c.ProxyPort = clonePtr(o.ProxyPort)
	c.Extra = maps.Clone(o.Extra)
	return &c
}
