package validate

import (
	"github.com/crossplane/function-sdk-go/errors"
)

// TTL bounds of a Cloudflare DNS record, in seconds. 1 means automatic.
const (
	TTLAutomatic = 1
	minTTL       = 60
	maxTTL       = 86400
)

// TTL checks that n is a TTL Cloudflare accepts: 1 for automatic, or 60 to
// 86400 seconds.
func TTL(n int64) error {
	if n == TTLAutomatic || (n >= minTTL && n <= maxTTL) {
		return nil
	}
	return errors.Errorf("must be 1 (automatic) or between %d and %d seconds", minTTL, maxTTL)
}

// TLSTimeout bounds, in seconds, of the origin connect timeout.
const (
	minTLSTimeout = 1
	maxTLSTimeout = 300
)

// TLSTimeout checks that n is an origin connect timeout between 1 and 300
// seconds, the range the Template CRD allows.
func TLSTimeout(n int64) error {
	if n >= minTLSTimeout && n <= maxTLSTimeout {
		return nil
	}
	return errors.Errorf("must be between %d and %d seconds", minTLSTimeout, maxTLSTimeout)
}
