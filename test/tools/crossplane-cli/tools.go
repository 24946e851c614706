//go:build tools

// Package tools pins the Crossplane CLI (crank) that renders examples and
// builds packages. It lives in its own module so that the CLI's large
// dependency graph never leaks into the project's go.mod.
package tools

import _ "github.com/crossplane/crossplane/cmd/crank"
