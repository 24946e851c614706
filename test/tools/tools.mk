# tools.mk builds the binaries the real-stack tests run: etcd, kube-apiserver,
# kube-controller-manager, Crossplane core and CLI, and crane; and, outside
# `make tools`, the golangci-lint that make lint runs. Include it from the root
# Makefile; everything lands under $(TOOLS_BIN), which defaults to .cache/bin
# in the repository.
#
# Each Go tool is built from a wrapper module under test/tools/<name>/ so that
# its dependencies never touch the project's go.mod. A binary is rebuilt when
# it is missing or when the content of its wrapper go.mod/go.sum changes. The
# content, not the mtime, decides: a fresh clone gives go.mod a new mtime, and
# a restored CI cache must not be rebuilt because of that. The hash of the
# wrapper files names a stamp file, $(CACHE)/stamps/<module>.<hash>; a new hash
# means a new stamp, newer than the binary, which triggers the rebuild.
#
# Builds run with -p 2 (the CI machines have 2 cores) and one at a time, also
# under make -j or from concurrent make runs: each holds a lock file (flock).

TOOLS_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

ROOT ?= $(abspath $(TOOLS_MK_DIR)/../..)
CACHE ?= $(ROOT)/.cache
TOOLS_BIN ?= $(CACHE)/bin
TOOLS_SRC := $(ROOT)/test/tools
GO ?= go
TOOLS_LOCK := $(if $(shell command -v flock 2>/dev/null),flock $(CACHE)/tools.lock)
TOOLS_GOBUILD := $(TOOLS_LOCK) $(GO) build -p 2

KUBE_VERSION := v1.35.3
CROSSPLANE_VERSION := v2.4.0
CROSSPLANE_CLI_VERSION := v1.20.5

# Where core init finds Crossplane's own CRDs (env CRDS_PATH). They are copied
# out of the module cache so that a restored $(CACHE) is self-contained.
CROSSPLANE_CRDS := $(CACHE)/crossplane/crds

# etcd comes from Debian's etcd-server package.
ETCD_SYSTEM_BIN ?= /usr/bin/etcd
TOOLS_SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

KUBE_LDFLAGS := -X k8s.io/component-base/version.gitVersion=$(KUBE_VERSION) \
	-X k8s.io/component-base/version.gitMajor=1 \
	-X k8s.io/component-base/version.gitMinor=35
CROSSPLANE_LDFLAGS := -X github.com/crossplane/crossplane-runtime/v2/pkg/version.version=$(CROSSPLANE_VERSION)
CROSSPLANE_CLI_LDFLAGS := -X github.com/crossplane/crossplane/internal/version.version=$(CROSSPLANE_CLI_VERSION)

# tools_stamp returns the stamp file of wrapper module $(1): a name carrying the
# hash of its go.mod and go.sum.
tools_stamp = $(CACHE)/stamps/$(1).$(firstword $(shell cat $(TOOLS_SRC)/$(1)/go.mod $(TOOLS_SRC)/$(1)/go.sum 2>/dev/null | sha256sum))

KUBE_STAMP := $(call tools_stamp,kube)
CROSSPLANE_STAMP := $(call tools_stamp,crossplane)
CROSSPLANE_CLI_STAMP := $(call tools_stamp,crossplane-cli)
REGISTRY_STAMP := $(call tools_stamp,registry)
GOLANGCI_LINT_STAMP := $(call tools_stamp,golangci-lint)

# A kubectl already on the PATH (outside $(TOOLS_BIN)) is linked, not built.
SYSTEM_KUBECTL := $(filter-out $(TOOLS_BIN)/kubectl,$(shell command -v kubectl 2>/dev/null))

TOOLS := $(TOOLS_BIN)/etcd \
	$(TOOLS_BIN)/kube-apiserver \
	$(TOOLS_BIN)/kube-controller-manager \
	$(TOOLS_BIN)/kubectl \
	$(TOOLS_BIN)/crossplane-core \
	$(CROSSPLANE_CRDS)/.complete \
	$(TOOLS_BIN)/crossplane \
	$(TOOLS_BIN)/crane

.PHONY: tools
tools: $(TOOLS) ## Build or install every binary the real-stack tests need.

$(CACHE)/stamps/%:
	@mkdir -p $(@D)
	@rm -f $(@D)/$(basename $*).*
	@touch $@

$(TOOLS_BIN)/etcd:
	@mkdir -p $(@D)
	@if [ ! -x $(ETCD_SYSTEM_BIN) ]; then \
		echo "installing etcd-server (apt-get)"; \
		$(TOOLS_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(TOOLS_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null; \
	fi
	@ln -sf $(ETCD_SYSTEM_BIN) $@

$(TOOLS_BIN)/kube-apiserver: $(KUBE_STAMP)
	@mkdir -p $(@D)
	@echo "building kube-apiserver $(KUBE_VERSION) (first run takes ~9 min)"
	@cd $(TOOLS_SRC)/kube && $(TOOLS_GOBUILD) -ldflags "$(KUBE_LDFLAGS)" -o $@ k8s.io/kubernetes/cmd/kube-apiserver

$(TOOLS_BIN)/kube-controller-manager: $(KUBE_STAMP)
	@mkdir -p $(@D)
	@echo "building kube-controller-manager $(KUBE_VERSION) (first run takes ~5 min)"
	@cd $(TOOLS_SRC)/kube && $(TOOLS_GOBUILD) -ldflags "$(KUBE_LDFLAGS)" -o $@ k8s.io/kubernetes/cmd/kube-controller-manager

ifneq ($(SYSTEM_KUBECTL),)
$(TOOLS_BIN)/kubectl:
	@mkdir -p $(@D)
	@ln -sf $(SYSTEM_KUBECTL) $@
else
$(TOOLS_BIN)/kubectl: $(KUBE_STAMP)
	@mkdir -p $(@D)
	@echo "building kubectl $(KUBE_VERSION) (first run takes ~3 min)"
	@cd $(TOOLS_SRC)/kube && $(TOOLS_GOBUILD) -ldflags "$(KUBE_LDFLAGS)" -o $@ k8s.io/kubernetes/cmd/kubectl
endif

$(TOOLS_BIN)/crossplane-core: $(CROSSPLANE_STAMP)
	@mkdir -p $(@D)
	@echo "building crossplane-core $(CROSSPLANE_VERSION) (first run takes ~5 min)"
	@cd $(TOOLS_SRC)/crossplane && $(TOOLS_GOBUILD) -ldflags "$(CROSSPLANE_LDFLAGS)" -o $@ github.com/crossplane/crossplane/v2/cmd/crossplane

$(CROSSPLANE_CRDS)/.complete: $(CROSSPLANE_STAMP)
	@echo "copying Crossplane $(CROSSPLANE_VERSION) CRDs to $(CROSSPLANE_CRDS)"
	@rm -rf $(@D) && mkdir -p $(@D)
	@cd $(TOOLS_SRC)/crossplane && $(GO) mod download github.com/crossplane/crossplane/v2 && \
		cp "$$($(GO) list -m -f '{{.Dir}}' github.com/crossplane/crossplane/v2)"/cluster/crds/*.yaml $(@D)/
	@chmod u+w $(@D)/*.yaml
	@touch $@

$(TOOLS_BIN)/crossplane: $(CROSSPLANE_CLI_STAMP)
	@mkdir -p $(@D)
	@echo "building crossplane CLI $(CROSSPLANE_CLI_VERSION) (first run takes ~6 min)"
	@cd $(TOOLS_SRC)/crossplane-cli && $(TOOLS_GOBUILD) -ldflags "$(CROSSPLANE_CLI_LDFLAGS)" -o $@ github.com/crossplane/crossplane/cmd/crank

$(TOOLS_BIN)/crane: $(REGISTRY_STAMP)
	@mkdir -p $(@D)
	@echo "building crane (first run takes ~1 min)"
	@cd $(TOOLS_SRC)/registry && $(TOOLS_GOBUILD) -o $@ github.com/google/go-containerregistry/cmd/crane

# golangci-lint is not one of $(TOOLS): no test process runs it, so make lint
# (which make test runs) builds it on first use. Its version is the one pinned
# in the wrapper's go.mod.
$(TOOLS_BIN)/golangci-lint: $(GOLANGCI_LINT_STAMP)
	@mkdir -p $(@D)
	@echo "building golangci-lint (first run takes ~5 min)"
	@cd $(TOOLS_SRC)/golangci-lint && $(TOOLS_GOBUILD) -o $@ github.com/golangci/golangci-lint/v2/cmd/golangci-lint
