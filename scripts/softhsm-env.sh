#!/usr/bin/env bash
# Gives the calling shell a private SoftHSM2 token store: `. scripts/softhsm-env.sh DIR` creates
# DIR/tokens and DIR/softhsm2.conf and exports SOFTHSM2_CONF and KYSO_P11_MODULE. Tests source it
# with a directory under the build tree, so no test ever touches the system's tokens.
# Pass --clean as the second argument to start from an empty token store.
_ks_dir=${1:?usage: . softhsm-env.sh DIR [--clean]}
if [ "${2:-}" = "--clean" ]; then rm -rf "$_ks_dir/tokens"; fi
mkdir -p "$_ks_dir/tokens"
_ks_dir=$(cd "$_ks_dir" && pwd)
cat > "$_ks_dir/softhsm2.conf" <<CONF
directories.tokendir = $_ks_dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
export SOFTHSM2_CONF="$_ks_dir/softhsm2.conf"
if [ -z "${KYSO_P11_MODULE:-}" ]; then
  for _ks_m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
               /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so /usr/local/lib/softhsm/libsofthsm2.so; do
    if [ -e "$_ks_m" ]; then export KYSO_P11_MODULE="$_ks_m"; break; fi
  done
fi
unset _ks_dir _ks_m
