// Package main is the cfzt composition function: it turns an annotated
// HTTPRoute's composite into Cloudflare managed resources and a state
// ConfigMap.
package main

import (
	"github.com/alecthomas/kong"

	function "github.com/crossplane/function-sdk-go"
)

// CLI of this function.
type CLI struct {
	Debug bool `help:"Emit debug logs in addition to info logs." short:"d"`

	Network        string `default:"tcp"   help:"Network on which to listen for gRPC connections."`
	Address        string `default:":9443" help:"Address at which to listen for gRPC connections."`
	MetricsAddress string `default:":8082" env:"METRICS_ADDRESS" help:"Address at which to serve Prometheus metrics; empty disables them. Not the SDK's :8080, which Crossplane uses."`
	TLSCertsDir    string `env:"TLS_SERVER_CERTS_DIR" help:"Directory containing server certs (tls.key, tls.crt) and the CA used to verify client certificates (ca.crt)."`
	Insecure       bool   `help:"Run without mTLS credentials. If you supply this flag --tls-certs-dir will be ignored."`
	MaxRecvMsgSize int    `default:"4" help:"Maximum size of received messages in MB."`
}

// Run this function.
func (c *CLI) Run() error {
	log, err := function.NewLogger(c.Debug)
	if err != nil {
		return err
	}
	return function.Serve(&Function{log: log},
		function.Listen(c.Network, c.Address),
		function.MTLSCertificates(c.TLSCertsDir),
		function.Insecure(c.Insecure),
		function.MaxRecvMessageSize(c.MaxRecvMsgSize*1024*1024),
		function.WithMetricsServer(c.MetricsAddress))
}

func main() {
	ctx := kong.Parse(&CLI{}, kong.Description("Composes Cloudflare Zero Trust resources for annotated HTTPRoutes."))
	ctx.FatalIfErrorf(ctx.Run())
}
