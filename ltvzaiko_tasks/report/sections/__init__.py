"""One module per report section; each turns :class:`~ltvzaiko_tasks.report.data.ReportData` into HTML."""
from __future__ import annotations

from .campaigns import campaign_section
from .channels import channel_section
from .common import Section
from .customers import customer_section
from .forecast import forecast_section
from .inventory import dead_stock_section, sell_through_section
from .kpis import kpi_section
from .orders import order_section
from .portfolio import zpm_section

BUILDERS = (kpi_section, channel_section, order_section, zpm_section, sell_through_section, dead_stock_section,
            campaign_section, customer_section, forecast_section)

__all__ = ["BUILDERS", "Section"]
