package e2e

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	corev1 "k8s.io/api/core/v1"

	pkgv1 "github.com/crossplane/crossplane/apis/v2/pkg/v1"
)

// TestPackages checks that what Crossplane installed is what make xpkg built
// and make xpkg-push pushed: the provider and function references in the
// registry are each one index of the linux/arm64 and linux/amd64 packages,
// the linux/amd64 image of each is the amd64 package file, and the active,
// healthy Provider and Function revisions were installed from those
// references.
func TestPackages(t *testing.T) {
	s := fullStack(t)
	c := s.Client()

	for _, pkg := range []string{"provider", "function"} {
		t.Run(pkg, func(t *testing.T) {
			ref, err := name.ParseReference(s.PackageRef(pkg + "-cfzt"))
			if err != nil {
				t.Fatal(err)
			}
			idx, err := remote.Index(ref, remote.WithContext(t.Context()))
			if err != nil {
				t.Fatalf("%s should be an image index (make xpkg-push pushes one multi-arch reference): %v", ref, err)
			}
			im, err := idx.IndexManifest()
			if err != nil {
				t.Fatal(err)
			}
			// The push annotates the layers, which changes the manifests'
			// digests but not the image configs: compare those.
			got := map[string]v1.Hash{}
			for _, m := range im.Manifests {
				if m.Platform == nil {
					t.Fatalf("manifest %s of %s names no platform", m.Digest, ref)
				}
				img, err := idx.Image(m.Digest)
				if err != nil {
					t.Fatal(err)
				}
				cfg, err := img.ConfigName()
				if err != nil {
					t.Fatal(err)
				}
				got[m.Platform.OS+"/"+m.Platform.Architecture] = cfg
			}
			want := map[string]v1.Hash{}
			for _, arch := range []string{"arm64", "amd64"} {
				img, err := tarball.ImageFromPath(s.PackageFile(pkg, arch), nil)
				if err != nil {
					t.Fatal(err)
				}
				cfg, err := img.ConfigName()
				if err != nil {
					t.Fatal(err)
				}
				want["linux/"+arch] = cfg
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("image configs by platform of %s: -want (the .xpkg files), +got:\n%s", ref, diff)
			}

			// What a linux/amd64 node pulls from the reference.
			amd64, err := remote.Image(ref, remote.WithContext(t.Context()), remote.WithPlatform(v1.Platform{OS: "linux", Architecture: "amd64"}))
			if err != nil {
				t.Fatal(err)
			}
			if cfg, err := amd64.ConfigName(); err != nil || cfg != want["linux/amd64"] {
				t.Errorf("the linux/amd64 image of %s has config %s (%v), want the amd64 package's %s", ref, cfg, err, want["linux/amd64"])
			}
		})
	}

	var revs []pkgv1.PackageRevision
	pr := &pkgv1.ProviderRevisionList{}
	fr := &pkgv1.FunctionRevisionList{}
	if err := c.List(t.Context(), pr); err != nil {
		t.Fatal(err)
	}
	if err := c.List(t.Context(), fr); err != nil {
		t.Fatal(err)
	}
	for i := range pr.Items {
		revs = append(revs, &pr.Items[i])
	}
	for i := range fr.Items {
		revs = append(revs, &fr.Items[i])
	}
	installed := map[string]bool{}
	for _, r := range revs {
		if r.GetDesiredState() == pkgv1.PackageRevisionActive && r.GetCondition(pkgv1.TypeRevisionHealthy).Status == corev1.ConditionTrue {
			installed[r.GetResolvedSource()] = true
		}
	}
	want := map[string]bool{s.PackageRef("provider-cfzt"): true, s.PackageRef("function-cfzt"): true}
	if diff := cmp.Diff(want, installed); diff != "" {
		t.Errorf("sources of the active, healthy package revisions: -want, +got:\n%s", diff)
	}
}
