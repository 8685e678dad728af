"""Take the README's screenshots from a running demo (`./scripts/demo.sh` in another shell).

.venv/bin/python docs/screenshots/make.py [http://127.0.0.1:8000]
"""

import pathlib
import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
HERE = pathlib.Path(__file__).parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        page.goto(f"{BASE}/login/")
        page.fill("#id_username", "manager")
        page.fill("#id_password", "Demo-2026")
        page.click("button[type=submit]")
        page.screenshot(path=HERE / "manager-home.png")
        page.goto(f"{BASE}/residents/")
        page.click("table tbody tr a")
        page.screenshot(path=HERE / "resident.png")
        browser.close()


if __name__ == "__main__":
    main()
