package stack

import (
	"archive/tar"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// A packagedBinary is the program of a package's runtime image, written to
// a file of the stack.
type packagedBinary struct {
	// path is where the stack wrote the binary.
	path string
	// args are the arguments the image gives it before the stack's own: the
	// rest of its entrypoint, then its command.
	args []string
}

// packagedBinaries writes the function's and, with Options.Provider, the
// provider's binary out of the packages `make xpkg` built for this machine's
// architecture: the binaries users install are the ones the stack runs.
func (s *Stack) packagedBinaries() (fn, prov packagedBinary, err error) {
	s.progressf("taking the function and provider binaries out of their %s packages", runtime.GOARCH)
	if fn, err = extractBinary(s.PackageFile("function", runtime.GOARCH), filepath.Join(s.dir, "bin")); err != nil {
		return fn, prov, err
	}
	if s.o.Provider {
		prov, err = extractBinary(s.PackageFile("provider", runtime.GOARCH), filepath.Join(s.dir, "bin"))
	}
	return fn, prov, err
}

// extractBinary writes the entrypoint of the runtime image a package file
// embeds into dir. `crossplane xpkg build --embed-runtime-image-tarball`
// makes the package image the runtime image plus a layer holding
// package.yaml, so the package's image config is the runtime image's: its
// entrypoint names the binary, and its layers hold it.
func extractBinary(file, dir string) (packagedBinary, error) {
	img, err := tarball.ImageFromPath(file, nil)
	if err != nil {
		return packagedBinary{}, errors.Wrapf(err, "cannot read package %s", file)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return packagedBinary{}, errors.Wrapf(err, "cannot read the image config of package %s", file)
	}
	if cfg.OS != runtime.GOOS || cfg.Architecture != runtime.GOARCH {
		return packagedBinary{}, errors.Errorf("package %s holds a %s/%s runtime image, this machine runs %s/%s", file, cfg.OS, cfg.Architecture, runtime.GOOS, runtime.GOARCH)
	}
	ep := cfg.Config.Entrypoint
	if len(ep) == 0 {
		return packagedBinary{}, errors.Errorf("package %s embeds no runtime image: its image has no entrypoint (make xpkg embeds one)", file)
	}
	name := path.Clean(ep[0])
	if !path.IsAbs(name) {
		name = path.Join("/", cfg.Config.WorkingDir, name)
	}
	out := filepath.Join(dir, filepath.Base(file)+"-"+path.Base(name))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return packagedBinary{}, errors.Wrapf(err, "cannot create %s", dir)
	}
	// The flattened file system, with later layers over earlier ones.
	rc := mutate.Extract(img)
	defer rc.Close() //nolint:errcheck // Read only.
	if err := copyFromTar(rc, name[1:], out); err != nil {
		return packagedBinary{}, errors.Wrapf(err, "cannot take entrypoint %s out of package %s", name, file)
	}
	return packagedBinary{path: out, args: append(slices.Clone(ep[1:]), cfg.Config.Cmd...)}, nil
}

// copyFromTar writes the named regular file of a tar stream to dst, as an
// executable.
func copyFromTar(r io.Reader, name, dst string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return errors.Errorf("the image has no file %s", name)
		}
		if err != nil {
			return errors.Wrap(err, "cannot read the image's file system")
		}
		if path.Clean(h.Name) != name {
			continue
		}
		if h.Typeflag != tar.TypeReg {
			return errors.Errorf("%s is not a regular file in the image", name)
		}
		f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o700) //nolint:gosec // G304: a file of the stack's own directory.
		if err != nil {
			return errors.Wrapf(err, "cannot create %s", dst)
		}
		if _, err := io.Copy(f, tr); err != nil { //nolint:gosec // G110: our own package, not a decompression bomb.
			_ = f.Close()
			return errors.Wrapf(err, "cannot write %s", dst)
		}
		return errors.Wrapf(f.Close(), "cannot write %s", dst)
	}
}
