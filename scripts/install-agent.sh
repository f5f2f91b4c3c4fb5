#!/usr/bin/env bash
# Registers kyso-agent as the native-messaging host "vn.kyso.agent" for Chromium, Google
# Chrome and Firefox, per user (default) or for the whole machine (--system), and writes the
# agent's configuration (the token modules) when asked. Windows: see docs/agent.md.
#   scripts/install-agent.sh [--system] [--agent PATH] [--chrome-id ID]... [--module PATH]...
#                            [--pinentry PATH] [--user-data-dir DIR] [--uninstall]
#   --chrome-id ID      the extension's id in Chromium/Chrome (repeat for several); the
#                       Firefox id is fixed (kyso-agent@kyso.vn, manifest.json)
#   --user-data-dir DIR also register in DIR/NativeMessagingHosts (a browser started with
#                       --user-data-dir=DIR looks there, as the browser test does)
set -euo pipefail
HOST=vn.kyso.agent
FIREFOX_ID=kyso-agent@kyso.vn
system=0 uninstall=0 agent="" pinentry=""
ids=() modules=() udd=()
while [ $# -gt 0 ]; do
  case "$1" in
    --system) system=1 ;;
    --uninstall) uninstall=1 ;;
    --agent) agent=$2; shift ;;
    --chrome-id) ids+=("$2"); shift ;;
    --module) modules+=("$2"); shift ;;
    --pinentry) pinentry=$2; shift ;;
    --user-data-dir) udd+=("$2"); shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install-agent: unknown option $1" >&2; exit 3 ;;
  esac
  shift
done
if [ -z "$agent" ]; then
  agent=$(cd "$(dirname "$0")/.." && pwd)/build/kyso-agent
  [ $system = 1 ] && agent=/usr/lib/kyso/kyso-agent
fi
case "$agent" in /*) ;; *) agent="$(pwd)/$agent" ;; esac
for id in "${ids[@]}"; do
  [[ "$id" =~ ^[a-p]{32}$ ]] || { echo "install-agent: \"$id\" is not a Chromium extension id" >&2; exit 3; }
done

if [ $system = 1 ]; then
  chromium_dirs=(/etc/chromium/native-messaging-hosts /etc/opt/chrome/native-messaging-hosts)
  firefox_dirs=(/usr/lib/mozilla/native-messaging-hosts)
  conf=/etc/kyso/agent.conf
else
  chromium_dirs=("$HOME/.config/chromium/NativeMessagingHosts"
                 "$HOME/.config/google-chrome/NativeMessagingHosts")
  firefox_dirs=("$HOME/.mozilla/native-messaging-hosts")
  conf=${XDG_CONFIG_HOME:-$HOME/.config}/kyso/agent.conf
fi
for d in "${udd[@]}"; do chromium_dirs+=("$d/NativeMessagingHosts"); done

if [ $uninstall = 1 ]; then
  for d in "${chromium_dirs[@]}" "${firefox_dirs[@]}"; do rm -f "$d/$HOST.json"; done
  echo "install-agent: $HOST unregistered"
  exit 0
fi
[ -x "$agent" ] || { echo "install-agent: $agent is not an executable (build it first)" >&2; exit 4; }
[ ${#ids[@]} -gt 0 ] || echo "install-agent: no --chrome-id given: only Firefox will reach the agent" >&2

json_str() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }
origins=""
for id in "${ids[@]}"; do origins="$origins${origins:+, }\"chrome-extension://$id/\""; done
write() { # write FILE KEY VALUE
  mkdir -p "$(dirname "$1")"
  cat >"$1.tmp" <<JSON
{
  "name": "$HOST",
  "description": "kyso-agent: ký số bằng thiết bị lưu khóa",
  "path": $(json_str "$agent"),
  "type": "stdio",
  "$2": [$3]
}
JSON
  chmod 644 "$1.tmp"
  mv "$1.tmp" "$1"
  echo "install-agent: wrote $1"
}
if [ ${#ids[@]} -gt 0 ]; then
  for d in "${chromium_dirs[@]}"; do write "$d/$HOST.json" allowed_origins "$origins"; done
fi
for d in "${firefox_dirs[@]}"; do write "$d/$HOST.json" allowed_extensions "\"$FIREFOX_ID\""; done

if [ ${#modules[@]} -gt 0 ] || [ -n "$pinentry" ]; then
  mkdir -p "$(dirname "$conf")"
  {
    echo "# kyso-agent configuration (scripts/install-agent.sh); docs/agent.md"
    for m in "${modules[@]}"; do echo "module = $m"; done
    [ -n "$pinentry" ] && echo "pinentry = $pinentry"
  } >"$conf.tmp"
  mv "$conf.tmp" "$conf"
  echo "install-agent: wrote $conf"
fi
