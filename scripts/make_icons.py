"""Draw the app's icons (static/icons): a white 妇 on the federation's red, as SVG and as PNGs.

Run once after changing the design: ``.venv/bin/python scripts/make_icons.py``. The PNGs are drawn
with Pillow and the Noto Sans CJK font the set-up script installs; the SVG is written as text.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

RED, WHITE = "#b3262d", "#ffffff"
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
<rect width="512" height="512" rx="96" fill="{RED}"/>
<circle cx="256" cy="256" r="190" fill="none" stroke="{WHITE}" stroke-width="16"/>
<text x="256" y="330" font-size="220" text-anchor="middle" fill="{WHITE}"
 font-family="Noto Sans CJK SC, sans-serif" font-weight="700">妇</text>
</svg>
"""


def draw(size: int) -> Image.Image:
    """Return the icon drawn at ``size`` pixels square (safe for a maskable crop: the mark is central)."""
    image = Image.new("RGB", (size, size), RED)
    pen = ImageDraw.Draw(image)
    margin, ring = size * 0.13, max(2, size // 32)
    pen.ellipse((margin, margin, size - margin, size - margin), outline=WHITE, width=ring)
    font = ImageFont.truetype(FONT, int(size * 0.43))
    pen.text((size / 2, size / 2), "妇", font=font, fill=WHITE, anchor="mm")
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(SVG, encoding="utf-8")
    for size in (192, 512):
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)
