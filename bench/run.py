"""`make bench`: one table of ratios, every baseline measured in the same run.

    .venv/bin/python bench/run.py            # the full run (a few minutes)
    .venv/bin/python bench/run.py --quick    # fewer rounds, for a smoke check
    .venv/bin/python bench/run.py --only 1,5 # some sections

Writes the table to bench/RESULTS.md as well. Load tests target 127.0.0.1 only.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTES = """Every figure is the best of interleaved rounds (the run least disturbed by the rest of
the machine); each ratio is to a baseline measured in the same run. **1**: real sktmls
client calls in-process; *floor* = `HTTPAdapter.send` returning a prebuilt response (the
cost of `requests` and the client alone), *responses* and *requests-mock* = a static stub of
each with the same bytes; its aiohttp row makes the call as sktmls's `*_async` methods do (a
`ClientSession` per call) against an *aioresponses* stub of the same bytes; the
recommendation API's `request()` (floor and both stubs) and `request_async()` (aioresponses)
rows answer a 30/70 experiment, a new user each call. **2**: the same
calls against a store of 10 and of 10,000 units (fixtures/large.py).
**3**: pytest in a subprocess on 500 generated tests. **4**: `mls-mock serve` (waitress,
8 threads) on 1,000 seeded units, N keep-alive loopback clients in this process for 3 s or
30,000 requests; GET+POST is half `create_channel`; *waitress floor* serves a constant body.
**5**: the same server seeded with N experiments, in memory and with `--state` (SQLite),
4 keep-alive clients renaming experiments (`PUT`) for 1 s, 7 rounds going round all 7 servers;
its ratios are the median of the rounds' ratios.
The load generator shares the 2 cores with the server."""
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from timing import table


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    libraries = ", ".join(
        f"{name} {version(name)}"
        for name in ("flask", "werkzeug", "requests", "responses", "requests-mock", "waitress", "aiohttp")
    )
    # requests scans the environment for proxies on every call: part of the floor.
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {libraries}, {len(os.environ)} environment variables"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls (a smoke run)")
    parser.add_argument("--only", default="1,2,3,4,5", help="comma-separated sections to run")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"), help="markdown file to write ('' for none)")
    parser.add_argument(
        "--no-readme", action="store_true", help="leave README.md alone (a full run, not --quick, rewrites its table)"
    )
    args = parser.parse_args(argv)
    sections = {s.strip() for s in args.only.split(",")}
    rounds, scale = (3, 0.3) if args.quick else (7, 1.0)

    started = time.time()
    rows = []
    if "1" in sections or "2" in sections:
        import inprocess

        if "1" in sections:
            rows += inprocess.section_per_call(rounds, scale)
            import aiohttp_calls

            rows += aiohttp_calls.section(rounds, scale)
            import recommendation_calls

            rows += recommendation_calls.section(rounds, scale)
        if "2" in sections:
            rows += inprocess.section_growth(rounds, scale)
    if "3" in sections:
        import plugin_overhead

        rows += plugin_overhead.section(rounds, scale)
    if "4" in sections:
        import server_load

        rows += server_load.section(scale)
    if "5" in sections:
        import state_writes

        rows += state_writes.section(scale)
    command = " ".join(["bench/run.py"] + (argv if argv is not None else sys.argv[1:]))
    lines = ["## Benchmark", "", f"Machine: {machine()}.", ""]
    lines += table(["section", "measure", "mls-mock", "baseline (same run)", "ratio", "target", "verdict"], rows)
    lines += ["", NOTES, "", f"Run: `{command}`, {time.time() - started:.0f} s."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    if not (args.quick or args.no_readme) and sections == {"1", "2", "3", "4", "5"}:
        update_readme("\n".join(lines[2:]) + "\n")
    return 0


README_START, README_END = "<!-- bench:start (written by bench/run.py) -->\n", "<!-- bench:end -->\n"


def update_readme(table_text: str) -> None:
    """The README shows the last full run: the same figures as RESULTS.md, never retyped."""
    readme = HERE.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return
    head, rest = text.split(README_START, 1)
    tail = rest.split(README_END, 1)[1]
    readme.write_text(head + README_START + table_text + README_END + tail, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
