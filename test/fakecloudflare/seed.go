package fakecloudflare

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"slices"

	"sigs.k8s.io/yaml"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

var (
	hex32  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// Load reads a seed from a YAML or JSON file.
func Load(path string) (Seed, error) {
	data, err := os.ReadFile(path) //nolint:gosec // G304: the seed path is the caller's choice.
	if err != nil {
		return Seed{}, errors.Wrapf(err, "cannot read seed %q", path)
	}
	s, err := ParseSeed(data)
	return s, errors.Wrapf(err, "cannot parse seed %q", path)
}

// ParseSeed reads a seed from YAML or JSON. Unknown fields are an error, so
// a typo in a seed does not silently drop an object's setting. Access
// applications and policies are the exception: like the API, they keep
// fields the fake does not model.
func ParseSeed(data []byte) (Seed, error) {
	var s Seed
	if err := yaml.UnmarshalStrict(data, &s); err != nil {
		return Seed{}, errors.Wrap(err, "cannot decode seed")
	}
	return s, nil
}

// WithToken returns the seed with an unrestricted API token (no account, no
// permissions list, so every permission) whose value is value, unless it already has a token with that value. The token's ID comes
// from its value, so it is the same from run to run.
func (s Seed) WithToken(value string) Seed {
	for _, t := range s.Tokens {
		if t.Value == value {
			return s
		}
	}
	sum := sha256.Sum256([]byte(value))
	s.Tokens = append(slices.Clone(s.Tokens), APIToken{ID: hex.EncodeToString(sum[:16]), Name: "added", Value: value})
	return s
}

// check reports the first thing wrong with a seed: a malformed or repeated
// ID, or a reference to an object the seed does not hold.
func (s Seed) check() error { //nolint:gocyclo // One flat list of checks reads better split by object than by function.
	ids := map[string]bool{}
	unique := func(kind, id string, format *regexp.Regexp) error {
		if !format.MatchString(id) {
			return errors.Errorf("%s ID %q is malformed: want %s", kind, id, format)
		}
		if ids[id] {
			return errors.Errorf("%s ID %q is used twice", kind, id)
		}
		ids[id] = true
		return nil
	}
	accounts := map[string]bool{}
	for _, a := range s.Accounts {
		if err := unique("account", a.ID, hex32); err != nil {
			return err
		}
		accounts[a.ID] = true
	}
	account := func(kind, id, accountID string) error {
		if !accounts[accountID] {
			return errors.Errorf("%s %q names account %q, which the seed does not hold", kind, id, accountID)
		}
		return nil
	}
	// owned checks an object of an account whose ID is a UUID.
	owned := func(kind, id, accountID string) error {
		if err := unique(kind, id, uuidRE); err != nil {
			return err
		}
		return account(kind, id, accountID)
	}
	values := map[string]bool{}
	for _, t := range s.Tokens {
		if err := unique("API token", t.ID, hex32); err != nil {
			return err
		}
		if t.Value == "" || values[t.Value] {
			return errors.Errorf("API token %q has an empty or repeated value", t.ID)
		}
		values[t.Value] = true
		if err := t.checkPermissions(); err != nil {
			return err
		}
		if t.AccountID != "" {
			if err := account("API token", t.ID, t.AccountID); err != nil {
				return err
			}
		}
	}
	zones := map[string]bool{}
	for _, z := range s.Zones {
		if err := unique("zone", z.ID, hex32); err != nil {
			return err
		}
		if err := account("zone", z.Name, z.AccountID); err != nil {
			return err
		}
		if _, ok := plans[z.Plan]; z.Plan != "" && !ok {
			return errors.Errorf("zone %q has plan %q: want free, pro, business or enterprise", z.Name, z.Plan)
		}
		zones[z.ID] = true
	}
	for _, r := range s.DNSRecords {
		if err := unique("DNS record", r.ID, hex32); err != nil {
			return err
		}
		if !zones[r.ZoneID] {
			return errors.Errorf("DNS record %q names zone %q, which the seed does not hold", r.ID, r.ZoneID)
		}
	}
	for _, t := range s.Tunnels {
		if err := owned("tunnel", t.ID, t.AccountID); err != nil {
			return err
		}
		if t.Config != nil {
			if err := checkIngress(t.Config); err != nil {
				return errors.Wrapf(err, "tunnel %q", t.ID)
			}
		}
	}
	for _, g := range s.AccessGroups {
		if err := owned("Access group", g.ID, g.AccountID); err != nil {
			return err
		}
	}
	apps := map[string]bool{}
	for _, a := range s.AccessApps {
		if err := owned("Access application", a.ID, a.AccountID); err != nil {
			return err
		}
		apps[a.ID] = true
	}
	policies := map[string]bool{}
	for _, p := range s.AccessPolicies {
		if err := owned("Access policy", p.ID, p.AccountID); err != nil {
			return err
		}
		if p.AppID != "" && !apps[p.AppID] {
			return errors.Errorf("Access policy %q names application %q, which the seed does not hold", p.ID, p.AppID)
		}
		policies[p.ID] = true
	}
	for _, a := range s.AccessApps {
		for _, ref := range a.Policies {
			if !policies[ref.ID] {
				return errors.Errorf("Access application %q names policy %q, which the seed does not hold", a.ID, ref.ID)
			}
		}
	}
	for _, t := range s.ServiceTokens {
		if err := owned("service token", t.ID, t.AccountID); err != nil {
			return err
		}
	}
	return nil
}
