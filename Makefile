# Two commands do all the set-up on a fresh machine (Python 3.11, pip, make, gcc):
#   make demo   creates .venv, installs chainrule, runs the main example, prints where the pictures are
#   make test   installs the test extras, runs ruff, mypy and the whole test suite
#   make notebooks  installs JupyterLab and opens the course, one notebook per chapter of the notes
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip --disable-pip-version-check -q
OUT    ?= out
PYTEST_ARGS ?=
# The engine's hot modules, compiled with mypyc when chainrule is installed (setup.py's COMPILED;
# a test checks that the two lists agree): an edit to one of them reinstalls, so that the
# compiled code never lags behind the source.
COMPILED = autograd/engine.py autograd/op.py autograd/ops.py autograd/value.py \
           autograd/tensor.py autograd/tensor_ops.py autograd/functional.py

.PHONY: demo test lint typecheck browser bench clean notebooks

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.demo: $(VENV)/bin/python pyproject.toml setup.py $(COMPILED)
	$(PIP) install -e ".[examples]"
	@touch $@

$(VENV)/.dev: $(VENV)/bin/python pyproject.toml setup.py $(COMPILED)
	$(PIP) install -e ".[dev,examples]"
	@touch $@

demo: $(VENV)/.demo
	$(PY) -m viz.demo --out $(OUT)

$(VENV)/.notebooks: $(VENV)/bin/python pyproject.toml setup.py $(COMPILED)
	$(PIP) install -e ".[notebooks]"
	@touch $@

notebooks: $(VENV)/.notebooks
	$(VENV)/bin/jupyter lab notebooks/

lint: $(VENV)/.dev
	$(PY) -m ruff check --no-cache autograd nn viz tests examples bench notebooks setup.py

typecheck: $(VENV)/.dev
	$(PY) -m mypy
	$(PY) -m mypy --disallow-untyped-defs setup.py

# The browser test drives Debian's chromium (playwright's own browser download cannot work here).
browser:
	@if command -v chromium >/dev/null 2>&1; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "could not install chromium: the browser test will be skipped"; \
	else echo "no chromium and no root apt-get: the browser test will be skipped"; fi

# The whole suite on the build users get (compiled where it could be), then the engine's tests
# again on the Python source, which is what a debugger steps through (CHAINRULE_PURE=1).
test: $(VENV)/.dev lint typecheck browser
	$(PY) -m pytest -n 2 -q $(PYTEST_ARGS)
	CHAINRULE_PURE=1 $(PY) -m pytest -n 2 -q tests/autograd $(PYTEST_ARGS)

bench: $(VENV)/bin/python
	$(PIP) install -e ".[bench]"
	$(PY) bench/engine.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis build
	rm -f autograd/*.so
