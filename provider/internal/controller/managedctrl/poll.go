package managedctrl

import (
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
)

// PollMoment is the reconciler option that has a kind's managed resources
// polled at the i-th of n moments evenly spread over each poll interval;
// see alignedPolls. A kind given none polls at the first.
func PollMoment(i, n int) managed.ReconcilerOption {
	return managed.WithPollIntervalHook(alignedPolls(float64(i)/float64(n), time.Now))
}

// alignedPolls returns the poll interval hook that has every managed
// resource of one kind poll at the same moments: at multiples of the poll
// interval, shifted by share of it.
//
// A poll reads its kind's Cloudflare list (the account's Access apps, a
// zone's DNS records, a tunnel's rules) from the shared cache, which reads
// it again once it is older than the cache TTL. Polls spread over the
// interval, as crossplane-runtime's plain interval leaves them once routes
// were created at different times, find it stale interval/TTL times per
// interval (four times a minute at 1m and 15s) once there are enough
// resources; polls at the same moment find it stale once, however many
// resources there are. Kinds are shifted against each other so that their
// polls, each of which reads a different list, do not all start at once.
//
// A poll due less than a tenth of an interval away moves to the next
// moment, so that a resource reconciled just before its kind's moment (by a
// change of its spec) is not polled twice within a second. A resource just
// created or changed is therefore polled again after between a tenth and
// 1.1 intervals, and from then on once an interval: drift is still seen
// within the interval plus the cache TTL for any TTL of at least a tenth of
// the interval.
func alignedPolls(share float64, now func() time.Time) managed.PollIntervalHook {
	return func(_ resource.Managed, interval time.Duration) time.Duration {
		if interval <= 0 {
			return interval
		}
		t := now()
		phase := time.Duration(share * float64(interval))
		earliest := t.Add(interval / 10)
		next := earliest.Add(-phase).Truncate(interval).Add(phase)
		if next.Before(earliest) {
			next = next.Add(interval)
		}
		return next.Sub(t)
	}
}
