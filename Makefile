# briefbot: `make demo` then `make test` on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out
# Microsoft 365 Agents Playground, a Teams client for tests/handlers/teams/test_teams_playground.py: npm ci from the lock file.
PLAYGROUND := tests/playground
PLAYGROUND_STAMP := $(PLAYGROUND)/node_modules/.installed

.PHONY: setup playground demo test lint typecheck bench serve clean

# The playground needs Node 20 and npm: installed here when npm is there; `make test` requires it.
setup: $(STAMP)
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory playground; \
	else echo "npm not found: make test needs Node 20 and npm for the Teams playground test"; fi

playground: $(PLAYGROUND_STAMP)

$(PLAYGROUND_STAMP): $(PLAYGROUND)/package.json $(PLAYGROUND)/package-lock.json
	cd $(PLAYGROUND) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	# --no-seed: `seed` loads the figures next; without it a new store would load the national set twice.
	$(BIN)/briefbot --no-seed db upgrade
	$(BIN)/briefbot seed
	$(BIN)/briefbot ask "NEET in JESS" --chart-dir $(OUT)
	$(BIN)/briefbot demo-charts --output-dir $(OUT)
	@echo "Charts and their alt text are in $(OUT)/"

test: setup playground
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m bench

serve: setup
	$(BIN)/briefbot serve

clean:
	rm -rf $(VENV) $(OUT) .bench *.egg-info $(PLAYGROUND)/node_modules
