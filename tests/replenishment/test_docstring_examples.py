"""The docstring examples (textbook numbers, stockpyl style) run as golden tests."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import ltvzaiko_tasks.replenishment as package

MODULES = sorted(m.name for m in pkgutil.iter_modules(package.__path__, package.__name__ + "."))


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {module_name}"


def test_every_public_function_cites_its_equations_or_examples():
    """stockpyl style: each public model function documents its equations (or shows an example)."""
    undocumented = [name for name in package.__all__
                    if callable(getattr(package, name)) and not isinstance(getattr(package, name), type)
                    and not any(word in (getattr(package, name).__doc__ or "")
                                for word in ("Equations used", ">>>"))]
    assert undocumented == []
