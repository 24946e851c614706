package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaults(t *testing.T) {
	// The config.py dataclass defaults of the operator this project replaces,
	// field by field.
	want := Settings{
		Origin: Origin{
			NoTLSVerify:      false,
			OriginServerName: "",
			CAPool:           "",
			TLSTimeout:       10,
			HTTP2Origin:      false,
			MatchSNIToHost:   false,
		},
		Access: Access{
			Enabled:                 false,
			SessionDuration:         "24h",
			AutoRedirectToIdentity:  false,
			EnableBindingCookie:     false,
			HTTPOnlyCookieAttribute: true,
			SameSiteCookieAttribute: "lax",
			SkipInterstitial:        false,
			AppLauncherVisible:      true,
			ServiceAuth401Redirect:  false,
		},
		ServiceToken: ServiceToken{
			Enabled:  false,
			Duration: "8760h",
			// Attach, RotateEvery, RotationOverlap and RefreshBefore are this
			// project's own: attached, never rotated on its own, the old
			// secret working a day after a rotation, refreshed 30 days before
			// it expires.
			Attach:          true,
			RotateEvery:     "",
			RotationOverlap: "24h",
			RefreshBefore:   "720h",
		},
		DNSOnly: DNSOnly{
			Enabled: false,
			Proxied: false,
			TTL:     120,
		},
	}
	if diff := cmp.Diff(want, Defaults()); diff != "" {
		t.Errorf("Defaults() differs from the defaults of the operator this project replaces: -want, +got:\n%s", diff)
	}
}
