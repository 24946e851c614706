package stack

import (
	"net"
	"net/http"
	"strconv"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// freePorts returns n distinct TCP ports free on 127.0.0.1. Another process
// may take one before it is bound; that race is rare enough for tests.
func freePorts(n int) ([]string, error) {
	ports := make([]string, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, errors.Wrap(err, "cannot find a free port")
		}
		// Keep each listener open until all are chosen, so that the ports
		// differ.
		defer l.Close() //nolint:errcheck // A listener only probed with.
		ports = append(ports, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	return ports, nil
}

// An httpServer serves a handler in-process on a free loopback port.
type httpServer struct {
	url string
	srv *http.Server
}

func serve(h http.Handler) (*httpServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errors.Wrap(err, "cannot listen on loopback")
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout}
	go func() { _ = srv.Serve(l) }()
	return &httpServer{url: "http://" + l.Addr().String(), srv: srv}, nil
}

func (h *httpServer) stop() {
	_ = h.srv.Close()
}
