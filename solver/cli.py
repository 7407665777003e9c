"""Command line for the engine: ``boligmatch match``, ``queue``, ``fixtures`` and ``scenario``.

The console script (``service.cli:main``) mounts this app and adds the service commands. Each
command imports what it needs when it runs, so ``boligmatch --help`` and the light commands start
without loading OR-Tools, pandas or matplotlib.
Bad input ends with one line on stderr naming file, row and column, exit code 2, and nothing
written.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from solver.domain import Case

app = typer.Typer(
    help="Boligmatch: exact, explainable weekly youth-housing allocation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
fixtures_app = typer.Typer(help="Generate realistic case folders.", no_args_is_help=True)
app.add_typer(fixtures_app, name="fixtures")
priority_app = typer.Typer(help="Priority schemes: compare the named ones.", no_args_is_help=True)
app.add_typer(priority_app, name="priority")
scenario_app = typer.Typer(help="What-if scenarios: simulate weeks, compare.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


class Language(StrEnum):
    DA = "da"
    EN = "en"


Lang = Annotated[
    Language,
    typer.Option(
        "--lang",
        help="Language of the sentences people read (reasons, errors).",
        envvar="BOLIGMATCH_LANG",
    ),
]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def _read(case_dir: Path, lang: str = "en") -> Case:
    """The case folder, or exit 2 with one line naming the file/row/column."""
    from solver.caseio.issues import CaseError
    from solver.caseio.read import read_case

    if not case_dir.is_dir():
        _fail(f"{case_dir}: not a folder")
    try:
        return read_case(case_dir)
    except CaseError as exc:
        first = exc.issues[0]
        more = len(exc.issues) - 1
        suffix = (f" (og {more} mere)" if lang == "da" else f" (and {more} more)") if more else ""
        _fail(f"{first.where(lang)}: {first.text(lang)}{suffix}")
        raise  # unreachable: _fail exits


@app.command()
def match(
    case_dir: Annotated[Path, typer.Argument(help="Case folder (see docs/case-format).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the three output files.")],
    time_limit: Annotated[
        float, typer.Option(help="Seconds per CP-SAT stage (only with side constraints).")
    ] = 60.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
    lang: Lang = Language.EN,
) -> None:
    """Match one week: write matches.csv, unmatched.csv and summary.json to OUT."""
    from solver.core.problem import SolveParams
    from solver.engine.week import run_case, write_result

    case = _read(case_dir, lang)

    def progress(stage: str, seconds: float) -> None:
        if not quiet:
            typer.echo(f"  {stage:<18} {seconds:8.3f} s", err=True)

    if not quiet:
        typer.echo(
            f"{case_dir}: {len(case.youths)} youths, {len(case.units)} dwellings, "
            f"run date {case.policy.run_date}",
            err=True,
        )
    result = run_case(case, SolveParams(time_limit_s=time_limit), progress=progress)
    write_result(result, out, lang)
    counts = result.summary["counts"]
    typer.echo(
        json.dumps(
            {
                "status": result.summary["status"],
                "housed": counts["housed"],
                "unmatched": counts["unmatched"],
                "unmatched_by_reason": counts["unmatched_by_reason"],
                "out": str(out),
            },
            indent=2,
        )
    )


@fixtures_app.command("generate")
def fixtures_generate(
    profile: Annotated[str, typer.Argument(help="tiny, naestved, copenhagen or national.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the case to.")],
    seed: Annotated[
        int | None, typer.Option(help="Random seed (default: the profile's documented seed).")
    ] = None,
) -> None:
    """Generate a case folder from a named, calibrated profile."""
    from solver.fixtures.generate import generate_command

    try:
        generate_command(profile, seed, out)
    except (KeyError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(f"wrote {out}", err=True)


@app.command("queue")
def queue_command(
    case_dir: Annotated[Path, typer.Argument(help="Case folder (case-format.md).")],
    ref: Annotated[str, typer.Argument(help="The youth's pseudonymous reference.")],
    weeks: Annotated[int, typer.Option(min=1, help="Expected wait: weeks simulated.")] = 26,
    replications: Annotated[
        int, typer.Option(min=0, help="Expected wait: replications (0 = skip it).")
    ] = 20,
    seed: Annotated[int, typer.Option(min=0, help="Expected wait: random seed.")] = 0,
    workers: Annotated[int, typer.Option(min=1, help="Local worker processes.")] = 1,
    lang: Lang = Language.EN,
) -> None:
    """One youth's queue position, what excludes them, the nearest miss and the expected wait."""
    from solver.engine.queue import QueueModel
    from solver.planning.expected_wait import expected_wait

    case = _read(case_dir, lang)
    model = QueueModel(case)
    if ref not in model.index:
        _fail(f"{case_dir}: no youth {ref!r} in youths.csv")
    info = model.info(ref)
    out: dict[str, object] = {
        "youth_ref": ref,
        "position": info.position,
        "ahead": info.ahead,
        "eligible_dwellings": info.eligible_dwellings,
        "pool_size": info.pool_size,
        "excluded_by_rule": info.excluded_by_rule,
        "blocks": list(info.blocks),
        "nearest_miss": info.nearest_miss.text(lang) if info.nearest_miss else None,
        "what_would_help": info.what_would_help.text(lang) if info.what_would_help else None,
    }
    if replications:
        dist = expected_wait(case, ref, weeks=weeks, replications=replications, seed=seed,
                             workers=workers)  # fmt: skip
        out["expected_wait"] = dist.to_dict()
    typer.echo(json.dumps(out, indent=2, ensure_ascii=False))


@priority_app.command("compare")
def priority_compare(
    case_dir: Annotated[Path, typer.Argument(help="Case folder (case-format.md).")],
    lang: Lang = Language.EN,
) -> None:
    """Match the week under each named priority scheme; print who is housed, by situation."""
    from solver.engine.priority import compare_presets
    from solver.i18n.render import label

    case = _read(case_dir, lang)
    rows = compare_presets(case)
    situations = sorted({s for r in rows for s in r["by_situation"]})
    head = ["scheme", "housed", "urgent housed",
            *(label("situation", s, lang) for s in situations)]  # fmt: skip
    typer.echo("| " + " | ".join(head) + " |")
    typer.echo("|" + "---|" * len(head))
    for r in rows:
        cells = [label("preset", r["preset"], lang), str(r["housed"]), str(r["urgent_housed"])]
        for s in situations:
            row = r["by_situation"].get(s, {"housed": 0, "waiting": 0, "median_weeks": None})
            median = "–" if row["median_weeks"] is None else f"{row['median_weeks']}"
            cells.append(f"{row['housed']} of {row['waiting']} ({median} wk)")
        typer.echo("| " + " | ".join(cells) + " |")


@scenario_app.command("run")
def scenario_run(
    files: Annotated[list[Path], typer.Argument(help="Scenario files (scenarios/*.toml).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for tables and plots.")] = Path(
        "out/scenarios"
    ),
    workers: Annotated[
        int | None, typer.Option(help="Local worker processes (default: one per core).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler, tcp://HOST:PORT.", envvar="BOLIGMATCH_DASK_SCHEDULER"),
    ] = None,
    replications: Annotated[
        int | None, typer.Option(help="Override every file's replications.")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(min=0, help="Override every file's seed (same seed, same numbers)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Simulate scenarios against their baseline; print the differences, write CSV/JSON/plots."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from solver.planning.kpi import format_kpi_table, format_table
    from solver.planning.replications import run_scenarios
    from solver.planning.scenario import ScenarioError, load_scenario

    specs, issues = [], []
    for f in files:
        try:
            specs.append(load_scenario(f))
        except ScenarioError as exc:
            issues.extend(exc.issues)
    if issues:
        _fail("\nerror: ".join(issues))
    console = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=console, disable=quiet,
    ) as bar:  # fmt: skip
        task = bar.add_task("replications", total=None)
        result = run_scenarios(
            specs,
            replications=replications,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    paths = result.write(out)
    if result.scenarios:
        Console().print(format_table(result.table()))
    else:  # baselines only (e.g. scenarios/baseline.toml): their own KPIs
        Console().print(format_kpi_table(result.baselines))
    typer.echo(f"wrote {', '.join(str(p) for p in paths.values())}", err=True)


@scenario_app.command("report")
def scenario_report(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Scenario files (default: baseline, greedy-matching, priority-*)."),
    ] = None,
    readme: Annotated[
        bool, typer.Option("--readme", help="Write the report into --readme-path.")
    ] = False,
    readme_path: Annotated[Path, typer.Option(help="The README the report goes into.")] = Path(
        "docs/scenarios/README.md"
    ),
    out: Annotated[Path | None, typer.Option(help="Also write tables and plots here.")] = None,
    workers: Annotated[int | None, typer.Option(help="Local worker processes.")] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler, tcp://HOST:PORT.", envvar="BOLIGMATCH_DASK_SCHEDULER"),
    ] = None,
    replications: Annotated[
        int | None, typer.Option(min=1, help="Override every file's replications.")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Override every file's seed.")] = None,
) -> None:
    """Engine vs greedy vs hindsight and the priority schemes, as Markdown (--readme: into the
    README between its markers)."""
    import shlex
    from dataclasses import replace

    from solver.planning.replications import run_scenarios
    from solver.planning.scenario import ScenarioError, load_scenario
    from solver.reports.policy import REPORT_FILES, policy_report, write_readme
    from solver.resources import SCENARIOS_DIR

    paths = files or [SCENARIOS_DIR / f for f in REPORT_FILES]
    specs, issues = [], []
    for f in paths:
        try:
            specs.append(load_scenario(f))
        except ScenarioError as exc:
            issues.extend(exc.issues)
    if issues:
        _fail("\nerror: ".join(issues))
    keys = {
        replace(
            s, replications=replications or s.replications, seed=s.seed if seed is None else seed
        ).pairing_key()
        for s in specs
    }
    if len(keys) > 1:
        _fail("the report's scenarios must share one baseline (base, horizon, seed, calibration)")
    result = run_scenarios(
        specs, replications=replications, seed=seed, workers=workers, scheduler=scheduler
    )
    shown = ["boligmatch", "scenario", "report"]
    if files:
        shown += [str(f) for f in files]
    if replications is not None:
        shown += ["--replications", str(replications)]
    if seed is not None:
        shown += ["--seed", str(seed)]
    if readme:
        shown.append("--readme")
    report = policy_report(result, shlex.join(shown))
    if out is not None:
        result.write(out)
    if readme:
        write_readme(readme_path, report)
        typer.echo(f"wrote {readme_path}", err=True)
    else:
        typer.echo(report)


def main() -> None:  # pragma: no cover - exercised through the console script
    app(prog_name="boligmatch")


if __name__ == "__main__":  # pragma: no cover
    main()
