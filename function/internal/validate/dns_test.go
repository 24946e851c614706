package validate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTTL(t *testing.T) {
	cases := map[string]struct {
		reason string
		n      int64
		want   string
	}{
		"Automatic":      {reason: "1 means automatic.", n: 1},
		"Minimum":        {reason: "60 seconds is the shortest TTL.", n: 60},
		"Maximum":        {reason: "One day is the longest TTL.", n: 86400},
		"Zero":           {reason: "0 is not a TTL.", n: 0, want: "must be 1 (automatic) or between 60 and 86400 seconds"},
		"TooShort":       {reason: "Cloudflare refuses TTLs under 60 seconds.", n: 30, want: "must be 1 (automatic) or between 60 and 86400 seconds"},
		"EnterpriseOnly": {reason: "59 seconds is for Enterprise zones only, as the DNSRecord CRD says.", n: 59, want: "must be 1 (automatic) or between 60 and 86400 seconds"},
		"TooLong":        {reason: "Cloudflare refuses TTLs over a day.", n: 86401, want: "must be 1 (automatic) or between 60 and 86400 seconds"},
		"NegativeOne":    {reason: "A negative TTL is refused.", n: -1, want: "must be 1 (automatic) or between 60 and 86400 seconds"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(TTL(tc.n))); diff != "" {
				t.Errorf("\n%s\nTTL(%d): -want, +got:\n%s", tc.reason, tc.n, diff)
			}
		})
	}
}

func TestTLSTimeout(t *testing.T) {
	cases := map[string]struct {
		reason string
		n      int64
		want   string
	}{
		"Default": {reason: "The 10 seconds of the operator this project replaces is valid.", n: 10},
		"Zero":    {reason: "A zero timeout is refused.", n: 0, want: "must be between 1 and 300 seconds"},
		"TooLong": {reason: "More than five minutes is refused.", n: 301, want: "must be between 1 and 300 seconds"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(TLSTimeout(tc.n))); diff != "" {
				t.Errorf("\n%s\nTLSTimeout(%d): -want, +got:\n%s", tc.reason, tc.n, diff)
			}
		})
	}
}
