package validate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDuration(t *testing.T) {
	cases := map[string]struct {
		reason string
		s      string
		want   string
	}{
		"Hours": {
			reason: "Hours are a duration.",
			s:      "8760h",
		},
		"Compound": {
			reason: "Compound durations are accepted.",
			s:      "2h45m",
		},
		"Words": {
			reason: "Prose is not a duration.",
			s:      "8 hours",
			want:   `is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`,
		},
		"Days": {
			reason: "Days are not a Go duration unit.",
			s:      "30d",
			want:   `is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`,
		},
		"Zero": {
			reason: "A zero duration would expire at once.",
			s:      "0s",
			want:   `must be longer than zero, such as "24h"`,
		},
		"Negative": {
			reason: "A negative duration is refused.",
			s:      "-1h",
			want:   `must be longer than zero, such as "24h"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(Duration(tc.s))); diff != "" {
				t.Errorf("\n%s\nDuration(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}
