// Command fake-cloudflare serves the fake Cloudflare API in the foreground,
// for `make demo` and the real-stack e2e. It listens on $FAKE_CF_ADDR
// (default 127.0.0.1:8787), accepts the token $FAKE_CF_TOKEN (default
// demo-token) besides the seed's tokens, prints the API's base URL and stops
// cleanly on SIGINT or SIGTERM. It enforces Cloudflare's rate window, 1,200
// requests per user in any 5 minutes and a 5-minute block, unless
// --rate-limit, --rate-window and --rate-block say otherwise;
// --rate-limit=0 lifts it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	seedPath := flag.String("seed", "examples/fake-cloudflare/seed.yaml", "YAML file with the fake's starting state.")
	addr := flag.String("addr", envOr("FAKE_CF_ADDR", "127.0.0.1:8787"), "Address to listen on ($FAKE_CF_ADDR).")
	token := flag.String("token", envOr("FAKE_CF_TOKEN", "demo-token"), "API token to accept besides the seed's ($FAKE_CF_TOKEN).")
	randomSeed := flag.Uint64("random-seed", 0, "Seed of the IDs and secrets the fake makes.")
	verbose := flag.Bool("v", false, "Log every API request.")
	rateLimit := flag.Int("rate-limit", fakecloudflare.DefaultRateLimit, "Requests a user may make in any rate window; 0 lifts the window.")
	rateWindow := flag.Duration("rate-window", fakecloudflare.DefaultRateWindow, "Length of the sliding rate window.")
	rateBlock := flag.Duration("rate-block", fakecloudflare.DefaultRateBlock, "How long a user who goes over the limit is refused.")
	flag.Parse()

	seed, err := fakecloudflare.Load(*seedPath)
	if err != nil {
		return err
	}
	seed = seed.WithToken(*token)
	fake, err := fakecloudflare.New(seed, fakecloudflare.WithRandomSeed(*randomSeed),
		fakecloudflare.WithRateWindow(*rateLimit, *rateWindow, *rateBlock))
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *addr)
	if err != nil {
		return errors.Wrapf(err, "cannot listen on %q", *addr)
	}
	var h http.Handler = fake
	if *verbose {
		h = logRequests(fake)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Printf("http://%s%s\n", ln.Addr(), fakecloudflare.APIPrefix)

	select {
	case err := <-errc:
		return errors.Wrap(err, "cannot serve")
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Wrap(srv.Shutdown(shutdown), "cannot shut down")
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// logRequests logs method, path and status; never headers, which carry the
// token.
func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		log.Printf("%s %s %d", r.Method, r.URL.RequestURI(), sw.status) //nolint:gosec // G706: net/http rejects control characters in the method and URI.
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}
