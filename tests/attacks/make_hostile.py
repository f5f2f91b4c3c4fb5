#!/usr/bin/env python3
"""Writes hostile and broken PDFs from nothing (no corpus needed), for the robustness tests.

  make_hostile.py plain OUT.pdf          a valid one-page document with a line of text
  make_hostile.py parent-loop OUT.pdf    the page's /Parent chain loops (page -> node -> page)
  make_hostile.py bomb-content OUT.pdf   a FlateDecode content stream that inflates to 1000 MB
                                         (under the old 1 GiB per-stream limit)
  make_hostile.py bomb-objstm OUT.pdf    the same bomb as an object stream
  make_hostile.py broken DIR             a set of broken inputs, one file per kind (names printed)
  make_hostile.py dss-flood SIGNED.pdf CERT.der N OUT.pdf
                                         an update whose /DSS lists N copies of the certificate
                                         (each its own stream) and N look-alike certificates
                                         (same subject, other keys) from CERT.der's directory
  make_hostile.py damage SIGNED.pdf DIR  from a signed file: cut-inside-last.pdf (the last
                                         revision cut short), trailing-junk.pdf (3 KB after
                                         the last %%EOF)
"""
import os
import sys
import zlib


def build(objs, root=1, extra_trailer=b"", header=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"):
    """A classic-xref PDF from {num: body bytes}."""
    out = bytearray(header)
    offs = {}
    for num in sorted(objs):
        offs[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    size = max(objs) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        if n in offs:
            out += b"%010d 00000 n \n" % offs[n]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        size, root, extra_trailer, xref)
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>"
TEXT = b"BT /F1 12 Tf 72 720 Td (Quyet dinh so 1) Tj ET"


def plain():
    return build({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
        3: b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> "
           b"/Contents 4 0 R >>",
        4: stream(TEXT),
        5: FONT,
    })


def parent_loop():
    # /Kids reaches the page once; its /Parent goes to node 6, whose /Parent is the page.
    return build({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 6 0 R /Resources << /Font << /F1 5 0 R >> >> "
           b"/Contents 4 0 R >>",
        4: stream(TEXT),
        5: FONT,
        6: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>",
    })


def bomb_bytes(total, fill=b"\0", prefix=b""):
    """zlib data inflating to `prefix` then `total` bytes of `fill`. After a full flush a raw
    deflate block of the same 1 MB chunk compresses to the same bytes, so the block is made once
    and repeated; the Adler-32 trailer is computed over the real content."""
    chunk = fill * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(prefix + chunk) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    n = total >> 20
    adler = zlib.adler32(prefix)
    adler = zlib.adler32(chunk, adler)
    for _ in range(n - 1):
        adler = zlib.adler32(chunk, adler)
    return (b"\x78\xda" + first + block * (n - 1) + c.flush() + adler.to_bytes(4, "big"))


def bomb_content():
    z = bomb_bytes(1000 << 20)
    return build({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
        3: b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> "
           b"/Contents 4 0 R >>",
        4: stream(z, b"/Filter /FlateDecode "),
        5: FONT,
    })


def bomb_objstm():
    # the catalog lives in an object stream whose decoded data is 1.5 GB of padding after it
    head = b"1 0 "
    body = b"<< /Type /Catalog /Pages 2 0 R >>"
    z = bomb_bytes(1000 << 20, b" ", head + body + b" ")
    objs = {
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
        3: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
        4: stream(TEXT),
        6: stream(z, b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode " % len(head)),
    }
    # an xref stream is needed for a compressed object: write it by hand
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offs = {}
    for num in sorted(objs):
        offs[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xnum = 7
    offs[xnum] = len(out)
    rows = bytearray()
    for n in range(0, xnum + 1):
        if n == 0:
            rows += bytes([0, 0, 0, 0, 0xFF, 0xFF])
        elif n == 1:
            rows += bytes([2, 0, 0, 0, 6, 0])
        elif n in offs:
            rows += bytes([1]) + offs[n].to_bytes(4, "big") + b"\0"
        else:
            rows += bytes([0, 0, 0, 0, 0, 0])
    out += b"%d 0 obj\n" % xnum + stream(bytes(rows), b"/Type /XRef /Size %d /W [1 4 1] "
                                          b"/Root 1 0 R " % (xnum + 1)) + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offs[xnum]
    return bytes(out)


def broken(d):
    os.makedirs(d, exist_ok=True)
    p = plain()
    files = {
        "empty.pdf": b"",
        "not-a-pdf.pdf": b"GIF89a this is an image, not a document\n" * 20,
        "header-only.pdf": b"%PDF-1.7\n",
        "random.pdf": bytes((i * 7919 + 13) % 251 for i in range(4096)),
        "cut-half.pdf": p[: len(p) // 2],
        "no-eof.pdf": p[: p.rfind(b"startxref")],
        "startxref-past-end.pdf": p[: p.rfind(b"startxref")] + b"startxref\n999999\n%%EOF\n",
        "xref-garbage.pdf": p[: p.rfind(b"xref\n0")] + b"xref\n0 zz\ngarbage\n" +
                            p[p.rfind(b"trailer"):],
        "nested-arrays.pdf": build({
            1: b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 100000 + b"]" * 100000 + b" >>",
            2: b"<< /Type /Pages /Kids [] /Count 0 >>"}),
        "prev-loop.pdf": p.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " %
                                   p.rfind(b"xref\n0")),
    }
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        print(name)


def damage(signed, d):
    os.makedirs(d, exist_ok=True)
    data = open(signed, "rb").read()
    last_eof = data.rstrip().rfind(b"%%EOF")
    prev_eof = data.rfind(b"%%EOF", 0, last_eof)
    # cut halfway into the last revision (its signature dictionary and xref are lost)
    cut = prev_eof + (last_eof - prev_eof) // 2 if prev_eof > 0 else len(data) * 3 // 4
    with open(os.path.join(d, "cut-inside-last.pdf"), "wb") as f:
        f.write(data[:cut])
    # 3 KB that a viewer ignores after the last %%EOF, starting like an update
    junk = b"\n4 0 obj\n<< /Length 2900 >>\nstream\n" + b"q 1 0 0 RG 0 0 595 842 re f Q\n" * 100
    with open(os.path.join(d, "trailing-junk.pdf"), "wb") as f:
        f.write(data + junk[:3072])
    print("cut-inside-last.pdf")
    print("trailing-junk.pdf")


def append_update(data, objs, root_num, root_body):
    """An incremental update (classic xref) adding `objs` {num: body} and re-putting the
    catalog."""
    import re
    prev = int(data[data.rindex(b"startxref") + 9:].split()[0])
    size = max(int(x) for x in re.findall(rb"/Size (\d+)", data))
    objs = dict(objs)
    objs[root_num] = root_body
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offs = {}
    for num in sorted(objs):
        offs[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for num in sorted(objs):
        out += b"%d 1\n%010d 00000 n \n" % (num, offs[num])
    newsize = max(size, max(objs) + 1)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        newsize, root_num, prev, xref)
    return bytes(out), newsize


def dss_flood(signed, cert_der, n, out):
    import glob
    import re
    data = open(signed, "rb").read()
    root_num = int(re.findall(rb"/Root (\d+) 0 R", data)[-1])
    body = re.findall(rb"\n%d 0 obj\s*(<<.*?>>)\s*endobj" % root_num, data, re.S)[-1]
    size = max(int(x) for x in re.findall(rb"/Size (\d+)", data))
    cert = open(cert_der, "rb").read()
    looks = [open(f, "rb").read() for f in sorted(glob.glob(os.path.join(
        os.path.dirname(os.path.abspath(cert_der)), "lookalike-*.der")))]
    objs = {}
    num = size
    refs = []
    for i in range(n):
        for blob in [cert] + ([looks[i % len(looks)]] if looks else []):
            objs[num] = stream(blob)
            refs.append(b"%d 0 R" % num)
            num += 1
    objs[num] = b"<< /Certs [" + b" ".join(refs) + b"] >>"
    dss = num
    root_body = body[:-2] + b" /DSS %d 0 R >>" % dss
    data, _ = append_update(data, objs, root_num, root_body)
    open(out, "wb").write(data)


def main():
    a = sys.argv[1:]
    makers = {"plain": plain, "parent-loop": parent_loop, "bomb-content": bomb_content,
              "bomb-objstm": bomb_objstm}
    if len(a) == 2 and a[0] in makers:
        with open(a[1], "wb") as f:
            f.write(makers[a[0]]())
    elif len(a) == 2 and a[0] == "broken":
        broken(a[1])
    elif len(a) == 5 and a[0] == "dss-flood":
        dss_flood(a[1], a[2], int(a[3]), a[4])
    elif len(a) == 3 and a[0] == "damage":
        damage(a[1], a[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
