package fakecloudflare

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// Seed is the whole state of a fake: what New starts from, what Load reads
// from YAML and what Snapshot returns. Field names follow Cloudflare's JSON,
// so a seed reads like the API's own objects and a snapshot can seed another
// fake.
type Seed struct {
	Accounts       []Account      `json:"accounts,omitempty"`
	Tokens         []APIToken     `json:"tokens,omitempty"`
	Zones          []Zone         `json:"zones,omitempty"`
	DNSRecords     []DNSRecord    `json:"dns_records,omitempty"`
	Tunnels        []Tunnel       `json:"tunnels,omitempty"`
	AccessGroups   []AccessGroup  `json:"access_groups,omitempty"`
	AccessPolicies []AccessPolicy `json:"access_policies,omitempty"`
	AccessApps     []AccessApp    `json:"access_apps,omitempty"`
	ServiceTokens  []ServiceToken `json:"service_tokens,omitempty"`
}

// An Account owns tunnels, zones and Access objects.
type Account struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Token statuses. Only an active API token authenticates.
const (
	TokenActive   = "active"
	TokenDisabled = "disabled"
	TokenExpired  = "expired"
)

// An APIToken is a bearer token the fake accepts. A token with an AccountID
// reaches only that account and its zones, like a Cloudflare account-owned
// token, and verifies only at /accounts/{account_id}/tokens/verify.
// Permissions are its permission groups ("DNS Edit", see PermissionDNSEdit
// and the others); a call outside them is refused. A token without the
// field may call everything, an empty list nothing but verification.
//
// User is the Cloudflare user the token belongs to: the tokens of one user
// share one rate window, as Cloudflare counts requests per user. A seed may
// leave it out; a token with an AccountID then belongs to that account's
// user, named by the account's ID, and a token without to the user
// "default", so that by default each account is one person.
type APIToken struct {
	ID          string   `json:"id"`
	Name        string   `json:"name,omitempty"`
	Value       string   `json:"value"`
	AccountID   string   `json:"account_id,omitempty"`
	User        string   `json:"user,omitempty"`
	Status      string   `json:"status,omitempty"`
	Permissions []string `json:"permissions,omitzero"`
}

// A Zone is a DNS zone of an account. Plan is the legacy_id of its plan
// (PlanFree, PlanPro, PlanBusiness or PlanEnterprise), Free when a seed
// leaves it out; the API returns the whole plan object. The plan and
// CreatedOn decide the DNS rules of the zone's records.
type Zone struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	AccountID   string    `json:"account_id"`
	Plan        string    `json:"plan,omitempty"`
	Status      string    `json:"status,omitempty"`
	NameServers []string  `json:"name_servers,omitempty"`
	CreatedOn   time.Time `json:"created_on,omitzero"`
}

// A DNSRecord is a record of a zone. Comment and Tags are kept verbatim: the
// project marks ownership with them. Name is stored as the API returns it:
// lower case and in Punycode.
type DNSRecord struct {
	ID         string         `json:"id"`
	ZoneID     string         `json:"zone_id"`
	Type       string         `json:"type"`
	Name       string         `json:"name"`
	Content    string         `json:"content,omitempty"`
	Proxied    bool           `json:"proxied,omitempty"`
	TTL        int            `json:"ttl,omitempty"`
	Priority   *int           `json:"priority,omitempty"`
	Comment    string         `json:"comment,omitempty"`
	Tags       []string       `json:"tags,omitempty"`
	Data       map[string]any `json:"data,omitempty"`
	Settings   map[string]any `json:"settings,omitempty"`
	CreatedOn  time.Time      `json:"created_on,omitzero"`
	ModifiedOn time.Time      `json:"modified_on,omitzero"`
}

// A Tunnel is a Cloudflare Tunnel (cfd_tunnel). Config is its remote
// configuration document ({ingress, originRequest, warp-routing}), kept
// verbatim; ConfigVersion goes up by one on every PUT.
type Tunnel struct {
	ID              string         `json:"id"`
	AccountID       string         `json:"account_id"`
	Name            string         `json:"name"`
	RemoteConfig    bool           `json:"remote_config"`
	Status          string         `json:"status,omitempty"`
	CreatedAt       time.Time      `json:"created_at,omitzero"`
	Config          map[string]any `json:"config,omitempty"`
	ConfigVersion   int            `json:"config_version,omitempty"`
	ConfigUpdatedAt time.Time      `json:"config_updated_at,omitzero"`
}

func (t Tunnel) account() string { return t.AccountID }

// A Rule is one Access rule, such as {"email": {"email": "a@example.com"}}
// or {"group": {"id": "..."}}, kept verbatim.
type Rule = map[string]any

// An AccessGroup is a named set of Access rules.
type AccessGroup struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	Include   []Rule    `json:"include,omitempty"`
	Exclude   []Rule    `json:"exclude,omitempty"`
	Require   []Rule    `json:"require,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

func (g AccessGroup) account() string { return g.AccountID }

// An AccessPolicy is a reusable Access policy, or, when AppID is set, a
// legacy policy scoped to one application (whose Policies give its
// precedence). Fields the fake does not model
// (approval_groups, purpose_justification_prompt, …) are kept in Extra and
// written back verbatim.
type AccessPolicy struct {
	ID              string         `json:"id"`
	AccountID       string         `json:"account_id"`
	Name            string         `json:"name"`
	Decision        string         `json:"decision"`
	Include         []Rule         `json:"include,omitempty"`
	Exclude         []Rule         `json:"exclude,omitempty"`
	Require         []Rule         `json:"require,omitempty"`
	SessionDuration string         `json:"session_duration,omitempty"`
	AppID           string         `json:"app_id,omitempty"`
	CreatedAt       time.Time      `json:"created_at,omitzero"`
	UpdatedAt       time.Time      `json:"updated_at,omitzero"`
	Extra           map[string]any `json:"-"`
}

// MarshalJSON writes the policy with its Extra fields inline.
func (p AccessPolicy) MarshalJSON() ([]byte, error) {
	type plain AccessPolicy
	return marshalWithExtra(plain(p), p.Extra)
}

// UnmarshalJSON reads a policy; fields it does not model go to Extra.
func (p *AccessPolicy) UnmarshalJSON(data []byte) error {
	type plain AccessPolicy
	*p = AccessPolicy{}
	return unmarshalWithExtra(data, (*plain)(p), &p.Extra)
}

func (p AccessPolicy) account() string { return p.AccountID }

// An AppPolicyRef attaches an Access policy to an application.
type AppPolicyRef struct {
	ID         string `json:"id"`
	Precedence int    `json:"precedence"`
}

// An AccessApp is an Access application. Fields the fake does not model
// (skip_interstitial, allowed_idps, cors_headers, …) are kept in Extra and
// written back verbatim.
type AccessApp struct {
	ID              string         `json:"id"`
	AccountID       string         `json:"account_id"`
	AUD             string         `json:"aud,omitempty"`
	Name            string         `json:"name"`
	Domain          string         `json:"domain,omitempty"`
	Type            string         `json:"type"`
	SessionDuration string         `json:"session_duration,omitempty"`
	Policies        []AppPolicyRef `json:"policies,omitempty"`
	CreatedAt       time.Time      `json:"created_at,omitzero"`
	UpdatedAt       time.Time      `json:"updated_at,omitzero"`
	Extra           map[string]any `json:"-"`
}

// MarshalJSON writes the application with its Extra fields inline.
func (a AccessApp) MarshalJSON() ([]byte, error) {
	type plain AccessApp
	return marshalWithExtra(plain(a), a.Extra)
}

// UnmarshalJSON reads an application; fields it does not model go to Extra.
func (a *AccessApp) UnmarshalJSON(data []byte) error {
	type plain AccessApp
	*a = AccessApp{}
	return unmarshalWithExtra(data, (*plain)(a), &a.Extra)
}

func (a AccessApp) account() string { return a.AccountID }

// A ServiceToken is an Access service token. The API returns ClientSecret
// only when the token is created or rotated; the fake keeps it so that a test
// can check what a client stored.
//
// A rotation moves the secret to PreviousClientSecret, which Access still
// accepts until PreviousClientSecretExpiresAt, and counts ClientSecretVersion
// up by one. A seeded token without a version is at version 1.
type ServiceToken struct {
	ID                            string    `json:"id"`
	AccountID                     string    `json:"account_id"`
	Name                          string    `json:"name"`
	ClientID                      string    `json:"client_id"`
	ClientSecret                  string    `json:"client_secret,omitempty"`
	ClientSecretVersion           int       `json:"client_secret_version,omitempty"`
	PreviousClientSecret          string    `json:"previous_client_secret,omitempty"`
	PreviousClientSecretExpiresAt time.Time `json:"previous_client_secret_expires_at,omitzero"`
	Duration                      string    `json:"duration,omitempty"`
	ExpiresAt                     time.Time `json:"expires_at,omitzero"`
	CreatedAt                     time.Time `json:"created_at,omitzero"`
	UpdatedAt                     time.Time `json:"updated_at,omitzero"`
}

func (t ServiceToken) account() string { return t.AccountID }

// secretVersion is the token's client_secret_version: 1 until the first
// rotation.
func (t ServiceToken) secretVersion() int { return max(t.ClientSecretVersion, 1) }

// marshalWithExtra writes known as a JSON object and adds the extra fields
// that known does not already set.
func marshalWithExtra(known any, extra map[string]any) ([]byte, error) {
	b, err := json.Marshal(known)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range extra {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// unmarshalWithExtra reads data into known, a pointer to a struct, and sets
// *extra to the fields no JSON tag of that struct names, if there are any.
func unmarshalWithExtra(data []byte, known any, extra *map[string]any) error {
	if err := json.Unmarshal(data, known); err != nil {
		return err
	}
	m := map[string]any{}
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	t := reflect.TypeOf(known).Elem()
	for field := range t.Fields() {
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		delete(m, name)
	}
	if len(m) > 0 {
		*extra = m
	}
	return nil
}
