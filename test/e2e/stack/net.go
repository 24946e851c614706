package stack

import (
	"context"
	"net"
	"net/http"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// An httpServer serves a handler in-process on a free loopback port, over
// plain HTTP.
type httpServer struct {
	addr string // host:port
	url  string // http://host:port
	srv  *http.Server
}

func serve(ctx context.Context, h http.Handler) (*httpServer, error) {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errors.Wrap(err, "cannot listen on loopback")
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout}
	go func() { _ = srv.Serve(l) }()
	addr := l.Addr().String()
	return &httpServer{addr: addr, url: "http://" + addr, srv: srv}, nil
}

func (h *httpServer) stop() {
	_ = h.srv.Close()
}
