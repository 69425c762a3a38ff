"""The ``ltvzaiko`` command line (SPEC §10)."""
from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

app = typer.Typer(help="ltvzaiko: LTV-aware retail inventory pipeline on Airflow, dbt and PostgreSQL.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
warehouse_app = typer.Typer(help="Manage the embedded PostgreSQL warehouse.", no_args_is_help=True)
app.add_typer(warehouse_app, name="warehouse")
console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def _check_date(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=False)  # stdout stays pipeable


# ---------------------------------------------------------------------------------------------- generate
@app.command()
def generate(
    scale: str = typer.Option("tiny", help="World size: tiny, small, medium or large."),
    seed: int = typer.Option(42, help="Random seed; the same seed writes identical files."),
    start: str = typer.Option("2025-04-01", help="First business date, YYYY-MM-DD.", callback=_check_date),
    days: int = typer.Option(14, min=1, help="Number of business days to write."),
    out: Path = typer.Option(Path("landing"), help="Landing zone directory to write."),
    truth_out: Optional[Path] = typer.Option(None, help="Ground-truth directory (default: <out>.truth, beside "
                                                        "the landing zone; never inside it)."),
    truth: bool = typer.Option(True, help="Write the ground truth (--no-truth skips it)."),
) -> None:
    """Write a landing zone of channel extracts and masters, deterministically from the seed, plus its ground truth."""
    from .world import generate_landing
    from .world.scales import SCALES

    if scale not in SCALES:
        raise typer.BadParameter(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}", param_hint="--scale")
    try:
        with _progress() as progress:
            task = progress.add_task(f"generating {scale} world", total=days)
            world = generate_landing(scale, seed, start, days, out, progress=lambda n: progress.advance(task, n),
                                     truth_out=truth_out, write_truth=truth)
    except (ValueError, OSError) as exc:
        fail(f"could not generate the landing zone: {exc}")
    console.print(f"wrote {len(world.files)} files for {world.dates[0]}..{world.dates[-1]} into {out.resolve()}")
    if world.truth_dir is not None:
        console.print(f"ground truth (evaluation only, not an input): {world.truth_dir.resolve()}")


# --------------------------------------------------------------------------------------------- warehouse
@warehouse_app.command("start")
def warehouse_start() -> None:
    """Start the embedded PostgreSQL (reused when already running)."""
    from .settings import load_settings
    from .warehouse.embedded import EmbeddedWarehouse, WarehouseError

    s = load_settings()
    if s.warehouse_url:
        fail("LTVZAIKO_WAREHOUSE_URL is set, so the embedded warehouse is not used; unset it to manage the embedded one.")
    try:
        st = EmbeddedWarehouse(s.warehouse_dir).start()
    except WarehouseError as exc:
        fail(str(exc))
    console.print(f"embedded warehouse running on 127.0.0.1:{st.port} (data in {s.warehouse_dir / 'pgdata'})")


@warehouse_app.command("stop")
def warehouse_stop() -> None:
    """Stop the embedded PostgreSQL."""
    from .settings import load_settings
    from .warehouse.embedded import EmbeddedWarehouse

    stopped = EmbeddedWarehouse(load_settings().warehouse_dir).stop()
    console.print("embedded warehouse stopped" if stopped else "embedded warehouse was not running")


@warehouse_app.command("status")
def warehouse_status() -> None:
    """Say whether the warehouse is running and where; exit 3 when the embedded one is stopped."""
    from .settings import load_settings
    from .warehouse.connection import resolve_target
    from .warehouse.embedded import EmbeddedWarehouse

    s = load_settings()
    if s.warehouse_url:
        console.print(f"external warehouse (LTVZAIKO_WAREHOUSE_URL): {resolve_target(s).redacted()}")
        return
    wh = EmbeddedWarehouse(s.warehouse_dir)
    st = wh.state()
    if wh.is_running():
        console.print(f"running: embedded PostgreSQL on 127.0.0.1:{st.port}, data in {wh.pgdata}")
    else:
        console.print(f"stopped: embedded PostgreSQL ({'initialised' if st else 'not initialised'}) in {wh.root}")
        raise typer.Exit(3)


@warehouse_app.command("url")
def warehouse_url(
    show_password: bool = typer.Option(True, help="Include the password (for BI tools and psql)."),
    bi: bool = typer.Option(False, "--bi", help="The read-only BI role's URL (ltvzaiko_bi: SELECT on marts only)."),
) -> None:
    """Print the connection URL of the warehouse: the pipeline's owner, or with --bi the read-only BI role."""
    import psycopg

    from .warehouse.connection import resolve_target
    from .warehouse.embedded import WarehouseError
    from .warehouse.roles import bi_password, bi_url, ensure_bi_role

    try:
        target = resolve_target()
    except WarehouseError as exc:
        fail(str(exc))
    url = target.url
    if bi:
        password = bi_password()
        if password is None:
            fail("no password for the BI role: set LTVZAIKO_BI_PASSWORD (an external warehouse's admins may "
                 "also create role ltvzaiko_bi themselves)")
        try:
            with psycopg.connect(target.url, autocommit=True) as conn:
                ensure_bi_role(conn, password)
        except psycopg.Error as exc:
            fail(f"could not create or update the BI role: {exc}")
        url = bi_url(target.url, password)
    print(url if show_password else target.redacted(url))


# ------------------------------------------------------------------------------------------------- run
@app.command()
def run(
    landing: Path = typer.Option(..., exists=True, file_okay=False, help="Landing zone directory."),
    on: Optional[str] = typer.Option(None, "--date", help="One business date, YYYY-MM-DD.", callback=_check_date),
    date_from: Optional[str] = typer.Option(None, "--from", help="First business date of a range.",
                                            callback=_check_date),
    date_to: Optional[str] = typer.Option(None, "--to", help="Last business date of a range.", callback=_check_date),
    each_day: bool = typer.Option(False, "--each-day",
                                  help="With --from/--to: one DAG run per date instead of one backfill run."),
) -> None:
    """Run the daily DAG through Airflow for a business date, or a range of dates (a backfill)."""
    from .stages.run_context import date_range

    if on and (date_from or date_to):
        raise typer.BadParameter("give either --date or --from/--to, not both")
    if not on and not (date_from and date_to):
        raise typer.BadParameter("give --date, or both --from and --to")
    if on:
        runs = [{"business_date": on}]
    elif each_day:
        runs = [{"business_date": d} for d in date_range(date_from, date_to)]
    else:
        date_range(date_from, date_to)  # validates order
        runs = [{"date_from": date_from, "date_to": date_to}]
    _run_dag_runs(landing, runs)


def _describe(conf: dict) -> str:
    if "business_date" in conf:
        return f"business date {conf['business_date']}"
    return f"backfill {conf['date_from']}..{conf['date_to']}"


def _run_dag_runs(landing: Path, runs: list[dict]) -> list:
    from .orchestration.dag_runner import run_daily_dag
    from .warehouse.embedded import WarehouseError

    results = []
    with _progress() as progress:
        task = progress.add_task("ltvzaiko_daily through Airflow", total=len(runs))
        for conf in runs:
            progress.update(task, description=f"ltvzaiko_daily: {_describe(conf)}")
            try:
                res = run_daily_dag(landing, **conf)
            except WarehouseError as exc:
                fail(str(exc))
            results.append(res)
            if not res.success:
                progress.stop()
                fail(f"DAG run for {_describe(conf)} failed after {res.seconds:.0f}s. {res.error}\n"
                     f"Full Airflow output: {res.log_path}")
            progress.console.print(f"  {_describe(conf)}: success in {res.seconds:.0f}s "
                                   f"({len(res.tasks_finished)} tasks)")
            progress.advance(task)
    return results


# --------------------------------------------------------------------------------------------- airflow
@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def airflow(ctx: typer.Context) -> None:
    """Run an Airflow command in the project's Airflow (e.g. `ltvzaiko airflow standalone` for the UI)."""
    import os

    from .orchestration.airflow_home import airflow_bin, prepare_airflow
    from .orchestration.dbt_manifest import build_manifest
    from .warehouse.embedded import WarehouseError

    try:
        build_manifest()
        env, _ = prepare_airflow()
    except WarehouseError as exc:
        fail(str(exc))
    args = list(ctx.args) or ["--help"]
    os.execve(airflow_bin(), [airflow_bin(), *args], env)


# ------------------------------------------------------------------------------------------------ demo
@app.command()
def demo(
    scale: str = typer.Option("small", help="World size for the demo."),
    days: int = typer.Option(60, min=2, help="Days of history to generate and load."),
    seed: int = typer.Option(42, help="Random seed of the generated world."),
    start: str = typer.Option("2025-04-01", help="First business date.", callback=_check_date),
) -> None:
    """Generate a world, start the embedded warehouse, run the daily DAG over the history and summarise."""
    from .settings import load_settings
    from .world import generate_landing

    s = load_settings()
    landing = s.home / "demo_landing"
    console.rule("[bold]ltvzaiko demo")
    with _progress() as progress:
        task = progress.add_task(f"generating a {scale} world ({days} days)", total=days)
        world = generate_landing(scale, seed, start, days, landing, progress=lambda n: progress.advance(task, n))
    history_end = world.dates[-2]
    _run_dag_runs(landing, [{"date_from": world.dates[0], "date_to": history_end},
                            {"business_date": world.dates[-1]}])
    _print_demo_summary(world.dates[0], world.dates[-1])


def _print_demo_summary(first: str, last: str) -> None:
    import psycopg
    from rich.table import Table

    from .settings import load_settings
    from .warehouse.connection import resolve_target

    s = load_settings()
    target = resolve_target(s)
    with psycopg.connect(target.url) as conn:
        rows, units, sales, gp = conn.execute(
            "select count(*), coalesce(sum(units),0), coalesce(sum(net_sales_jpy),0), coalesce(sum(gross_profit_jpy),0)"
            " from marts.mart_channel_sales_daily").fetchone()
        by_channel = conn.execute(
            "select channel, sum(units), sum(net_sales_jpy), sum(gross_profit_jpy) from marts.mart_channel_sales_daily"
            " group by channel order by channel").fetchall()
    table = Table(title=f"mart_channel_sales_daily {first}..{last} (チャネル別日次売上)")
    for col in ("channel", "units", "net sales ¥ (税抜)", "gross profit ¥ (粗利)"):
        table.add_column(col, justify="right")
    for ch, u, ns, g in by_channel:
        table.add_row(ch, f"{u:,}", f"{ns:,}", f"{g:,}")
    console.print(table)
    console.print(f"[bold green]done.[/] {rows:,} mart rows; {units:,} units; net sales ¥{sales:,}; "
                  f"gross profit ¥{gp:,}")
    console.print(f"  mart:       marts.mart_channel_sales_daily in {target.redacted()}")
    console.print(f"  connect:    psql \"$(.venv/bin/ltvzaiko warehouse url)\"   (LTVZAIKO_HOME={s.home})")
    console.print("  BI tools:   .venv/bin/ltvzaiko warehouse url --bi   (role ltvzaiko_bi: read-only, schema marts)")
    docs = s.home / "dbt_docs" / "static_index.html"
    if docs.exists():
        console.print(f"  table docs: {docs.resolve()}   (dbt docs: every mart and column, 日本語 terms)")
    console.print("  Airflow UI: .venv/bin/ltvzaiko airflow standalone   then open http://127.0.0.1:8080 "
                  f"(user admin, password in {s.airflow_home / 'simple_auth_manager_passwords.json.generated'})")
    console.print(f"  run logs:   {s.home / 'logs'}")
    try:
        from .report import build_report

        with psycopg.connect(target.url) as conn:
            orders = conn.execute("select count(*) filter (where recommended_order_qty > 0), "
                                  "coalesce(sum(order_value_jpy), 0) from marts.replenishment_order_list "
                                  "where as_of_date = %s", (last,)).fetchone()
            scored = conn.execute("select count(*) from marts.mart_customer_ltv where as_of_date = %s",
                                  (last,)).fetchone()[0]
        console.print(f"  decisions:  {scored:,} customers scored (mart_customer_ltv); {orders[0]:,} order lines "
                      f"worth ¥{int(orders[1]):,} at cost (replenishment_order_list 発注リスト)")
        path = s.home / "reports" / f"report_{last}.html"  # written by the DAG's publish.report task
        if not path.exists():
            path = build_report(as_of=date.fromisoformat(last))
        console.print(f"  report:     {path.resolve()}   (open it in a browser; 日本語 / English switch at the top)")
    except Exception as exc:  # the summary above is the demo's result; a report problem is reported, not fatal
        err.print(f"[yellow]warning:[/] could not write the report: {exc}")


@app.command()
def bench(
    scale: str = typer.Option("medium", help="World scale for the data steps: tiny, small, medium, large."),
    days: int = typer.Option(0, min=0, help="Days of world to generate (0 = 60, or 14 at tiny)."),
    steps: str = typer.Option("world,backfill,daily_run,ingest,raw_copy,dbt_build,ltv,forecast,portfolio,orders",
                              help="Comma-separated steps to run, in order. backfill and daily_run run the real "
                                   "pipeline through Airflow (all days but the last, then the last)."),
    out: Optional[Path] = typer.Option(None, "--json", "--out", help="Also write the JSON report to this file."),
    work: Optional[Path] = typer.Option(None, help="Scratch directory (default $LTVZAIKO_HOME/bench)."),
) -> None:
    """Measure the pipeline and every heavy step (world, backfill and daily run through Airflow, ingest vs raw
    COPY, dbt build, LTV, forecast, portfolio, orders); JSON out.

    Each step runs in its own process so its peak memory is its own. The steps use databases of their own on
    the warehouse server (ltvzaiko_bench_<scale>, ..._pipeline, ..._airflow), never the pipeline's marts.
    """
    import json

    from .bench.runner import DEFAULT_DAYS, run_bench
    from .settings import load_settings
    from .warehouse.connection import resolve_target
    from .warehouse.embedded import WarehouseError
    from .world.scales import SCALES

    if scale not in SCALES:
        raise typer.BadParameter(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}", param_hint="--scale")
    try:
        target = resolve_target(start=True)
    except WarehouseError as exc:
        fail(str(exc))
    chosen = [s.strip() for s in steps.split(",") if s.strip()]
    s = load_settings()
    with _progress() as progress:
        task = progress.add_task("benchmark", total=len(chosen))
        report = run_bench(scale, days or DEFAULT_DAYS[scale], chosen, work or s.home / "bench", target.url,
                           on_step=lambda name: (progress.update(task, description=f"bench: {name}"),
                                                 progress.advance(task, 0)),
                           # the file holds the figures so far after every step, the whole report at the end
                           on_report=(lambda partial: out.write_text(json.dumps(partial, indent=2, default=str)
                                                                     + "\n")) if out else None)
        progress.update(task, completed=len(chosen))
    text = json.dumps(report, indent=2, default=str)
    if out:
        out.write_text(text + "\n")
    print(text)


@app.command()
def report(
    on: Optional[str] = typer.Option(None, "--date", help="As-of date, YYYY-MM-DD (default: the latest in the marts).",
                                     callback=_check_date),
    out: Optional[Path] = typer.Option(None, help="HTML file to write (default $LTVZAIKO_HOME/reports/report_<date>.html)."),
    schema: str = typer.Option("marts", help="Schema to read the marts from."),
) -> None:
    """Write the HTML report for an as-of date: one self-contained, bilingual file drawn from the marts."""
    import psycopg

    from .report import ReportDataError, build_report
    from .warehouse.embedded import WarehouseError

    try:
        path = build_report(out=out, as_of=date.fromisoformat(on) if on else None, schema=schema)
    except (ReportDataError, WarehouseError) as exc:
        fail(str(exc))
    except psycopg.Error as exc:
        fail(f"could not read the marts: {exc}".strip())
    except OSError as exc:
        fail(f"could not write the report: {exc}")
    print(path.resolve())


@app.command("backtest-policy")
def backtest_policy(
    scale: str = typer.Option("small", help="World size: tiny, small, medium or large."),
    seed: int = typer.Option(1, help="Random seed of the world (same seed, same JSON apart from timings)."),
    days: int = typer.Option(340, min=1, help="Days each policy is replayed after the shared history (340 from "
                                              "1 April covers the autumn/winter season from its buys to its end)."),
    start: str = typer.Option("2024-04-01", help="First day of the simulated world, YYYY-MM-DD.", callback=_check_date),
    warmup_days: int = typer.Option(365, min=0, help="Days of shared history run by the world's own buyer first."),
    budget: str = typer.Option("conventional", help="'conventional': every policy gets the conventional buyer's "
                                                    "monthly open-to-buy; 'none': no budget."),
    forecaster: str = typer.Option("xgboost", help="The ltvzaiko policy's staple forecaster: xgboost or "
                                                   "moving_average."),
    policies: str = typer.Option("conventional,ltvzaiko,oracle", help="Comma-separated policies to replay."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the JSON report to this file."),
) -> None:
    """Replay the world day by day with the conventional, ltvzaiko and oracle policies; compare gross profit,
    lost sales, dead stock, inventory, fill rates and turns (SPEC §6.6). JSON on stdout, progress on stderr."""
    import json

    from .backtest import BacktestConfig, LtvzaikoPolicyConfig, run_backtest
    from .world.scales import SCALES

    if scale not in SCALES:
        raise typer.BadParameter(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}", param_hint="--scale")
    try:
        config = BacktestConfig(scale=scale, seed=seed, start=date.fromisoformat(start), warmup_days=warmup_days,
                                days=days, budget=budget,
                                policies=tuple(p.strip() for p in policies.split(",") if p.strip()),
                                ltvzaiko=LtvzaikoPolicyConfig(forecaster=forecaster))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    n_pol = len(config.policies)
    with _progress() as progress:
        task = progress.add_task(f"{scale}: shared history", total=warmup_days + days * n_pol)
        last = {"phase": None}

        def on_progress(phase: str, n: int) -> None:
            if phase != last["phase"]:
                label = "shared history (world's buyer)" if phase == "warmup" else f"replaying {phase}"
                progress.update(task, description=f"{scale}: {label}")
                last["phase"] = phase
            progress.advance(task, n)

        report_ = run_backtest(config, progress=on_progress)
    text = json.dumps(report_, indent=2, ensure_ascii=False)
    if json_out:
        json_out.write_text(text + "\n", encoding="utf-8")
    cmp = report_.get("comparison")
    if cmp:
        err.print(f"ltvzaiko vs conventional: gross profit {cmp['gross_profit_delta_jpy']:+,} JPY, dead stock "
                  f"{cmp['leftover_stock_delta_jpy']:+,} JPY, high-LTV fill rate {cmp['fill_rate_high_ltv_delta']:+.3f}"
                  f" — target {'met' if cmp['target_met'] else 'NOT met'}")
    print(text)


# ``ltvzaiko what-if`` (ltvzaiko_tasks/whatif_cli.py)
from .whatif_cli import what_if_command  # noqa: E402

app.command("what-if")(what_if_command)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
