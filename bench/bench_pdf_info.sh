#!/usr/bin/env bash
# bench/bench_pdf_info.sh [BUILD_DIR] — times `kyso pdf info` against `qpdf --show-npages` and
# `pdfinfo` on generated 1 MB, 10 MB and 50 MB PDFs (classic xref table, many pages, and the same
# file rewritten by qpdf with object streams + an xref stream). Prints medians (hyperfine, or a
# loop of 11 runs when hyperfine is missing) of wall and CPU time, CPU-time ratios, and peak RSS
# (/usr/bin/time -f %M). Tests never assert on time; this script only reports.
set -euo pipefail
BUILD=${1:-$(dirname "$0")/../build}
K=$(realpath "$BUILD/kyso")
W=${BENCH_DIR:-$(mktemp -d)}; mkdir -p "$W"
trap '[ -z "${BENCH_DIR:-}" ] && rm -rf "$W"' EXIT

# N pages, each with a ~10 KB incompressible content stream (text operators + a random comment).
gen() { # gen OUT MB
  python3 - "$1" "$2" <<'PY'
import os, random, sys
out, mb = sys.argv[1], int(sys.argv[2])
random.seed(mb)
pages = max(1, mb * 100)
objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
font = 3
objs[font] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
kids = []
n = 4
for p in range(pages):
    noise = bytes(random.choice(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                  for _ in range(9800))
    content = b"BT /F1 12 Tf 72 720 Td (Page %d) Tj ET\n%%" % (p + 1) + noise + b"\n"
    objs[n] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    objs[n + 1] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                   b"/Resources << /Font << /F1 3 0 R >> >> >>" % n)
    kids.append(b"%d 0 R" % (n + 1))
    n += 2
objs[2] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(kids))
with open(out, "wb") as f:
    f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    off = {}
    for k in sorted(objs):
        off[k] = f.tell()
        f.write(b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n")
    x = f.tell()
    f.write(b"xref\n0 %d\n0000000000 65535 f\r\n" % n)
    for k in range(1, n):
        f.write(b"%010d 00000 n\r\n" % off[k])
    f.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (n, x))
PY
}

median_ms() { # median_ms CMD... -> "wall_median_ms cpu_ms" (fallback without hyperfine)
  local t=() c=()
  for _ in $(seq 11); do
    local s e u
    s=$(date +%s%N)
    u=$( { /usr/bin/time -f '%U %S' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
    e=$(date +%s%N)
    t+=($(( (e - s) / 1000 )))
    c+=("$(awk -v x="$u" 'BEGIN{split(x,a," "); printf "%d", (a[1]+a[2])*1000000}')")
  done
  local w cc
  w=$(printf '%s\n' "${t[@]}" | sort -n | sed -n 6p)
  cc=$(printf '%s\n' "${c[@]}" | sort -n | sed -n 6p)
  awk -v a="$w" -v b="$cc" 'BEGIN{printf "%.2f %.2f", a/1000, b/1000}'
}

time_ms() { # time_ms NAME CMD... -> "wall_median_ms cpu_mean_ms"
  local name=$1; shift
  if command -v hyperfine >/dev/null &&
     hyperfine -N -w 3 -r 15 --export-json "$W/$name.json" "$*" >/dev/null 2>&1; then
    python3 -c "import json,sys;r=json.load(open(sys.argv[1]))['results'][0];print('%.2f %.2f'%(r['median']*1000,(r['user']+r['system'])*1000))" "$W/$name.json"
  else
    median_ms "$@"
  fi
}

rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

# In-process cost of the library alone (process start-up of the kyso binary, which links ~40
# shared libraries, is ~30-50 ms of CPU by itself): open + page count, and open + every page's
# geometry, median of 21 runs, CPU time.
cat > "$W/open.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "kyso/pdf.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }
int main(int argc, char **argv) {
    double t1[21], t2[21];
    for (int r = 0; r < 21; r++) {
        ks_error e; ks_pdf_doc *d; size_t n = 0;
        double a = now();
        if (ks_pdf_open(argv[1], NULL, &d, &e) || ks_pdf_page_count(d, &n, &e)) { fprintf(stderr, "%s\n", e.msg_en); return 1; }
        double b = now();
        for (size_t i = 0; i < n; i++) {
            ks_pdf_obj *p; ks_pdf_rect m, c; int rot;
            if (ks_pdf_page(d, i, &p, NULL, &e) || ks_pdf_page_geometry(d, p, &m, &c, &rot, &e)) return 1;
        }
        double c2 = now();
        ks_pdf_close(d);
        t1[r] = b - a; t2[r] = c2 - a;
    }
    qsort(t1, 21, sizeof *t1, cmp); qsort(t2, 21, sizeof *t2, cmp);
    printf("%.2f %.2f\n", t1[10], t2[10]);
    return 0;
}
C
LIBS=$(find "$BUILD/src/pdf" "$BUILD/src/util" -name 'libkyso_*.a' | tr '\n' ' ')
SRC=$(dirname "$0")/..
HAVE_OPEN=0
cc -O2 -I"$SRC/include" -o "$W/open" "$W/open.c" $LIBS $(pkg-config --libs zlib libcrypto harfbuzz harfbuzz-subset libpng 2>/dev/null) -lm 2>"$W/cc.log" && HAVE_OPEN=1

printf '%-8s %4s | %-15s %-15s %-15s | %-11s %-11s | %8s %8s %8s | %-12s\n' file MB \
  "kyso wall/cpu" "qpdf wall/cpu" "pdfinfo w/cpu" "cpu/qpdf" "cpu/pdfinfo" kyso_kB qpdf_kB pinfo_kB \
  "lib open/all"
for mb in 1 10 50; do
  gen "$W/t$mb.pdf" "$mb"
  qpdf --object-streams=generate "$W/t$mb.pdf" "$W/s$mb.pdf"
  for f in "t$mb.pdf" "s$mb.pdf"; do
    p="$W/$f"
    size=$(du -m "$p" | cut -f1)
    # sanity: the same page count as the peers
    kp=$("$K" pdf info --json "$p" | grep -o '"page_count": [0-9]*' | grep -o '[0-9]*$')
    qp=$(qpdf --show-npages "$p")
    [ "$kp" = "$qp" ] || { echo "page count mismatch on $f: kyso $kp, qpdf $qp" >&2; exit 1; }
    read -r kw kc <<<"$(time_ms "k$f" "$K" pdf info "$p")"
    read -r qw qc <<<"$(time_ms "q$f" qpdf --show-npages "$p")"
    read -r iw ic <<<"$(time_ms "i$f" pdfinfo "$p")"
    [ $HAVE_OPEN = 1 ] && read -r lo lg <<<"$("$W/open" "$p")" || { lo=n/a; lg=n/a; }
    printf '%-8s %4s | %-15s %-15s %-15s | %-11s %-11s | %8s %8s %8s | %-12s\n' "$f" "$size" \
      "$kw/$kc" "$qw/$qc" "$iw/$ic" \
      "$(awk -v a="$kc" -v b="$qc" 'BEGIN{printf "%.2f", a/b}')" \
      "$(awk -v a="$kc" -v b="$ic" 'BEGIN{printf "%.2f", a/b}')" \
      "$(rss_kb "$K" pdf info "$p")" "$(rss_kb qpdf --show-npages "$p")" "$(rss_kb pdfinfo "$p")" \
      "$lo/$lg"
  done
done
echo "(t*: classic xref table; s*: object streams + xref stream; wall = median ms, cpu = mean"
echo " user+system ms; ratios compare cpu time, < 1 means kyso is faster; RSS = peak kB;"
echo " lib open/all = in-process CPU ms of ks_pdf_open + page count / + every page's geometry)"
