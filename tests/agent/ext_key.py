#!/usr/bin/env python3
"""Puts a public key into an extension's manifest.json ("key") and prints the extension id
Chromium derives from it: the first 32 hex digits of SHA-256(DER SubjectPublicKeyInfo), each
digit 0-f written as a-p.   ext_key.py MANIFEST PUB.der"""
import base64, hashlib, json, sys

manifest, pub = sys.argv[1], open(sys.argv[2], 'rb').read()
m = json.load(open(manifest, encoding='utf-8'))
m['key'] = base64.b64encode(pub).decode()
with open(manifest, 'w', encoding='utf-8') as f:
    json.dump(m, f, ensure_ascii=False, indent=2)
print(''.join(chr(ord('a') + int(c, 16)) for c in hashlib.sha256(pub).hexdigest()[:32]))
