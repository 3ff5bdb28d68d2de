"""The dashboard in a real browser: Debian's headless Chromium and its chromedriver (`make
install` puts them in place; nothing is downloaded at run time), driven by Selenium, one
browser per session (per xdist worker), against the plugin's `mls_live_server`.

A browser that cannot start fails the tests: the dashboard is then untested, which must not
pass for green. Every test ends by checking, from Chrome's own network log, that the page
asked nothing of any host but the fake."""
import json
import os
import shutil
import tempfile
from urllib.parse import urlsplit

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
WINDOW = (1280, 900)
# URLs that name no host: the browser's own pages (its new-tab page at start) and inline data.
BROWSER_OWN = {"data", "about", "blob", "chrome", "chrome-untrusted", "devtools"}


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium, fresh profile, no network of its own (no sync, updates, QUIC)."""
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never fetch a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(f"the browser tests need {', '.join(missing)}: `make install` (apt-get install chromium "
                    "chromium-driver) puts them in place", pytrace=False)
    profile = tempfile.mkdtemp(prefix="mls-mock-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--disable-extensions", "--disable-default-apps",
                 "--no-default-browser-check", "--disable-features=Translate,OptimizationHints,MediaRouter",
                 f"--user-data-dir={profile}", f"--window-size={WINDOW[0]},{WINDOW[1]}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    except Exception as error:  # the point of these tests is a real browser: no browser, no pass
        shutil.rmtree(profile, ignore_errors=True)
        pytest.fail(f"headless Chromium did not start: {type(error).__name__}: {error}", pytrace=False)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> list[str]:
    """Every URL the browser asked for since the last call (Chrome's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@pytest.fixture
def page(browser, mls_live_server):
    """The browser, on this test's fake; afterwards, no request went to another host and the
    page logged no error."""
    requested_urls(browser)  # drop what earlier tests left
    browser.get_log("browser")
    yield browser
    browser.get("about:blank")  # stop the page's polling before the fake is emptied
    origin = urlsplit(mls_live_server.url).netloc
    elsewhere = [url for url in requested_urls(browser)
                 if urlsplit(url).scheme not in BROWSER_OWN and urlsplit(url).netloc != origin]
    assert elsewhere == [], f"the dashboard reached beyond the fake: {elsewhere}"
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"
              and "status of 401" not in entry["message"]]  # a locked page answers 401 by design
    assert errors == [], errors
