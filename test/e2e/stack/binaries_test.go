package stack

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// layer returns an image layer holding the files.
func layer(t *testing.T, files map[string]string) v1.Layer {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for n, content := range files {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o555, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// writeRuntimePackage writes a package file as make xpkg builds one: the
// runtime image's layers, then the package.yaml layer, with the runtime
// image's config.
func writeRuntimePackage(t *testing.T, arch string, entrypoint, cmd []string, layers ...v1.Layer) string {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, append(layers, layer(t, map[string]string{packageFile: "kind: Provider\n"}))...)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", arch
	cfg.Config.Entrypoint, cfg.Config.Cmd = entrypoint, cmd
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "provider-"+arch+".xpkg")
	if err := tarball.WriteToFile(file, name.MustParseReference("example.org/provider:v0"), img); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestExtractBinary(t *testing.T) {
	type want struct {
		content string
		args    []string
		err     error
	}
	cases := map[string]struct {
		reason string
		file   func(t *testing.T) string
		want   want
	}{
		"Entrypoint": {
			reason: "The binary is the file the image's entrypoint names, as the last layer that has it left it; the rest of the entrypoint and the command are its arguments.",
			file: func(t *testing.T) string {
				return writeRuntimePackage(t, runtime.GOARCH, []string{"/provider", "--debug"}, []string{"start"},
					layer(t, map[string]string{"provider": "old"}), layer(t, map[string]string{"provider": "new"}))
			},
			want: want{content: "new", args: []string{"--debug", "start"}},
		},
		"OtherArchitecture": {
			reason: "A package for another architecture cannot run here.",
			file: func(t *testing.T) string {
				arch := "arm64"
				if runtime.GOARCH == arch {
					arch = "amd64"
				}
				return writeRuntimePackage(t, arch, []string{"/provider"}, nil, layer(t, map[string]string{"provider": "new"}))
			},
			want: want{err: cmpopts.AnyError},
		},
		"NoRuntimeImage": {
			reason: "A package without an embedded runtime image has no entrypoint to run.",
			file: func(t *testing.T) string {
				return writeRuntimePackage(t, runtime.GOARCH, nil, nil)
			},
			want: want{err: cmpopts.AnyError},
		},
		"EntrypointMissing": {
			reason: "An entrypoint that no layer holds is an error, not an empty binary.",
			file: func(t *testing.T) string {
				return writeRuntimePackage(t, runtime.GOARCH, []string{"/provider"}, nil, layer(t, map[string]string{"function": "new"}))
			},
			want: want{err: cmpopts.AnyError},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := extractBinary(tc.file(t), t.TempDir())
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("\n%s\nextractBinary(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if err != nil {
				return
			}
			got, err := os.ReadFile(b.path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want{content: tc.want.content, args: tc.want.args}, want{content: string(got), args: b.args}, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nextractBinary(...): -want, +got:\n%s", tc.reason, diff)
			}
			if fi, err := os.Stat(b.path); err != nil || fi.Mode().Perm()&0o100 == 0 {
				t.Errorf("\n%s\nextractBinary(...) should write an executable: %v %v", tc.reason, fi.Mode(), err)
			}
		})
	}
}
