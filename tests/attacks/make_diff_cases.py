#!/usr/bin/env python3
"""Builds signed PDFs for the difference analysis: honest later revisions that a verifier must
accept and attacks it must refuse. Everything is generated here: the documents (written by a
small PDF writer below, classic xref tables or, with full compression, xref and object
streams), the signatures (CMS by `openssl cms`, document timestamps by `openssl ts` with a TSA
certificate made here) and the incremental updates.

  make_diff_cases.py OUTDIR

OUTDIR receives root.pem (the signer's root) and tsa.pem (the TSA's self-signed certificate),
both to trust, and the files below; each name says what it must give:
  ok-*.pdf   honest: every change after each signature allowed
  bad-*.pdf  attack: a disallowed change (the test names which)
  open-*.pdf unsigned: must open in `pdf info`, `verify` and `sign` (loop, no /MediaBox: with
             a warning); open-tagged.pdf for `kyso sign` to tag its own widget
and signer.p12 (password "test") holding the signer for `kyso sign`.
"""
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib

SIG_HEX = 12000  # hex digits reserved for /Contents


def run(*args, **kw):
    return subprocess.run(list(args), check=True, capture_output=True, **kw).stdout


class Pdf:
    """A PDF kept as bytes plus the latest body of every object (so updates can edit them)."""

    def __init__(self, objs, root, compress=False):
        self.objs = dict(objs)
        self.root = root
        self.compress = compress
        self.size = max(objs) + 1
        self.data = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
        self.prev = None
        self.objstms = []  # (number, [object numbers in order])
        self.write(objs)

    def new(self):
        n = self.size
        self.size += 1
        return n

    def write(self, objs, xref_only=None, trailer_extra=b""):
        """Appends a revision defining `objs` {num: body}. With `compress`, dictionaries go
        into an object stream and the section is an xref stream. `xref_only` {num: offset}
        writes entries without objects (attacks)."""
        body = bytearray()
        start = len(self.data)
        entries = {}
        loose, packed = {}, {}
        for num, b in objs.items():
            self.objs[num] = b
            self.size = max(self.size, num + 1)
            if self.compress and b"stream\n" not in b and b"/Type /Sig" not in b \
                    and b"/DocTimeStamp" not in b:
                packed[num] = b
            else:
                loose[num] = b
        for num in sorted(loose):
            entries[num] = (1, start + len(body), 0)
            body += b"%d 0 obj\n" % num + loose[num] + b"\nendobj\n"
        if packed:
            stm = self.new()
            self.objstms.append((stm, sorted(packed)))
            head, data = [], bytearray()
            for i, num in enumerate(sorted(packed)):
                head.append(b"%d %d" % (num, len(data)))
                data += packed[num] + b"\n"
                entries[num] = (2, stm, i)
            h = b" ".join(head) + b"\n"
            raw = zlib.compress(h + bytes(data))
            entries[stm] = (1, start + len(body), 0)
            body += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode "
                     b"/Length %d >>\nstream\n" % (stm, len(packed), len(h), len(raw)) + raw +
                     b"\nendstream\nendobj\n")
        for num, off in (xref_only or {}).items():
            entries[num] = off if isinstance(off, tuple) else (1, off, 0)
        xref_at = start + len(body)
        tr = b"/Size %d /Root %d 0 R /ID [<%s> <%s>]" % (
            self.size + (1 if self.compress else 0), self.root, b"ab" * 16, b"cd" * 16)
        if self.prev is not None:
            tr += b" /Prev %d" % self.prev
        tr += trailer_extra
        if self.compress:
            xn = self.new()
            entries[xn] = (1, xref_at, 0)
            nums = sorted(entries) if self.prev is not None else list(range(self.size))
            rows, index = bytearray(), []
            for n in nums:
                t, a, b = entries.get(n, (0, 0, 65535 if n == 0 else 0))
                rows += bytes([t]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
                index += [n, 1]
            body += (b"%d 0 obj\n<< /Type /XRef %s /W [1 4 2] /Index [%s] /Length %d >>\n"
                     b"stream\n" % (xn, tr, b" ".join(b"%d" % i for i in index), len(rows)) +
                     bytes(rows) + b"\nendstream\nendobj\n")
        else:
            body += b"xref\n"
            if self.prev is None:
                body += b"0 1\n0000000000 65535 f\r\n"
            for num in sorted(entries):
                body += b"%d 1\n%010d 00000 n\r\n" % (num, entries[num][1])
            body += b"trailer\n<< " + tr + b" >>\n"
        body += b"startxref\n%d\n%%%%EOF\n" % xref_at
        self.data += bytes(body)
        self.prev = xref_at

    def offset_of(self, num):
        return [m.start() for m in re.finditer(rb"(?<![0-9])%d 0 obj" % num, self.data)][-1]


def stream(content, extra=b""):
    return b"<< %s/Length %d >>\nstream\n" % (extra, len(content)) + content + b"\nendstream"


def form_xobject(content, bbox=b"0 0 200 40"):
    return stream(content, b"/Type /XObject /Subtype /Form /BBox [%s] /Resources << /Font "
                  b"<< /Helv 5 0 R >> >> " % bbox)


def add_item(body, key, item):
    """Adds `item` to the array under /key of dictionary `body` (creating it)."""
    m = re.search(rb"/" + key + rb"\s*\[", body)
    if m:
        depth, end = 1, m.end()
        while depth:
            depth += {ord("["): 1, ord("]"): -1}.get(body[end], 0)
            end += 1
        end -= 1
        return body[:end] + b" " + item + body[end:]
    return set_key(body, key, b"[" + item + b"]")


def set_key(body, key, value):
    """Sets /key (a value without nested brackets) in dictionary `body`."""
    m = re.search(rb"/" + key + rb"(?![A-Za-z])\s*(\[[^\]]*\]|<<[^<>]*>>|\([^)]*\)|\d+ \d+ R|"
                  rb"/[A-Za-z0-9.]+|[-\d.]+|true|false)", body)
    if m:
        return body[:m.start()] + b"/" + key + b" " + value + body[m.end():]
    return body[:body.rindex(b">>")].rstrip() + b" /" + key + b" " + value + b" >>"


def base(compress=False, tagged=False, mediabox=True, loop=False, tree=False):
    """A one-page form: text field person (kid person.name, a widget with an appearance),
    field title with two widgets, a Helvetica text line; optionally tagged."""
    content = b"BT /F1 18 Tf 72 720 Td (Quyet dinh so 12/QD-UBND) Tj ET"
    if tagged:
        content = b"/P << /MCID 0 >> BDC " + content + b" EMC"
    page = (b"<< /Type /Page /Parent 2 0 R %s/Contents 4 0 R /Resources << /Font << /F1 5 0 R "
            b">> >> /Annots [8 0 R 11 0 R 12 0 R]%s >>"
            % (b"/MediaBox [0 0 595 842] " if mediabox else b"",
               b" /StructParents 0" if tagged else b""))
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R%s >>"
           % (b" /MarkInfo << /Marked true >> /StructTreeRoot 20 0 R" if tagged else b""),
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: page,
        4: stream(content),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        6: b"<< /Fields [7 0 R 10 0 R] /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv 5 0 R >> >> >>",
        7: b"<< /FT /Tx /T (person) /Kids [8 0 R]%s >>" % (b" /Parent 8 0 R" if loop else b""),
        8: b"<< /Type /Annot /Subtype /Widget /T (name) /Parent 7 0 R /P 3 0 R /F 4 "
           b"/Rect [100 600 300 620] /V (Nguyen Van A) /DA (/Helv 12 Tf 0 g) "
           b"/AP << /N 9 0 R >>%s >>" % (b" /Kids [7 0 R]" if loop else b""),
        9: form_xobject(b"/Tx BMC BT /Helv 12 Tf 2 5 Td (Nguyen Van A) Tj ET EMC",
                        b"0 0 200 20"),
        10: b"<< /FT /Tx /T (title) /V (Chu tich) /Kids [11 0 R 12 0 R] >>",
        11: b"<< /Type /Annot /Subtype /Widget /Parent 10 0 R /P 3 0 R /F 4 "
            b"/Rect [100 560 300 580] /AP << /N 13 0 R >> >>",
        12: b"<< /Type /Annot /Subtype /Widget /Parent 10 0 R /P 3 0 R /F 4 "
            b"/Rect [100 520 300 540] /AP << /N 13 0 R >> >>",
        13: form_xobject(b"/Tx BMC BT /Helv 12 Tf 2 5 Td (Chu tich) Tj ET EMC", b"0 0 200 20"),
        14: stream(b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta '
                   b'xmlns:x="adobe:ns:meta/"/><?xpacket end="w"?>',
                   b"/Type /Metadata /Subtype /XML "),
    }
    objs[1] = objs[1][:-2] + b"/Metadata 14 0 R >>"
    if tagged:
        objs[20] = (b"<< /Type /StructTreeRoot /K 21 0 R /ParentTree 22 0 R "
                    b"/ParentTreeNextKey 1 >>")
        objs[21] = b"<< /Type /StructElem /S /Document /P 20 0 R /K [23 0 R] >>"
        objs[22] = b"<< /Nums [0 [23 0 R]] >>"
        if tree:  # a parent tree with an intermediate level (ISO 32000-2 §7.9.7)
            objs[22] = b"<< /Kids [24 0 R] >>"
            objs[24] = b"<< /Limits [0 0] /Nums [0 [23 0 R]] >>"
        objs[23] = b"<< /Type /StructElem /S /P /P 21 0 R /Pg 3 0 R /K 0 >>"
    return Pdf(objs, 1, compress)


class Signer:
    def __init__(self, work):
        """A root CA, a signer certificate it issues, and a timestamp authority, all made here
        (EC P-256, quick to generate)."""
        self.work = work

        def key(name):
            f = os.path.join(work, name + ".key")
            run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", f)
            return f
        self.root = os.path.join(work, "root.pem")
        rk = key("root")
        run("openssl", "req", "-x509", "-new", "-key", rk, "-out", self.root, "-days", "3650",
            "-subj", "/CN=kyso diff test root/O=kyso tests", "-addext",
            "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        self.key = key("signer")
        csr = os.path.join(work, "signer.csr")
        run("openssl", "req", "-new", "-key", self.key, "-out", csr, "-subj",
            "/CN=Nguyen Van A/O=kyso tests")
        ext = os.path.join(work, "signer.ext")
        open(ext, "w").write("basicConstraints=critical,CA:FALSE\n"
                             "keyUsage=critical,digitalSignature,nonRepudiation\n")
        self.cert = os.path.join(work, "signer.pem")
        run("openssl", "x509", "-req", "-in", csr, "-CA", self.root, "-CAkey", rk,
            "-CAcreateserial", "-out", self.cert, "-days", "1825", "-extfile", ext)
        self.chain = self.root
        self.cert_der = run("openssl", "x509", "-in", self.cert, "-outform", "DER")
        # a timestamp authority of our own (critical id-kp-timeStamping, RFC 3161 §2.3)
        self.tsa_key = os.path.join(work, "tsa.key")
        self.tsa = os.path.join(work, "tsa.pem")
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", self.tsa_key, "-out", self.tsa, "-subj",
            "/CN=kyso test TSA/O=kyso tests", "-days", "3650", "-addext",
            "extendedKeyUsage=critical,timeStamping", "-addext",
            "keyUsage=critical,digitalSignature")
        self.tscnf = os.path.join(work, "ts.cnf")
        open(self.tscnf, "w").write(
            "[tsa]\ndefault_tsa = t\n[t]\nserial = %s/serial\nsigner_digest = sha256\n"
            "default_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\n"
            "ess_cert_id_alg = sha256\nsigner_cert = %s\nsigner_key = %s\ncerts = %s\n"
            % (work, self.tsa, self.tsa_key, self.tsa))
        open(os.path.join(work, "serial"), "w").write("01\n")

    def cms(self, data):
        f = os.path.join(self.work, "tbs.bin")
        open(f, "wb").write(data)
        return run("openssl", "cms", "-sign", "-binary", "-in", f, "-signer", self.cert, "-inkey",
                   self.key, "-certfile", self.chain, "-outform", "DER", "-md", "sha256",
                   "-nosmimecap")

    def timestamp(self, data):
        f = os.path.join(self.work, "tbs.bin")
        q = os.path.join(self.work, "q.tsq")
        open(f, "wb").write(data)
        run("openssl", "ts", "-query", "-data", f, "-sha256", "-cert", "-no_nonce", "-out", q)
        return run("openssl", "ts", "-reply", "-config", self.tscnf, "-queryfile", q,
                   "-token_out", "-out", "/dev/stdout")


def sign(pdf, signer, name, certify=None, lock=None, docts=False, ap=None, extra=None,
         widget_extra=b""):
    """Appends a revision with a new signature field `name` (invisible unless `ap`, an
    appearance stream body) and its signature: a certification with /DocMDP P=`certify`, an
    approval signature (with a FieldMDP `lock` (action, [names])), or a document timestamp.
    `extra` {num: body} joins the same revision. Returns (field, value, appearance) numbers."""
    f, v = pdf.new(), pdf.new()
    a = pdf.new() if ap else None
    refs = b""
    if certify:
        refs = (b" /Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams "
                b"<< /Type /TransformParams /P %d /V /1.2 >> >>]" % certify)
    elif lock:
        refs = (b" /Reference [<< /Type /SigRef /TransformMethod /FieldMDP /TransformParams "
                b"<< /Type /TransformParams /Action /%s /Fields [%s] /V /1.2 >> >>]"
                % (lock[0], b" ".join(b"(" + n + b")" for n in lock[1])))
    if docts:
        vbody = b"<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 "
    else:
        vbody = (b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
                 b"/M (D:%s+00'00')%s " % (time.strftime("%Y%m%d%H%M%S", time.gmtime())
                                           .encode(), refs))
    vbody += b"/ByteRange [0 0000000000 0000000000 0000000000] /Contents <" + b"0" * SIG_HEX + \
        b"> >>"
    rect = b"[400 80 560 130]" if ap else b"[0 0 0 0]"
    objs = {
        v: vbody,
        f: b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (%s) /V %d 0 R /P 3 0 R /F 132 "
           b"/Rect %s%s%s >>" % (name, v, rect, b" /AP << /N %d 0 R >>" % a if ap else b"",
                                 widget_extra),
        3: add_item(pdf.objs[3], b"Annots", b"%d 0 R" % f),
        6: set_key(add_item(pdf.objs[6], b"Fields", b"%d 0 R" % f), b"SigFlags", b"3"),
    }
    if ap:
        objs[a] = ap
    if certify:
        objs[pdf.root] = set_key(pdf.objs[pdf.root], b"Perms", b"<< /DocMDP %d 0 R >>" % v)
    for k, b in (extra or {}).items():
        objs[k] = b
    pdf.write(objs)
    d = pdf.data
    vo = pdf.offset_of(v)
    br = d.index(b"/ByteRange [", vo)
    c0 = d.index(b"/Contents <", vo) + len(b"/Contents ")
    c1 = c0 + SIG_HEX + 2
    rng = b"[0 %010d %010d %010d]" % (c0, c1, len(d) - c1)
    d = d[:br + len(b"/ByteRange ")] + rng + d[br + len(b"/ByteRange ") + len(rng):]
    tbs = d[:c0] + d[c1:]
    der = signer.timestamp(tbs) if docts else signer.cms(tbs)
    hx = der.hex().encode()
    assert len(hx) <= SIG_HEX, "signature too large"
    pdf.data = d[:c0 + 1] + hx + b"0" * (SIG_HEX - len(hx)) + d[c1 - 1:]
    return f, v, a


def sign_tagged(p, s, name):
    """Signs a tagged document as iText and Acrobat do: a /Form structure element with an
    /OBJR to the new widget under the document element, and a parent tree entry for it."""
    key = int(re.search(rb"/ParentTreeNextKey (\d+)", p.objs[20]).group(1))
    elem = p.new()
    f_next = p.size
    f, _, _ = sign(p, s, name, widget_extra=b" /StructParent %d" % key, extra={
        elem: b"<< /Type /StructElem /S /Form /P 21 0 R /Pg 3 0 R /K << /Type /OBJR /Obj %d 0 R "
              b"/Pg 3 0 R >> >>" % f_next,
        21: add_item(p.objs[21], b"K", b"%d 0 R" % elem),
        22: add_item(p.objs[22], b"Nums", b"%d %d 0 R" % (key, elem)),
        20: p.objs[20].replace(b"/ParentTreeNextKey %d" % key,
                               b"/ParentTreeNextKey %d" % (key + 1))})
    assert f == f_next


def dss(pdf, signer):
    n = pdf.new()
    d = pdf.new()
    pdf.write({n: stream(signer.cert_der),
               d: b"<< /Type /DSS /Certs [%d 0 R] >>" % n,
               pdf.root: set_key(pdf.objs[pdf.root], b"DSS", b"%d 0 R" % d)})


def xmp(text):
    return stream(b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta '
                  b'xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
                  b'22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
                  b' xmp:ModifyDate="%s"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>' % text,
                  b"/Type /Metadata /Subtype /XML ")


def comment(pdf, with_names=True):
    """Acrobat-style commenting: a sticky note with its icon, the icon in the catalog's
    /Names /AP name tree, and new XMP metadata."""
    note, icon, tree, meta = pdf.new(), pdf.new(), pdf.new(), pdf.new()
    objs = {
        icon: form_xobject(b"1 1 0 rg 0 0 20 20 re f", b"0 0 20 20"),
        note: b"<< /Type /Annot /Subtype /Text /Rect [500 760 520 780] /P 3 0 R /F 28 "
              b"/Contents (Da xem) /Name /Comment /T (Reviewer) /AP << /N %d 0 R >> >>" % icon,
        3: add_item(pdf.objs[3], b"Annots", b"%d 0 R" % note),
        meta: xmp(b"2026-01-02T10:00:00+07:00"),
    }
    cat = set_key(pdf.objs[pdf.root], b"Metadata", b"%d 0 R" % meta)
    if with_names:
        objs[tree] = b"<< /Names [(Comment.icon) %d 0 R] >>" % icon
        cat = set_key(cat, b"Names", b"<< /AP %d 0 R >>" % tree)
    objs[pdf.root] = cat
    pdf.write(objs)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="kyso-diff-", dir=out)
    s = Signer(work)
    for name, src in (("tsa.pem", s.tsa), ("root.pem", s.root)):
        open(os.path.join(out, name), "w").write(open(src).read())
    # the same signer for `kyso sign` (PKCS#12, password "test")
    run("openssl", "pkcs12", "-export", "-inkey", s.key, "-in", s.cert, "-certfile", s.root,
        "-passout", "pass:test", "-out", os.path.join(out, "signer.p12"))
    written = []

    def put(name, pdf):
        open(os.path.join(out, name), "wb").write(pdf.data)
        written.append(name)

    # ---- honest ----
    # 1. DSS and a document timestamp after a /DocMDP P=1 certification (classic; full
    #    compression with the catalog in an object stream)
    for name, comp in (("ok-cert-p1-dss-docts.pdf", False),
                       ("ok-cert-p1-dss-docts-objstm.pdf", True)):
        p = base(compress=comp)
        sign(p, s, b"Certification", certify=1)
        dss(p, s)
        sign(p, s, b"DocTimeStamp1", docts=True)
        put(name, p)

    # (attack) after P=1 a document timestamp may not draw anything
    p = base()
    sign(p, s, b"Certification", certify=1)
    sign(p, s, b"DocTimeStamp1", docts=True, ap=form_xobject(b"0 0.5 0 rg BT /Helv 14 Tf 5 15 Td "
                                                             b"(DA PHE DUYET) Tj ET",
                                                             b"0 0 160 50"))
    put("bad-cert-p1-visible-docts.pdf", p)

    # 2. benign catalog and metadata updates after an approval signature
    p = base()
    sign(p, s, b"Signature1")
    info, meta = p.new(), p.new()
    cat = set_key(p.objs[1], b"Metadata", b"%d 0 R" % meta)
    cat = set_key(cat, b"Version", b"/2.0")
    cat = set_key(cat, b"Extensions", b"<< /ADBE << /BaseVersion /1.7 /ExtensionLevel 8 >> >>")
    p.write({meta: xmp(b"2026-01-02T09:00:00+07:00"), 1: cat,
             info: b"<< /Producer (kyso tests) /ModDate (D:20260102090000+07'00') >>"},
            trailer_extra=b" /Info %d 0 R" % info)
    put("ok-benign-catalog.pdf", p)

    # 3. commenting after signing: approval signature, and certification with P=3
    p = base()
    sign(p, s, b"Signature1")
    comment(p)
    put("ok-comments-approval.pdf", p)
    p = base()
    sign(p, s, b"Certification", certify=3)
    comment(p)
    put("ok-comments-cert-p3.pdf", p)

    # 4. objects re-written with the same meaning: a new content stream with the same bytes,
    #    resources written inline instead of a font reference
    p = base()
    sign(p, s, b"Signature1")
    c = p.new()
    pg = set_key(p.objs[3], b"Contents", b"%d 0 R" % c)
    pg = pg.replace(b"/F1 5 0 R", b"/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    p.write({c: p.objs[4], 3: pg})
    put("ok-rewritten-equal.pdf", p)

    # 6. form filling under a FieldMDP lock of "name": the filled field is "person.name"
    p = base()
    sign(p, s, b"Signature1", lock=(b"Include", [b"name"]))
    ap = p.new()
    p.write({8: p.objs[8].replace(b"(Nguyen Van A)", b"(Tran Thi B)").replace(
        b"/N 9 0 R", b"/N %d 0 R" % ap),
        ap: form_xobject(b"/Tx BMC BT /Helv 12 Tf 2 5 Td (Tran Thi B) Tj ET EMC", b"0 0 200 20")})
    put("ok-fieldmdp-fill-other.pdf", p)

    # 7. a tagged document signed: /S /Form element with an /OBJR to the new widget
    p = base(tagged=True)
    sign_tagged(p, s, b"Signature1")
    sign_tagged(p, s, b"Signature2")
    put("ok-tagged-sign.pdf", p)

    # ---- attacks ----
    # 1. xref-only "hide" updates: the page content's entry points at another object's header,
    #    or into the signed bytes where no object begins
    p = base()
    sign(p, s, b"Signature1")
    q = copy.deepcopy(p)
    p.write({}, xref_only={4: p.offset_of(5)})
    put("bad-xref-other-header.pdf", p)
    q.write({}, xref_only={4: q.data.index(b"stream", q.offset_of(4)) + 10})
    put("bad-xref-into-signed.pdf", q)

    #    with full compression: the page's entry points into the signed object stream at the
    #    index of the page tree node
    p = base(compress=True)
    sign(p, s, b"Signature1")
    stm, nums = p.objstms[0]
    p.write({}, xref_only={3: (2, stm, nums.index(2))})
    put("bad-xref-objstm-other.pdf", p)

    # 2. clobbered shared appearances: a new signature field whose appearance is the signed
    #    signature's appearance object, redrawn; and one reusing a text field's appearance
    #    after a P=2 certification (form filling allowed)
    p = base()
    _, _, a1 = sign(p, s, b"Signature1", ap=form_xobject(b"0 0 1 rg BT /Helv 14 Tf 5 15 Td "
                                                          b"(Nguyen Van A - da ky) Tj ET",
                                                          b"0 0 160 50"))
    f2 = p.new()
    p.write({a1: form_xobject(b"1 0 0 rg BT /Helv 14 Tf 5 15 Td (KHONG HOP LE) Tj ET",
                              b"0 0 160 50"),
             f2: b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature2) /P 3 0 R /F 4 "
                 b"/Rect [400 80 560 130] /AP << /N %d 0 R >> >>" % a1,
             3: add_item(p.objs[3], b"Annots", b"%d 0 R" % f2),
             6: add_item(p.objs[6], b"Fields", b"%d 0 R" % f2)})
    put("bad-clobber-sig-appearance.pdf", p)
    p = base()
    sign(p, s, b"Certification", certify=2)
    f2 = p.new()
    p.write({9: form_xobject(b"/Tx BMC BT /Helv 12 Tf 2 5 Td (Le Van C) Tj ET EMC",
                             b"0 0 200 20"),
             f2: b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature2) /P 3 0 R /F 4 "
                 b"/Rect [0 0 0 0] /AP << /N 9 0 R >> >>",
             3: add_item(p.objs[3], b"Annots", b"%d 0 R" % f2),
             6: add_item(p.objs[6], b"Fields", b"%d 0 R" % f2)})
    put("bad-clobber-field-appearance.pdf", p)

    # 3. field removal after a P=2 certification: a child from its parent's /Kids, an
    #    unnamed widget, the whole form from the catalog
    for name, num, old, new in (("bad-removed-kid.pdf", 7, rb"\[8 0 R\]", b"[]"),
                                ("bad-removed-widget.pdf", 10, rb"\[11 0 R 12 0 R\]",
                                 b"[11 0 R]"),
                                ("bad-removed-form.pdf", 1, rb"/AcroForm \d+ 0 R", b"")):
        p = base()
        sign(p, s, b"Certification", certify=2)
        p.write({num: re.sub(old, new, p.objs[num])})
        put(name, p)

    # 4b. a copy is no change only where nothing at signing referred to it: page 1 drew a
    #     missing object 30 (nothing); an unused object re-written to point at a new 30, a copy
    #     of the title field's appearance, must not excuse what page 1 now draws
    p = base()
    p.write({3: p.objs[3].replace(b"/Contents 4 0 R", b"/Contents [4 0 R 30 0 R]"),
             15: b"<< /Unused 13 0 R >>"})
    sign(p, s, b"Signature1")
    p.write({15: b"<< /Unused 30 0 R >>", 30: p.objs[13]})
    put("bad-dangling-copy.pdf", p)

    # 4c. a page listed as a form field (prepared by the author before certifying with P=2):
    #     its new content is not "form filling"
    p = base()
    p.write({3: p.objs[3][:-2] + b"/FT /Tx /T (page) >>",
             6: add_item(p.objs[6], b"Fields", b"3 0 R")})
    sign(p, s, b"Certification", certify=2)
    c = p.new()
    p.write({c: stream(b"BT /F1 18 Tf 72 720 Td (Quyet dinh da bi huy) Tj ET"),
             3: p.objs[3].replace(b"/Contents 4 0 R", b"/Contents %d 0 R" % c)})
    put("bad-page-as-field.pdf", p)

    # 6. form filling of a locked field: the lock names "person", the filled one is
    #    "person.name" (a descendant)
    p = base()
    sign(p, s, b"Signature1", lock=(b"Include", [b"person"]))
    p.write({8: p.objs[8].replace(b"(Nguyen Van A)", b"(Tran Thi B)")})
    put("bad-fieldmdp-locked-fill.pdf", p)

    #    the same lock given only by the signature field's /Lock (no FieldMDP reference)
    p = base()
    sign(p, s, b"Signature1", widget_extra=b" /Lock << /Type /SigFieldLock /Action /Include "
                                           b"/Fields [(person)] >>")
    p.write({8: p.objs[8].replace(b"(Nguyen Van A)", b"(Tran Thi B)")})
    put("bad-sigfield-lock-fill.pdf", p)

    # 7. re-tagging page content that existed at signing (what a screen reader says)
    p = base(tagged=True)
    sign(p, s, b"Signature1")
    e = p.new()
    p.write({e: b"<< /Type /StructElem /S /P /P 21 0 R /Pg 3 0 R /K 0 /ActualText (Huy bo) >>",
             21: add_item(p.objs[21], b"K", b"%d 0 R" % e)})
    put("bad-tagged-retag.pdf", p)

    # 8. must open: a /Kids loop in the field tree, a page without /MediaBox
    put("open-field-loop.pdf", base(loop=True))
    put("open-no-mediabox.pdf", base(mediabox=False))
    put("open-tagged.pdf", base(tagged=True))
    put("open-tagged-tree.pdf", base(tagged=True, tree=True))
    shutil.rmtree(work)
    print("\n".join(written))


if __name__ == "__main__":
    main()
