"""The contract suite pointed at a served fake with --mls-url, as a team would point it at
a real MLS server: proves the suite can leave the in-process fake, that the plugin's
remote mode works end to end, and that its per-test cleanup leaves the server empty."""
import pathlib
import subprocess
import sys

from support import QUIET_PLUGINS, counts_of

CONTRACT = pathlib.Path(__file__).parents[1] / "contract"


def test_the_contract_suite_passes_against_a_served_fake_and_cleans_up(start_server):
    server = start_server()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *QUIET_PLUGINS, str(CONTRACT),
         "--mls-url", server.url, "--mls-username", "contract", "--mls-password", "pw", "--mls-allow-writes"],
        capture_output=True, text=True, timeout=300)
    summary = run.stdout.strip().splitlines()[-1]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in summary and "failed" not in summary, summary
    passed = int(summary.split(" passed")[0].split()[-1])
    assert passed >= 50, summary  # the client-only tests ran; only fake-only ones skip
    counts = server.admin("GET", "health").json()["results"]["records"]
    assert counts == counts_of()
    posts = [c for c in server.admin("GET", "calls").json()["results"] if c["method"] == "POST"]
    # the suite's account, and the one the seed document's construction example spells out
    assert posts and {c["user"] for c in posts} == {"contract", "mls_account"}
