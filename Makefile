# kubearc — build, generate, verify and test.
#
# Every tool is built from the Go module proxy into bin/, pinned here, so a fresh machine
# without internet gets the same tools as a developer's laptop.

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec
export GOTOOLCHAIN := local

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/kubearc/kubearc/internal/version.Version=$(VERSION)

BIN := $(CURDIR)/bin
CONTROLLER_TOOLS_VERSION ?= v0.23.0
GOLANGCI_LINT_VERSION ?= v2.15.0
ENVTEST_K8S_VERSION ?= 1.37.2
ENVTEST_ETCD_VERSION ?= 3.6.16

CONTROLLER_GEN := $(BIN)/controller-gen-$(CONTROLLER_TOOLS_VERSION)
GOLANGCI_LINT := $(BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
ENVTEST_ENV := KUBE_VERSION=$(ENVTEST_K8S_VERSION) ETCD_VERSION=$(ENVTEST_ETCD_VERSION)

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  %-16s %s\n", $$1, $$2 } /^##@/ { printf "\n%s\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: $(CONTROLLER_GEN) ## Generate CRDs and RBAC from the kubebuilder markers, and the agent chart's copies.
	$(CONTROLLER_GEN) rbac:roleName=kubearc-agent crd paths="./..." output:crd:artifacts:config=config/crd/bases
	rm -rf charts/kubearc-agent/crds && mkdir -p charts/kubearc-agent/crds
	cp config/crd/bases/*.yaml charts/kubearc-agent/crds/
	hack/chart-rbac.sh
	hack/flux-crds.sh $(CONTROLLER_GEN)
	hack/gatekeeper-crds.sh $(CONTROLLER_GEN)

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate the DeepCopy methods of the API types.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: fmt
fmt: ## Format the code.
	go fmt ./...

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: lint
lint: $(GOLANGCI_LINT) ## Run golangci-lint.
	$(GOLANGCI_LINT) run ./...

.PHONY: verify
verify: $(CONTROLLER_GEN) ## Fail when generated files are stale, go.mod is untidy, or vet or lint complain.
	hack/verify-generated.sh $(MAKE) manifests generate
	go mod tidy -diff
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed on:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(MAKE) vet lint

.PHONY: envtest
envtest: ## Build kube-apiserver, etcd and kubectl for the tests (cached under bin/k8s).
	$(ENVTEST_ENV) hack/envtest.sh

FUZZ_TIME ?= 10s

# test's -timeout: a package's first build of the agent image for two architectures, on a
# fresh machine's empty build cache beside the other packages' tests, can take past 10m.
.PHONY: test
test: verify gatekeeper otelcol chromium postgres ## Verify, run every test (envtest: a real kube-apiserver), then fuzz briefly.
	KUBEBUILDER_ASSETS="$$($(ENVTEST_ENV) hack/envtest.sh)" go test ./... -timeout 20m -coverprofile $(BIN)/cover.out
	$(MAKE) test-race e2e fuzz

.PHONY: test-race
test-race: postgres ## Run the hub's concurrency and crash suites under the race detector, on SQLite and PostgreSQL.
	go test -race -count=1 ./hub/store/... ./hub/server -run 'Conformance|Racing|Crash'

.PHONY: flux
flux: ## Build the Flux source- and kustomize-controller for the e2e tests (cached under bin/flux).
	hack/flux.sh

.PHONY: gatekeeper
gatekeeper: ## Build OPA Gatekeeper's manager for the tests (cached under bin/gatekeeper).
	hack/gatekeeper.sh

.PHONY: otelcol
otelcol: ## Build the test OpenTelemetry Collector, kubearc-otelcol (cached under bin/otelcol).
	hack/otelcol.sh

.PHONY: chromium
chromium: ## Install Debian's chromium for the tests that drive a real browser (apt-get, as root, when missing).
	hack/chromium.sh

.PHONY: postgres
postgres: ## Install PostgreSQL from Debian's packages when missing (apt-get, as root): the tests start throw-away servers with hack/postgres.sh.
	hack/postgres.sh install >/dev/null

.PHONY: haproxy
haproxy: ## Install HAProxy from Debian's packages when missing (apt-get, as root): the e2e puts it in front of several hub replicas.
	hack/haproxy.sh >/dev/null

.PHONY: e2e
e2e: build flux gatekeeper otelcol chromium postgres haproxy ## Run the end-to-end tests (test/e2e): the binaries driven as the quickstart and a user do.
	KUBEBUILDER_ASSETS="$$($(ENVTEST_ENV) hack/envtest.sh)" go test -tags e2e ./test/e2e/... -count=1 -v -timeout 20m

.PHONY: screenshots
screenshots: build chromium ## Retake docs/images/portal-*.png: the portal journey (test/e2e) in chromium, saving its pages.
	KUBEBUILDER_ASSETS="$$($(ENVTEST_ENV) hack/envtest.sh)" go test -tags e2e ./test/e2e/ -run '^TestPortalJourney$$' -count=1 -timeout 15m \
		-args -portal-screenshots $(CURDIR)/docs/images

.PHONY: fuzz
fuzz: ## Fuzz the management API's request decoding and the agent API's reports, each for FUZZ_TIME (default 10s).
	go test ./hub/armapi -run '^$$' -fuzz FuzzDecodeCluster -fuzztime $(FUZZ_TIME)
	go test ./hub/agentapi -run '^$$' -fuzz FuzzHeartbeat -fuzztime $(FUZZ_TIME)
	go test ./hub/agentapi -run '^$$' -fuzz FuzzStatusReport -fuzztime $(FUZZ_TIME)
	go test ./hub/armapi -run '^$$' -fuzz FuzzCreateToken -fuzztime $(FUZZ_TIME)

##@ Build

.PHONY: build
build: ## Build kubearc-agent, kubearc-installer (its Helm process), kubearc-hub, arcctl and localcluster (the quickstart's cluster) into bin/.
	go build -ldflags "$(LDFLAGS)" -o $(BIN)/kubearc-agent .
	go build -ldflags "$(LDFLAGS)" -o $(BIN)/kubearc-installer ./cmd/kubearc-installer
	go build -ldflags "$(LDFLAGS)" -o $(BIN)/kubearc-hub ./cmd/kubearc-hub
	go build -ldflags "$(LDFLAGS)" -o $(BIN)/arcctl ./cmd/arcctl
	go build -o $(BIN)/localcluster ./hack/localcluster

.PHONY: run
run: manifests generate ## Run the agent against the cluster in the current kubeconfig.
	go run -ldflags "$(LDFLAGS)" . --leader-elect=false

##@ Release (docs/release.md)

# REGISTRY names the images <REGISTRY>/kubearc-agent:<IMAGE_TAG>; IMAGE_TAG defaults to the
# agent chart's appVersion, the image its default values install. BASE_IMAGE (an OCI layout
# directory or an image reference) replaces the scratch base, CA_FILE the CA certificates put into
# the scratch base; INSECURE=1 pushes over plain HTTP.
REGISTRY ?= ghcr.io/kubearc
IMAGE_TAG ?=
PLATFORMS ?= linux/amd64,linux/arm64
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null)
# The commit's time stamps the images and chart archives, so the same commit gives the same digests.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
CHART_REPO_URL ?=
RELEASE_TOOL := go run ./hack/release

.PHONY: images
images: ## Build the agent and hub OCI images (linux/amd64+arm64, no Docker) into bin/images.
	$(RELEASE_TOOL) images --out $(BIN)/images --registry $(REGISTRY) --platforms $(PLATFORMS) \
		--version $(VERSION) --revision "$(REVISION)" --created $(SOURCE_DATE_EPOCH) $(if $(IMAGE_TAG),--tag $(IMAGE_TAG)) $(if $(BASE_IMAGE),--base $(BASE_IMAGE)) $(if $(CA_FILE),--ca-file $(CA_FILE))

.PHONY: push
push: images ## Build and push the images to REGISTRY, e.g. make push REGISTRY=registry.example.com/kubearc.
	$(RELEASE_TOOL) push --from $(BIN)/images --registry $(REGISTRY) $(if $(INSECURE),--insecure)

.PHONY: charts
charts: ## Package every chart under charts/ with an index.yaml into bin/charts (CHART_REPO_URL for absolute URLs).
	$(RELEASE_TOOL) charts --charts charts --out $(BIN)/charts --created $(SOURCE_DATE_EPOCH) $(if $(CHART_REPO_URL),--url $(CHART_REPO_URL))

.PHONY: push-charts
push-charts: charts ## Push the packaged charts to oci://REGISTRY/charts, where the built-in catalog looks for ghcr.io/kubearc.
	$(RELEASE_TOOL) push-charts --from $(BIN)/charts --registry $(REGISTRY) --created $(SOURCE_DATE_EPOCH) $(if $(INSECURE),--insecure)

##@ Tools

$(CONTROLLER_GEN):
	hack/go-install.sh $@ sigs.k8s.io/controller-tools/cmd/controller-gen $(CONTROLLER_TOOLS_VERSION)

$(GOLANGCI_LINT):
	hack/go-install.sh $@ github.com/golangci/golangci-lint/v2/cmd/golangci-lint $(GOLANGCI_LINT_VERSION)

##@ Run

.PHONY: quickstart
quickstart: ## Bring up the hub, a local cluster and the agent as processes (Ctrl-C stops them).
	hack/quickstart.sh

.PHONY: quickstart-down
quickstart-down: ## Stop what the quickstart started, disconnect a real cluster, delete .kubearc/.
	hack/quickstart.sh down
