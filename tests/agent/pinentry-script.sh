#!/usr/bin/env bash
# A scripted pinentry that stands in for the person in tests: it speaks the Assuan protocol
# as GnuPG's pinentry programs do, logs every command it is shown (the PIN it answers is not
# logged) and answers as told by:
#   KYSO_TEST_PINENTRY_LOG   file the commands are appended to (one per line, %-decoded)
#   KYSO_TEST_PINENTRY_MODE  pin (default): GETPIN answers the PIN, CONFIRM says OK
#                            cancel: GETPIN and CONFIRM answer "Operation cancelled"
#                            die: exits at GETPIN/CONFIRM without answering
#   KYSO_TEST_PIN_FILE       file holding the PIN to answer
log=${KYSO_TEST_PINENTRY_LOG:-/dev/null}
mode=${KYSO_TEST_PINENTRY_MODE:-pin}
echo "OK Pleased to meet you"
while IFS= read -r line; do
  cmd=${line%% *}
  # Assuan %-escapes: the log shows the text the person would read (bash builtins only, so
  # that the stand-in costs little in bench/bench_agent.sh).
  line=${line//%0A/$'\n'}
  line=${line//%0D/$'\r'}
  printf '%s\n' "${line//%25/%}" >>"$log"
  case "$cmd" in
    GETPIN)
      case "$mode" in
        cancel) echo "ERR 83886179 Operation cancelled <Pinentry>" ;;
        die) exit 1 ;;
        *) IFS= read -r pin <"${KYSO_TEST_PIN_FILE:?}"; printf 'D %s\nOK\n' "$pin" ;;
      esac ;;
    CONFIRM)
      case "$mode" in
        cancel) echo "ERR 83886179 Operation cancelled <Pinentry>" ;;
        die) exit 1 ;;
        *) echo "OK" ;;
      esac ;;
    BYE) echo "OK closing connection"; exit 0 ;;
    *) echo "OK" ;;
  esac
done
