#!/usr/bin/env python3
"""Re-signs a signed PDF in the signature formats kyso itself does not write, for the tests.

  make_sig_formats.py SIGNED.pdf FORMAT KEY.pem CERT.pem OUT.pdf [--tamper] [--bad-sig]

SIGNED.pdf is any PDF signed with /SubFilter /ETSI.CAdES.detached (kyso's default); its
/ByteRange and /Contents placeholder are reused. FORMAT is one of
  eddsa        RFC 8419 CMS with an Ed25519 (SHA-512) or Ed448 (SHAKE256/512) key,
               /SubFilter /adbe.pkcs7.detached
  plain-ecdsa  BSI TR-03111 plain ECDSA (r||s, OID 0.4.0.127.0.7.1.1.4.1.3) with an EC P-256
               key and SHA-256, /SubFilter /adbe.pkcs7.detached
  sha1         ISO 32000-1 12.8.3.3 /SubFilter /adbe.pkcs7.sha1: the SignedData encapsulates
               the SHA-1 digest of the byte range (ECDSA with SHA-256 over the attributes)
The SignedData is built here (DER by hand); the signature value comes from `openssl pkeyutl`
(EdDSA) or `openssl pkeyutl -sign` over the SHA-256 (ECDSA), because OpenSSL 3.0's CMS cannot sign EdDSA.
--tamper changes one signed byte after signing (the page text of make_hostile.py plain);
--bad-sig flips one bit of the signature value (the signature must not verify).
"""
import hashlib
import re
import subprocess
import sys
import tempfile


def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body


def oid(dotted):
    parts = [int(x) for x in dotted.split(".")]
    out = bytes([40 * parts[0] + parts[1]])
    for v in parts[2:]:
        enc = [v & 0x7F]
        v >>= 7
        while v:
            enc.append(0x80 | (v & 0x7F))
            v >>= 7
        out += bytes(reversed(enc))
    return tlv(0x06, out)


def read_tlv(d, i):
    """(tag, content start, content end) of the element at d[i]."""
    tag = d[i]
    n = d[i + 1]
    j = i + 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(d[j:j + k], "big")
        j += k
    return tag, j, j + n


def issuer_and_serial(cert_der):
    _, s, _ = read_tlv(cert_der, 0)          # Certificate
    _, t, _ = read_tlv(cert_der, s)          # tbsCertificate
    i = t
    tag, a, b = read_tlv(cert_der, i)
    if tag == 0xA0:                          # [0] version
        i = b
    _, a, b = read_tlv(cert_der, i)          # serialNumber
    serial = cert_der[i:b]
    _, a, i = read_tlv(cert_der, b)          # signature AlgorithmIdentifier
    _, a, e = read_tlv(cert_der, i)          # issuer Name
    issuer = cert_der[i:e]
    return tlv(0x30, issuer + serial)


def openssl(args, data):
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        return subprocess.run(["openssl"] + args + ["-in", f.name], check=True,
                              capture_output=True).stdout


def der_int_value(d, i):
    _, a, b = read_tlv(d, i)
    return int.from_bytes(d[a:b], "big"), b


def main():
    a = [x for x in sys.argv[1:] if x not in ("--tamper", "--bad-sig")]
    tamper = "--tamper" in sys.argv
    if len(a) != 5:
        sys.exit(__doc__)
    signed, fmt, key, cert_pem, out = a
    pdf = bytearray(open(signed, "rb").read())
    cert = subprocess.run(["openssl", "x509", "-in", cert_pem, "-outform", "DER"], check=True,
                          capture_output=True).stdout
    old_sf = b"/SubFilter /ETSI.CAdES.detached"
    at = pdf.find(old_sf)
    if at < 0:
        sys.exit("make_sig_formats: no /SubFilter /ETSI.CAdES.detached in " + signed)
    new_sf = b"/SubFilter /adbe.pkcs7.sha1" if fmt == "sha1" else b"/SubFilter /adbe.pkcs7.detached"
    pdf[at:at + len(old_sf)] = new_sf.ljust(len(old_sf))
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf[max(0, at - 2000):])
    r = [int(x) for x in m.groups()]
    signed_bytes = bytes(pdf[r[0]:r[0] + r[1]] + pdf[r[2]:r[2] + r[3]])

    key_text = subprocess.run(["openssl", "pkey", "-in", key, "-noout", "-text"], check=True,
                              capture_output=True, text=True).stdout
    ed448 = key_text.startswith("ED448")
    if fmt == "eddsa":
        md_oid, content = ("2.16.840.1.101.3.4.2.12", signed_bytes) if ed448 else \
                          ("2.16.840.1.101.3.4.2.3", signed_bytes)
        sig_oid = "1.3.101.113" if ed448 else "1.3.101.112"
        digest = hashlib.shake_256(content).digest(64) if ed448 else hashlib.sha512(content).digest()
    elif fmt == "plain-ecdsa":
        md_oid, sig_oid, content = "2.16.840.1.101.3.4.2.1", "0.4.0.127.0.7.1.1.4.1.3", signed_bytes
        digest = hashlib.sha256(content).digest()
    elif fmt == "sha1":
        md_oid, sig_oid = "2.16.840.1.101.3.4.2.1", "1.2.840.10045.4.3.2"
        content = hashlib.sha1(signed_bytes).digest()
        digest = hashlib.sha256(content).digest()
    else:
        sys.exit("make_sig_formats: unknown format " + fmt)

    id_data = "1.2.840.113549.1.7.1"
    attrs = [tlv(0x30, oid("1.2.840.113549.1.9.3") + tlv(0x31, oid(id_data))),
             tlv(0x30, oid("1.2.840.113549.1.9.4") + tlv(0x31, tlv(0x04, digest)))]
    attrs.sort()
    signed_attrs = b"".join(attrs)
    to_sign = tlv(0x31, signed_attrs)
    if fmt == "eddsa":
        sig = openssl(["pkeyutl", "-sign", "-rawin", "-inkey", key], to_sign)
    else:
        der = openssl(["pkeyutl", "-sign", "-inkey", key], hashlib.sha256(to_sign).digest())
        if fmt == "plain-ecdsa":
            _, i, _ = read_tlv(der, 0)
            rv, i = der_int_value(der, i)
            sv, _ = der_int_value(der, i)
            sig = rv.to_bytes(32, "big") + sv.to_bytes(32, "big")
        else:
            sig = der
    if "--bad-sig" in sys.argv:  # a signature value that no key made: one bit of it flipped
        sig = sig[:len(sig) // 2] + bytes([sig[len(sig) // 2] ^ 0x10]) + sig[len(sig) // 2 + 1:]
    md_alg = tlv(0x30, oid(md_oid))
    sig_alg = tlv(0x30, oid(sig_oid))
    signer_info = tlv(0x30, tlv(0x02, b"\x01") + issuer_and_serial(cert) + md_alg +
                      tlv(0xA0, signed_attrs) + sig_alg + tlv(0x04, sig))
    encap = tlv(0x30, oid(id_data) + (tlv(0xA0, tlv(0x04, content)) if fmt == "sha1" else b""))
    sd = tlv(0x30, tlv(0x02, b"\x01") + tlv(0x31, md_alg) + encap + tlv(0xA0, cert) +
             tlv(0x31, signer_info))
    cms = tlv(0x30, oid("1.2.840.113549.1.7.2") + tlv(0xA0, sd))
    hexsig = cms.hex().upper().encode()
    gap = r[2] - (r[0] + r[1]) - 2
    if len(hexsig) > gap:
        sys.exit("make_sig_formats: the CMS does not fit the placeholder")
    start = r[0] + r[1] + 1
    pdf[start:start + gap] = hexsig.ljust(gap, b"0")
    if tamper:  # one signed byte of the page's text, after signing
        k = pdf.find(b"Quyet dinh so 1")
        if k < 0 or k > r[1]:
            sys.exit("make_sig_formats: --tamper needs the text of make_hostile.py plain")
        pdf[k + 14] = ord("9")
    open(out, "wb").write(pdf)


if __name__ == "__main__":
    main()
