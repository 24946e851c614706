// Command demo runs the whole product on this machine, the real stack of the
// end-to-end tests, and publishes the example homelab: it applies
// examples/setup and examples/routes, waits until the routes' claims are
// Ready, shows what was created in Kubernetes and in the fake Cloudflare API,
// and keeps running, with a kubeconfig to look around, until `make
// demo-down` sends it SIGTERM through its pid file.
//
// By default it starts the stack in a background process of its own session
// and follows that process's log until the stack is up and the routes are
// shown, then returns and leaves the stack running; --foreground keeps it
// attached until Ctrl-C.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kong"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
	"github.com/cfzt/cfzt/test/kubeenv"
	"github.com/cfzt/cfzt/test/proc"
)

// CLI of the demo.
type CLI struct {
	StateDir     string        `default:".cache/demo" help:"Directory for the pid file and a copy of the kubeconfig."`
	PollInterval time.Duration `default:"10s"         help:"How often the provider checks Cloudflare for drift."`
	Timeout      time.Duration `default:"10m"         help:"How long to wait for the stack to start and the routes to be Ready."`
	NoProvider   bool          `help:"Run Crossplane and the function only: claims compose, nothing reaches Cloudflare."`
	NoExamples   bool          `help:"Start the stack without applying the examples."`
	Foreground   bool          `help:"Stay attached until Ctrl-C instead of leaving the stack running in the background."`
}

// Files of the state directory.
const (
	pidFileName   = "demo.pid"
	logFileName   = "demo.log"
	readyFileName = "demo.ready"
)

// Run brings the stack up, publishes the examples and waits for a signal,
// in the background unless --foreground is set.
func (c *CLI) Run() error {
	if !c.Foreground {
		// Nothing cancels this context: the demo that detach starts
		// outlives this process.
		return c.detach(context.Background())
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	pidFile := filepath.Join(c.StateDir, pidFileName)
	if err := writePidFile(pidFile); err != nil {
		return err
	}
	defer os.Remove(pidFile) //nolint:errcheck // Best effort on the way out.
	ready := filepath.Join(c.StateDir, readyFileName)
	_ = os.Remove(ready)
	defer os.Remove(ready) //nolint:errcheck // Best effort on the way out.

	sayf("starting the stack (the first run builds the binaries; make xpkg built the packages)")
	startCtx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	s, err := stack.New(startCtx, stack.Options{
		Progress:     func(format string, args ...any) { sayf(format, args...) },
		Provider:     !c.NoProvider,
		PollInterval: c.PollInterval,
	})
	if err != nil {
		return err
	}
	defer func() {
		sayf("stopping the stack")
		if err := s.Stop(); err != nil {
			sayf("%v", err)
		}
	}()

	kubeconfig := filepath.Join(c.StateDir, "kubeconfig")
	if err := proc.CopyFile(s.Kubeconfig(), kubeconfig); err != nil {
		return err
	}
	if !c.NoExamples {
		if err := c.publish(startCtx, s); err != nil {
			return errors.Wrapf(err, "%s", s.LogTails(20))
		}
		show(ctx, s, kubeconfig)
	}

	abs, _ := filepath.Abs(kubeconfig)
	sayf("the stack is running; logs are in %s", s.Dir())
	sayf("  export KUBECONFIG=%s", abs)
	if u := s.CloudflareURL(); u != "" {
		sayf("  fake Cloudflare API: %s (token demo-token)", u)
	}
	sayf("stop it with make demo-down")
	if err := os.WriteFile(ready, nil, 0o600); err != nil {
		return errors.Wrapf(err, "cannot write %s", ready)
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-exited(ctx, s):
		return errors.Wrapf(err, "a process of the stack stopped")
	}
}

// publish applies the examples and waits until every route's claim is
// Ready.
func (c *CLI) publish(ctx context.Context, s *stack.Stack) error {
	sayf("applying examples/setup")
	if err := s.Apply(ctx, "examples/setup"); err != nil {
		return err
	}
	// Nothing here implements LoadBalancer Services; a cloud would write
	// this address.
	svc := &corev1.Service{}
	if err := s.Client().Get(ctx, types.NamespacedName{Namespace: "traefik", Name: "traefik"}, svc); err != nil {
		return errors.Wrap(err, "cannot get Service traefik/traefik")
	}
	orig := svc.DeepCopy()
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "192.0.2.10"}}
	if err := s.Client().Status().Patch(ctx, svc, client.MergeFrom(orig)); err != nil {
		return errors.Wrap(err, "cannot set the LoadBalancer address of Service traefik/traefik")
	}

	if c.NoProvider {
		// Without the provider no route controller writes claims.
		sayf("applying examples/claims")
		if err := s.CreateNamespaces(ctx, "admin", "api", "blog", "internal"); err != nil {
			return err
		}
		if err := s.Apply(ctx, "examples/claims"); err != nil {
			return err
		}
		return nil
	}
	sayf("applying examples/routes")
	if err := s.Apply(ctx, "examples/routes"); err != nil {
		return err
	}
	routes := &gatewayv1.HTTPRouteList{}
	if err := s.Client().List(ctx, routes); err != nil {
		return errors.Wrap(err, "cannot list HTTPRoutes")
	}
	for _, r := range routes.Items {
		what := "claim " + r.Namespace + "/" + r.Name + " to be Ready"
		sayf("waiting for %s", what)
		err := s.Poll(ctx, what, func(ctx context.Context) (bool, error) {
			cl := &unstructured.Unstructured{}
			cl.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.ClaimKind))
			if err := s.Client().Get(ctx, types.NamespacedName{Namespace: r.Namespace, Name: r.Name}, cl); err != nil {
				return false, err
			}
			conds, _, _ := unstructured.NestedSlice(cl.Object, "status", "conditions")
			for _, c := range conds {
				if m, ok := c.(map[string]any); ok && m["type"] == "Ready" {
					return m["status"] == "True", errors.Errorf("Ready=%v: %v", m["status"], m["message"])
				}
			}
			return false, errors.New("no Ready condition yet")
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// show prints what the examples created.
func show(ctx context.Context, s *stack.Stack, kubeconfig string) {
	kubectl := filepath.Join(kubeenv.BinDir(), "kubectl")
	for _, args := range [][]string{
		{"get", "managed"},
		{"get", "zerotrustroutes", "-A"},
		{"get", "configmaps", "-n", v1alpha1.DefaultOperatorNamespace, "-l", v1alpha1.LabelManagedBy + "=" + v1alpha1.LabelManagedByValue},
	} {
		sayf("kubectl %s", strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, kubectl, args...) //nolint:gosec // G204: our own kubectl and arguments.
		cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		_ = cmd.Run()
	}

	routes := &gatewayv1.HTTPRouteList{}
	if err := s.Client().List(ctx, routes); err == nil {
		sayf("route annotations written back")
		for _, r := range routes.Items {
			fmt.Printf("%s/%s\n", r.Namespace, r.Name)
			var ks []string
			for k := range r.Annotations {
				if strings.HasPrefix(k, v1alpha1.AnnotationPrefix) && !slices.Contains(v1alpha1.InputAnnotations, k) {
					ks = append(ks, k)
				}
			}
			slices.Sort(ks)
			for _, k := range ks {
				fmt.Printf("  %s: %s\n", k, r.Annotations[k])
			}
		}
	}

	cf := s.Cloudflare()
	if cf == nil {
		return
	}
	sayf("what the fake Cloudflare API holds")
	st := cf.Snapshot()
	for _, t := range st.Tunnels {
		fmt.Printf("tunnel %s (%s), configuration version %d\n", t.Name, t.ID, t.ConfigVersion)
		rules, _ := t.Config["ingress"].([]any)
		for _, r := range rules {
			if m, ok := r.(map[string]any); ok {
				fmt.Printf("  %-28v -> %v\n", orDefault(m["hostname"], "(catch-all)"), m["service"])
			}
		}
	}
	fmt.Println("DNS records")
	for _, r := range st.DNSRecords {
		fmt.Printf("  %-5s %-28s %-55s proxied=%-5t %s\n", r.Type, r.Name, r.Content, r.Proxied, r.Comment)
	}
	fmt.Println("Access applications")
	for _, a := range st.AccessApps {
		fmt.Printf("  %-32s %-28s session %-4s policies %d\n", a.Name, a.Domain, a.SessionDuration, len(a.Policies))
	}
	fmt.Println("Access policies")
	for _, p := range st.AccessPolicies {
		fmt.Printf("  %-32s %s\n", p.Name, p.Decision)
	}
	fmt.Println("Service tokens")
	for _, t := range st.ServiceTokens {
		fmt.Printf("  %-32s %s\n", t.Name, t.ClientID)
	}
	fmt.Printf("writes: %v\n", cf.WriteCounts())
}

// detach runs the demo again with --foreground in a session of its own, its
// output going to the state directory's log, and copies that log to stdout
// until the demo says it is ready or stops. Interrupting detach stops the
// demo it started; so does cancelling ctx, even after detach has returned.
func (c *CLI) detach(ctx context.Context) error {
	pidFile := filepath.Join(c.StateDir, pidFileName)
	if pid, ok := running(pidFile); ok {
		return errors.Errorf("a demo is already running (pid %d in %s): run make demo-down first", pid, pidFile)
	}
	if err := os.MkdirAll(c.StateDir, 0o750); err != nil {
		return errors.Wrapf(err, "cannot create %s", c.StateDir)
	}
	ready := filepath.Join(c.StateDir, readyFileName)
	_ = os.Remove(ready)
	logPath := filepath.Join(c.StateDir, logFileName)
	log, err := os.Create(logPath) //nolint:gosec // G304: our own state file.
	if err != nil {
		return errors.Wrapf(err, "cannot create %s", logPath)
	}
	defer log.Close() //nolint:errcheck // Written by the child only.

	self, err := os.Executable()
	if err != nil {
		return errors.Wrap(err, "cannot find the demo's own binary")
	}
	cmd := exec.CommandContext(ctx, self, append(os.Args[1:], "--foreground")...) //nolint:gosec // G204: ourselves.
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return errors.Wrap(err, "cannot start the demo in the background")
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)

	follow, err := os.Open(logPath) //nolint:gosec // G304: our own state file.
	if err != nil {
		return errors.Wrapf(err, "cannot read %s", logPath)
	}
	defer follow.Close() //nolint:errcheck // Read only.
	copyNew := func() { _, _ = io.Copy(os.Stdout, follow) }
	for {
		copyNew()
		if _, err := os.Stat(ready); err == nil {
			copyNew()
			sayf("left running in the background (pid %d); its log is %s", cmd.Process.Pid, logPath)
			return nil
		}
		select {
		case err := <-done:
			copyNew()
			return errors.Errorf("the demo stopped before the stack was ready (%v); its log is %s", err, logPath)
		case s := <-sig:
			sayf("%s: stopping the demo", s)
			_ = cmd.Process.Signal(syscall.SIGTERM)
			err := <-done
			copyNew()
			if err != nil {
				return errors.Wrap(err, "interrupted, and the demo did not stop cleanly")
			}
			return errors.New("interrupted")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// running returns the pid of the demo a pid file names, if it runs.
func running(pidFile string) (int, bool) {
	b, err := os.ReadFile(pidFile) //nolint:gosec // G304: our own state file.
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, false
	}
	return pid, syscall.Kill(pid, 0) == nil
}

// exited reports the first process of the stack that stops.
func exited(ctx context.Context, s *stack.Stack) <-chan error {
	ch := make(chan error, 1)
	go func() {
		for {
			if err := s.Exited(); err != nil {
				ch <- err
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}()
	return ch
}

// writePidFile records this process for make demo-down, refusing to start a
// second demo.
func writePidFile(path string) error {
	if pid, ok := running(path); ok {
		return errors.Errorf("a demo is already running (pid %d in %s): run make demo-down first", pid, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return errors.Wrapf(err, "cannot create %s", filepath.Dir(path))
	}
	return errors.Wrapf(os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600), "cannot write %s", path)
}

func orDefault(v any, def string) any {
	if v == nil {
		return def
	}
	return v
}

func sayf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "demo: "+format+"\n", args...)
}

func main() {
	ctx := kong.Parse(&CLI{}, kong.Description("Run the real stack locally and publish the example homelab."))
	ctx.FatalIfErrorf(ctx.Run())
}
