package proc

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// ownerFile, in each directory TempDir creates, holds the PID of the process
// that created it.
const ownerFile = "owner.pid"

// TempDir creates a temporary directory named prefix* for the logs and data of
// an environment's processes, recording in it the PID of the caller. It first
// removes the directories of that prefix whose owner died without cleaning
// up, e.g. on a test timeout; on Linux the kernel already killed their
// processes. The caller removes the directory it gets.
func TempDir(prefix string) (string, error) {
	sweepStale(prefix)
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", errors.Wrap(err, "cannot create temporary directory")
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return "", errors.Wrap(err, "cannot record the owner of the temporary directory")
	}
	return dir, nil
}

// sweepStale removes the directories TempDir created with prefix whose owner
// is no longer running.
func sweepStale(prefix string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), prefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, ownerFile)) //nolint:gosec // G304: our own temporary directories.
		if err != nil {
			continue // Not ours, or still being created.
		}
		pid, err := strconv.Atoi(string(b))
		if err != nil || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		_ = os.RemoveAll(d)
	}
}

// CopyFile copies the file from to the file to, readable by its owner only,
// such as a log or kubeconfig of a stack kept past its temporary directory.
func CopyFile(from, to string) error {
	b, err := os.ReadFile(from) //nolint:gosec // G304: a file the stack wrote.
	if err != nil {
		return errors.Wrapf(err, "cannot read %s", from)
	}
	return errors.Wrapf(os.WriteFile(to, b, 0o600), "cannot write %s", to) //nolint:gosec // G703: to is where the person running the stack asked for it.
}
