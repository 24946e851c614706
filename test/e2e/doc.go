// Package e2e holds the real-stack end-to-end tests: the product as a user
// installs it, on a throwaway control plane with Crossplane core, the
// project's packages from a local registry, the function, the provider and
// the fake Cloudflare API (see package stack). They need `make tools` and
// `make xpkg`; `make e2e` runs them. They skip under -short.
package e2e
