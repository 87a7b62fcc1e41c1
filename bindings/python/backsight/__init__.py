"""Backsight for Python: a thin shell over libbacksight's C API (backsight.h), as the CLI is over
the engine. Reports are the dicts of the JSON objects `backsight scan --format jsonl` writes.

    import backsight
    rules = backsight.compile(["Rules"])
    for report in rules.scan("/srv/rootfs"):
        if report["verdict"] != "clean":
            print(report["path"], [f["ruleID"] for f in report["findings"]])
"""
from ._native import (
    BacksightError,
    CompileError,
    Rules,
    Scan,
    api_version,
    compile,
    version,
)

__all__ = ["BacksightError", "CompileError", "Rules", "Scan", "api_version", "compile", "version"]
