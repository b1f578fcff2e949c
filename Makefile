# Forløbsmonitor. `make run` and `make test` do all set-up on a fresh machine: a venv made
# with the machine's python3, uv (pinned in pyproject.toml) installed into it by pip, then
# exactly the packages in uv.lock.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
STAMP  := $(VENV)/.installed-stamp
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=
# One pin for uv: the dev extra in pyproject.toml (uv.lock then installs the same version).
UV_VERSION := $(shell sed -n 's/^ *"uv==\([^"]*\)".*/\1/p' pyproject.toml)

# uv uses the venv above and never downloads a Python of its own.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_NO_PROGRESS := 1
# Compiled modules are kept (__pycache__): a machine that sets PYTHONDONTWRITEBYTECODE
# (this one does) made every test worker, served app and command compile Streamlit, pandas
# and the app from source again (4.2 s of CPU per process instead of 2.0 s). Compiling the
# whole environment at install (UV_COMPILE_BYTECODE) costs 15 s for modules never imported.
unexport PYTHONDONTWRITEBYTECODE
# mypy keeps its cache outside the clone, so a fresh clone (as CI makes) does not analyse
# the stubs of pandas, NumPy and SQLAlchemy again: about 45 s cold, under 1 s warm. The
# cache checks each file's content, so clones and branches can share it.
export MYPY_CACHE_DIR ?= $(HOME)/.cache/forlobsmonitor/mypy

.PHONY: install migrate seed demo run test lint typecheck format lock chromium libreoffice nginx bench serve-prod clean

$(BIN)/uv:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"

# --locked: install what uv.lock says, and stop if pyproject.toml has changed without it.
$(STAMP): pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --locked --extra dev --python $(BIN)/python
	@touch $(STAMP)

install: $(STAMP)

# After a change to the dependencies in pyproject.toml: resolve again and write uv.lock.
lock: | $(BIN)/uv
	$(BIN)/uv lock --python $(BIN)/python

migrate: install
	$(BIN)/python -m db.cli migrate

# Migrates, and fills an empty embedded database with the demo data.
seed: install
	$(BIN)/python -m db.cli seed-if-empty

# Rebuilds the demo data from scratch (wipes the database's data).
demo: install
	$(BIN)/python -m db.cli demo

run: seed
	$(BIN)/streamlit run serve.py --server.port $(PORT) --server.address 127.0.0.1 \
		--server.headless true --browser.gatherUsageStats false

# Debian's Chromium for the browser tests (never a downloaded browser build).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installerer Debians chromium ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	fi

# Debian's LibreOffice (headless) and poppler for the tests that render the committee's
# Word and PowerPoint files to PDF/PNG and count pages and slides.
libreoffice:
	@if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then \
		echo "Installerer Debians libreoffice-writer/-impress og poppler-utils ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			libreoffice-writer libreoffice-impress poppler-utils fonts-dejavu >/dev/null; \
	fi

# Debian's nginx for `make serve-prod` and its test (two app processes behind the proxy).
nginx:
	@command -v nginx >/dev/null || { echo "Installerer Debians nginx-light ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx-light >/dev/null; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Files and settings are in pyproject.toml ([tool.mypy]).
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The tests' SQLite copies, served apps and Chromium profiles go to memory (/dev/shm)
# where the machine has it: on disk every commit of hundreds of test databases waits
# for an fsync while the CPU idles. Three workers on two cores: the browser tests wait on
# Chromium and the served app about a third of the time (measured: -n 2 7 min 12 s,
# -n 3 6 min 15 s, -n 4 slower again).
TEST_TMPDIR := $(shell [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo $${TMPDIR:-/tmp})
test: install chromium libreoffice nginx lint typecheck
	TMPDIR=$(TEST_TMPDIR) $(BIN)/python -m pytest -n 3 --dist loadgroup $(PYTEST_ARGS)

# The page benchmark at M on SQLite (data/bench-m.db, built once); writes bench/results.md.
# L on PostgreSQL: BENCH_ARGS="--size L --url postgresql+psycopg://postgres@127.0.0.1:5432/fm_bench_l"
BENCH_ARGS ?= --size M
bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# N Streamlit processes behind nginx (Debian's package, installed if missing) on PORT 8500.
# Set DATABASE_URL (PostgreSQL) and FORLOB_COOKIE_KEY first; see README, "Drift".
PROCESSES ?= 2
serve-prod: migrate nginx
	$(BIN)/python -m deploy.serve_prod --processes $(PROCESSES) --port $(or $(PROD_PORT),8500)

clean:
	rm -rf $(VENV) data/*.db data/*.db-* .pytest_cache .ruff_cache .mypy_cache
