# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run chat test install system cluster-system lint check eval bench cluster cluster-stop clean

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
# here), nginx, the reverse proxy of the slow-client tests (deploy/nginx/assistant.conf), and
# PostgreSQL and Redis: every store test runs on PostgreSQL too, the shared-Redis tests and the
# reference cluster of tests/cluster/ start throwaway servers of both.
system: cluster-system
	.ci/apt chromium

cluster-system:
	.ci/apt nginx
	.ci/apt pg_ctl postgresql
	.ci/apt redis-server

# The reference cluster on loopback (docs/operations.md, "Several app servers"): PostgreSQL, Redis, two
# app servers and nginx in front, everything in CLUSTER_DIR (by default a new temporary folder, kept in
# data/cluster.json); it prints its address. `make cluster-stop` stops exactly what it started.
CLUSTER_DIR ?=
cluster: $(STAMP) cluster-system
	$(BIN)/assistant cluster start $(if $(CLUSTER_DIR),--folder $(CLUSTER_DIR))

cluster-stop: $(STAMP)
	$(BIN)/assistant cluster stop $(if $(CLUSTER_DIR),--folder $(CLUSTER_DIR))

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
