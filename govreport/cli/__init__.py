"""The ``govreport`` command line.

Each sub-command lives in its own module (``govreport/cli/<name>.py``) exposing ``add_arguments(parser)``
and ``run(args) -> int``; its one-line help is in :data:`COMMANDS` (the one place: the top-level listing and
the command's own ``--help`` both read it). Only the chosen command's module is imported, so
``govreport check`` never pays for matplotlib, nbconvert or Playwright.

Exit status: 0 success; 1 the command ran and found errors (failed checks, failed renders);
2 a user mistake (bad input, unknown agency, missing dependency), reported in one message without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from govreport import __version__

#: command name -> (module, one-line help). Order is the order shown by ``govreport --help``.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "run every consistency rule over a dataset and print the findings"),
    "stats": ("stats", "print the statistics of one agency-year (channel shares, rates)"),
    "agencies": ("agencies", "list the agencies and years in a dataset"),
    "template": ("template", "write an Excel template laid out like the official tables"),
    "import": ("import_", "validate a filled-in Excel/CSV template and add it to the dataset"),
    "narrative": ("narrative", "write the text of an agency-year: official headings, standard sentences, draft"),
    "synth": ("synth", "write a clearly labelled synthetic dataset (for tests and benchmarks)"),
    "render": ("render", "render an agency-year's report to HTML and PDF"),
    "snapshot": ("snapshot", "render page 1 of a report's PDF to PNG"),
    "batch": ("batch", "render every agency-year of a dataset, incrementally, in parallel"),
    "compare": ("compare", "render the cross-agency comparison report"),
    "export": ("export", "export the dataset as open data (CSV or JSON) with a data dictionary"),
    "ingest": ("ingest", "read published reports (text/HTML in any encoding, PDF, Word .docx) into the dataset"),
    "audit": ("audit", "ingest published reports and check them"),
    "lab": ("lab", "open JupyterLab on the project's notebooks with the govreport kernel"),
}

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _available() -> dict[str, tuple[str, str]]:
    from importlib.util import find_spec

    return {name: v for name, v in COMMANDS.items() if find_spec(f"{__name__}.{v[0]}") is not None}


def _top_parser(commands: dict[str, tuple[str, str]]) -> argparse.ArgumentParser:
    listing = "\n".join(f"  {name:<10} {help_}" for name, (_, help_) in commands.items())
    parser = argparse.ArgumentParser(
        prog="govreport",
        description="Compute, check and render 政府信息公开工作年度报告.",
        epilog=f"commands:\n{listing}\n\nRun `govreport COMMAND --help` for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"govreport {__version__}")
    parser.add_argument("command", nargs="?", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = _available()
    top = _top_parser(commands)
    if not argv or argv[0].startswith("-"):
        top.parse_args(argv)
        top.print_help()
        return EXIT_USAGE if not argv else EXIT_OK
    name, rest = argv[0], argv[1:]
    if name not in commands:
        top.print_usage(sys.stderr)
        close = [c for c in commands if c.startswith(name[:2])]
        print(f"govreport：未知的命令 {name!r}" + (f"；是否指 {' 或 '.join(close)}？" if close else ""),
              file=sys.stderr)
        return EXIT_USAGE
    module = importlib.import_module(f"{__name__}.{commands[name][0]}")
    parser = argparse.ArgumentParser(prog=f"govreport {name}", description=commands[name][1])
    module.add_arguments(parser)
    from govreport.core.errors import GovreportError

    try:
        args = parser.parse_args(rest)
    except GovreportError as exc:  # an argument's type refused its value (e.g. --agency ../x)
        print(f"govreport：错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    return run_guarded(module.run, args)


def run_guarded(func, args) -> int:
    """Run a command; a :class:`GovreportError` becomes one message on stderr and exit status 2."""
    from govreport.core.errors import GovreportError

    try:
        return int(func(args) or 0)
    except GovreportError as exc:
        print(f"govreport：错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("govreport：已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
