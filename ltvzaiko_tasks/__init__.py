"""ltvzaiko: the pipeline's Python package (ingest, quality gates, models, replenishment, report)."""
import pandas as _pd

# pandas 3 stores its default ``str`` dtype in Arrow whenever pyarrow is importable, and pyarrow arrives with
# many optional packages (the ``bench`` extra's statsforecast among them). Some string results differ between
# the two storages (``.str.split`` gives NumPy arrays instead of lists under Arrow), so the package pins the
# storage it is written and tested against: the same behaviour with or without pyarrow installed.
_pd.set_option("mode.string_storage", "python")
