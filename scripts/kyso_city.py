"""Pieces a sample city needs, shared by the demo (scripts/demo_city.py) and the web workflow
tests' city (tests/server/wf_city.py): the SoftHSM2 module, a private SoftHSM2 configuration
whose token store lives in a given directory, and plain RGBA PNGs for the signature and seal
images. Standard library only."""
import os
import struct
import zlib

SOFTHSM_MODULES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                   "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"]


def p11_module():
    """The path of SoftHSM2's PKCS#11 module; exits naming the package when it is missing."""
    for m in SOFTHSM_MODULES:
        if os.path.exists(m):
            return m
    raise SystemExit("FAIL: SoftHSM2 missing (scripts/deps.sh installs softhsm2)")


def softhsm_conf(w):
    """Writes w/softhsm2.conf with its token store in w/tokens; returns the configuration's path
    (for SOFTHSM2_CONF)."""
    os.makedirs(w + "/tokens", mode=0o700, exist_ok=True)
    path = w + "/softhsm2.conf"
    with open(path, "w") as f:
        f.write(f"directories.tokendir = {w}/tokens\nobjectstore.backend = file\n"
                "log.level = ERROR\nslots.removable = false\n")
    return path


def png(path, w, h, rgba):
    """A plain RGBA PNG: a ring (a seal) when square, else a stroke (a signature)."""
    rows = b""
    for y in range(h):
        rows += b"\0"
        for x in range(w):
            dx, dy = x - w / 2, y - h / 2
            on = (w * 0.35) ** 2 < dx * dx + dy * dy < (w * 0.48) ** 2 if w == h else abs(dy - dx * 0.2) < 3
            rows += bytes(rgba) if on else b"\0\0\0\0"

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def signature_png(path):
    """The blue signature image."""
    png(path, 240, 80, (20, 40, 200, 255))


def seal_png(path):
    """The red seal image."""
    png(path, 200, 200, (220, 20, 20, 255))


if __name__ == "__main__":  # `python3 kyso_city.py module` prints the SoftHSM2 module's path
    import sys
    if sys.argv[1:] == ["module"]:
        print(p11_module())
