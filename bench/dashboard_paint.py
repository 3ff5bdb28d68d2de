"""The dashboard's first paint with the `large` seed (about 41,000 records), in the headless
Chromium of tests/browser, against a served fake on 127.0.0.1:

    .venv/bin/python bench/dashboard_paint.py            # 7 loads of each page
    .venv/bin/python bench/dashboard_paint.py --rounds 3

Prints, per page, the median and worst of: the server's answer (navigation responseEnd) and
the first contentful paint, both from the page's own Performance API, in ms; and the same
page on an empty fake as the baseline (what the browser costs whatever the data). Not a
test: wall-clock figures depend on the machine (the issue's target: first paint under a
second here)."""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mls_mock import create_app
from mls_mock.seeds import read_seed
from mls_mock.server import LiveServer

PAGES = [
    "/_mock/ui",
    "/_mock/ui/records/buckets",
    "/_mock/ui/records/buckets?q=treatment&page=40",
    "/_mock/ui/records/experiments/5000",
    "/_mock/ui/traffic",
]
TIMING = """
const done = arguments[arguments.length - 1];
const nav = performance.getEntriesByType('navigation')[0];
new PerformanceObserver((list) => {  // buffered: a paint before this line is reported too
  const paint = list.getEntriesByName('first-contentful-paint')[0];
  if (paint) done([nav.responseEnd, paint.startTime]);
}).observe({type: 'paint', buffered: true});
"""


def browser():
    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="mls-mock-bench-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_script_timeout(10)
    return driver, profile


def measure(driver, url: str, rounds: int) -> tuple[list[float], list[float]]:
    answers, paints = [], []
    for _ in range(rounds):
        driver.get("about:blank")
        driver.get(url)
        answer, paint = driver.execute_async_script(TIMING)
        answers.append(answer)
        paints.append(paint)
    return answers, paints


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    large = create_app()
    document, source = read_seed("large")
    large.state.store.load(document, source)
    empty = create_app()
    driver, profile = browser()
    servers = [LiveServer(app).start() for app in (large, empty)]
    try:
        print(f"large seed: {sum(large.state.store.counts().values()):,} records; {args.rounds} loads a page; ms")
        print(f"{'page':58} {'answer med/max':>16} {'paint med/max':>16} {'empty: paint med':>17}")
        for path in PAGES:
            answers, paints = measure(driver, servers[0].url + path, args.rounds)
            _, baseline = measure(driver, servers[1].url + path, args.rounds)
            print(
                f"{path:58} {statistics.median(answers):7.0f} /{max(answers):6.0f} "
                f"{statistics.median(paints):8.0f} /{max(paints):6.0f} {statistics.median(baseline):17.0f}"
            )
    finally:
        for server in servers:
            server.stop()
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
