package bench

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStatus(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     string
		want   status
		err    bool
	}{
		"Process": {
			reason: "A process's name, parent and peak resident set in bytes are read.",
			in:     "Name:\tkube-apiserver\nUmask:\t0022\nState:\tS (sleeping)\nPPid:\t4242\nVmPeak:\t 1000 kB\nVmHWM:\t  315392 kB\nVmRSS:\t  300000 kB\n",
			want:   status{name: "kube-apiserver", ppid: 4242, vmHWM: 315392 << 10},
		},
		"KernelThread": {
			reason: "A kernel thread has no VmHWM and is not a process the bench measures.",
			in:     "Name:\tkthreadd\nPPid:\t0\n",
			want:   status{name: "kthreadd"},
			err:    true,
		},
		"BadHWM": {
			reason: "A VmHWM that is not in kB is refused rather than misread.",
			in:     "Name:\tx\nPPid:\t1\nVmHWM:\t12 MB\n",
			want:   status{name: "x", ppid: 1},
			err:    true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := parseStatus(tc.in)
			if (err != nil) != tc.err {
				t.Errorf("%s\nparseStatus(...): error %v, want error %t", tc.reason, err, tc.err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(status{})); diff != "" {
				t.Errorf("%s\nparseStatus(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// TestPeakMemory reads this test's own peak resident set, which a running
// process always has, and resets it.
func TestPeakMemory(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs Linux's /proc")
	}
	mem, err := peakMemory()
	if err != nil {
		t.Fatal(err)
	}
	if len(mem) == 0 || mem[0].Process != selfName || mem[0].Peak == 0 {
		t.Errorf("peakMemory() = %+v, want this process first with a peak", mem)
	}
	if err := resetPeakMemory(); err != nil {
		t.Errorf("resetPeakMemory(): %v", err)
	}
}
