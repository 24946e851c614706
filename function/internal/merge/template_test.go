package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExpand(t *testing.T) {
	cases := map[string]struct {
		reason string
		s      string
		want   string
	}{
		"Spaced": {
			reason: "The spelling of the operator this project replaces is replaced.",
			s:      "{{ hostname }}",
			want:   "app.example.com",
		},
		"Tight": {
			reason: "Spacing inside the braces does not matter.",
			s:      "{{hostname}}",
			want:   "app.example.com",
		},
		"Uneven": {
			reason: "Uneven spacing and tabs do not matter either.",
			s:      "{{\thostname  }}",
			want:   "app.example.com",
		},
		"Embedded": {
			reason: "The variable may be part of a longer string, more than once.",
			s:      "https://{{ hostname }}/logo.png?h={{hostname}}",
			want:   "https://app.example.com/logo.png?h=app.example.com",
		},
		"Other": {
			reason: "Other variables are left alone.",
			s:      "{{ namespace }}",
			want:   "{{ namespace }}",
		},
		"None": {
			reason: "A string without the variable is unchanged.",
			s:      "origin.example.com",
			want:   "origin.example.com",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, expand(tc.s, "app.example.com")); diff != "" {
				t.Errorf("\n%s\nexpand(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}
