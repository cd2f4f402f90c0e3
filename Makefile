# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run chat test install system lint check eval bench clean

run: $(STAMP)
	$(BIN)/assistant serve --host 127.0.0.1 --port 8000

chat: $(STAMP)
	$(BIN)/assistant chat --tenant exo

test: $(STAMP) system lint
	$(BIN)/assistant check
	$(BIN)/python -m pytest

install: $(STAMP)

# What the tests need beyond pip, from Debian when missing (or one line saying what to install):
# Chromium, which Playwright drives in the browser tests (it cannot download a browser of its own
# here), nginx, the reverse proxy of the slow-client tests (deploy/nginx/assistant.conf),
# PostgreSQL, which every store test runs on too, and redis-server, the Redis that hosts share in the
# tests of ASSISTANT_REDIS_URL (both throwaway servers the tests start: cluster/).
system:
	.ci/apt chromium
	.ci/apt nginx
	.ci/apt '/usr/lib/postgresql/*/bin/initdb' postgresql
	.ci/apt redis-server

# Reinstall only when the project's dependencies or its native module change (pip compiles it with
# gcc when there is one; without, the same loops run in numpy: docs/native.md).
$(STAMP): pyproject.toml $(wildcard src/assistant/kernels/*.c)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

# The code as ruff reads it (its lint rules, and formatted as its formatter writes it), and mypy's
# types on the core, the dialogue, the store and curation (pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/assistant check

eval: $(STAMP)
	$(BIN)/assistant eval tests/eval/single.jsonl

# Every benchmark, then bench/RESULTS.md and its plots (Debian's wrk for the HTTP part, valgrind to count instructions).
bench: $(STAMP)
	.ci/apt wrk
	.ci/apt valgrind
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) data/cache build src/assistant/*.so src/assistant/kernels/*.so
