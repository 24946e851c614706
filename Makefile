# Everything a fresh machine needs is built here and cached under .cache/
# (git-ignored), so the second run only rebuilds what changed.

ROOT  := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
CACHE ?= $(ROOT)/.cache
BIN   := $(CACHE)/bin
GO    ?= go

# Tool builds (Crossplane CLI and core, kube-apiserver, etcd, registry).
include $(ROOT)/test/tools/tools.mk

VERSION  ?= v0.1.0
REGISTRY ?= ghcr.io/cfzt
ARCHES   ?= arm64 amd64
XPKG     := $(CACHE)/xpkg

# The name Crossplane gives the Function it installs as the Configuration's
# dependency: the DNS label of the package's repository path below the
# registry host (ghcr.io/cfzt -> cfzt-function-cfzt). The Composition's
# functionRef must name it, so make xpkg rewrites it with REGISTRY.
FUNCTION_NAME = $(subst /,-,$(subst .,-,$(patsubst $(firstword $(subst /, ,$(REGISTRY)))/%,%,$(REGISTRY)/function-cfzt)))

ROUTE ?= www
FUNCTION_ADDR ?= 127.0.0.1:9443

.PHONY: xpkg xpkg-push help build generate verify-generate vet lint test test-short e2e render render-examples chaos bench demo demo-idle demo-down fake-cloudflare clean

help: ## Show the targets.
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 20

build: ## Build the provider and function binaries into .cache/bin.
	$(GO) build -o $(BIN)/function ./function
	@if [ -d provider ] && ls provider/*.go >/dev/null 2>&1; then $(GO) build -o $(BIN)/provider ./provider; fi

generate: ## Regenerate deepcopy, managed method sets and CRDs.
	$(GO) generate -tags generate ./apis/...

verify-generate: generate ## Fail when generated files or go.mod are stale.
	$(GO) mod tidy
	@git diff --exit-code -- apis package go.mod go.sum || { echo "generated files or go.mod are stale: run make generate and go mod tidy, then commit"; exit 1; }

vet: ## go vet every package.
	$(GO) vet ./...

# golangci-lint keeps its analysis cache under .cache too, so that a restored
# cache makes the second run fast.
lint: $(BIN)/golangci-lint ## Run golangci-lint (.golangci.yml) over every package.
	GOLANGCI_LINT_CACHE=$(CACHE)/golangci-lint $(BIN)/golangci-lint run ./...

# The end-to-end package runs alone, after the others: it starts a whole
# control plane and Crossplane, and two cores shared with the controller
# integration tests would only slow both down.
E2E_ENV = E2E_XPKG_DIR=$(XPKG) E2E_XPKG_VERSION=$(VERSION)

test: tools verify-generate vet lint xpkg ## Everything CI runs: generation check, vet, lint, unit, render golden, package, integration and end-to-end tests.
	$(GO) test -count=1 -timeout 30m $$($(GO) list ./... | grep -v '/test/e2e$$')
	$(E2E_ENV) $(GO) test -count=1 -timeout 30m ./test/e2e

test-short: ## Unit tests only (skips the tests that need built tools, the end-to-end tests among them).
	$(GO) test -short ./...

render: $(BIN)/crossplane ## Render one example route (ROUTE=www|admin|api|internal-api) with crossplane render.
	@$(GO) build -o $(BIN)/function ./function
	@set -e; tmp=$$(mktemp -d); trap 'kill $$pid 2>/dev/null; rm -rf $$tmp' EXIT; \
	$(BIN)/function --insecure --address=$(FUNCTION_ADDR) --metrics-address=127.0.0.1:0 >$$tmp/function.log 2>&1 & pid=$$!; \
	sed 's|localhost:9443|$(FUNCTION_ADDR)|' examples/render/functions.yaml > $$tmp/functions.yaml; \
	for i in $$(seq 50); do (exec 3<>/dev/tcp/$(subst :,/,$(FUNCTION_ADDR))) 2>/dev/null && break; sleep 0.1; done; \
	echo "# crossplane render examples/render/xr/$(ROUTE).yaml (no observed resources yet)"; \
	$(BIN)/crossplane render examples/render/xr/$(ROUTE).yaml package/configuration/composition.yaml $$tmp/functions.yaml \
		-e examples/setup -r; \
	echo "# crossplane render examples/render/xr/$(ROUTE).yaml -o examples/render/observed/$(ROUTE).yaml"; \
	$(BIN)/crossplane render examples/render/xr/$(ROUTE).yaml package/configuration/composition.yaml $$tmp/functions.yaml \
		-e examples/setup -o examples/render/observed/$(ROUTE).yaml -r

render-examples: $(BIN)/crossplane ## Walk through the four example routes with crossplane render.
	@for r in www admin api internal-api; do $(MAKE) --no-print-directory render ROUTE=$$r; done

e2e: tools xpkg ## Only the real-stack end-to-end tests, verbose: control plane, Crossplane core, the packages, provider, function, fake Cloudflare.
	$(E2E_ENV) $(GO) test -count=1 -timeout 30m -v ./test/e2e

# make test runs the fault campaign at a size that fits CI; make chaos runs
# it at full size.
CHAOS_ROUTES ?= 50

chaos: tools xpkg ## The fault campaign at full size: CHAOS_ROUTES routes published under Cloudflare faults and crashes of the provider, the function and Crossplane core.
	$(E2E_ENV) E2E_CHAOS_ROUTES=$(CHAOS_ROUTES) $(GO) test -count=1 -timeout 60m -v -run 'TestFaultCampaign' ./test/e2e

# make bench measures the provider against the fake Cloudflare API for each
# BENCH_N routes, then the full stack unless BENCH_STACK=0, and writes the
# tables to docs/bench.md; make test runs a short version (test/bench).
BENCH_N     ?= 10,100,300,1000
BENCH_STACK ?= 1

bench: tools xpkg ## The scale benchmark (BENCH_N routes, BENCH_STACK=0 skips the full stack): prints its tables and writes docs/bench.md.
	@$(GO) build -o $(BIN)/bench ./test/bench/cmd/bench
	$(E2E_ENV) $(BIN)/bench --n=$(BENCH_N) --stack=$(BENCH_STACK) --out=docs/bench.md

# The demo starts the real stack in the background, publishes the examples,
# prints what they created and returns, leaving the stack running;
# make demo-down stops it through its pid file.
DEMO_DIR := $(CACHE)/demo

demo: demo-idle tools xpkg ## Run the whole product locally on the fake Cloudflare API, publish examples/ and leave it running.
	@$(GO) build -o $(BIN)/demo ./test/e2e/cmd/demo
	@$(E2E_ENV) $(BIN)/demo --state-dir=$(DEMO_DIR)

# demo-idle refuses before the builds, not after them; the demo binary
# checks again, as a stale pid file is its to clean up.
demo-idle:
	@if [ -f $(DEMO_DIR)/demo.pid ] && kill -0 $$(cat $(DEMO_DIR)/demo.pid) 2>/dev/null; then \
		echo "a demo is already running (pid $$(cat $(DEMO_DIR)/demo.pid)): run make demo-down first" >&2; exit 1; fi

demo-down: ## Stop the stack make demo runs.
	@if [ ! -f $(DEMO_DIR)/demo.pid ]; then echo "no demo running"; exit 0; fi; \
	pid=$$(cat $(DEMO_DIR)/demo.pid); \
	if ! kill -TERM $$pid 2>/dev/null; then echo "no demo running (stale pid file)"; rm -f $(DEMO_DIR)/demo.pid; exit 0; fi; \
	echo "stopping the demo (pid $$pid)"; \
	while kill -0 $$pid 2>/dev/null; do sleep 0.5; done

fake-cloudflare: ## Serve the fake Cloudflare API in the foreground ($$FAKE_CF_ADDR, $$FAKE_CF_TOKEN).
	$(GO) run ./test/fakecloudflare/cmd/fake-cloudflare --seed examples/fake-cloudflare/seed.yaml

clean: ## Remove build output (keeps the tool cache).
	rm -f $(BIN)/function $(BIN)/provider

# Packages: static binaries on an empty base (hack/image), embedded with
# `crossplane xpkg build`, one package per architecture; `xpkg-push` pushes
# each package as one multi-arch reference. Package roots are staged under
# .cache so that nothing but metadata, CRDs and examples goes in.
xpkg: $(BIN)/crossplane ## Build provider, function (arm64 and amd64) and Configuration packages into .cache/xpkg.
	@set -e; rm -rf $(XPKG); mkdir -p $(XPKG); \
	$(GO) build -o $(XPKG)/image ./hack/image; \
	for pkg in provider function; do \
	  for arch in $(ARCHES); do \
	    echo "xpkg: $$pkg $$arch"; \
	    stage=$(XPKG)/stage/$$pkg-$$arch; mkdir -p $$stage/bin; \
	    cp -r package/$$pkg/crossplane.yaml package/$$pkg/crds $$stage/; \
	    CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build -trimpath -ldflags "-s -w" -o $$stage/bin/$$pkg ./$$pkg; \
	    $(XPKG)/image --binary $$stage/bin/$$pkg --arch $$arch --tag $(REGISTRY)/$$pkg-cfzt:$(VERSION) --output $$stage/image.tar; \
	    rm -r $$stage/bin; \
	    $(BIN)/crossplane xpkg build --package-root=$$stage --examples-root=$$stage/none --ignore=image.tar \
	      --embed-runtime-image-tarball=$$stage/image.tar -o $(XPKG)/$$pkg-$$arch.xpkg; \
	  done; \
	done; \
	stage=$(XPKG)/stage/configuration; mkdir -p $$stage; cp package/configuration/*.yaml $$stage/; \
	sed 's|ghcr.io/cfzt/|$(REGISTRY)/|' crossplane.yaml > $$stage/crossplane.yaml; \
	sed 's|name: cfzt-function-cfzt$$|name: $(FUNCTION_NAME)|' package/configuration/composition.yaml > $$stage/composition.yaml; \
	$(BIN)/crossplane xpkg build --package-root=$$stage --examples-root=$$stage/none -o $(XPKG)/configuration.xpkg; \
	ls -l $(XPKG)/*.xpkg

xpkg-push: ## Push the packages built by make xpkg to REGISTRY (one multi-arch reference each).
	@set -e; for pkg in provider function; do \
	  files=$$(for a in $(ARCHES); do printf '%s,' $(XPKG)/$$pkg-$$a.xpkg; done); \
	  $(BIN)/crossplane xpkg push -f $${files%,} $(REGISTRY)/$$pkg-cfzt:$(VERSION); \
	done; \
	$(BIN)/crossplane xpkg push -f $(XPKG)/configuration.xpkg $(REGISTRY)/configuration-cfzt:$(VERSION)
