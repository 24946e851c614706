package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitList(t *testing.T) {
	cases := map[string]struct {
		reason string
		s      string
		want   []string
	}{
		"One": {
			reason: "A single item is a list of one.",
			s:      "Allow Home Users",
			want:   []string{"Allow Home Users"},
		},
		"Spaces": {
			reason: "Spaces around items are trimmed, spaces inside kept.",
			s:      " admins , Allow Home Users ,ops",
			want:   []string{"admins", "Allow Home Users", "ops"},
		},
		"Empties": {
			reason: "Empty items are dropped.",
			s:      "a,,b, ,",
			want:   []string{"a", "b"},
		},
		"Nothing": {
			reason: "A list of only separators is no list.",
			s:      " , ,",
			want:   nil,
		},
		"Empty": {
			reason: "An empty annotation is no list.",
			s:      "",
			want:   nil,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, splitList(tc.s)); diff != "" {
				t.Errorf("\n%s\nsplitList(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}
