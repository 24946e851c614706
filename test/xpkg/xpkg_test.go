// Package xpkg checks the packages `make xpkg` builds: their metadata parses
// and lints with Crossplane's own package parser, and each embedded runtime
// image is a static binary for the package's architecture, run as the
// non-root user 65532.
package xpkg

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/crossplane/crossplane-runtime/v2/pkg/xpkg"
	"github.com/crossplane/crossplane-runtime/v2/pkg/xpkg/parser"
)

var machines = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

func TestRuntimePackages(t *testing.T) {
	dir := packageDir(t)
	for _, pkg := range []string{"provider", "function"} {
		for arch, machine := range machines {
			t.Run(pkg+"-"+arch, func(t *testing.T) {
				img := readImage(t, filepath.Join(dir, pkg+"-"+arch+".xpkg"))
				lintMeta(t, img, pkg)

				cfg, err := img.ConfigFile()
				if err != nil {
					t.Fatalf("cannot read the image config: %v", err)
				}
				if cfg.OS != "linux" || cfg.Architecture != arch {
					t.Errorf("image platform is %s/%s, want linux/%s", cfg.OS, cfg.Architecture, arch)
				}
				if cfg.Config.User != "65532:65532" {
					t.Errorf("image user is %q, want the non-root 65532:65532", cfg.Config.User)
				}
				want := "/" + pkg
				if len(cfg.Config.Entrypoint) != 1 || cfg.Config.Entrypoint[0] != want {
					t.Errorf("image entrypoint is %q, want [%s]", cfg.Config.Entrypoint, want)
				}

				bin := findFile(t, img, pkg)
				f, err := elf.NewFile(bytes.NewReader(bin))
				if err != nil {
					t.Fatalf("/%s is not an ELF binary: %v", pkg, err)
				}
				if f.Machine != machine {
					t.Errorf("/%s is built for %s, want %s", pkg, f.Machine, machine)
				}
				for _, p := range f.Progs {
					if p.Type == elf.PT_INTERP {
						t.Errorf("/%s asks for a dynamic loader; it must be static (CGO_ENABLED=0)", pkg)
					}
				}
				if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
					t.Errorf("/%s links %v; it must be static", pkg, libs)
				}
				if hasShell(t, img) {
					t.Errorf("image holds a shell; it must hold only the binary")
				}
			})
		}
	}
}

func TestConfigurationPackage(t *testing.T) {
	img := readImage(t, filepath.Join(packageDir(t), "configuration.xpkg"))
	lintMeta(t, img, "configuration")
}

// packageDir is where make xpkg writes packages.
func packageDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("XPKG_DIR")
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(wd, "..", "..", ".cache", "xpkg")
	}
	if _, err := os.Stat(filepath.Join(dir, "configuration.xpkg")); err != nil {
		if testing.Short() {
			t.Skipf("no packages in %s; run make xpkg", dir)
		}
		t.Fatalf("no packages in %s: run make xpkg (or set XPKG_DIR)", dir)
	}
	return dir
}

func readImage(t *testing.T, path string) v1.Image {
	t.Helper()
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		t.Fatalf("cannot read package %s: %v", path, err)
	}
	return img
}

// lintMeta parses the package's package.yaml with Crossplane's parser and
// runs Crossplane's linter for its kind.
func lintMeta(t *testing.T, img v1.Image, kind string) {
	t.Helper()
	stream := findFile(t, img, xpkg.StreamFile)
	metaScheme, err := xpkg.BuildMetaScheme()
	if err != nil {
		t.Fatal(err)
	}
	objScheme, err := xpkg.BuildObjectScheme()
	if err != nil {
		t.Fatal(err)
	}
	p := parser.New(metaScheme, objScheme)
	pkg, err := p.Parse(context.Background(), io.NopCloser(bytes.NewReader(stream)))
	if err != nil {
		t.Fatalf("Crossplane cannot parse the package: %v", err)
	}
	linters := map[string]parser.Linter{
		"provider":      xpkg.NewProviderLinter(),
		"function":      xpkg.NewFunctionLinter(),
		"configuration": xpkg.NewConfigurationLinter(),
	}
	if err := linters[kind].Lint(pkg); err != nil {
		t.Errorf("Crossplane's %s linter refuses the package: %v", kind, err)
	}
}

// findFile returns a file from the image's flattened filesystem.
func findFile(t *testing.T, img v1.Image, name string) []byte {
	t.Helper()
	var found []byte
	err := walk(img, func(h *tar.Header, r io.Reader) (bool, error) {
		if filepath.Clean("/"+h.Name) != "/"+name {
			return false, nil
		}
		b, err := io.ReadAll(r)
		found = b
		return true, err
	})
	if err != nil {
		t.Fatalf("cannot read the image's files: %v", err)
	}
	if found == nil {
		t.Fatalf("the image has no /%s", name)
	}
	return found
}

func hasShell(t *testing.T, img v1.Image) bool {
	t.Helper()
	found := false
	err := walk(img, func(h *tar.Header, _ io.Reader) (bool, error) {
		switch filepath.Clean("/" + h.Name) {
		case "/bin/sh", "/bin/bash", "/bin/busybox":
			found = true
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("cannot read the image's files: %v", err)
	}
	return found
}

func walk(img v1.Image, fn func(*tar.Header, io.Reader) (bool, error)) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			return err
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				_ = rc.Close()
				return err
			}
			stop, err := fn(h, tr)
			if err != nil || stop {
				_ = rc.Close()
				if stop {
					return nil
				}
				return err
			}
		}
		_ = rc.Close()
	}
	return nil
}
