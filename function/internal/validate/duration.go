package validate

import (
	"time"

	"github.com/crossplane/function-sdk-go/errors"
)

// Duration checks that s is a positive Go duration, the format Cloudflare
// takes for Access session and service token durations.
func Duration(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New(`is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`)
	}
	if d <= 0 {
		return errors.New(`must be longer than zero, such as "24h"`)
	}
	return nil
}
