# kmsmac — common tasks. `make help` lists them.
GO        ?= go
ADDR      ?= 127.0.0.1:4599
FUZZTIME  ?= 20s
BENCHTIME ?= 1s
SOAK      ?= 2m

.PHONY: help build test race lint fuzz serve conform conform-moto conform-localkms expectations matrix bench soak perf-report suite-times clean

# The sed expands the variables named in the descriptions (their values now).
help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-17s %s\n", $$1, $$2}' | \
	  sed -e 's/\$$(FUZZTIME)/$(FUZZTIME)/g' -e 's/\$$(ADDR)/$(ADDR)/g' -e 's/\$$(SOAK)/$(SOAK)/g'

build: ## build ./bin/kmsmac
	$(GO) build -o bin/kmsmac ./cmd/kmsmac

test: ## run every test (race detector on), the conformance suite against the embedded reference included
	$(GO) test -race -count=1 ./...

lint: ## gofmt + go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fuzz: ## fuzz the reference endpoint's request handling for $(FUZZTIME)
	$(GO) test -run '^$$' -fuzz '^FuzzHandler$$' -fuzztime $(FUZZTIME) ./reference

# serve and conform run the built binary, not "go run": go run turns every
# non-zero exit into 1, and conform's 2 (setup error) must stay 2.
serve: build ## run the reference endpoint on $(ADDR)
	bin/kmsmac serve --addr $(ADDR)

conform: build ## run the conformance suite against the embedded reference, as a user would
	@mkdir -p reports
	bin/kmsmac conform --format progress --report reports/reference.md --report reports/reference.json

conform-moto: ## conformance against moto_server, gated on expectations/moto.yaml (fails on a regression)
	bash scripts/conform-moto.sh

conform-localkms: ## conformance against local-kms (installed if missing), gated on expectations/local-kms.yaml
	bash scripts/conform-localkms.sh

expectations: ## rewrite expectations/{moto,local-kms}.yaml from fresh runs (after a deliberate change of verdicts)
	EXPECT= bash scripts/conform-moto.sh --write-expectations expectations/moto.yaml
	EXPECT= bash scripts/conform-localkms.sh --write-expectations expectations/local-kms.yaml

matrix: build ## conform against the reference, moto_server and local-kms; side by side into docs/conformance.{md,html}
	bash scripts/matrix.sh

bench: ## HMAC core, endpoint and suite-overhead (ns/scenario) benchmarks (Go benchmark format)
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) ./reference/mac ./bench/... ./runner

soak: ## fixed mixed load on kmsmac serve (memory, then --data) for $(SOAK) each: RSS, open files, goroutines, p99 into reports/soak.md
	SOAK=$(SOAK) bash scripts/soak.sh

suite-times: ## time whole conformance runs against the reference, moto_server and local-kms → docs/perf-data/suite-times.txt (~3 min)
	bash scripts/suite-times.sh

perf-report: ## benchmark the reference, the floor server and moto_server side by side into docs/perf.md
	bash scripts/perf-report.sh

clean:
	rm -rf bin reports
