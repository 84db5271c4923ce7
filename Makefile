# The two commands: `make run` and `make test`. Everything else is for developers and CI.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ENVFILE := var/yangguang.env

.PHONY: run test test-postgres browser-test bench check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# Fresh keys once per checkout; never committed (var/ is ignored).
$(ENVFILE): | $(STAMP)
	@mkdir -p var
	@$(BIN)/python -m yangguang.keys > $(ENVFILE).tmp && mv $(ENVFILE).tmp $(ENVFILE)
	@echo "已生成密钥文件 $(ENVFILE)"

run: $(STAMP) $(ENVFILE)
	@set -a && . ./$(ENVFILE) && set +a && $(BIN)/yangguang demo

# The whole suite on SQLite (or on PostgreSQL when DATABASE_URL=postgres://… is set).
test: $(STAMP)
	$(BIN)/pytest -m "not browser" -p no:cacheprovider

browser-test: $(STAMP)
	$(BIN)/pytest -m browser -p no:cacheprovider

# By hand, not in CI: the search benchmark loads 1,000,000 records into each database (~25 min); the
# service statistics benchmark loads 10,000,000 cases into PostgreSQL (~15 min, ~15 GB of disk); the
# supervision benchmark 1,000,000 open cases (~5-10 min).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_workdays.py
	$(BIN)/python benchmarks/bench_search.py
	$(BIN)/python benchmarks/bench_service_stats.py --wait-idle 30
	$(BIN)/python benchmarks/bench_supervision.py --wait-idle 10

clean:
	rm -rf $(VENV) var/test-*.sqlite3*
