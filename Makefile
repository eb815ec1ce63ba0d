# briefbot: `make demo` then `make test` on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out

.PHONY: setup demo test lint typecheck bench serve clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/briefbot db upgrade
	$(BIN)/briefbot seed
	$(BIN)/briefbot ask "NEET in JESS" --chart-dir $(OUT)
	$(BIN)/briefbot demo-charts --output-dir $(OUT)
	@echo "Charts and their alt text are in $(OUT)/"

test: setup
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
	rm -rf $(VENV) $(OUT) .bench *.egg-info
