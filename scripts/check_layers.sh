#!/usr/bin/env bash
# Checks libkyso's layering (docs/layers.md): a file in src/M/ or a public header of module M
# may include only headers of M itself and of the modules listed below for M. The static
# libraries do not catch a wrong-way include (an inline function or a macro is enough), so this
# runs in CI (tests/integration/test_layers.sh). Usage: check_layers.sh [SOURCE_ROOT]
set -uo pipefail
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}

# Module -> modules it may use (besides itself). Keep in step with docs/layers.md and with the
# link lists in src/*/CMakeLists.txt.
declare -A ALLOW=(
  [util]=""
  [net]="util"
  [pdf]="util"
  [text]="pdf util"
  [pdfgen]="pdf util"
  [cms]="net util"
  [token]="cms util"
  [store]="util"
  [pki]="store token cms net util"
  [sign]="docfmt pdfgen text pdf cms token net util"
  [verify]="text pdf cms net util"
  [docfmt]="register text pdf util"
  [edxml]="util"
  [register]="util"
  [workdays]="util"
  [cli]="verify sign pki store token cms docfmt edxml register workdays pdfgen text pdf net util"
  [server]="verify sign docfmt edxml register workdays store token cms pdfgen text pdf net util"
  # kyso-agent links no part of libkyso (libc and the token's module only: it cross-builds
  # for Windows); its generated message table is included as <agent_msgs.h>.
  [agent]=""
)
# Public header (include/kyso/NAME.h) -> its module.
declare -A HDR=(
  [error]=util [util]=util [version]=util [ctx]=util [net]=net [pdf]=pdf [text]=text
  [pdfgen]=pdfgen [cms]=cms [signer]=cms [token]=token [store]=store [pki]=pki [sign]=sign [numfields]=sign
  [verify]=verify [docfmt]=docfmt [edxml]=edxml [register]=register [workdays]=workdays
)

fail=0
checked=0
# module_of_include FILE_MODULE FILE_DIR INCLUDED -> prints the module of the included header
module_of_include() {
  local mod=$1 dir=$2 inc=$3
  case $inc in
    kyso/*.h) local n=${inc#kyso/}; n=${n%.h}; echo "${HDR[$n]:-?kyso/$n}"; return ;;
  esac
  local path
  path=$(realpath -m "$dir/$inc")
  if [[ -e $path ]]; then
    case $path in
      "$ROOT"/src/*/*) local rel=${path#"$ROOT"/src/}; echo "${rel%%/*}"; return ;;
      "$ROOT"/include/kyso/*) local n=${path##*/}; n=${n%.h}; echo "${HDR[$n]:-?kyso/$n}"; return ;;
    esac
  fi
  # util's private headers shared upwards through its include directory
  [[ -e $ROOT/src/util/$inc ]] && { echo util; return; }
  echo "?$inc"
}

check_file() {
  local f=$1 mod=$2
  checked=$((checked + 1))
  local line inc target
  while IFS= read -r line; do
    inc=${line#*\"}; inc=${inc%%\"*}
    target=$(module_of_include "$mod" "$(dirname "$f")" "$inc")
    if [[ $target == \?* ]]; then
      echo "FAIL: ${f#"$ROOT"/} includes \"$inc\", which belongs to no module"
      fail=$((fail + 1))
    elif [[ $target != "$mod" && " ${ALLOW[$mod]} " != *" $target "* ]]; then
      echo "FAIL: ${f#"$ROOT"/} ($mod/) includes \"$inc\" of $target/, a layer $mod/ may not use"
      fail=$((fail + 1))
    fi
  done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
}

for d in "$ROOT"/src/*/; do
  mod=$(basename "$d")
  if [[ -z ${ALLOW[$mod]+set} ]]; then
    echo "FAIL: src/$mod/ is not in the layer table (scripts/check_layers.sh, docs/layers.md)"
    fail=$((fail + 1))
    continue
  fi
  while IFS= read -r f; do check_file "$f" "$mod"; done < <(find "$d" -name '*.[ch]' | sort)
done
for f in "$ROOT"/include/kyso/*.h; do
  n=$(basename "$f" .h)
  if [[ -z ${HDR[$n]+set} ]]; then
    echo "FAIL: include/kyso/$n.h belongs to no module (scripts/check_layers.sh)"
    fail=$((fail + 1))
    continue
  fi
  check_file "$f" "${HDR[$n]}"
done
echo "layers: $checked files checked, $fail wrong-way includes"
[[ $fail -eq 0 && $checked -gt 0 ]]
