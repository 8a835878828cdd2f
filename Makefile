# Two commands: `make report` (the main job on the sample corpus) and `make test`.
# Both create .venv and install what they need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup report test extract excel lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

report: setup            ## extract, run every notebook, write reports/ and reports/appendix.xlsx
	$(BIN)/analysis report

test: setup              ## the whole test suite, notebooks and end-to-end runs included
	$(BIN)/python -m pytest -q

extract: setup           ## tables only: data/raw -> data/processed
	$(BIN)/analysis extract

excel: setup             ## the Excel appendix from the current tables
	$(BIN)/analysis excel

lint: setup
	$(BIN)/ruff check src tests bench scripts notebooks

bench: setup             ## speed and memory figures (bench/results/latest.json)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py --docs 10000

clean:
	rm -rf data/processed/* reports/* $(VENV)
	touch data/processed/.gitkeep reports/.gitkeep
