# fleet — the two commands of a fresh machine are `make demo` and `make test`.
SHELL := /bin/bash
GO    ?= go
N     ?= 3

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS  = -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

# Static binaries: the controller uploads itself to the hosts as the agent.
export CGO_ENABLED := 0

.PHONY: all build dist dist-check hello test unit e2e lint lab-up lab-down lab-status lab-image lab-consul demo clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/fleet ./cmd/fleet

# Release archives (scripts/dist.sh, README "Install"):
# dist/fleet-$(VERSION)-<os>-<arch>.tar.gz for linux and darwin × amd64 and
# arm64, each with the Linux agents fleet-linux-amd64 and fleet-linux-arm64
# beside fleet, and dist/SHA256SUMS. Dated by the last commit, not now, so
# the same tree and Go give the same bytes. dist-check builds and verifies.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
dist dist-check: DATE = $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)
dist:
	GO='$(GO)' VERSION='$(VERSION)' LDFLAGS='$(LDFLAGS)' SOURCE_DATE_EPOCH='$(SOURCE_DATE_EPOCH)' scripts/dist.sh

dist-check: dist
	GO='$(GO)' VERSION='$(VERSION)' scripts/dist.sh check

# make hello HELLO_VERSION=v2 [BROKEN=unhealthy|exit|flap|errors|slow]
HELLO_VERSION ?= v1
BROKEN ?=
hello:
	$(GO) build -trimpath -ldflags '-s -w -X main.version=$(HELLO_VERSION) -X main.broken=$(BROKEN)' \
		-o build/hello-$(HELLO_VERSION)$(if $(BROKEN),-$(BROKEN)) ./examples/hello

# staticcheck from the Go module proxy, pinned; staticcheck.conf says
# which of its default checks is off and why.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags e2e ./e2e/...
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(STATICCHECK) -tags e2e ./e2e/...

# -race needs cgo; only the shipped binaries are static.
unit:
	CGO_ENABLED=1 $(GO) test -race -count=1 ./...

# The end-to-end tier needs a running lab (make lab-up). The timeout is a
# guard against a hung test, not the budget: the e2e tier takes ~35 min
# (CI's whole make test must stay under 60 min on a fresh machine).
e2e:
	FLEET_E2E=1 $(GO) test -tags e2e -count=1 -p 1 -timeout 50m -v ./e2e/...

# Every test: lint, unit tier, then the lab up (with HAProxy: the e2e tier's
# load-balancer tests need it), the end-to-end tier, the lab down (always,
# even when a test failed).
test: lint unit
	@status=0; \
	LB=1 e2e/lab/lab.sh up $(N) || status=$$?; \
	if [ $$status -eq 0 ]; then $(MAKE) --no-print-directory e2e || status=$$?; fi; \
	e2e/lab/lab.sh down || true; \
	exit $$status

# LB=1: the lab also runs HAProxy (examples/haproxy) on the bridge address,
# following hello through Consul DNS. Off for lab-up unless asked, on for
# demo and test.
LB ?=
lab-up:
	LB=$(if $(LB),$(LB),0) e2e/lab/lab.sh up $(N)

lab-down:
	e2e/lab/lab.sh down

lab-status:
	e2e/lab/lab.sh status

demo: build
	LB=$(if $(LB),$(LB),1) e2e/lab/lab.sh up $(N)
	e2e/demo.sh

lab-image:
	e2e/lab/lab.sh image

lab-consul:
	e2e/lab/lab.sh consul

clean:
	rm -rf bin build dist

# Benchmarks (BENCHMARKS.md): rollouts to 1,000 simulated hosts, then upload
# and rollback on the lab, which are skipped when it is not up (the
# distribution benchmark wants 5 hosts: make lab-up N=5). Prints a
# table; fails when a benchmark fails or a target is missed.
.PHONY: bench
bench:
	@set -o pipefail; $(GO) test -v -run '^$$' -bench . -benchtime 1x -timeout 60m ./bench | $(GO) run ./bench/table
