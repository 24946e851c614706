package proc

import (
	"context"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Poll calls ready every interval until it returns true. It gives up when
// exited returns an error, such as Process.Exited or Group.Exited of what the
// wait depends on, or when ctx is done; then the last error ready returned
// explains the timeout.
func Poll(ctx context.Context, interval time.Duration, what string, exited func() error, ready func(context.Context) (bool, error)) error {
	var last error
	for {
		ok, err := ready(ctx)
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		if err := exited(); err != nil {
			return errors.Wrapf(err, "while waiting for %s", what)
		}
		select {
		case <-ctx.Done():
			if last != nil {
				return errors.Wrapf(last, "timed out waiting for %s", what)
			}
			return errors.Errorf("timed out waiting for %s", what)
		case <-time.After(interval):
		}
	}
}
