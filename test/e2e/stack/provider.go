package stack

import (
	"context"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/test/fakecloudflare"
	"github.com/cfzt/cfzt/test/proc"
)

// providerStartTimeout bounds how long the provider may take to be ready.
const providerStartTimeout = time.Minute

// startCloudflare serves the fake Cloudflare API, seeded with
// Options.CloudflareSeed, on a free loopback port.
func (s *Stack) startCloudflare(ctx context.Context) error {
	seed, err := fakecloudflare.Load(s.o.CloudflareSeed)
	if err != nil {
		return errors.Wrapf(err, "cannot load the fake Cloudflare API's seed %s", s.o.CloudflareSeed)
	}
	if s.cloudflare, err = fakecloudflare.New(seed); err != nil {
		return errors.Wrap(err, "cannot create the fake Cloudflare API")
	}
	s.holder = &holder{next: s.cloudflare}
	if s.cfServer, err = serve(ctx, s.holder); err != nil {
		return err
	}
	s.progressf("fake Cloudflare API serving on %s", s.CloudflareURL())
	return nil
}

// startProvider runs the provider binary as a cluster admin, pointed at the
// fake Cloudflare API through $CLOUDFLARE_API_URL, and waits until it is
// ready.
func (s *Stack) startProvider(ctx context.Context, bin packagedBinary) error {
	ports, err := proc.FreePorts(ctx, 2)
	if err != nil {
		return err
	}
	s.progressf("starting the provider (poll interval %s, cache TTL %s)", s.o.PollInterval, s.o.CacheTTL)
	p, err := s.procs.Start(s.dir, string(Provider), bin.path, append(bin.args,
		"--debug",
		"--poll-interval="+s.o.PollInterval.String(),
		"--cache-ttl="+s.o.CacheTTL.String(),
		"--metrics-bind-address=127.0.0.1:"+ports[0],
		"--health-probe-bind-address=127.0.0.1:"+ports[1],
	), []string{"KUBECONFIG=" + s.Kubeconfig(), "CLOUDFLARE_API_URL=" + s.CloudflareURL()})
	if err != nil {
		return err
	}
	s.providerMetrics = "http://127.0.0.1:" + ports[0] + "/metrics"
	ready := func(ctx context.Context) error {
		return s.waitReady(ctx, "the provider", "http://127.0.0.1:"+ports[1]+"/readyz")
	}
	s.addComponent(Provider, p, ready)
	ctx, cancel := context.WithTimeout(ctx, providerStartTimeout)
	defer cancel()
	return ready(ctx)
}
