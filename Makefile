PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,web,bench,spark]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf build/demo.db build/demo.db.vectors
	mkdir -p build
	$(VENV)/bin/retold scan examples/corpus --db build/demo.db --json build/demo.json

test: $(STAMP)
	sh scripts/ensure_chromium.sh
	$(VENV)/bin/ruff check src tests bench scripts fuzz
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench scripts fuzz

bench: $(STAMP)
	$(PY) bench/run_bench.py --docs 10000
	$(PY) bench/stories_bench.py --docs 100000 --add 1000

fuzz: $(STAMP)
	sh fuzz/run.sh $${FUZZ_SECONDS:-300}

clean:
	rm -rf $(VENV) build
