package proc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/test"
)

var errBoom = errors.New("boom")

func TestRun(t *testing.T) {
	cases := map[string]struct {
		reason  string
		script  string
		wantErr string // a substring of the error; empty for none
	}{
		"Succeeds": {
			reason: "A command that exits 0 should return no error.",
			script: "echo fine",
		},
		"FailsWithLogTail": {
			reason:  "A failing command's error should end with its output, to say why it failed.",
			script:  "echo cannot frobnicate; exit 3",
			wantErr: "cannot frobnicate",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := Run(t.Context(), t.TempDir(), "sh", "/bin/sh", []string{"-c", tc.script}, nil)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tc.wantErr == "" && err != nil || !strings.Contains(got, tc.wantErr) {
				t.Errorf("\n%s\nRun(...): want error containing %q, got %v", tc.reason, tc.wantErr, err)
			}
		})
	}
}

func TestGroup(t *testing.T) {
	dir := t.TempDir()
	g := &Group{}
	p, err := g.Start(dir, "sleep", "/bin/sh", []string{"-c", "echo started; exec sleep 60"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	err = Poll(ctx, 10*time.Millisecond, "the output of sleep", g.Exited, func(context.Context) (bool, error) {
		return p.Tail(5) == "started", nil
	})
	if err != nil {
		t.Errorf("Tail(5) of a running group: want the process's output %q, got %v", "started", err)
	}
	g.Stop()
	err = g.Exited()
	if err == nil || !strings.Contains(err.Error(), "sleep exited") || !strings.HasSuffix(err.Error(), "started") {
		t.Errorf("Exited() of a stopped group: want the process's exit and output, got %v", err)
	}
}

func TestGroupKillAgain(t *testing.T) {
	dir := t.TempDir()
	g := &Group{}
	t.Cleanup(g.Stop)
	p, err := g.Start(dir, "crashy", "/bin/sh", []string{"-c", "echo ready; exec sleep 60"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	started := func(p *Process, n int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		err := Poll(ctx, 10*time.Millisecond, "the output of crashy", g.Exited, func(context.Context) (bool, error) {
			return strings.Count(p.Tail(10), "ready") == n, nil
		})
		if err != nil {
			t.Fatalf("want %d starts in the log of crashy: %v\n%s", n, err, p.Tail(10))
		}
	}
	started(p, 1)
	if _, err := g.Again(p); err == nil {
		t.Errorf("Again(...) of a running process: want an error, got none")
	}

	g.Kill(p, syscall.SIGKILL)
	if err := p.Exited(); err == nil || !strings.Contains(err.Error(), "signal: killed") {
		t.Errorf("Exited() of the process killed with SIGKILL: want its death by SIGKILL, got %v", err)
	}
	if err := g.Exited(); err != nil {
		t.Errorf("Exited() of a group whose process was killed on purpose: want nil, got %v", err)
	}

	again, err := g.Again(p)
	if err != nil {
		t.Fatal(err)
	}
	started(again, 2)
	if again.Log() != p.Log() || !strings.Contains(again.Tail(10), "crashy started again after it exited (signal: killed)") {
		t.Errorf("the log of the restarted process should be the same file, with a line marking the restart:\n%s", again.Tail(10))
	}

	g.Stop()
	if again.Exited() == nil {
		t.Errorf("Stop() should stop the restarted process")
	}
	if _, err := g.Start(dir, "late", "/bin/sh", []string{"-c", "sleep 60"}, nil); err == nil {
		t.Errorf("Start(...) after Stop(): want an error, got none")
	}
}

func TestPoll(t *testing.T) {
	type args struct {
		exited func() error
		ready  func(context.Context) (bool, error)
	}
	cases := map[string]struct {
		reason string
		args   args
		want   error
	}{
		"Ready": {
			reason: "A ready condition should end the wait without error.",
			args: args{
				exited: func() error { return nil },
				ready:  func(context.Context) (bool, error) { return true, nil },
			},
		},
		"ProcessExited": {
			reason: "The exit of a process should end the wait at once, with its error.",
			args: args{
				exited: func() error { return errBoom },
				ready:  func(context.Context) (bool, error) { return false, nil },
			},
			want: errors.Wrap(errBoom, "while waiting for Godot"),
		},
		"TimedOut": {
			reason: "A timeout should be explained by the last error of ready.",
			args: args{
				exited: func() error { return nil },
				ready:  func(context.Context) (bool, error) { return false, errBoom },
			},
			want: errors.Wrap(errBoom, "timed out waiting for Godot"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			defer cancel()
			err := Poll(ctx, 10*time.Millisecond, "Godot", tc.args.exited, tc.args.ready)
			if diff := cmp.Diff(tc.want, err, test.EquateErrors()); diff != "" {
				t.Errorf("\n%s\nPoll(...): -want error, +got error:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestTempDirSweepsStale(t *testing.T) {
	// The PID of a process that has exited and been reaped.
	dead := exec.CommandContext(t.Context(), "/bin/sh", "-c", "exit 0")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	prefix := "proc-test-" + strconv.Itoa(os.Getpid()) + "-"
	stale, err := os.MkdirTemp("", prefix) //nolint:usetesting // TempDir looks in os.TempDir, not in t.TempDir.
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, ownerFile), []byte(strconv.Itoa(dead.Process.Pid)), 0o600); err != nil {
		t.Fatal(err)
	}

	dir, err := TempDir(prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir); _ = os.RemoveAll(stale) })

	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("TempDir(...) should remove the directory of a dead owner; Stat: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil || string(b) != strconv.Itoa(os.Getpid()) {
		t.Errorf("TempDir(...) should record the test binary as owner: got %q, %v", b, err)
	}
	// A live owner's directory stays.
	again, err := TempDir(prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(again) })
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("TempDir(...) should keep the directory of a live owner; Stat: %v", err)
	}
}
