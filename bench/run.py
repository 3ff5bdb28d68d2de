"""`make bench`: one table of ratios, every baseline measured in the same run.

    .venv/bin/python bench/run.py            # the full run (a few minutes)
    .venv/bin/python bench/run.py --quick    # fewer rounds, for a smoke check
    .venv/bin/python bench/run.py --only 1,2 # some sections

Writes the table to bench/RESULTS.md as well. Load tests target 127.0.0.1 only.
"""
import argparse
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


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

    libraries = ", ".join(f"{name} {version(name)}" for name in ("flask", "werkzeug", "requests", "responses", "waitress"))
    # requests scans the environment for proxies on every call: part of the floor.
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, {libraries}, {len(os.environ)} environment variables")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls (a smoke run)")
    parser.add_argument("--only", default="1,2,3,4", help="comma-separated sections to run")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"), help="markdown file to write ('' for none)")
    args = parser.parse_args(argv)
    sections = {s.strip() for s in args.only.split(",")}
    rounds, scale = (3, 0.3) if args.quick else (7, 1.0)

    started = time.time()
    lines = ["## Benchmark", "", f"Machine: {machine()}.", "",
             "Every figure is the best of interleaved rounds; every ratio is to a baseline measured in the same run.", ""]
    if "1" in sections or "2" in sections:
        import inprocess
        if "1" in sections:
            lines += inprocess.section_per_call(rounds, scale)[0] + [""]
        if "2" in sections:
            lines += inprocess.section_growth(rounds, scale) + [""]
    if "3" in sections:
        import plugin_overhead
        lines += plugin_overhead.section(rounds, scale) + [""]
    if "4" in sections:
        import server_load
        lines += server_load.section(scale) + [""]
    lines.append(f"Run took {time.time() - started:.0f} s (`{' '.join(['bench/run.py'] + (argv if argv is not None else sys.argv[1:]))}`).")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
