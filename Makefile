# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run chat test install check eval bench clean

run: $(STAMP)
	$(BIN)/assistant serve --host 127.0.0.1 --port 8000

chat: $(STAMP)
	$(BIN)/assistant chat --tenant exo

test: $(STAMP)
	$(BIN)/assistant check
	$(BIN)/python -m pytest

install: $(STAMP)

# Reinstall only when the project's dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

check: $(STAMP)
	$(BIN)/assistant check

eval: $(STAMP)
	$(BIN)/assistant eval tests/eval/single.jsonl

bench: $(STAMP)
	$(BIN)/python bench/reply_latency.py
	$(BIN)/python bench/clinc150.py
	$(BIN)/python bench/scaling.py
	$(BIN)/python bench/http_load.py

clean:
	rm -rf $(VENV) data/cache
