"""Rounding a raw need to whole case packs (入数) and the supplier's minimum order quantity (最小発注数量).

Suppliers ship whole cases and refuse orders under a minimum. The raw need of a policy (order-up-to level
minus inventory position, or the newsvendor buy minus stock) is therefore rounded:

1. to whole cases: up (default; the order never falls short of the need), to the nearest case, or down;
2. to the MOQ, itself counted in whole cases (an MOQ of 10 with cases of 6 means 12). A positive need
   below the MOQ is raised to it, unless it is less than ``moq_min_fraction`` of the MOQ, in which case
   nothing is ordered this time (buying 12 to cover a need of 1 creates dead stock; the next review will
   catch the need when it has grown).

Every row reports the constraint that moved its quantity, so a buyer sees why 7 became 12.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_float, nonnegative
from .constants import BindingConstraint, RoundingRule
from .errors import ReplenishmentInputError

_EPS = 1e-9


class RoundedOrder(NamedTuple):
    """Quantities in whole units (int64) and the constraint that bound each (a ``BindingConstraint`` value).

    When the case-rounded quantity already reaches the MOQ, the code is ``case_pack`` (the MOQ moved nothing).
    """

    quantity: np.ndarray
    binding_constraint: np.ndarray


def effective_moq(case_pack, moq):
    """The MOQ in whole cases: ceil(MOQ / case pack) × case pack (0 when there is no MOQ).

    >>> effective_moq(6, 10), effective_moq(6, 0), effective_moq(1, 5)
    (12, 0, 5)
    """
    pack = _case_pack(case_pack)
    m = nonnegative("moq", moq)
    eff = (np.ceil(m / pack - _EPS) * pack).astype(np.int64)
    return int(eff) if eff.ndim == 0 and np.ndim(case_pack) == 0 and np.ndim(moq) == 0 else eff


def _case_pack(case_pack) -> np.ndarray:
    pack = as_float("case_pack", case_pack)
    if (pack < 1).any() or (np.abs(pack - np.round(pack)) > _EPS).any():
        raise ReplenishmentInputError("case_pack must be a whole number of units >= 1 (use 1 for items sold "
                                      "by the piece)")
    return np.round(pack)


def round_to_case_pack_and_moq(raw_need, case_pack, moq=0, rounding: RoundingRule | str = RoundingRule.UP,
                               moq_min_fraction=0.0):
    """Round raw needs to whole cases and the MOQ, and say which constraint bound (vectorised).

    Parameters:
        raw_need: units wanted (any real; ≤ 0 means nothing to order).
        case_pack: units per case (入数), a whole number ≥ 1.
        moq: minimum order quantity in units (0 = none); counted in whole cases (see :func:`effective_moq`).
        rounding: ``"up"`` (default), ``"nearest"`` or ``"down"`` to whole cases.
        moq_min_fraction: in [0, 1]. A positive need that rounds below the MOQ is raised to the MOQ when it is
            at least this fraction of the MOQ, else dropped (code ``below_moq``). 0 (default) always raises.
            With ``rounding="down"`` an order below the MOQ is always dropped (never more than the need).

    Returns:
        :class:`RoundedOrder`: quantities (multiples of the case pack, 0 or ≥ the effective MOQ) and binding
        constraints (``no_need``, ``none``, ``case_pack``, ``moq``, ``below_moq``). A tuple ``(int, str)``
        when every input is a scalar.

    Equations used:
        packs = ⌈need / pack⌉ (up), ⌊need / pack + ½⌋ (nearest), ⌊need / pack⌋ (down);  q = packs × pack
        m = ⌈MOQ / pack⌉ × pack;   0 < q < m  ⇒  q = m if need ≥ f·m else 0

    >>> round_to_case_pack_and_moq(5.0, 6, 10)
    RoundedOrder(quantity=12, binding_constraint='moq')
    >>> round_to_case_pack_and_moq(13.0, 6, 10)
    RoundedOrder(quantity=18, binding_constraint='case_pack')
    >>> round_to_case_pack_and_moq(18.0, 6, 10)
    RoundedOrder(quantity=18, binding_constraint='none')
    >>> round_to_case_pack_and_moq(1.0, 6, 24, moq_min_fraction=0.25)
    RoundedOrder(quantity=0, binding_constraint='below_moq')
    """
    rule = RoundingRule(rounding)
    need = as_float("raw_need", raw_need)
    pack = _case_pack(case_pack)
    m = nonnegative("moq", moq)
    f = float(as_float("moq_min_fraction", moq_min_fraction))
    if not 0.0 <= f <= 1.0:
        raise ReplenishmentInputError(f"moq_min_fraction must be in [0, 1], got {f}")
    need, pack, m = np.broadcast_arrays(need, pack, m)
    positive_need = np.maximum(need, 0.0)
    ratio = positive_need / pack
    if rule is RoundingRule.UP:
        packs = np.ceil(ratio - _EPS)
    elif rule is RoundingRule.NEAREST:
        packs = np.floor(ratio + 0.5)
    else:
        packs = np.floor(ratio + _EPS)
    q = packs * pack
    m_eff = np.ceil(m / pack - _EPS) * pack
    wants = need > _EPS
    under_moq = wants & (q < m_eff) & (m_eff > 0)
    can_raise = rule is not RoundingRule.DOWN
    raise_to_moq = under_moq & (q > 0) & can_raise & (positive_need >= f * m_eff - _EPS)
    drop = under_moq & ~raise_to_moq & (q > 0)
    q = np.where(raise_to_moq, m_eff, np.where(drop, 0.0, q))
    q = np.where(wants, q, 0.0)
    binding = np.full(q.shape, BindingConstraint.CASE_PACK.value, dtype=object)
    binding[np.abs(q - positive_need) <= _EPS * np.maximum(1.0, positive_need)] = BindingConstraint.NONE.value
    binding[raise_to_moq] = BindingConstraint.MOQ.value
    binding[drop] = BindingConstraint.BELOW_MOQ.value
    binding[~wants] = BindingConstraint.NO_NEED.value
    qty = np.round(q).astype(np.int64)
    if qty.ndim == 0 and all(np.ndim(v) == 0 for v in (raw_need, case_pack, moq)):
        return RoundedOrder(int(qty), str(binding[()]))
    return RoundedOrder(qty, binding)
