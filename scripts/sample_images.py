#!/usr/bin/python3
"""Draws the demo's sample signature images: a blue handwritten-style signature and a red round
organisation seal, both PNG with a transparent background (the rules' formats). These are
illustrations for the demo and tests only; a real office scans its own signature and seal.

usage: sample_images.py OUTDIR [ORG_NAME] [SIGNER]
writes OUTDIR/signature.png (600x240 px) and OUTDIR/seal.png (1000x1000 px; at 36 mm that is
about 705 dpi).
"""
import math
import os
import sys

from PIL import Image, ImageDraw, ImageFont

BLUE = (16, 38, 168, 255)
RED = (208, 16, 24, 255)


def font(size):
    for path in (os.environ.get("KYSO_SEAL_FONT", ""),
                 "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
                 "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"):
        if path and os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def signature(path):
    w, h = 600, 240
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pts = []
    for i in range(400):
        t = i / 399.0
        x = 40 + 500 * t
        y = 130 - 60 * math.sin(t * 9.0) * (1 - t) - 25 * math.sin(t * 23.0) * t
        pts.append((x, y))
    d.line(pts, fill=BLUE, width=7, joint="curve")
    loop = [(120 + 55 * math.cos(a / 40.0 * 2 * math.pi),
             110 + 70 * math.sin(a / 40.0 * 2 * math.pi)) for a in range(41)]
    d.line(loop, fill=BLUE, width=6, joint="curve")
    d.line([(70, 185), (560, 165)], fill=BLUE, width=5)
    img.save(path)


def seal(path, org, centre):
    n = 1000
    img = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    c = n / 2
    d.ellipse([8, 8, n - 8, n - 8], outline=RED, width=22)
    d.ellipse([150, 150, n - 150, n - 150], outline=RED, width=10)
    # the organisation's name around the ring, reading clockwise from the lower left
    f = font(74)
    r = 408
    text = org
    span = 300.0
    start = -90 - span / 2
    step = span / max(1, len(text) - 1)
    for i, ch in enumerate(text):
        ang = math.radians(start + i * step)
        glyph = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((60, 60), ch, font=f, fill=RED, anchor="mm")
        glyph = glyph.rotate(-(start + i * step + 90), resample=Image.BICUBIC)
        x = c + r * math.cos(ang) - 60
        y = c + r * math.sin(ang) - 60
        img.alpha_composite(glyph, (int(x), int(y)))
    # a five-pointed star and the centre line
    star = []
    for k in range(10):
        rad = 120 if k % 2 == 0 else 48
        a = math.radians(-90 + k * 36)
        star.append((c + rad * math.cos(a), c - 60 + rad * math.sin(a)))
    d.polygon(star, fill=RED)
    d.text((c, c + 150), centre, font=font(64), fill=RED, anchor="mm")
    img.save(path)


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 3
    out = sys.argv[1]
    org = sys.argv[2] if len(sys.argv) > 2 else "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"
    centre = sys.argv[3] if len(sys.argv) > 3 else "HẢI PHÒNG"
    os.makedirs(out, exist_ok=True)
    signature(os.path.join(out, "signature.png"))
    seal(os.path.join(out, "seal.png"), org, centre)
    return 0


if __name__ == "__main__":
    sys.exit(main())
