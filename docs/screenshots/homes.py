"""Take every post's home at 1366×768 and 1920×1080, in Chinese and English (issue #12),
from a running demo (`./scripts/demo.sh` in another shell), and check each one as it goes:
no horizontal scrolling, the menu on one line.

.venv/bin/python docs/screenshots/homes.py [http://127.0.0.1:8000]

Writes docs/screenshots/home-<username>-<zh|en>-<width>.png (the README shows them). Each
person's language is left in Chinese, as the demo has it.
"""

import pathlib
import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
HERE = pathlib.Path(__file__).parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PASSWORD = "Demo-2026"  # noqa: S105  (the demo's published password, README)
USERS = ["manager", "specialist", "assistant", "engineer", "supervisor", "executive", "admin"]
SIZES = [(1366, 768), (1920, 1080)]
LANGUAGES = {"zh": "zh-hans", "en": "en"}


def switch(page, language: str) -> None:
    button = page.locator(f"nav button[name=language][value={language}]")
    if button.count():
        with page.expect_navigation():
            button.click()


def check(page, where: str) -> list[str]:
    problems = []
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    if scroll > inner:
        problems.append(f"{where}: {scroll}px wide at {inner}px")
    tops = page.eval_on_selector_all(
        "#nav .navbar-nav > .nav-item", "els => els.map(e => e.getBoundingClientRect().top)"
    )
    if tops and max(tops) - min(tops) >= 4:
        problems.append(f"{where}: the menu wraps")
    return problems


def main() -> int:
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for username in USERS:
            page = browser.new_page()
            page.goto(f"{BASE}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            with page.expect_navigation():
                page.click("#main form button[type=submit]")
            for short, language in LANGUAGES.items():
                switch(page, language)
                for width, height in SIZES:
                    page.set_viewport_size({"width": width, "height": height})
                    page.goto(f"{BASE}/")
                    page.wait_for_load_state("networkidle")
                    problems += check(page, f"{username} {short} {width}")
                    page.screenshot(path=HERE / f"home-{username}-{short}-{width}.png")
            switch(page, "zh-hans")
            page.close()
        browser.close()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
