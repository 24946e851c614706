package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestContainerMemoryLimit(t *testing.T) {
	cases := map[string]struct {
		reason string
		files  map[string]string
		want   int64
	}{
		"CgroupV2": {
			reason: "cgroup v2's memory.max holds the container's limit in bytes.",
			files:  map[string]string{"v2": "268435456\n"},
			want:   268435456,
		},
		"CgroupV2Unlimited": {
			reason: "A container without a limit has \"max\", and gets no limit of ours.",
			files:  map[string]string{"v2": "max\n"},
		},
		"CgroupV1": {
			reason: "Without cgroup v2's file, v1's limit_in_bytes is read.",
			files:  map[string]string{"v1": "134217728\n"},
			want:   134217728,
		},
		"CgroupV1Unlimited": {
			reason: "cgroup v1 says unlimited with a number near 2^63, which is no limit.",
			files:  map[string]string{"v1": "9223372036854771712\n"},
		},
		"NoCgroup": {
			reason: "Outside a container there is no limit to follow.",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			paths := []string{filepath.Join(dir, "v2"), filepath.Join(dir, "v1")}
			for f, body := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, f), []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(tc.want, containerMemoryLimit(paths)); diff != "" {
				t.Errorf("\n%s\ncontainerMemoryLimit(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestSetMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })

	f := filepath.Join(t.TempDir(), "memory.max")
	if err := os.WriteFile(f, []byte("200000000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := setMemoryLimit([]string{f}); got != 180000000 {
		t.Errorf("setMemoryLimit(200 MB container): want 90%%, 180000000, got %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 180000000 {
		t.Errorf("runtime memory limit: want 180000000, got %d", got)
	}

	t.Setenv("GOMEMLIMIT", "100MiB")
	if got := setMemoryLimit([]string{f}); got != 0 {
		t.Errorf("setMemoryLimit with GOMEMLIMIT set: want it left to GOMEMLIMIT, got %d", got)
	}
}
