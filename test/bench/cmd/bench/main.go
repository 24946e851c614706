// Command bench runs the scale benchmark (test/bench) and prints its tables
// as markdown: the provider against the fake Cloudflare API for each number
// of routes and each variant, then the full stack. `make bench` runs it and
// writes docs/bench.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kong"
	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/test/bench"
	"github.com/cfzt/cfzt/test/kubeenv"
	"github.com/cfzt/cfzt/test/proc"
)

// CLI of the bench.
type CLI struct {
	N            []int         `default:"10,100,300,1000"    env:"BENCH_N"     help:"Numbers of routes of the provider part."     name:"n"`
	Variants     []string      `default:"full,tunnel-dns"    help:"What each route of the provider part publishes: full (tunnel rule, DNS record, Access app, allow policy, service token, token policy) or tunnel-dns."`
	Provider     bool          `default:"true"               negatable:""      help:"Run the provider part."`
	Stack        bool          `default:"true"               env:"BENCH_STACK" help:"Run the full stack part (needs make tools and make xpkg)."`
	Out          string        `help:"Also write the report to this file."         type:"path"`
	PollInterval time.Duration `default:"1m"                 help:"The provider's --poll-interval."`
	CacheTTL     time.Duration `default:"15s"                help:"The provider's --cache-ttl."                name:"cache-ttl"`
	Steady       time.Duration `default:"2m"                 help:"How long calls are counted in steady state; at least two poll intervals to see every resource polled."`
	Settle       time.Duration `default:"30s"                help:"Wait between the last route present and the steady state window."`
	DriftTimeout time.Duration `default:"10m"                help:"How long to wait for each drift to be repaired."`
	Burst        int           `default:"100"                help:"Routes the full stack part creates at once."`
	Trickle      int           `default:"20"                 help:"Routes the full stack part then creates one at a time."`
	TrickleEvery time.Duration `default:"2s"                 help:"Time between two of those routes."`
}

func main() {
	cli := &CLI{}
	ctx := kong.Parse(cli, kong.Name("bench"), kong.Description("Measure how the provider and the whole product scale with the number of routes."))
	ctx.FatalIfErrorf(cli.Run())
}

// Run runs the parts asked for and prints the report, also when a part
// failed: what was measured is kept.
func (c *CLI) Run() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// The composer's watches log through controller-runtime, which
	// complains when nobody set a logger; the bench has nothing to say.
	ctrllog.SetLogger(logr.Discard())

	start := time.Now()
	progress := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "[%6.0fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}
	for _, v := range c.Variants {
		if !slices.Contains(bench.Variants, bench.Variant(v)) {
			return errors.Errorf("unknown variant %q: want full or tunnel-dns", v)
		}
	}
	if c.Stack {
		if err := bench.CheckStack(); err != nil {
			return errors.Wrap(err, "the full stack part cannot run (BENCH_STACK=0 skips it)")
		}
	}
	o := bench.Options{
		Progress:     progress,
		PollInterval: c.PollInterval,
		CacheTTL:     c.CacheTTL,
		Steady:       c.Steady,
		Settle:       c.Settle,
		DriftTimeout: c.DriftTimeout,
	}
	rp := bench.Report{Config: config(ctx, c)}

	var errs []error
	if c.Provider && len(c.N) > 0 {
		dir, err := proc.TempDir("cfzt-bench-build-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir) //nolint:errcheck // Best effort on the way out.
		progress("building the provider")
		if o.ProviderBinary, err = bench.BuildProvider(ctx, dir); err != nil {
			return err
		}
		for _, n := range c.N {
			for _, v := range c.Variants {
				r, err := bench.RunProvider(ctx, o, n, bench.Variant(v))
				if err != nil {
					errs = append(errs, errors.Wrapf(err, "provider, %s, %d routes", v, n))
					r.Err = strings.TrimSpace(strings.Join([]string{r.Err, firstLine(err)}, " "))
				}
				rp.Results = append(rp.Results, r)
				if ctx.Err() != nil {
					return write(c.Out, rp, errors.Join(errs...))
				}
			}
		}
	}
	if c.Stack {
		rp.Config.StackPollInterval, rp.Config.StackCacheTTL = c.PollInterval, c.CacheTTL
		rs, err := bench.RunStack(ctx, o, bench.StackOptions{Burst: c.Burst, Trickle: c.Trickle, TrickleEvery: c.TrickleEvery})
		rp.Results = append(rp.Results, rs...)
		errs = append(errs, errors.Wrap(err, "full stack"))
	}
	return write(c.Out, rp, errors.Join(errs...))
}

// write prints the report and writes it to out, if set.
func write(out string, rp bench.Report, err error) error {
	md := rp.Markdown()
	fmt.Print(md)
	if out != "" {
		if werr := os.WriteFile(out, []byte(md), 0o644); werr != nil { //nolint:gosec // G306: a document of the repository.
			return errors.Join(err, errors.Wrapf(werr, "cannot write %s", out))
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", out)
	}
	return err
}

// firstLine returns the first line of an error, for the report; the whole
// error goes to stderr.
func firstLine(err error) string {
	l, _, _ := strings.Cut(err.Error(), "\n")
	return l
}

// config describes the run for the report's header.
func config(ctx context.Context, c *CLI) bench.Config {
	cfg := bench.Config{
		Date:         time.Now(),
		Commit:       "unknown",
		CPUs:         runtime.NumCPU(),
		PollInterval: c.PollInterval,
		CacheTTL:     c.CacheTTL,
		Steady:       c.Steady,
		Settle:       c.Settle,
	}
	root, err := kubeenv.RepoRoot()
	if err != nil {
		return cfg
	}
	git := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "git", args...) //nolint:gosec // G204: git with this file's own arguments.
		cmd.Dir = filepath.Clean(root)
		b, err := cmd.Output()
		return strings.TrimSpace(string(b)), err
	}
	if commit, err := git("rev-parse", "--short", "HEAD"); err == nil {
		cfg.Commit = commit
	}
	// The provider is built from the working tree, so changes not yet
	// committed are part of what was measured.
	if st, err := git("status", "--porcelain", "--untracked-files=no"); err == nil {
		cfg.Dirty = st != ""
	}
	return cfg
}
