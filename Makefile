# Two commands on a fresh machine (README): `make run` and `make test`.
.PHONY: install build build-wasm build-ts run test test-as test-ts bench clean

# npm ci only when the lockfile changed since the last install.
install: node_modules/.install-stamp
node_modules/.install-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build-wasm: install
	npm run build:wasm

build-ts: install
	npm run build:ts

build: build-wasm build-ts

# Decision service on :8080 with the example bundle (FAIRVISOR_CONFIG_FILE overrides it).
run: build
	node bin/fairvisor.js serve --config $${FAIRVISOR_CONFIG_FILE:-examples/token-bucket.json} --port $${PORT:-8080}

test: build
	npm run test:as
	npm run test:ts

bench: build
	npm run bench

clean:
	rm -rf build dist node_modules/.install-stamp
