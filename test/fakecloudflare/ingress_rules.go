package fakecloudflare

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Cloudflare validates a tunnel configuration with cloudflared's own code
// before it stores it, and answers with cloudflared's message. The rules
// below are cloudflared's (ingress/ingress.go: validateIngress,
// validateHostname, validateAccessConfiguration; config/configuration.go:
// CustomDuration), reimplemented, with its messages.

// Messages of cloudflared's that take no argument.
const (
	msgNoIngressRules  = "The config file doesn't contain any ingress rules"
	msgLastNotCatchAll = "The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)"
	msgBadWildcard     = `Hostname patterns can have at most one wildcard character ("*") and it can only be used for subdomains, e.g. "*.example.com"`
	msgHostnamePort    = "Hostname cannot contain a port"
)

// Origin services cloudflared runs itself rather than proxying to a URL.
var builtinServices = map[string]bool{
	"hello_world": true, "hello-world": true, "bastion": true, "socks-proxy": true,
}

// durationKeys are the originRequest keys cloudflared reads as a
// CustomDuration: a JSON integer of seconds. A string such as "30s" or a
// fraction is refused (terraform-provider-cloudflare#2495 sent strings).
var durationKeys = []string{"connectTimeout", "tlsTimeout", "tcpKeepAlive", "keepAliveTimeout"}

// checkIngress applies cloudflared's validation to a configuration
// document, in cloudflared's order: the document is decoded first (the
// durations), then each rule in turn (service, access, hostname, path).
func checkIngress(cfg map[string]any) error {
	if err := checkDurations(cfg); err != nil {
		return err
	}
	rules, ok := cfg["ingress"].([]any)
	if !ok || len(rules) == 0 {
		return errors.New(msgNoIngressRules)
	}
	for i, r := range rules {
		rule, ok := r.(map[string]any)
		if !ok {
			return errors.Errorf("json: cannot unmarshal ingress rule #%d: not an object", i+1)
		}
		if err := checkRule(rule, i, len(rules)); err != nil {
			return err
		}
	}
	return nil
}

// checkDurations checks the durations of the configuration's originRequest,
// of each rule's and of warp-routing, the places cloudflared decodes a
// CustomDuration.
func checkDurations(cfg map[string]any) error {
	blocks := []any{cfg["originRequest"]}
	if rules, ok := cfg["ingress"].([]any); ok {
		for _, r := range rules {
			if rule, ok := r.(map[string]any); ok {
				blocks = append(blocks, rule["originRequest"])
			}
		}
	}
	if warp, ok := cfg["warp-routing"].(map[string]any); ok {
		blocks = append(blocks, map[string]any{"connectTimeout": warp["connectTimeout"], "tcpKeepAlive": warp["tcpKeepAlive"]})
	}
	for _, b := range blocks {
		m, ok := b.(map[string]any)
		if !ok {
			continue
		}
		for _, k := range durationKeys {
			if err := checkSeconds(m[k]); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSeconds reads v as cloudflared's CustomDuration does: the JSON text
// of the value must parse as a base-10 integer. A null is no value.
func checkSeconds(v any) error {
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return errors.Wrap(err, "json")
	}
	_, err = strconv.ParseInt(string(raw), 10, 64)
	return err
}

// checkRule checks one rule, index i of n.
func checkRule(rule map[string]any, i, n int) error {
	var host, path, service string
	for _, f := range []struct {
		key string
		to  *string
	}{{"hostname", &host}, {"path", &path}, {"service", &service}} {
		switch v := rule[f.key].(type) {
		case nil:
		case string:
			*f.to = v
		default:
			return errors.Errorf("json: cannot unmarshal %T into Go struct field UnvalidatedIngressRule.ingress.%s of type string", v, f.key)
		}
	}
	origin, _ := rule["originRequest"].(map[string]any)
	if err := checkService(service, origin); err != nil {
		return err
	}
	if err := checkAccess(origin); err != nil {
		return err
	}
	if err := checkHostname(host, path, i, n); err != nil {
		return err
	}
	if path != "" {
		if _, err := regexp.Compile(path); err != nil {
			return errors.Wrapf(err, "Rule #%d has an invalid regex", i+1)
		}
	}
	return nil
}

// checkService accepts a Unix socket, a fixed status, a service cloudflared
// runs itself (or any service in bastion mode), or a URL with a scheme and a
// host and no path: cloudflared forwards the eyeball's own path.
func checkService(s string, origin map[string]any) error {
	switch {
	case strings.HasPrefix(s, "unix:"), strings.HasPrefix(s, "unix+tls:"):
		return nil
	case strings.HasPrefix(s, "http_status:"):
		code, err := strconv.Atoi(strings.TrimPrefix(s, "http_status:"))
		if err != nil {
			return errors.Wrap(err, "invalid HTTP status code")
		}
		if code < 100 || code > 999 {
			return errors.Errorf("invalid HTTP status code: %d", code)
		}
		return nil
	case builtinServices[s], origin["bastionMode"] == true:
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme == "" || u.Hostname() == "" {
		return errors.Errorf("%s is an invalid address, please make sure it has a scheme and a hostname", s)
	}
	if u.Path != "" {
		return errors.Errorf("%s is an invalid address, ingress rules don't support proxying to a different path on the origin service. The path will be the same as the eyeball request's path", s)
	}
	return nil
}

// checkAccess refuses an Access requirement that names audiences but no
// team.
func checkAccess(origin map[string]any) error {
	access, _ := origin["access"].(map[string]any)
	if access["required"] != true {
		return nil
	}
	team, _ := access["teamName"].(string)
	tags, _ := access["audTag"].([]any)
	if team == "" && len(tags) > 0 {
		return errors.New("access.TeamName cannot be blank when access.audTags are present")
	}
	return nil
}

// checkHostname refuses a port and a wildcard anywhere but first, and
// requires the catch-all (hostname empty or "*", no path) last and only
// last.
func checkHostname(host, path string, i, n int) error {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return errors.New(msgHostnamePort)
	}
	if strings.LastIndex(host, "*") > 0 {
		return errors.New(msgBadWildcard)
	}
	catchAll := (host == "" || host == "*") && path == ""
	last := i == n-1
	switch {
	case last && !catchAll:
		return errors.New(msgLastNotCatchAll)
	case !last && catchAll:
		return catchAllNotLastError{index: i, hostname: host}
	}
	return nil
}

// catchAllNotLastError is a catch-all before the last rule. cloudflared's
// message, a sentence, ends with a full stop.
type catchAllNotLastError struct {
	index    int
	hostname string
}

func (e catchAllNotLastError) Error() string {
	return fmt.Sprintf("Rule #%d is matching the hostname '%s', but this will match every hostname, meaning the rules which follow it will never be triggered.", e.index+1, e.hostname)
}
