#!/usr/bin/env bash
# valgrind memcheck on both servers: start each under memcheck, drive a
# workload touching every endpoint family (tests/valgrind/drive.mjs), stop it
# with SIGTERM while a keep-alive connection is idle and a request is held,
# and require exit status 0, "ERROR SUMMARY: 0 errors" and no definite,
# indirect or possible leak (still-reachable blocks are allowed).
#
#   tests/valgrind/run.sh BUILD_DIR        # e.g. tests/valgrind/run.sh build
#
# Prints one verdict line per server; exit status 0 when both pass. Keeps
# valgrind's full reports in BUILD_DIR/valgrind/<server>.log. Installs valgrind
# with apt-get when it is missing. Knobs: VALGRIND_TIMEOUT (seconds per
# server, default 900), VALGRIND_SERVERS ("openai llamaparse").
set -euo pipefail
# A step that dies silently costs a whole session to find: say where.
trap 'echo "valgrind: run.sh stopped at line $LINENO (exit $?): internal error, no verdict" >&2' ERR

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
timeout_s=${VALGRIND_TIMEOUT:-900}
read -r -a servers <<<"${VALGRIND_SERVERS:-openai llamaparse}"

if ! command -v valgrind >/dev/null; then
    sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "valgrind: installing valgrind" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null ||
        { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
fi
command -v node >/dev/null || { echo "valgrind: node is needed for the workload (.ci/install-deps.sh installs it)" >&2; exit 1; }

for s in "${servers[@]}"; do
    [ -x "$build/mock_$s/mock_$s" ] || { echo "valgrind: $build/mock_$s/mock_$s is missing; build first (meson compile -C $1)" >&2; exit 1; }
done
# Instrumented builds cannot run under valgrind.
if grep -qs -- '-fsanitize' "$build/compile_commands.json"; then
    echo "valgrind: $1 is a sanitizer build; use a plain one (e.g. build/)" >&2
    exit 1
fi

logs=$build/valgrind
mkdir -p "$logs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mockworks-valgrind.XXXXXX")
vg_pid=''
# shellcheck disable=SC2317  # run by the trap
cleanup() {
    if [ -n "$vg_pid" ] && kill -0 "$vg_pid" 2>/dev/null; then
        kill -KILL "$vg_pid" 2>/dev/null || true
        wait "$vg_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Short job times and webhook retries keep the run short; the small body
# limits let the workload reach the 413 paths with small bodies.
server_args() { # server
    case $1 in
        openai) extra=(--max-body 256k) ;;
        llamaparse) extra=(--job-delay-ms 50 --job-ms-per-page 0 --webhook-secret whsec-valgrind --webhook-backoff-ms 50
            --webhook-retries 2 --webhook-timeout-ms 5000 --max-upload 128k --fixtures "$root/containers/fixtures") ;;
    esac
}

status=0
t_all=$(date +%s)
for s in "${servers[@]}"; do
    t0=$(date +%s)
    log=$logs/$s.log
    out=$tmp/$s.out
    err=$tmp/$s.err
    rm -f "$log"
    server_args "$s"
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --track-fds=no \
        --num-callers=30 --suppressions="$here/mockworks.supp" --log-file="$log" \
        "$build/mock_$s/mock_$s" --port 0 --log-level warn --shutdown-grace-ms 5000 "${extra[@]}" \
        >"$out" 2>"$err" &
    vg_pid=$!
    port=''
    for ((i = 0; i < 1200; i++)); do # up to 60 s to start under valgrind
        port=$(head -n 1 "$out" 2>/dev/null || true)
        [ -n "$port" ] && break
        kill -0 "$vg_pid" 2>/dev/null || break
        sleep 0.05
    done
    verdict=''
    if [ -z "$port" ]; then
        verdict="did not start"
    else
        # The drive ends by sending SIGTERM itself (with a connection idle
        # and one request held), then this waits for the exit status.
        drive_st=0
        timeout "$timeout_s" node "$here/drive.mjs" --server "$s" --url "http://127.0.0.1:$port" --pid "$vg_pid" \
            2>"$tmp/$s.drive" || drive_st=$?
        # the drive's SIGTERM may not have been sent if it failed early
        kill -TERM "$vg_pid" 2>/dev/null || true
        exit_st=0
        for ((i = 0; i < 1200; i++)); do # up to 120 s for valgrind's leak search
            kill -0 "$vg_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$vg_pid" 2>/dev/null; then
            kill -KILL "$vg_pid" 2>/dev/null || true
            verdict="did not exit after SIGTERM"
        fi
        wait "$vg_pid" || exit_st=$?
        vg_pid=''
        # Verdict building must not trip set -e: every lookup may find nothing.
        summary=$(grep -E 'ERROR SUMMARY' "$log" 2>/dev/null | tail -n 1 | sed 's/^==[0-9]*== //' || true)
        leaks=$(grep -E '(definitely|indirectly|possibly) lost:|still reachable:|All heap blocks were freed' "$log" 2>/dev/null |
            sed 's/^==[0-9]*== *//' | tr -s ' ' | paste -sd ';' - || true)
        fails=()
        if [ "$drive_st" -ne 0 ]; then fails+=("workload failed (exit $drive_st)"); fi
        if [ "$exit_st" -eq 99 ]; then
            fails+=("exit status 99: valgrind found errors")
        elif [ "$exit_st" -ne 0 ]; then
            fails+=("exit status $exit_st$(if [ "$exit_st" -gt 128 ]; then echo " (killed by signal $((exit_st - 128)))"; fi)")
        fi
        if ! grep -q 'ERROR SUMMARY: 0 errors' "$log" 2>/dev/null; then fails+=("${summary:-no valgrind summary}"); fi
        if ! grep -q 'All heap blocks were freed' "$log" 2>/dev/null; then
            for kind in definitely indirectly possibly; do
                if ! grep -Eq "$kind lost: 0 bytes in 0 blocks" "$log" 2>/dev/null; then
                    fails+=("$kind lost: $(grep -E "$kind lost:" "$log" 2>/dev/null | sed 's/.*lost: //' || true)")
                fi
            done
        fi
        if [ -n "$verdict" ]; then fails+=("$verdict"); fi
        if [ "${#fails[@]}" -eq 0 ]; then
            verdict="PASS ($(tail -n 1 "$tmp/$s.drive" | sed "s/^drive $s: //"); ${summary}; ${leaks})"
        else
            verdict="FAIL: $(IFS=';'; echo "${fails[*]}")"
        fi
    fi
    secs=$(($(date +%s) - t0))
    case $verdict in PASS*) ;; *) status=1 ;; esac
    echo "valgrind mock_$s: $verdict [${secs} s]"
    case $verdict in
        PASS*) ;;
        *)
            echo "--- drive output:" >&2; cat "$tmp/$s.drive" >&2 2>/dev/null || true
            echo "--- server stderr (last 20 lines):" >&2; tail -n 20 "$err" >&2 || true
            echo "--- valgrind report: $log (first 80 lines of errors and leaks):" >&2
            grep -vE '^==[0-9]+== *$' "$log" | sed -n '/Invalid\|uninitialised\|lost in loss record\|Syscall param\|Mismatched/,+25p' | head -n 80 >&2 || true
            ;;
    esac
done
echo "valgrind: $(($(date +%s) - t_all)) s in all; reports in $logs/" >&2
exit "$status"
