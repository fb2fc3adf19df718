"""Take screenshots of pages as a user sees them, at 375 px and 1280 px, with Debian's Chromium.

    .venv/bin/python scripts/screenshots.py USER PATH [PATH ...] [--out DIR] [--base URL]

Signs in as USER (demo password) on a running server (scripts/serve.sh) and writes
DIR/USER-PAGE-WIDTH.png; the 375 px shots are full-page, cut into screens of 1,000 px.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("user")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--out", default="var/screenshots")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default="Fulian@2026")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width in (375, 1280):
            context = browser.new_context(viewport={"width": width, "height": 800 if width < 400 else 900})
            page = context.new_page()
            page.goto(args.base + "/login/")
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("main button[type=submit]")
            page.wait_for_load_state()
            for path in args.paths:
                page.goto(args.base + path)
                name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                target = out / f"{args.user}-{name}-{width}.png"
                page.screenshot(path=str(target), full_page=width < 400)
                if width < 400:
                    _cut(target)
                print(target)
            context.close()
        browser.close()


def _cut(path: Path, screen: int = 1000) -> None:
    """Cut a tall full-page shot into screens, so each can be looked at."""
    from PIL import Image

    image = Image.open(path)
    if image.height <= screen:
        return
    for n, top in enumerate(range(0, image.height, screen)):
        image.crop((0, top, image.width, min(top + screen, image.height))).save(
            path.with_name(f"{path.stem}-{n}.png")
        )


if __name__ == "__main__":
    main()
