package fakecloudflare

import (
	"strings"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
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
		Config map[string]any `json:"config"`
	}
	if err := c.decode(&body); err != nil {
		return reply{}, err
	}
	if body.Config == nil {
		return reply{}, badRequest(codeTunnelInvalid, "the request has no config object")
	}
	if err := s.setTunnelConfig(t, body.Config); err != nil {
		return reply{}, err
	}
	return reply{result: tunnelConfigJSON(t)}, nil
}

func (s *Server) setTunnelConfig(t *Tunnel, cfg map[string]any) error {
	if !t.RemoteConfig {
		return badRequest(codeTunnelInvalid, "tunnel %s is configured locally; its configuration cannot be set through the API", t.ID)
	}
	if err := checkIngress(cfg); err != nil {
		return badRequest(codeTunnelInvalid, "%s", err.Error())
	}
	t.Config = cfg
	t.ConfigVersion++
	t.ConfigUpdatedAt = s.now()
	return nil
}

// checkIngress applies cloudflared's rules to a configuration's ingress: at
// least one rule, each with a service, and a catch-all rule (no hostname, no
// path) last and only last.
func checkIngress(cfg map[string]any) error {
	rules, ok := cfg["ingress"].([]any)
	if !ok || len(rules) == 0 {
		return errors.New("the configuration needs at least one ingress rule")
	}
	for i, r := range rules {
		rule, ok := r.(map[string]any)
		if !ok {
			return errors.Errorf("ingress rule #%d is not an object", i+1)
		}
		if svc, _ := rule["service"].(string); svc == "" {
			return errors.Errorf("ingress rule #%d has no service", i+1)
		}
		host, hok := rule["hostname"].(string)
		path, pok := rule["path"].(string)
		if (rule["hostname"] != nil && !hok) || (rule["path"] != nil && !pok) {
			return errors.Errorf("ingress rule #%d has a hostname or path that is not a string", i+1)
		}
		catchAll := host == "" && path == ""
		switch last := i == len(rules)-1; {
		case last && !catchAll:
			return errors.New("The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)")
		case !last && catchAll:
			return errors.Errorf("Rule #%d is matching all URLs, but it is not the last rule", i+1)
		}
	}
	return nil
}
