package fakecloudflare

import (
	"bytes"
	"encoding/json"
	"strings"
)

// codeTunnelBadConfig is Cloudflare's code for a configuration that
// cloudflared's validation refuses; the message is cloudflared's after
// badConfigPrefix.
const (
	codeTunnelBadConfig = 1056
	badConfigPrefix     = "Bad Configuration: Validation failed: "
)

var tunnelPager = pager{defaultPerPage: 20, minPerPage: 1, maxPerPage: 1000}

func tunnelJSON(t *Tunnel) map[string]any {
	m := map[string]any{
		"id":            t.ID,
		"account_tag":   t.AccountID,
		"name":          t.Name,
		"created_at":    t.CreatedAt,
		"connections":   []any{},
		"metadata":      map[string]any{},
		"remote_config": t.RemoteConfig,
		"status":        t.Status,
		"tun_type":      "cfd_tunnel",
	}
	if t.Status != "inactive" {
		m["conns_active_at"] = t.CreatedAt
	}
	return m
}

// tunnelConfigJSON is a tunnel's configuration in the shape the SDK decodes.
func tunnelConfigJSON(t *Tunnel) map[string]any {
	source := "local"
	if t.RemoteConfig {
		source = "cloudflare"
	}
	cfg := t.Config
	if cfg == nil {
		cfg = map[string]any{}
	}
	return map[string]any{
		"account_id": t.AccountID,
		"tunnel_id":  t.ID,
		"config":     cfg,
		"source":     source,
		"version":    t.ConfigVersion,
		"created_at": t.ConfigUpdatedAt,
	}
}

// tunnel returns the tunnel in the call's path.
func (s *Server) tunnel(c *call) (*Tunnel, error) {
	return inAccount(s, c, s.st.tunnels, "tunnel_id", func(id string) error { return notFound("tunnel %s not found", id) })
}

// listTunnels filters by name, uuid, is_deleted, include_prefix,
// exclude_prefix and status, and pages. The fake never deletes a tunnel.
func (s *Server) listTunnels(c *call) (reply, error) {
	a, err := s.account(c)
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query()
	deleted, _, err := boolParam(q, "is_deleted")
	if err != nil {
		return reply{}, err
	}
	var out []*Tunnel
	for _, t := range sortedBySeq(s.st, s.st.tunnels, func(t *Tunnel) string { return t.ID }) {
		switch {
		case t.AccountID != a.ID, deleted:
		case q.Has("name") && t.Name != q.Get("name"):
		case q.Has("uuid") && t.ID != q.Get("uuid"):
		case q.Has("status") && t.Status != q.Get("status"):
		case q.Has("include_prefix") && !strings.HasPrefix(t.Name, q.Get("include_prefix")):
		case q.Has("exclude_prefix") && strings.HasPrefix(t.Name, q.Get("exclude_prefix")):
		default:
			out = append(out, t)
		}
	}
	return pageReply(out, q, tunnelPager, tunnelJSON)
}

func (s *Server) getTunnel(c *call) (reply, error) {
	t, err := s.tunnel(c)
	return answer(err, func() any { return tunnelJSON(t) })
}

func (s *Server) getTunnelConfig(c *call) (reply, error) {
	t, err := s.tunnel(c)
	return answer(err, func() any { return tunnelConfigJSON(t) })
}

// putTunnelConfig replaces the whole configuration document: whatever the
// body leaves out is gone, as with Cloudflare. Every PUT adds one to the
// version, so a client can tell whether someone wrote in between.
func (s *Server) putTunnelConfig(c *call) (reply, error) {
	t, err := s.tunnel(c)
	if err != nil {
		return reply{}, err
	}
	var body struct {
		Config json.RawMessage `json:"config"`
	}
	if err := c.decode(&body); err != nil {
		return reply{}, err
	}
	// Numbers are kept as written: cloudflared reads a duration's JSON
	// text, so 30 and 30.0 differ.
	var cfg map[string]any
	d := json.NewDecoder(bytes.NewReader(body.Config))
	d.UseNumber()
	if len(body.Config) > 0 {
		if err := d.Decode(&cfg); err != nil {
			return reply{}, badRequest(codeInvalidRequest, "the request's config is not a JSON object: %v", err)
		}
	}
	if cfg == nil {
		return reply{}, badRequest(codeTunnelInvalid, "the request has no config object")
	}
	if err := s.setTunnelConfig(t, cfg); err != nil {
		return reply{}, err
	}
	return reply{result: tunnelConfigJSON(t)}, nil
}

func (s *Server) setTunnelConfig(t *Tunnel, cfg map[string]any) error {
	if !t.RemoteConfig {
		return badRequest(codeTunnelInvalid, "tunnel %s is configured locally; its configuration cannot be set through the API", t.ID)
	}
	if err := checkIngress(cfg); err != nil {
		return badRequest(codeTunnelBadConfig, "%s%s", badConfigPrefix, err.Error())
	}
	t.Config = cfg
	t.ConfigVersion++
	t.ConfigUpdatedAt = s.now()
	return nil
}
