//go:build tools

// Package tools pins crane, the OCI registry and image tool of the
// end-to-end tests.
package tools

import _ "github.com/google/go-containerregistry/cmd/crane"
