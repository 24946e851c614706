// Command image assembles a package runtime image without a container
// engine: one static binary on an empty base, run as the non-root user
// 65532, written as an OCI tarball that `crossplane xpkg build
// --embed-runtime-image-tarball` embeds.
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// nonRoot is the distroless "nonroot" user; the image has no /etc/passwd,
// so it is set numerically.
const nonRoot = "65532:65532"

func main() {
	var (
		binary = flag.String("binary", "", "static binary to run as the image's entrypoint")
		arch   = flag.String("arch", "", "image architecture: amd64 or arm64")
		tag    = flag.String("tag", "", "image reference recorded in the tarball")
		output = flag.String("output", "", "OCI tarball to write")
		port   = flag.String("port", "", "port the binary listens on, recorded as exposed (optional)")
	)
	flag.Parse()
	if *binary == "" || *arch == "" || *tag == "" || *output == "" {
		fmt.Fprintln(os.Stderr, "usage: image --binary FILE --arch amd64|arm64 --tag REF --output FILE [--port N/tcp]")
		os.Exit(2)
	}
	if err := build(*binary, *arch, *tag, *output, *port); err != nil {
		fmt.Fprintf(os.Stderr, "image: %v\n", err)
		os.Exit(1)
	}
}

func build(binary, arch, tag, output, port string) error {
	if arch != "amd64" && arch != "arm64" {
		return fmt.Errorf("cannot build for architecture %q: use amd64 or arm64", arch)
	}
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("cannot parse image tag %q: %w", tag, err)
	}
	entrypoint := "/" + path.Base(binary)
	layer, err := binaryLayer(binary, entrypoint)
	if err != nil {
		return err
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layer)
	if err != nil {
		return fmt.Errorf("cannot add the binary layer: %w", err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return fmt.Errorf("cannot read the image config: %w", err)
	}
	cfg = cfg.DeepCopy()
	cfg.OS = "linux"
	cfg.Architecture = arch
	cfg.Created = v1.Time{Time: time.Unix(0, 0).UTC()}
	cfg.Config.Entrypoint = []string{entrypoint}
	cfg.Config.User = nonRoot
	cfg.Config.WorkingDir = "/"
	if port != "" {
		cfg.Config.ExposedPorts = map[string]struct{}{port: {}}
	}
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		return fmt.Errorf("cannot set the image config: %w", err)
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	if err := tarball.WriteToFile(output, ref, img); err != nil {
		return fmt.Errorf("cannot write image tarball %q: %w", output, err)
	}
	return nil
}

// binaryLayer puts the binary at entrypoint, owned by the non-root user, with
// a fixed timestamp so that the same binary gives the same layer digest.
func binaryLayer(binary, entrypoint string) (v1.Layer, error) {
	data, err := os.ReadFile(binary) //nolint:gosec // G304: the binary the operator names with --binary.
	if err != nil {
		return nil, fmt.Errorf("cannot read binary %q: %w", binary, err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{
		Name:     entrypoint[1:],
		Mode:     0o555,
		Size:     int64(len(data)),
		Uid:      65532,
		Gid:      65532,
		ModTime:  time.Unix(0, 0),
		Typeflag: tar.TypeReg,
		Format:   tar.FormatPAX,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, fmt.Errorf("cannot write layer header: %w", err)
	}
	if _, err := tw.Write(data); err != nil {
		return nil, fmt.Errorf("cannot write layer: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("cannot close layer: %w", err)
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(buf.Bytes())), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("cannot make layer: %w", err)
	}
	return layer, nil
}
