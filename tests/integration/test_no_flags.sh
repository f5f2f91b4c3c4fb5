#!/usr/bin/env bash
# The library speaks no command-line words: no string literal in src/ outside src/cli/ names a
# flag ("--something"), because kysod and kyso-agent show the same messages to people who never
# typed one. The CLI adds its own hints (design.md, conventions.md). Comments are not checked,
# nor the programs' own argument parsing (src/cli/, src/agent/main.c, src/server/main.c) and
# the command line kysod runs LibreOffice with (src/server/jobs.c).
# The check itself is proved on a copy of the tree with a flag-naming message put back.
set -uo pipefail
SRC=${KYSO_SOURCE:?}
scan() { # DIR: prints every offending line
  grep -rnE '"([^"\\]|\\.)*--[a-z]' "$1" --include=*.c --include=*.h |
    grep -v "^$1/cli/" | grep -v "^$1/agent/main.c:" | grep -v "^$1/server/main.c:" |
    grep -v "^$1/server/jobs.c:" | # the command line kysod gives LibreOffice, not a message
      grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)'
}
fail=0
hits=$(scan "$SRC/src")
if [ -n "$hits" ]; then
  echo "FAIL: library messages that name a command-line flag:"; echo "$hits"; fail=1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$SRC/src" "$tmp/src"
printf 'static const char *m = "give --page N";\n' >> "$tmp/src/sign/appear.c"
printf '/* a comment naming --page is fine */\n' >> "$tmp/src/sign/sign.c"
hits=$(scan "$tmp/src")
if ! grep -q 'appear.c' <<<"$hits" || grep -q 'sign/sign.c' <<<"$hits"; then
  echo "FAIL: the check does not catch a flag in a library string (or flags a comment)"; fail=1
fi
[ $fail -eq 0 ] && echo "PASS: no flag names in library messages"
exit $fail
