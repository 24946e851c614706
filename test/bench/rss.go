package bench

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// procDir is where Linux shows its processes.
const procDir = "/proc"

// selfName is how the report names the bench process, which hosts the fake
// Cloudflare API.
const selfName = "bench (fake Cloudflare)"

// status is what the bench reads of /proc/<pid>/status.
type status struct {
	name  string
	ppid  int
	vmHWM uint64 // bytes
}

// parseStatus reads the fields of /proc/<pid>/status the bench needs.
func parseStatus(s string) (status, error) {
	var st status
	found := 0
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "Name":
			st.name = v
		case "PPid":
			n, err := strconv.Atoi(v)
			if err != nil {
				return st, errors.Wrapf(err, "cannot parse PPid %q", v)
			}
			st.ppid = n
			found++
		case "VmHWM":
			kb, ok := strings.CutSuffix(v, " kB")
			n, err := strconv.ParseUint(strings.TrimSpace(kb), 10, 64)
			if !ok || err != nil {
				return st, errors.Errorf("cannot parse VmHWM %q", v)
			}
			st.vmHWM = n << 10
			found++
		}
	}
	if found < 2 {
		// A kernel thread or a zombie has no VmHWM.
		return st, errors.New("no PPid or VmHWM")
	}
	return st, nil
}

func readStatus(pid string) (status, error) {
	b, err := os.ReadFile(filepath.Join(procDir, pid, "status")) //nolint:gosec // G304: a file of /proc.
	if err != nil {
		return status{}, errors.Wrapf(err, "cannot read the status of process %s", pid)
	}
	return parseStatus(string(b))
}

// peakMemory returns the peak resident set of this process and of each of
// its children. A child is named after its log file (test/proc writes
// <name>.log), else after its command.
func peakMemory() ([]Memory, error) {
	self, err := readStatus(strconv.Itoa(os.Getpid()))
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(procDir)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot list %s", procDir)
	}
	var children []Memory
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		st, err := readStatus(e.Name())
		if err != nil || st.ppid != os.Getpid() {
			continue
		}
		name := st.name
		if log, err := os.Readlink(filepath.Join(procDir, e.Name(), "fd", "1")); err == nil && strings.HasSuffix(log, ".log") {
			name = strings.TrimSuffix(filepath.Base(log), ".log")
		}
		children = append(children, Memory{Process: name, Peak: st.vmHWM})
	}
	slices.SortFunc(children, func(a, b Memory) int { return strings.Compare(a.Process, b.Process) })
	return append([]Memory{{Process: selfName, Peak: self.vmHWM}}, children...), nil
}

// resetPeakMemory starts this process's peak resident set afresh at its
// current size, so that a scenario's peak is its own. Linux does this on
// writing 5 to /proc/<pid>/clear_refs.
func resetPeakMemory() error {
	return errors.Wrap(os.WriteFile(filepath.Join(procDir, "self", "clear_refs"), []byte("5"), 0o600), "cannot reset the peak resident set")
}
