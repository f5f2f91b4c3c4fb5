#!/usr/bin/env python3
"""Native-messaging client for the agent's tests: frames requests as a browser does (32-bit
native-endian length + UTF-8 JSON) and prints each reply as one JSON line.
  nm.py AGENT < requests.jsonl        one request per line
  nm.py AGENT --raw FILE              send FILE's bytes as they are (broken frames)"""
import json, struct, subprocess, sys

def main():
    agent = sys.argv[1]
    if len(sys.argv) > 3 and sys.argv[2] == '--raw':
        data = open(sys.argv[3], 'rb').read()
    else:
        data = b''
        for line in sys.stdin:
            line = line.strip()
            if line:
                m = line.encode()
                data += struct.pack('=I', len(m)) + m
    p = subprocess.run([agent], input=data, capture_output=True, timeout=120)
    out = p.stdout
    while len(out) >= 4:
        n = struct.unpack('=I', out[:4])[0]
        body = out[4:4 + n]
        if len(body) != n:
            print('TRUNCATED-REPLY'); break
        json.loads(body)  # every reply is valid JSON
        print(body.decode())
        out = out[4 + n:]
    if out and len(out) < 4:
        print('TRAILING-BYTES')
    print('EXIT %d' % p.returncode)
    if p.returncode < 0 or p.returncode > 1:
        sys.exit(3)

if __name__ == '__main__':
    main()
