package validate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHostname(t *testing.T) {
	long := strings.Repeat("a", 64)
	cases := map[string]struct {
		reason string
		s      string
		want   string
	}{
		"Valid": {
			reason: "A lowercase name of several labels is a hostname.",
			s:      "app.example.com",
		},
		"ValidWithDigitsAndHyphens": {
			reason: "Labels may hold digits and inner hyphens.",
			s:      "my-app-2.example.com",
		},
		"Empty": {
			reason: "An empty hostname is refused.",
			s:      "",
			want:   "must not be empty; use a lowercase DNS name such as app.example.com",
		},
		"Uppercase": {
			reason: "Cloudflare stores names lowercase, so an uppercase one would never match.",
			s:      "App.example.com",
			want:   "must be lowercase; use a lowercase DNS name such as app.example.com",
		},
		"TrailingDot": {
			reason: "A trailing dot is refused.",
			s:      "app.example.com.",
			want:   "must not end with a dot; use a lowercase DNS name such as app.example.com",
		},
		"SingleLabel": {
			reason: "A name without a zone cannot be published.",
			s:      "localhost",
			want:   "must have at least two labels; use a lowercase DNS name such as app.example.com",
		},
		"LongLabel": {
			reason: "A label may hold at most 63 characters.",
			s:      long + ".example.com",
			want:   `has label "` + long + `" of 64 characters, more than the 63 a DNS label allows`,
		},
		"TooLong": {
			reason: "A name may hold at most 253 characters.",
			s:      strings.Repeat("abcdefghi.", 26) + "com",
			want:   "is 263 characters long, more than the 253 a DNS name allows",
		},
		"Underscore": {
			reason: "An underscore is not a hostname character.",
			s:      "my_app.example.com",
			want:   `has invalid label "my_app": labels hold only a-z, 0-9 and '-', and neither start nor end with '-'; use a lowercase DNS name such as app.example.com`,
		},
		"LeadingHyphen": {
			reason: "A label must not start with a hyphen.",
			s:      "-app.example.com",
			want:   `has invalid label "-app": labels hold only a-z, 0-9 and '-', and neither start nor end with '-'; use a lowercase DNS name such as app.example.com`,
		},
		"EmptyLabel": {
			reason: "Two dots in a row leave an empty label.",
			s:      "app..example.com",
			want:   `has invalid label "": labels hold only a-z, 0-9 and '-', and neither start nor end with '-'; use a lowercase DNS name such as app.example.com`,
		},
		"Wildcard": {
			reason: "Wildcards are not published per route.",
			s:      "*.example.com",
			want:   `has invalid label "*": labels hold only a-z, 0-9 and '-', and neither start nor end with '-'; use a lowercase DNS name such as app.example.com`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(Hostname(tc.s))); diff != "" {
				t.Errorf("\n%s\nHostname(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}

func TestHostnameLengthLimit(t *testing.T) {
	// 4 labels of 63 characters and their 3 dots: 255 characters.
	l := strings.Repeat("a", 63)
	s := l + "." + l + "." + l + "." + l[:61]
	if len(s) != 253 {
		t.Fatalf("fixture is %d characters, want 253", len(s))
	}
	if err := Hostname(s); err != nil {
		t.Errorf("Hostname of exactly 253 characters: want nil, got %v", err)
	}
}

func TestObjectName(t *testing.T) {
	cases := map[string]struct {
		reason string
		s      string
		want   string
	}{
		"Valid": {
			reason: "A DNS subdomain names an object.",
			s:      "base-home",
		},
		"Uppercase": {
			reason: "Object names are lowercase.",
			s:      "Home",
			want:   `is not a Kubernetes object name: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(ObjectName(tc.s))); diff != "" {
				t.Errorf("\n%s\nObjectName(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}

func TestLabelValue(t *testing.T) {
	cases := map[string]struct {
		reason string
		s      string
		want   string
	}{
		"Valid": {
			reason: "A short name fits in a label value.",
			s:      "my-route",
		},
		"TooLong": {
			reason: "A label value holds at most 63 characters.",
			s:      strings.Repeat("a", 64),
			want:   "cannot be used as a label value: must be no more than 63 bytes",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(LabelValue(tc.s))); diff != "" {
				t.Errorf("\n%s\nLabelValue(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}

// message returns an error's text, or "" for nil, so that tests assert the
// words a user reads.
func message(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
