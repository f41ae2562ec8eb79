# boot_cli_lib.sh - sourced by the `nimbus boot` tests (boot_cli_*.sh):
# run the launcher with a hard time limit and check what it said.
#
#   source "$(dirname "$0")/boot_cli_lib.sh" NIMBUS OUT_DIR
#   bc_run NAME ARGS...        nimbus boot ARGS; NAME.out, NAME.err in OUT_DIR
#   bc_status NAME WANT        its exit status was WANT
#   bc_has NAME out|err TEXT   its stdout or stderr holds TEXT
#   bc_no_temp NAME            the socket directory it named is gone
#   bc_gone PID...             none of these processes is alive
set -euo pipefail

BC_NIMBUS=${1:?usage: $0 NIMBUS OUT_DIR [IMAGE]}
BC_OUT=${2:?output directory}
BC_LIMIT_S=90 # no run may take longer, whatever it waits for
BC_STATUS=
rm -rf "$BC_OUT"
mkdir -p "$BC_OUT"

bc_fail()
{
    echo "FAIL: $*" >&2
    local f
    for f in "$BC_OUT"/*.out "$BC_OUT"/*.err; do
        [ -s "$f" ] || continue
        echo "--- last lines of $f" >&2
        tail -n 25 "$f" >&2
    done
    exit 1
}

bc_run()
{
    local name=$1
    shift
    set +e
    timeout -k 5 "$BC_LIMIT_S" "$BC_NIMBUS" boot "$@" < /dev/null > "$BC_OUT/$name.out" 2> "$BC_OUT/$name.err"
    BC_STATUS=$?
    set -e
}

bc_status()
{
    [ "$BC_STATUS" = "$2" ] || bc_fail "$1: exit status $BC_STATUS, wanted $2"
}

bc_has()
{
    grep -qF -- "$3" "$BC_OUT/$1.$2" || bc_fail "$1's std$2 lacks: $3"
}

bc_no_temp()
{
    local dir
    dir=$(sed -n 's/^nimbus boot: LAN: .* sockets in \(.*\)$/\1/p' "$BC_OUT/$1.out")
    [ -n "$dir" ] || bc_fail "$1 did not name its socket directory"
    [ ! -e "$dir" ] || bc_fail "$1 left $dir behind"
}

bc_gone()
{
    local pid
    for pid in "$@"; do
        ! kill -0 "$pid" 2> /dev/null || bc_fail "process $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline")) survived"
    done
}
