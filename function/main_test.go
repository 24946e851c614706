package main

import (
	"testing"

	"github.com/alecthomas/kong"
	"github.com/google/go-cmp/cmp"
)

func TestCLI(t *testing.T) {
	cases := map[string]struct {
		reason string
		args   []string
		env    map[string]string
		want   CLI
	}{
		"Defaults": {
			reason: "The function listens on :9443 like every function, and serves metrics away from Crossplane's :8080.",
			want:   CLI{Network: "tcp", Address: ":9443", MetricsAddress: ":8082", MaxRecvMsgSize: 4},
		},
		"Flags": {
			reason: "Every listening address is a flag, so that a test harness can give each process its own ports.",
			args: []string{
				"--debug", "--insecure", "--network=unix", "--address=127.0.0.1:19443",
				"--metrics-address=127.0.0.1:19080", "--tls-certs-dir=certs", "--max-recv-msg-size=8",
			},
			want: CLI{
				Debug: true, Insecure: true, Network: "unix", Address: "127.0.0.1:19443",
				MetricsAddress: "127.0.0.1:19080", TLSCertsDir: "certs", MaxRecvMsgSize: 8,
			},
		},
		"NoMetrics": {
			reason: "An empty metrics address turns the metrics server off.",
			args:   []string{"--metrics-address="},
			want:   CLI{Network: "tcp", Address: ":9443", MetricsAddress: "", MaxRecvMsgSize: 4},
		},
		"Environment": {
			reason: "Crossplane's function runtime passes the certificates directory in TLS_SERVER_CERTS_DIR.",
			env:    map[string]string{"TLS_SERVER_CERTS_DIR": "/tls/server", "METRICS_ADDRESS": ":9090"},
			want:   CLI{Network: "tcp", Address: ":9443", MetricsAddress: ":9090", TLSCertsDir: "/tls/server", MaxRecvMsgSize: 4},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			got := CLI{}
			p, err := kong.New(&got)
			if err != nil {
				t.Fatalf("kong.New(...): %v", err)
			}
			if _, err := p.Parse(tc.args); err != nil {
				t.Fatalf("\n%s\nParse(%v): %v", tc.reason, tc.args, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\n%s\nParse(%v): -want, +got:\n%s", tc.reason, tc.args, diff)
			}
		})
	}
}
