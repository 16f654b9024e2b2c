"""The benchmark's own measuring: a report worker's memory is its own, not its parent's."""

import os
import subprocess
import sys

CHILD = (
    "import resource, django; django.setup(); from repatriation.bench import _peak_rss_kb; "
    "print(_peak_rss_kb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def test_a_fresh_process_reports_its_own_peak_memory_not_its_parents():
    """Linux keeps a forked parent's high-water mark in the child's `ru_maxrss` across
    `exec`: the bench, at 300 MB after its scenarios, made every report worker look 300 MB."""
    ballast = bytearray(300 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):  # touch every page: resident, not just reserved
        ballast[i] = 1
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "repatriation.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    own_kb, inherited_kb = (int(value) for value in out.split())
    assert inherited_kb > 300 * 1024  # what the bench used to report
    assert own_kb < 200 * 1024
    del ballast
