# Linedesk. `make run` serves the product on a fresh machine; `make test`
# runs every test against a real PostgreSQL.

GO ?= go
ADDR ?= 127.0.0.1:8080
export ADDR

.PHONY: run test build generate check-generated db-stop vet

run:
	$(GO) run . dev

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

build:
	$(GO) build -o bin/linedesk .

# Rebuild the generated files: templ components and the stylesheet.
generate: node_modules/.package-lock.json
	$(GO) tool templ generate
	npx tailwindcss -c tailwind.config.js -i static/css/input.css -o static/css/app.css --minify

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Fails when a generated file differs from what `make generate` makes.
check-generated: generate
	@git diff --stat --exit-code -- views static/css/app.css || \
		(echo "generated files are stale: run make generate and commit them" >&2; exit 1)

db-stop:
	$(GO) run . db-stop
