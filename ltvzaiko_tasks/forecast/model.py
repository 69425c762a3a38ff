"""``DemandForecaster``: a global XGBoost model over many demand series, with quantiles."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb

from .config import ForecastConfig
from .constants import DS_COL, ID_COL, MeanObjective
from .errors import ForecastConfigError, ForecastInputError, NotFittedError, examples
from .features import DesignRows, FeatureSpec, feature_set_hash
from .panel import Panel, build_panel
from .validation import check_unique_keys, numeric_column, require_columns, to_days


class DemandForecaster:
    """Global XGBoost demand forecaster for a long table ``series_id, ds, y [, censored] [, features]``.

    Usage, like the mlforecast family::

        fc = DemandForecaster(ForecastConfig(freq="D", horizon=14, gap=7)).fit(history)
        fc.predict(future)   # series_id, ds, mean, p10, p50, p90

    **Direct multi-horizon design.** One model serves every lead: each training example is a
    *(series, origin, lead)* triple, ``lead`` is a feature, and every lag / window is read at or before the
    origin (see ``features``). We chose this over a recursive design because (1) quantiles are learned for
    each lead from real errors at that lead, whereas a recursive model feeds its own point forecasts back
    and under-states the spread of later steps; (2) errors do not compound along the horizon; (3) a ``gap``
    (stock-preparation week) costs nothing: leads simply start at ``gap + 1``; (4) prediction is one batch
    call, not ``horizon`` rounds of feature rebuilding. The cost is ``horizon`` training examples per
    observed target; beyond ``config.max_train_rows`` each target is taught a random run of fewer leads
    (every lead equally often), which keeps memory bounded at retail scale. One model with a lead feature,
    rather than one model per lead, lets the short and long leads share the many effects they have in
    common (price, promotions, calendar, level).

    **Mean objective.** ``reg:tweedie`` (variance power 1.3) by default: retail unit demand is
    non-negative, intermittent (many zero days) and over-dispersed. The Tweedie compound Poisson-gamma
    family puts real probability mass at zero and lets the variance grow like ``mu^p`` with ``1 < p < 2``,
    a little faster than Poisson; its log link keeps forecasts positive and makes price, promotion and
    calendar effects multiplicative, as they are in stores. ``count:poisson`` (the ``p -> 1`` limit) is
    available through ``ForecastConfig.mean_objective``.

    **Quantiles.** A second booster with ``reg:quantileerror`` and ``quantile_alpha`` = all configured
    levels (one multi-output model), learnt from a random subset of at most ``max_quantile_rows`` examples
    (this objective costs about one tree per level per round). Outputs are sorted per row (no quantile
    crossing) and clipped at zero.

    **Censoring (stock-outs).** Rows with ``censored=True`` are days whose demand was not observed (sales
    were capped by stock). They are (1) never training targets, and (2) *missing*, not zero, in every
    demand-based feature: lags at censored days are missing (XGBoost's default-direction handling), rolling
    means / standard deviations and seasonal means average the observed days only, i.e. they are the demand
    estimate from the uncensored neighbourhood; ``censored_share_<w>`` tells the model how much of the
    window was stocked out. The partial sales of a censored day are not used (a lower bound on demand we
    leave unused rather than mistake for demand).

    **New series** borrow strength from ``hierarchy`` groups (group mean demand per series at the origin),
    static attributes and the calendar; the model learns that from series that started inside the history.

    **Reuse.** ``save(dir)`` writes the two boosters and the config; ``DemandForecaster.load(dir)`` reads them
    back, and ``update(history)`` points a fitted or loaded model at a newer history (the lags and windows
    move to the new origin, the trees stay), which is how a weekly-trained model serves daily forecasts.
    """

    ARTIFACT_FORMAT = 1

    def __init__(self, config: ForecastConfig | None = None, *, name: str = "xgboost") -> None:
        self.config = config or ForecastConfig()
        self.name = name
        self.spec_: FeatureSpec | None = None
        self.panel_: Panel | None = None
        self.mean_booster_: xgb.Booster | None = None
        self.quantile_booster_: xgb.Booster | None = None
        self.n_train_rows_: int = 0
        self.n_series_: int = 0
        """Series in the history of the last ``fit`` / ``update``."""
        self.trained_cutoff_: pd.Timestamp | None = None
        """Last date of the history the trees were fitted on (``cutoff_`` moves with ``update``)."""

    def __repr__(self) -> str:
        state = "fitted" if self.panel_ is not None else "not fitted"
        return f"DemandForecaster(name={self.name!r}, {state}, config={self.config!r})"

    @property
    def freq(self):
        return self.config.freq

    @property
    def gap(self) -> int:
        return self.config.gap

    @property
    def horizon(self) -> int:
        return self.config.horizon

    @property
    def cutoff_(self) -> pd.Timestamp:
        """Last date of the fitted history: forecasts start ``gap + 1`` steps after it."""
        return pd.Timestamp(self._fitted().last_day)

    # ------------------------------------------------------------------ fit
    def fit(self, history: pd.DataFrame) -> "DemandForecaster":
        """Learn from ``history`` (``series_id, ds, y`` + optional ``censored`` and numeric features)."""
        panel, spec = self._prepare(history)
        rows, y = self._training_rows(panel, spec)
        X = spec.build(panel, rows)
        cfg, params = self.config, self.config.xgb.booster_params(self.config.seed)
        # Each observed target is stacked over k leads; weight 1/k so a target counts once in total, and
        # min_child_weight keeps meaning "observed targets per leaf" whatever k the row cap led to.
        weight = np.full(len(y), 1.0 / rows.leads_per_target, dtype=np.float32)
        dtrain = xgb.QuantileDMatrix(X, label=y, weight=weight, feature_names=list(spec.feature_names),
                                     max_bin=cfg.xgb.max_bin)
        mean_params = {**params, "objective": cfg.mean_objective.value}
        if cfg.mean_objective is MeanObjective.TWEEDIE:
            mean_params["tweedie_variance_power"] = cfg.tweedie_variance_power
        self.mean_booster_ = xgb.train(mean_params, dtrain, num_boost_round=cfg.xgb.n_estimators)
        q_params = {**params, "objective": "reg:quantileerror", "quantile_alpha": np.array(cfg.quantiles),
                    "eta": cfg.xgb.quantile_learning_rate}
        dquant = dtrain
        if cfg.max_quantile_rows is not None and len(y) > cfg.max_quantile_rows:
            rng = np.random.default_rng(cfg.seed + 1)
            pick = np.sort(rng.choice(len(y), cfg.max_quantile_rows, replace=False))
            dquant = xgb.QuantileDMatrix(X[pick], label=y[pick], weight=weight[pick], ref=dtrain,
                                         feature_names=list(spec.feature_names), max_bin=cfg.xgb.max_bin)
        self.quantile_booster_ = xgb.train(q_params, dquant, num_boost_round=cfg.xgb.quantile_n_estimators)
        self.spec_, self.panel_, self.n_train_rows_, self.n_series_ = spec, panel, len(y), panel.n_series
        self.trained_cutoff_ = pd.Timestamp(panel.last_day)
        return self

    def update(self, history: pd.DataFrame) -> "DemandForecaster":
        """Read features from ``history`` from now on, keeping the fitted trees: forecasts then start
        ``gap + 1`` steps after the end of ``history``. Use it between retrains (daily forecasts from a weekly
        model); nothing is learnt from the new rows."""
        if self.mean_booster_ is None or self.spec_ is None:
            raise NotFittedError("call fit(history) or DemandForecaster.load(path) before update(history)")
        spec = self.spec_
        require_columns(history, (ID_COL, DS_COL, "y", *spec.exogenous, *spec.static_features, *spec.hierarchy),
                        "history", "update() needs the columns the model was fitted with.")
        self.panel_ = None  # the old panel goes before the new one is built (they are large)
        self.panel_ = build_panel(history, freq=self.config.freq, missing_dates=self.config.missing_dates,
                                  exogenous=spec.exogenous, static_features=spec.static_features,
                                  hierarchy=spec.hierarchy)
        self.n_series_ = self.panel_.n_series
        return self

    def release_history(self) -> "DemandForecaster":
        """Drop the history the model reads its lags from (the dense panel: about a gigabyte at medium scale)
        and keep the trees; ``update(history)`` brings a history back before the next ``predict``. ``save``
        does not need it. For long runs that hold a fitted model while doing other work."""
        if self.panel_ is not None:
            self.n_series_ = self.panel_.n_series
        self.panel_ = None
        return self

    # ---------------------------------------------------------------- save / load
    @property
    def feature_set_hash(self) -> str:
        """Hash of the declared feature list and config (see :func:`~.features.feature_set_hash`)."""
        config = self.config
        if self.spec_ is not None:  # what fit resolved from the history (exogenous=None, annual_calendar=None)
            if config.exogenous is None:
                config = replace(config, exogenous=self.spec_.exogenous)
            if config.annual_calendar is None:
                config = replace(config, annual_calendar=self.spec_.annual_calendar)
        return feature_set_hash(config)

    def save(self, path: str | Path) -> Path:
        """Write the fitted model to directory ``path``: ``mean.ubj``, ``quantiles.ubj`` (XGBoost's own
        format) and ``forecaster.json`` (config, feature set, training cutoff). Written aside, then renamed
        into place, so a crash never leaves half a model under ``path``."""
        if self.mean_booster_ is None or self.spec_ is None:
            raise NotFittedError("call fit(history) before save(path)")
        path = Path(path)
        tmp = path.with_name(path.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self.mean_booster_.save_model(str(tmp / "mean.ubj"))
        self.quantile_booster_.save_model(str(tmp / "quantiles.ubj"))
        meta = {"format": self.ARTIFACT_FORMAT, "name": self.name, "config": self.config.to_dict(),
                "spec": self.spec_.to_dict(), "feature_names": list(self.spec_.feature_names),
                "feature_set_hash": self.feature_set_hash, "n_train_rows": int(self.n_train_rows_),
                "trained_cutoff": None if self.trained_cutoff_ is None else str(self.trained_cutoff_.date()),
                "xgboost_version": xgb.__version__}
        (tmp / "forecaster.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if path.exists():
            shutil.rmtree(path)
        tmp.rename(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "DemandForecaster":
        """A model ``save`` wrote. It has trees but no history yet: call ``update(history)`` before
        ``predict``."""
        path = Path(path)
        try:
            meta = json.loads((path / "forecaster.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"no saved forecaster in {path} (forecaster.json missing); fit and save one "
                                    "first") from None
        if meta.get("format") != cls.ARTIFACT_FORMAT:
            raise ForecastConfigError(f"{path}: saved model format {meta.get('format')!r}, this version reads "
                                      f"{cls.ARTIFACT_FORMAT}; retrain the model")
        model = cls(ForecastConfig.from_dict(meta["config"]), name=meta.get("name", "xgboost"))
        model.spec_ = FeatureSpec.from_dict(meta["spec"])
        if list(model.spec_.feature_names) != meta["feature_names"]:
            raise ForecastConfigError(f"{path}: the saved feature list no longer matches what this version builds "
                                      "from the saved config; retrain the model")
        model.mean_booster_ = xgb.Booster(model_file=str(path / "mean.ubj"))
        model.quantile_booster_ = xgb.Booster(model_file=str(path / "quantiles.ubj"))
        for booster in (model.mean_booster_, model.quantile_booster_):
            booster.set_param({"nthread": model.config.xgb.n_jobs})
        model.n_train_rows_ = int(meta.get("n_train_rows", 0))
        cutoff = meta.get("trained_cutoff")
        model.trained_cutoff_ = pd.Timestamp(cutoff) if cutoff else None
        return model

    def _prepare(self, history: pd.DataFrame) -> tuple[Panel, FeatureSpec]:
        require_columns(history, (ID_COL, DS_COL, "y"), "history",
                        "The history is a long table: one row per series and date with demand in 'y'.")
        spec = FeatureSpec.from_config(self.config, history)
        panel = build_panel(history, freq=self.config.freq, missing_dates=self.config.missing_dates,
                            exogenous=spec.exogenous, static_features=spec.static_features,
                            hierarchy=spec.hierarchy)
        return panel, spec

    def _training_rows(self, panel: Panel, spec: FeatureSpec) -> tuple[DesignRows, np.ndarray]:
        """Every observed (not censored) target, stacked over the leads ``gap + 1 .. gap + horizon``."""
        cfg = self.config
        s, t = np.nonzero(~np.isnan(panel.demand))
        keep = t >= spec.warmup + cfg.gap + 1
        s, t = s[keep], t[keep]
        n, h = len(s), cfg.horizon
        k = h if cfg.max_train_rows is None or n * h <= cfg.max_train_rows else max(1, cfg.max_train_rows // max(n, 1))
        if k == h:
            step = np.tile(np.arange(h), n)
        else:  # a random run of k consecutive leads per target (cyclic), so each lead is taught equally often
            start = np.random.default_rng(cfg.seed).integers(0, h, n)
            step = ((start[:, None] + np.arange(k)[None, :]) % h).ravel()
        rep = np.repeat(np.arange(n), k)
        if cfg.max_train_rows is not None and len(rep) > cfg.max_train_rows:  # one lead each is still too many
            pick = np.sort(np.random.default_rng(cfg.seed).choice(len(rep), cfg.max_train_rows, replace=False))
            rep, step = rep[pick], step[pick]
        s, t, lead = s[rep], t[rep], cfg.gap + 1 + step
        origin = t - lead
        keep = origin >= spec.warmup
        s, t, lead, origin = s[keep], t[keep], lead[keep], origin[keep]
        if len(s) == 0:
            need = spec.warmup + cfg.gap + 2
            raise ForecastInputError(
                f"history is too short to learn from: with rolling_windows={cfg.rolling_windows}, gap={cfg.gap} "
                f"a series needs more than {need} observed steps (it has {panel.n_steps}); supply a longer "
                "history or use shorter ForecastConfig(rolling_windows=...)")
        exo = {c: panel.exogenous[c][s, t] for c in spec.exogenous}
        return DesignRows(s, origin, lead, exo, leads_per_target=k), panel.demand[s, t]

    def training_frame(self, history: pd.DataFrame) -> pd.DataFrame:
        """The training examples ``fit`` would build from ``history``: ``series_id, ds, origin_ds, y`` and
        every feature (``lead`` first) (for inspection and leakage tests; nothing is fitted)."""
        panel, spec = self._prepare(history)
        rows, y = self._training_rows(panel, spec)
        frame = spec.frame(panel, rows)
        frame.insert(3, "y", y)
        return frame

    # -------------------------------------------------------------- predict
    def _fitted(self) -> Panel:
        if self.panel_ is None:
            if self.mean_booster_ is not None:
                raise NotFittedError("this model was loaded without a history: call update(history) before "
                                     "predict / make_future")
            raise NotFittedError("call fit(history) before predict / make_future")
        return self.panel_

    def make_future(self, series_ids=None) -> pd.DataFrame:
        """``series_id, ds`` for every forecast step of every (or the given) series; add the known-in-advance
        feature columns before calling ``predict``."""
        panel = self._fitted()
        ids = panel.series_ids if series_ids is None else np.asarray(list(series_ids), dtype=object)
        leads = np.asarray(self.config.leads)
        days = panel.last_day + leads * panel.step_days
        return pd.DataFrame({ID_COL: np.repeat(ids, len(leads)),
                             DS_COL: pd.to_datetime(np.tile(days, len(ids)))})

    def future_rows(self, future: pd.DataFrame) -> DesignRows:
        """Validate ``future`` and turn it into design rows (origin = the last history step)."""
        panel, spec, cfg = self._fitted(), self.spec_, self.config
        require_columns(future, (ID_COL, DS_COL, *spec.exogenous), "future",
                        "future needs the known-in-advance features the model was fit with, for every forecast "
                        "date (planned prices, discounts, promotion flags); make_future() gives the key columns.")
        days = to_days(future[DS_COL], cfg.freq, "future")
        offset = (days - panel.last_day).astype(np.int64)
        lead = offset // panel.step_days
        first, last = cfg.gap + 1, cfg.gap + cfg.horizon
        bad = (offset % panel.step_days != 0) | (lead < first) | (lead > last)
        if bad.any():
            allowed = f"{panel.day_of(panel.n_steps - 1 + first)}..{panel.day_of(panel.n_steps - 1 + last)}"
            raise ForecastInputError(
                f"future has {int(bad.sum())} date(s) outside the forecast window, e.g. "
                f"{examples(sorted({str(d) for d in days[bad]}), 3)}: the history ends {panel.last_day}, and with "
                f"gap={cfg.gap}, horizon={cfg.horizon} (freq={cfg.freq.value!r}) the forecast dates are {allowed}. "
                "Drop those rows, or refit with a larger horizon / the matching gap (make_future() lists the dates)")
        series = panel.series_index(future[ID_COL])
        check_unique_keys(pd.factorize(future[ID_COL])[0], days,
                          future[ID_COL].to_numpy(), "future")
        exo = {c: numeric_column(future, c, "future", "exogenous feature") for c in spec.exogenous}
        static = {c: numeric_column(future, c, "future", "static feature")
                  for c in spec.static_features if c in future.columns}
        groups = {c: panel.groups[c][1].get_indexer(pd.Index(future[c]))
                  for c in spec.hierarchy if c in future.columns}
        return DesignRows(series, np.full(len(future), panel.n_steps - 1), lead, exo, static, groups)

    def predict(self, future: pd.DataFrame) -> pd.DataFrame:
        """Forecast the rows of ``future`` (``series_id, ds`` + the known-in-advance features).

        Returns ``series_id, ds, mean`` and one column per quantile (``p10, p50, p90`` by default), in the
        order of ``future``. Any ``y`` / ``censored`` column in ``future`` is ignored. Static features and
        hierarchy labels come from the history for known series; for a series the history has not seen, put
        them in ``future`` so it can borrow strength from its groups (otherwise those features are missing).
        """
        rows = self.future_rows(future)
        X = self.spec_.build(self.panel_, rows)
        if len(X) == 0:
            return pd.DataFrame({ID_COL: future[ID_COL].to_numpy(), DS_COL: future[DS_COL].to_numpy(),
                                 **{c: np.zeros(0) for c in ("mean", *self.config.quantile_columns)}})
        mean = np.clip(self.mean_booster_.inplace_predict(X), 0.0, None)
        q = np.asarray(self.quantile_booster_.inplace_predict(X)).reshape(len(X), -1)
        q = np.clip(np.sort(q, axis=1), 0.0, None)
        out = pd.DataFrame({ID_COL: future[ID_COL].to_numpy(), DS_COL: future[DS_COL].to_numpy(),
                            "mean": mean.astype(np.float64)})
        for j, col in enumerate(self.config.quantile_columns):
            out[col] = q[:, j].astype(np.float64)
        return out

    def feature_importance(self, importance_type: str = "gain") -> pd.DataFrame:
        """Importance of each feature in the mean and the quantile model (0 for unused features)."""
        if self.mean_booster_ is None:
            raise NotFittedError("call fit(history) before feature_importance")
        names = list(self.spec_.feature_names)
        mean = self.mean_booster_.get_score(importance_type=importance_type)
        quant = self.quantile_booster_.get_score(importance_type=importance_type)
        return pd.DataFrame({"feature": names, "mean_model": [mean.get(n, 0.0) for n in names],
                             "quantile_model": [quant.get(n, 0.0) for n in names]})
