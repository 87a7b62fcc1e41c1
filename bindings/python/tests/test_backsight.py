"""The Python package on the real engine, rules and corpus: every call of the binding, its errors,
and the same reports as the CLI's JSON Lines."""
import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

import backsight

REPOSITORY = Path(__file__).resolve().parents[3]
RULES = REPOSITORY / "Rules"
CORPUS = REPOSITORY / "Corpus"
CLI = Path(os.environ.get("BACKSIGHT_CLI", REPOSITORY / ".build" / "debug" / "backsight"))
HIJACK = "supply-chain/ifunc-resolver-got-hijack"


@pytest.fixture(scope="module")
def rules():
    return backsight.compile([str(RULES)])


def test_version():
    assert backsight.api_version() == 1
    major, minor, patch = backsight.version().split(".")[:3]
    assert major.isdigit() and minor.isdigit()


def test_compile_reports_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: test/bad\ntitle: t\nseverity: high\ncondition:\n  all:\n  - no-such-leaf: 1\n")
    with pytest.raises(backsight.CompileError) as raised:
        backsight.compile(str(tmp_path))
    error = raised.value
    assert (error.file, error.line, error.column) == (str(bad), 6, 5)
    assert str(error).startswith(f"{bad}:6:5: ")
    with pytest.raises(backsight.CompileError) as missing:
        backsight.compile(["/nonexistent/rules"])
    assert missing.value.file == "/nonexistent/rules"
    assert len(backsight.compile([])) == 0


def test_rules_count_and_self_check(rules):
    assert len(rules) > 20
    trusted, message = rules.liblzma_self_check()
    assert trusted, message
    assert "liblzma" in message


def test_scan_yields_the_cli_reports(rules):
    tree = CORPUS / "ifunc"
    reports = list(rules.scan(str(tree), jobs=2))
    by_path = {report["path"]: report for report in reports}
    hijack = by_path["xz-got-hijack/x86_64/libcrc_hijack.so"]
    assert hijack["verdict"] == "malicious"
    assert HIJACK in [finding["ruleID"] for finding in hijack["findings"]]
    assert by_path["glibc-dispatch/x86_64/libdispatch.so"]["findings"] == []

    if not CLI.is_file():
        pytest.skip(f"the CLI is not built at {CLI}")
    output = subprocess.run([str(CLI), "scan", "--format", "jsonl", "--jobs", "2", "--no-default-rules", "--rules", str(RULES), str(tree)],
                            capture_output=True, check=False).stdout
    expected = sorted(line for line in output.splitlines() if b'"type":"file"' in line)
    got = sorted(rules.scan(str(tree), jobs=2).lines())
    assert len(got) > 10
    assert got == expected


def test_scan_bytes_uses_the_virtual_path(rules):
    data = (CORPUS / "ifunc/xz-got-hijack/x86_64/libcrc_hijack.so").read_bytes()
    [report] = list(rules.scan_bytes(data, "usr/lib/liblzma-renamed.so"))
    assert report["path"] == "usr/lib/liblzma-renamed.so"
    assert report["kind"] == "elf"
    assert HIJACK in [finding["ruleID"] for finding in report["findings"]]
    [text] = list(rules.scan_bytes(b"#!/bin/sh\necho hello\n", "usr/bin/hello"))
    assert text["verdict"] == "clean" and text["kind"] == "text"


def test_cancel_from_another_thread_stops_the_scan(rules):
    everything = sum(1 for _ in rules.scan(str(CORPUS), jobs=2))
    scan = rules.scan(str(CORPUS), jobs=2)
    first = next(iter(scan))
    assert "path" in first
    canceller = threading.Thread(target=scan.cancel)
    canceller.start()
    canceller.join()
    rest = list(scan)
    assert scan.cancelled
    assert rest == []
    assert everything > 100


def test_leaving_early_and_closing(rules):
    with rules.scan(str(CORPUS), jobs=2) as scan:
        for _ in zip(range(3), scan):
            pass
    assert list(scan) == []


def test_errors(rules):
    with pytest.raises(backsight.BacksightError) as missing:
        rules.scan("/nonexistent/root")
    assert missing.value.code == 12 and "/nonexistent/root" in str(missing.value)
    with pytest.raises(TypeError):
        rules.scan(str(CORPUS), colour=True)
    with pytest.raises(backsight.BacksightError) as negative:
        rules.scan(str(CORPUS), max_file_seconds=-1)
    assert negative.value.code == 10
