"""What the browser tests share besides fixtures (a module of its own: `conftest` is a name
every test folder has, so importing from it picks whichever came first)."""
import os
from pathlib import Path

# `make screenshots` sets it: the README's pictures are rewritten only when asked, so a test
# run never changes tracked files.
SCREENSHOTS = Path(__file__).with_name("screenshots")
WRITE_SCREENSHOTS = os.environ.get("MLS_MOCK_SCREENSHOTS") == "1"


def screenshot(driver, name: str, tmp_path: Path) -> Path:
    """A PNG of the page: into tests/browser/screenshots/ (the README's) under `make
    screenshots`, else into the test's tmp_path."""
    target = (SCREENSHOTS if WRITE_SCREENSHOTS else tmp_path) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    data = driver.get_screenshot_as_png()
    assert data.startswith(b"\x89PNG") and len(data) > 10_000, "a blank or broken screenshot"
    target.write_bytes(data)
    return target
