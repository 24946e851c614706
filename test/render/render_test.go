// Package render holds the golden tests of `crossplane render` over the
// examples: the real Crossplane CLI runs the Composition's pipeline against
// the real function binary, started locally with --insecure.
package render

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current render output")

// routes are the four homelab routes of the operator this project replaces,
// one example each.
var routes = []string{"www", "admin", "api", "internal-api"}

func TestRenderExamples(t *testing.T) {
	root := repoRoot(t)
	cli := crossplaneCLI(t, root)
	addr := startFunction(t, root)

	functions := filepath.Join(t.TempDir(), "functions.yaml")
	writeFunctions(t, root, functions, addr)

	for _, route := range routes {
		for _, observed := range []bool{false, true} {
			name := route
			args := []string{
				"render",
				filepath.Join(root, "examples", "render", "xr", route+".yaml"),
				filepath.Join(root, "package", "configuration", "composition.yaml"),
				functions,
				"--extra-resources=" + filepath.Join(root, "examples", "setup"),
				"--include-function-results",
				"--timeout=30s",
			}
			if observed {
				name += "-observed"
				args = append(args, "--observed-resources="+filepath.Join(root, "examples", "render", "observed", route+".yaml"))
			}
			t.Run(name, func(t *testing.T) {
				cmd := exec.CommandContext(t.Context(), cli, args...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				got, err := cmd.Output()
				if err != nil {
					t.Fatalf("crossplane render: %v\n%s", err, stderr.String())
				}
				golden := filepath.Join("testdata", name+".golden.yaml")
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("cannot read golden file (run go test ./test/render -update to create it): %v", err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("crossplane render %s: -want, +got:\n%s", name, diff)
				}
			})
		}
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("cannot find the repository root (no go.mod above the test)")
		}
		dir = parent
	}
}

// crossplaneCLI finds the Crossplane CLI that `make tools` builds.
func crossplaneCLI(t *testing.T, root string) string {
	t.Helper()
	cli := os.Getenv("CROSSPLANE_CLI")
	if cli == "" {
		cli = filepath.Join(root, ".cache", "bin", "crossplane")
	}
	if _, err := os.Stat(cli); err != nil {
		if testing.Short() {
			t.Skipf("crossplane CLI not built (%s); run make tools", cli)
		}
		t.Fatalf("crossplane CLI not found at %s: run make tools (or set CROSSPLANE_CLI)", cli)
	}
	return cli
}

// startFunction builds the function and serves it without TLS on a free
// loopback port, as the Development runtime expects.
func startFunction(t *testing.T, root string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "function")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "./function")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("cannot build the function: %v\n%s", err, out)
	}

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	fn := exec.CommandContext(ctx, bin, "--insecure", "--address="+addr, "--metrics-address="+freeAddr(t))
	var logs bytes.Buffer
	fn.Stdout, fn.Stderr = &logs, &logs
	if err := fn.Start(); err != nil {
		t.Fatalf("cannot start the function: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = fn.Wait()
		if t.Failed() {
			t.Logf("function output:\n%s", logs.String())
		}
	})

	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := (&net.Dialer{Timeout: time.Second}).DialContext(t.Context(), "tcp", addr)
		if err == nil {
			_ = c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("function did not listen on %s: %v\n%s", addr, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close() //nolint:errcheck // Only the port number is needed.
	return l.Addr().String()
}

// writeFunctions copies examples/render/functions.yaml, pointing the
// Development runtime at the function this test started.
func writeFunctions(t *testing.T, root, path, addr string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(root, "examples", "render", "functions.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := bytes.Replace(src, []byte("runtime-development-target: localhost:9443"),
		[]byte(fmt.Sprintf("runtime-development-target: %s", addr)), 1)
	if bytes.Equal(out, src) {
		t.Fatal("examples/render/functions.yaml no longer names localhost:9443 as its development target")
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}
