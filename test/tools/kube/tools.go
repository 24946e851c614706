//go:build tools

// Package tools pins the Kubernetes control-plane binaries the real-stack
// tests run. It lives in its own module so that k8s.io/kubernetes never enters
// the project's go.mod.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
