# Two commands for a fresh machine:  make demo  |  make test
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP_FLAGS ?= --disable-pip-version-check --quiet

.PHONY: demo test install install-test manifest clean help

help:
	@echo "make demo   set up .venv and run the demo on the embedded warehouse"
	@echo "make test   set up .venv with test extras and run the whole test suite"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) --upgrade pip

# Installs are stamped so a warm `make` skips pip entirely.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install $(PIP_FLAGS) -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install $(PIP_FLAGS) -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/ltvzaiko demo

test: install-test
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .ltvzaiko dbt_project/target dbt_project/logs
