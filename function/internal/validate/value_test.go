package validate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBool(t *testing.T) {
	type want struct {
		b   bool
		err string
	}
	cases := map[string]struct {
		reason string
		s      string
		want   want
	}{
		"True":  {reason: `"true" is true.`, s: "true", want: want{b: true}},
		"False": {reason: `"false" is false.`, s: "false", want: want{b: false}},
		"Yes": {
			reason: `"yes" is refused rather than guessed.`,
			s:      "yes",
			want:   want{err: `must be "true" or "false"`},
		},
		"Capitalised": {
			reason: `"True" is refused: annotations are compared exactly.`,
			s:      "True",
			want:   want{err: `must be "true" or "false"`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := Bool(tc.s)
			if diff := cmp.Diff(tc.want, want{b: b, err: message(err)}, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nBool(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}

func TestSameSite(t *testing.T) {
	cases := map[string]struct {
		reason string
		s      string
		want   string
	}{
		"None":   {reason: "none is valid.", s: "none"},
		"Lax":    {reason: "lax is valid.", s: "lax"},
		"Strict": {reason: "strict is valid.", s: "strict"},
		"Other":  {reason: "Anything else is refused.", s: "Lax", want: `must be "none", "lax" or "strict"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(SameSite(tc.s))); diff != "" {
				t.Errorf("\n%s\nSameSite(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}

func TestTunnelID(t *testing.T) {
	const want = "is not a tunnel ID; use the tunnel's lowercase UUID, such as 6ff42ae2-765d-4adf-8112-31c55c1551ef, from `cloudflared tunnel list`"
	cases := map[string]struct {
		reason string
		s      string
		want   string
	}{
		"UUID":      {reason: "A lowercase UUID is a tunnel ID.", s: "6ff42ae2-765d-4adf-8112-31c55c1551ef"},
		"Uppercase": {reason: "Cloudflare returns lowercase IDs; uppercase would never match.", s: "6FF42AE2-765D-4ADF-8112-31C55C1551EF", want: want},
		"Name":      {reason: "A tunnel name is not its ID.", s: "home-tunnel", want: want},
		"NoHyphens": {reason: "The hyphenated form is required.", s: "6ff42ae2765d4adf811231c55c1551ef", want: want},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(TunnelID(tc.s))); diff != "" {
				t.Errorf("\n%s\nTunnelID(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}

func TestEmail(t *testing.T) {
	const want = "is not an email address; use a bare address such as alice@example.com"
	cases := map[string]struct {
		reason string
		s      string
		want   string
	}{
		"Bare":        {reason: "A bare address is valid.", s: "alice@example.com"},
		"NoAt":        {reason: "An address needs an @.", s: "alice.example.com", want: want},
		"DisplayName": {reason: "A display name is not part of an Access rule.", s: "Alice <alice@example.com>", want: want},
		"Empty":       {reason: "An empty address is refused.", s: "", want: want},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(Email(tc.s))); diff != "" {
				t.Errorf("\n%s\nEmail(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}
