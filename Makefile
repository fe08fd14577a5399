# kubectl-akash. The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c

MODULE  := github.com/kubectl-akash/kubectl-akash
VERSION ?= $(shell git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null || echo v0.0.0-dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X $(MODULE)/pkg/plugin/version.version=$(VERSION) -X $(MODULE)/pkg/plugin/version.commit=$(COMMIT)
export CGO_ENABLED ?= 0

.PHONY: all build test unit crossbuild deps testbin demo bench bench-nodes cluster-up cluster-down cluster-env dist image vet fmt clean

all: build

## build: the plugin binary, bin/kubectl-akash
build:
	go build -trimpath -ldflags '$(LDFLAGS)' -o bin/kubectl-akash ./cmd/kubectl-akash

## deps: the Debian tools the tests and the bench use besides Go (openssl, jq)
deps:
	hack/deps.sh

## testbin: build (once, cached outside the repo) the Kubernetes components the tests run
testbin:
	hack/testbin.sh >/dev/null

## test: everything — vet, unit tests and the e2e tests against a real local cluster
## (with a real kubelet + containerd node for the node-debug tests)
test: vet crossbuild deps testbin
	KUBECTL_AKASH_TESTBIN="$$(hack/testbin.sh)" KUBECTL_AKASH_E2E=required KUBECTL_AKASH_REAL_NODE=1 \
	  go test -count=1 -timeout 60m ./...

## unit: the tests that need no cluster (e2e tests skip themselves)
unit:
	KUBECTL_AKASH_E2E=off go test -count=1 ./...

## crossbuild: build and vet (tests included) for every platform of the krew manifest,
## so nothing Linux-only slips into the client that laptops run
KREW_PLATFORMS := $(shell awk '$$1 == "os:" { os = $$2 } $$1 == "arch:" { print os "/" $$2 }' krew-manifest/akash.yaml)
crossbuild:
	@for p in $(KREW_PLATFORMS); do \
	  echo "crossbuild $$p"; \
	  GOOS=$${p%/*} GOARCH=$${p#*/} go build -o /dev/null ./...; \
	  GOOS=$${p%/*} GOARCH=$${p#*/} go vet ./...; \
	done

vet:
	@bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$bad" ]; then echo "gofmt needed: $$bad" >&2; exit 1; fi
	go vet ./...

## demo: a local cluster seeded like a real provider, and `kubectl akash leases list` on it
## (builds only the control plane and kwok; `make test` builds the rest)
demo: build
	hack/deps.sh openssl
	hack/demo.sh

## bench: kubectl-akash against the shell runbooks on a local cluster of its own and on
## synthetic /proc trees; writes BENCHMARKS.md and docs/benchmarks.png (tens of minutes;
## BENCH_SIZES="200 1000" BENCH_PROCS="1000 10000" BENCH_RUNS=3 for a quicker run)
bench: build deps testbin
	KUBECTL_AKASH_TESTBIN="$$(hack/testbin.sh)" go run ./hack/bench -plugin bin/kubectl-akash

## bench-nodes: the node fan-out (node-debug health and doctor on many nodes: time to the first
## and to every node's result, API requests per node) on kwok nodes and, as root, the real node;
## writes docs/benchmarks-nodes.md (minutes; BENCH_NODES_KWOK, BENCH_NODES_REPEAT, BENCH_RUNS)
bench-nodes: build deps testbin
	KUBECTL_AKASH_TESTBIN="$$(hack/testbin.sh)" go run ./hack/bench -plugin bin/kubectl-akash -runs "$${BENCH_RUNS:-3}" -nodes-out docs/benchmarks-nodes.md

## cluster-up / cluster-down / cluster-env: the same local cluster by hand
cluster-up:
	hack/cluster.sh up
cluster-down:
	hack/cluster.sh down
cluster-env:
	@hack/cluster.sh env

## image: the agent image node-debug's pods run, for linux/amd64 and linux/arm64, without
## a Docker daemon: dist/image/kubectl-akash-image.oci.tar (multi-arch OCI layout) and one
## docker-archive per platform; load with `ctr -n k8s.io images import FILE`
image:
	go run ./hack/image -version '$(VERSION)' -ldflags '$(LDFLAGS)' -out dist/image

## dist: krew archives for every platform with their sha256 filled into the manifest
dist:
	VERSION=$(VERSION) COMMIT=$(COMMIT) hack/dist.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin dist
