package main

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// memoryLimitShare is the part of the container's memory limit the Go
// runtime aims to stay under; the rest is for what the runtime does not
// count (stacks of blocked goroutines, the binary, page cache).
const memoryLimitShare = 0.9

// cgroupMemoryMax are where cgroup v2 and v1 publish the container's memory
// limit.
var cgroupMemoryMax = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// setMemoryLimit makes the Go runtime collect garbage harder as the heap
// nears the container's memory limit, rather than let a heap that doubles
// between collections be killed for going over it. GOMEMLIMIT, when set,
// wins, as the runtime already applied it. It returns the limit set, 0 when
// none.
func setMemoryLimit(files []string) int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0
	}
	limit := containerMemoryLimit(files)
	if limit <= 0 {
		return 0
	}
	soft := int64(float64(limit) * memoryLimitShare)
	debug.SetMemoryLimit(soft)
	return soft
}

// containerMemoryLimit returns the first limit files hold, in bytes, or 0
// when none does ("max", or v1's near-2^63 "unlimited").
func containerMemoryLimit(files []string) int64 {
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // G304: the files are the fixed cgroup paths above, or a test's.
		if err != nil {
			continue
		}
		v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || v <= 0 || v >= 1<<62 {
			return 0
		}
		return v
	}
	return 0
}
