"""Behavioural parameters of the world, one small frozen config per concern.

Defaults describe a plausible Japanese apparel retailer. Tests override single fields with
``dataclasses.replace`` (e.g. every store shopper shows the card, no campaigns).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CustomerParams:
    """Purchase process of identified customers: BG/NBD (Fader, Hardie & Lee 2005) plus spend and channels."""
    r: float = 1.3
    alpha_days: float = 65.0
    """Purchase rate λ per day ~ Gamma(shape r, rate alpha_days): mean r / alpha per day (≈ 7.3 a year)."""
    a: float = 0.9
    b: float = 6.0
    """Drop-out probability after each repeat purchase p ~ Beta(a, b) (mean ≈ 0.13)."""
    basket_shape: float = 2.0
    basket_scale: float = 0.4
    """Extra items per trip m ~ Gamma(shape, scale); a trip buys 1 + Poisson(m) items."""
    pre_existing_share: float = 0.6
    pre_existing_years: float = 3.0
    """Share of the population acquired before the first business date, and over how many years."""
    primary_channel_shares: tuple[float, float, float] = (0.55, 0.30, 0.15)
    """Share of customers whose main channel is store / EC / mall."""
    channel_concentration: float = 3.0
    """Dirichlet weight on the main channel (higher: fewer cross-channel shoppers)."""
    secondary_concentration: float = 0.25
    mall_preference: tuple[float, float, float] = (0.5, 0.3, 0.2)
    """Which of the three malls a mall shopper uses."""
    member_share: float = 0.75
    """Store shoppers who take a member card (会員カード) at their first store purchase."""
    card_capture_mean: float = 0.85
    card_capture_concentration: float = 7.5
    """Per-customer probability of showing the card at the till ~ Beta(mean, concentration); 1.0 = always."""
    link_consent: float = 0.35
    """Registered customers who link their mall account (ID連携), so their mall orders can be attributed."""
    tier_shares: tuple[float, float, float] = (0.5, 0.3, 0.2)
    """Taste tiers (value, core, premium) by rank of purchase rate × basket size with noise."""
    tier_price_affinity: tuple[float, float, float] = (-0.35, 0.0, 0.55)
    """Preference for premium styles by tier (log-weight per unit of the style's premium score)."""
    stockout_dropout_boost: float = 0.5
    """A trip with unmet demand multiplies the drop-out probability by 1 + boost (a frustrated visit
    without any purchase drops out with probability p × boost)."""
    growth_plan_per_year: float = 0.15
    """The world's buyer plans with this growth of demand per year."""


@dataclass(frozen=True)
class AnonymousParams:
    """Walk-in store shoppers without a member card (never identified)."""
    basket_mean_extra: float = 0.5
    tier_shares: tuple[float, float, float] = (0.55, 0.33, 0.12)


@dataclass(frozen=True)
class DemandParams:
    """How wishes become sales."""
    substitution_rate: float = 0.35
    """A shopper who finds the wanted SKU out of stock takes another colour/size of the style with this
    probability (when one is in stock); otherwise the sale is lost."""
    markdown_elasticity: float = 1.3
    """Demand multiplier (1 - markdown) ** -elasticity."""
    return_rate: tuple[float, float, float] = (0.03, 0.09, 0.07)
    """Share of sold lines returned, store / EC / mall (dresses ×1.6, accessories ×0.4)."""


@dataclass(frozen=True)
class SupplyParams:
    """The world's own (conventional) ordering and the suppliers' behaviour."""
    safety_z: float = 1.3
    """Safety factor of the conventional order-up-to rule."""
    ewma_alpha: float = 0.08
    """Smoothing of observed sales in the conventional forecast."""
    seasonal_buy_ratio: float = 1.05
    buyer_error_sigma: float = 0.35
    """Initial buys of seasonal styles = plan × lognormal(0, sigma) × ratio: some overbought, some short."""
    late_po_share: float = 0.03
    """Purchase orders hit by a disruption (7-21 extra days)."""
    short_ship_share: float = 0.04
    """PO lines delivered short (60-95 %); the rest is cancelled."""


@dataclass(frozen=True)
class WorldParams:
    customers: CustomerParams = field(default_factory=CustomerParams)
    anonymous: AnonymousParams = field(default_factory=AnonymousParams)
    demand: DemandParams = field(default_factory=DemandParams)
    supply: SupplyParams = field(default_factory=SupplyParams)
    campaigns_enabled: bool = True
