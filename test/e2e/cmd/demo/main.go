// Command demo runs the whole product on this machine, the real stack of the
// end-to-end tests, and publishes the example homelab: it applies
// examples/setup and examples/routes, waits until the routes' claims are
// Ready, shows what was created in Kubernetes and in the fake Cloudflare API,
// and keeps running, with a kubeconfig to look around, until interrupted or
// until `make demo-down` sends it SIGTERM through its pid file.
package main

import (
	"context"
	"fmt"
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
)

// CLI of the demo.
type CLI struct {
	StateDir     string        `default:".cache/demo" help:"Directory for the pid file and a copy of the kubeconfig."`
	PollInterval time.Duration `default:"10s"         help:"How often the provider checks Cloudflare for drift."`
	Timeout      time.Duration `default:"10m"         help:"How long to wait for the stack to start and the routes to be Ready."`
	NoProvider   bool          `help:"Run Crossplane and the function only: claims compose, nothing reaches Cloudflare."`
	NoExamples   bool          `help:"Start the stack without applying the examples."`
}

// Run brings the stack up, publishes the examples and waits for a signal.
func (c *CLI) Run() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	pidFile := filepath.Join(c.StateDir, "demo.pid")
	if err := writePidFile(pidFile); err != nil {
		return err
	}
	defer os.Remove(pidFile) //nolint:errcheck // Best effort on the way out.

	say("starting the stack (the first run builds the binaries; make xpkg built the packages)")
	startCtx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	s, err := stack.New(startCtx, stack.Options{
		Progress:     func(format string, args ...any) { say(format, args...) },
		Provider:     !c.NoProvider,
		PollInterval: c.PollInterval,
	})
	if err != nil {
		return err
	}
	defer func() {
		say("stopping the stack")
		if err := s.Stop(); err != nil {
			say("%v", err)
		}
	}()

	kubeconfig := filepath.Join(c.StateDir, "kubeconfig")
	if err := copyFile(s.Kubeconfig(), kubeconfig); err != nil {
		return err
	}
	if !c.NoExamples {
		if err := c.publish(startCtx, s); err != nil {
			return errors.Wrapf(err, "%s", s.LogTails(20))
		}
		show(ctx, s, kubeconfig)
	}

	abs, _ := filepath.Abs(kubeconfig)
	say("the stack is running; logs are in %s", s.Dir())
	say("  export KUBECONFIG=%s", abs)
	if u := s.CloudflareURL(); u != "" {
		say("  fake Cloudflare API: %s (token demo-token)", u)
	}
	say("stop it with Ctrl-C or make demo-down")
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
	say("applying examples/setup")
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
		say("applying examples/claims")
		if err := s.CreateNamespaces(ctx, "admin", "api", "blog", "internal"); err != nil {
			return err
		}
		if err := s.Apply(ctx, "examples/claims"); err != nil {
			return err
		}
		return nil
	}
	say("applying examples/routes")
	if err := s.Apply(ctx, "examples/routes"); err != nil {
		return err
	}
	routes := &gatewayv1.HTTPRouteList{}
	if err := s.Client().List(ctx, routes); err != nil {
		return errors.Wrap(err, "cannot list HTTPRoutes")
	}
	for _, r := range routes.Items {
		what := "claim " + r.Namespace + "/" + r.Name + " to be Ready"
		say("waiting for %s", what)
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
		say("kubectl %s", strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, kubectl, args...) //nolint:gosec // G204: our own kubectl and arguments.
		cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		_ = cmd.Run()
	}

	routes := &gatewayv1.HTTPRouteList{}
	if err := s.Client().List(ctx, routes); err == nil {
		say("route annotations written back")
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
	say("what the fake Cloudflare API holds")
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
	if b, err := os.ReadFile(path); err == nil { //nolint:gosec // G304: our own state file.
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && syscall.Kill(pid, 0) == nil {
			return errors.Errorf("a demo is already running (pid %d in %s): run make demo-down first", pid, path)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return errors.Wrapf(err, "cannot create %s", filepath.Dir(path))
	}
	return errors.Wrapf(os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600), "cannot write %s", path)
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from) //nolint:gosec // G304: the stack's kubeconfig.
	if err != nil {
		return errors.Wrapf(err, "cannot read %s", from)
	}
	return errors.Wrapf(os.WriteFile(to, b, 0o600), "cannot write %s", to)
}

func orDefault(v any, def string) any {
	if v == nil {
		return def
	}
	return v
}

func say(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "demo: "+format+"\n", args...)
}

func main() {
	ctx := kong.Parse(&CLI{}, kong.Description("Run the real stack locally and publish the example homelab."))
	ctx.FatalIfErrorf(ctx.Run())
}
