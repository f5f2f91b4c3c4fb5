#!/usr/bin/env bash
# kysod --check-config on the documented sample (deploy/kysod.conf) and on broken files (each
# refused with its line, exit 3); nginx -t on deploy/nginx-kysod.conf with a throw-away
# certificate; the systemd unit carries its hardening.
set -uo pipefail
B=$(cd "${KYSO_BUILD:?}" && pwd); S=${KYSO_SOURCE:?}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }

mkdir -p "$T/web"
sed "s|^web_root = .*|web_root = $T/web|; s|^database = .*|database = sqlite:$T/k.db|" \
  "$S/deploy/kysod.conf" > "$T/good.conf"
"$B/kysod" --config "$T/good.conf" --check-config >/dev/null 2>&1 && ok || bad "sample config refused"
while IFS='|' read -r line want; do
  printf '%s\n' "$line" > "$T/bad.conf"
  out=$("$B/kysod" --config "$T/bad.conf" --check-config 2>&1); rc=$?
  [ $rc -eq 3 ] && ok || bad "'$line' exit $rc"
  grep -q -- "$want" <<<"$out" && ok || bad "'$line': message lacks '$want': $out"
done <<'EOF2'
threads = 0|bad.conf:1: threads
colour = blue|unknown setting "colour"
listen = nowhere|listen must be ADDRESS:PORT
database = mysql://x|database must start with
secure_cookies = maybe|must be true or false
just words|expected key = value
web_root = /nonexistent/dir|is not a directory
trust_anchors = /nonexistent/anchors.pem|cannot read the trust anchor file
trust_anchors = /dev/null|holds no certificate
EOF2
"$B/kysod" --config "$T/missing.conf" --check-config >/dev/null 2>&1; [ $? -eq 3 ] && ok || bad "missing config file"
"$B/kysod" --bogus >/dev/null 2>&1; [ $? -eq 3 ] && ok || bad "unknown option"

# nginx accepts the site (with a throw-away certificate)
if command -v nginx >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -subj /CN=t \
    -days 1 >/dev/null 2>&1
  sed "s|/etc/ssl/kyso/fullchain.pem|$T/cert.pem|; s|/etc/ssl/kyso/privkey.pem|$T/key.pem|" \
    "$S/deploy/nginx-kysod.conf" > "$T/site.conf"
  cat > "$T/nginx.conf" <<EOF2
pid $T/nginx.pid;
error_log $T/error.log;
events {}
http { access_log off; client_body_temp_path $T; proxy_temp_path $T; include $T/site.conf; }
EOF2
  nginx -t -q -c "$T/nginx.conf" -p "$T" 2>"$T/nginx.err" && ok || bad "nginx -t: $(cat "$T/nginx.err")"
else
  bad "nginx missing (scripts/deps.sh installs nginx-light)"
fi
for k in NoNewPrivileges=yes ProtectSystem=strict User=kyso ExecStartPre=.*--check-config; do
  grep -q "^$k" "$S/deploy/kysod.service" && ok || bad "kysod.service lacks $k"
done
if command -v systemd-analyze >/dev/null; then
  sed "s|/usr/local/bin/kysod|$B/kysod|g" "$S/deploy/kysod.service" > "$T/kysod.service"
  systemd-analyze verify "$T/kysod.service" 2>"$T/sa.err"
  grep -v -e "User=kyso" -e "Documentation" "$T/sa.err" | grep -qi "kysod.service" && \
    bad "systemd-analyze: $(cat "$T/sa.err")" || ok
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
