//go:build generate

// Remove generated CRDs so that a deleted type leaves no stale manifest.
//go:generate rm -rf ../package/provider/crds ../package/function/crds

// Deepcopy methods and CRDs for the provider's types.
//go:generate go tool controller-gen object paths=./...
//go:generate go tool controller-gen crd:crdVersions=v1 paths=./v1alpha1 output:artifacts:config=../package/provider/crds

// The function's input is a CRD too, so that `crossplane beta validate` and the
// function package can describe it.
//go:generate go tool controller-gen crd:crdVersions=v1 paths=./input/v1alpha1 output:artifacts:config=../package/function/crds

// crossplane-runtime method sets (resource.LegacyManaged, ProviderConfig,
// reference resolvers). angryjet lives in its own tools module; see
// hack/tools/go.mod.
//go:generate go -C ../hack/tools build -o ../../.cache/bin/angryjet github.com/crossplane/crossplane-tools/cmd/angryjet
//go:generate ../.cache/bin/angryjet generate-methodsets ./...

// Package apis holds the Kubernetes types shared by the provider and the
// composition function.
package apis
