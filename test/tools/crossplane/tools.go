//go:build tools

// Package tools pins Crossplane core, which the end-to-end tests run out of
// cluster with the External package runtime.
package tools

import (
	_ "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
	_ "github.com/crossplane/crossplane/v2/cmd/crossplane"
)
