# Turns a gettext catalogue (msgcat --no-wrap output) into C initialisers
# {"msgid", "msgstr"}, for kyso-agent, which carries its Vietnamese texts inside the program
# (no gettext on Windows). PO string escapes are C's, so the quoted text is copied as is.
# Usage: awk -v out=agent_msgs.h -f po2c.awk all.po
function flush() {
    if (id != "" && str != "" && !fuzzy && !plural)
        printf "    {\"%s\", \"%s\"},\n", id, str > out
    id = ""; str = ""; fuzzy = 0; plural = 0; state = ""
}
BEGIN { printf "/* generated from po/ by src/agent/po2c.awk: do not edit */\n" > out }
/^#, .*fuzzy/ { fuzzy = 1; next }
/^#/ { next }
/^msgctxt / { plural = 1; next }
/^msgid_plural / { plural = 1; next }
/^msgid "/ { flush(); state = "id"; s = $0; sub(/^msgid "/, "", s); sub(/"$/, "", s); id = s; next }
/^msgstr "/ { state = "str"; s = $0; sub(/^msgstr "/, "", s); sub(/"$/, "", s); str = s; next }
/^msgstr\[/ { plural = 1; state = ""; next }
/^"/ { s = $0; sub(/^"/, "", s); sub(/"$/, "", s); if (state == "id") id = id s; else if (state == "str") str = str s; next }
/^$/ { flush() }
END { flush() }
