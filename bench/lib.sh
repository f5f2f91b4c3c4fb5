# bench/lib.sh — shared by the bench scripts (sourced). Needs hyperfine (scripts/deps.sh).
# hf NAME RUNS PREPARE CMD... -> "median_wall_s mean_cpu_s" (cpu = user + system), measured by
# hyperfine without a shell (-N) after one warm-up run; PREPARE ("" for none) runs before each
# run, untimed. Prints "fail fail" when the command fails (unless HF_IGNORE_FAILURE=1).
hf() {
    local name=$1 runs=$2 prep=$3; shift 3
    local j=${HF_DIR:-/tmp}/hf-$name-$$.json args=(-N -w 1 -r "$runs" --export-json)
    args+=("$j")
    [ -n "$prep" ] && args+=(--prepare "$prep")
    [ "${HF_IGNORE_FAILURE:-0}" = 1 ] && args+=(-i) # a verdict other than passed exits non-zero
    local cmd="" a
    for a in "$@"; do # hyperfine -N splits words like a POSIX shell: quote what needs it
        case $a in
        *[[:space:]\'\"\\]* | "") cmd+="'${a//\'/\'\\\'\'}' " ;;
        *) cmd+="$a " ;;
        esac
    done
    if ! hyperfine "${args[@]}" "$cmd" >/dev/null 2>&1; then
        echo "fail fail"; rm -f "$j"; return
    fi
    "${PY:-python3}" -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.4f %.4f" % (r["median"], r["user"] + r["system"]))' "$j"
    rm -f "$j"
}
