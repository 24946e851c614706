package proc

import (
	"context"
	"io"
	"net"
	"net/http"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// FreePorts returns n distinct TCP ports free on 127.0.0.1, for the flags of
// a process to start. Another process may take one before it is bound; that
// race is rare enough for tests.
func FreePorts(ctx context.Context, n int) ([]string, error) {
	ports := make([]string, 0, n)
	for range n {
		l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
		if err != nil {
			return nil, errors.Wrap(err, "cannot find a free port")
		}
		// Keep each listener open until all are chosen, so that the ports
		// differ.
		defer l.Close() //nolint:errcheck // A listener only probed with.
		_, port, err := net.SplitHostPort(l.Addr().String())
		if err != nil {
			return nil, errors.Wrap(err, "cannot find a free port")
		}
		ports = append(ports, port)
	}
	return ports, nil
}

// Get returns the body of a GET of url, and an error unless the answer is
// 200 OK: a health or readiness probe.
func Get(ctx context.Context, hc *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", errors.Wrapf(err, "cannot build request for %s", url)
	}
	rsp, err := hc.Do(req)
	if err != nil {
		return "", errors.Wrapf(err, "cannot get %s", url)
	}
	defer rsp.Body.Close() //nolint:errcheck // A read-only body.
	b, err := io.ReadAll(io.LimitReader(rsp.Body, 1<<16))
	if err != nil {
		return "", errors.Wrapf(err, "cannot read %s", url)
	}
	if rsp.StatusCode != http.StatusOK {
		return string(b), errors.Errorf("%s answered %s: %s", url, rsp.Status, b)
	}
	return string(b), nil
}
