"""Engine names, importable without papermill: ``--engine`` choice → papermill engine name."""

from __future__ import annotations

ENGINE_NAME = "govreport"  # the in-process engine registered with papermill
ENGINES: dict[str, str] = {"inprocess": ENGINE_NAME, "kernel": "nbclient"}
