# net_lib.sh - sourced by the multi-node QEMU tests (tests/x86/net_*.sh):
# start x86 nodes on an emulated LAN, talk to their serial consoles, wait
# for lines on them, and stop every process a test started however it ends.
#
# Usage, in a test:
#   source "$(dirname "$0")/net_lib.sh"
#   net_setup <test name> <cumulonimbus.elf> <build dir>
#   net_lan_dgram 2            (or net_lan_vde)
#   net_start_node 0 2 "run=pingpong:server:10 exit=idle"
#   net_wait 0 'regex' <seconds>
#   net_send 0 'command'       (a line for the node's shell)
#   net_wait_exit 0 <seconds>  (then $NET_STATUS holds QEMU's exit status)
#
# Outputs stay in <build dir>/test-runs/x86/<test name>/: n<i>.log (the
# serial console), n<i>.pcap (every frame the node sent or received),
# n<i>.qemu.log (QEMU's own messages). Sockets live in a short-lived
# directory under /tmp (unix socket paths must be short). Only 127.0.0.1
# and unix sockets are ever used.
#
# A test exits 77 (ctest: skipped) when a tool it needs is missing.
# NET_QEMU may name a wrapper (to add -trace options, say).

set -euo pipefail

NET_QEMU=${NET_QEMU:-qemu-system-x86_64}
NET_QBOOT=${NET_QBOOT:-/usr/share/qemu/qboot.rom}
NET_PIDS=()       # every background process started, for the cleanup
declare -A NET_QEMU_PID NET_IN_FD NET_NETDEV
NET_STATUS=

net_fail()
{
    echo "FAIL: $*" >&2
    net_show_logs >&2
    exit 1
}

net_skip()
{
    echo "SKIP: $*"
    exit 77
}

net_need()
{
    command -v "$1" > /dev/null || net_skip "$1 is not installed"
}

# The tail of every node's console and QEMU messages, for a failure report.
net_show_logs()
{
    local f
    for f in "$NET_DIR"/n*.log "$NET_DIR"/n*.qemu.log; do
        [ -s "$f" ] || continue
        echo "--- last lines of $f"
        tail -n 15 "$f"
    done
}

net_cleanup()
{
    set +e # stop and remove everything, whatever fails on the way
    local pid fd
    for fd in "${NET_IN_FD[@]}"; do
        exec {fd}>&-
    done
    for pid in "${NET_PIDS[@]}"; do
        kill -TERM "$pid" 2> /dev/null || true
    done
    for pid in "${NET_PIDS[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$pid" 2> /dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
    done
    if [ -n "${NET_VDE_PIDFILE:-}" ] && [ -s "$NET_VDE_PIDFILE" ]; then
        kill -TERM "$(cat "$NET_VDE_PIDFILE")" 2> /dev/null || true
    fi
    rm -rf "$NET_SOCK_DIR"
}

# net_setup NAME ELF BUILD_DIR: check the tools, make the output directory.
net_setup()
{
    NET_ELF=$2
    NET_DIR=$3/test-runs/x86/$1
    net_need "$NET_QEMU"
    [ -r "$NET_QBOOT" ] || net_skip "$NET_QBOOT is missing (Debian package qemu-system-data)"
    [ -r "$NET_ELF" ] || net_fail "no kernel image at $NET_ELF (build target nimbus_kernel_elf)"
    rm -rf "$NET_DIR"
    mkdir -p "$NET_DIR"
    NET_SOCK_DIR=$(mktemp -d /tmp/nimbus-net.XXXXXX)
    trap net_cleanup EXIT
    trap 'exit 130' INT TERM
}

# A UDP port on 127.0.0.1 that nothing listens on (a random pick, checked
# with ss when it is there).
net_free_udp_port()
{
    local port
    for _ in $(seq 50); do
        port=$((20000 + RANDOM % 40000))
        if ! command -v ss > /dev/null || [ -z "$(ss -Hlun "sport = :$port")" ]; then
            echo "$port"
            return
        fi
    done
    net_fail "no free UDP port found"
}

# net_lan_dgram 2: two nodes joined by a UDP tunnel on 127.0.0.1. Each
# node's NIC sends its frames as datagrams to the other's port; NET_PORT[i]
# is node i's port (a datagram sent there arrives as a frame at node i).
net_lan_dgram()
{
    [ "$1" -eq 2 ] || net_fail "a dgram LAN joins exactly two nodes"
    NET_PORT=("$(net_free_udp_port)" "$(net_free_udp_port)")
    [ "${NET_PORT[0]}" != "${NET_PORT[1]}" ] || NET_PORT[1]=$((NET_PORT[0] + 1))
    local i
    for i in 0 1; do
        NET_NETDEV[$i]="dgram,local.type=inet,local.host=127.0.0.1,local.port=${NET_PORT[$i]}"
        NET_NETDEV[$i]+=",remote.type=inet,remote.host=127.0.0.1,remote.port=${NET_PORT[$((1 - i))]}"
    done
}

# net_lan_vde N: N nodes on one vde_switch (a unix socket directory).
net_lan_vde()
{
    net_need vde_switch
    local sock=$NET_SOCK_DIR/switch i
    NET_VDE_PIDFILE=$NET_SOCK_DIR/switch.pid
    vde_switch --sock "$sock" --daemon --pidfile "$NET_VDE_PIDFILE" \
        > "$NET_DIR/vde_switch.log" 2>&1 || net_fail "vde_switch did not start"
    for _ in $(seq 50); do
        [ -S "$sock/ctl" ] && break
        sleep 0.1
    done
    [ -S "$sock/ctl" ] || net_fail "vde_switch made no socket at $sock/ctl"
    for ((i = 0; i < $1; i++)); do
        NET_NETDEV[$i]="vde,sock=$sock"
    done
}

# The agreed MAC address of node $1.
net_mac()
{
    printf '52:54:00:00:00:%02x' $(($1 + 1))
}

# net_start_node ID NODES WORDS: boot node ID of NODES with more kernel
# command-line WORDS, its console on a pipe (input) and in n<ID>.log.
net_start_node()
{
    local id=$1 nodes=$2 words=$3 base=$NET_DIR/n$1 fifo=$NET_SOCK_DIR/console$1
    mkfifo "$fifo.in" "$fifo.out"
    "$NET_QEMU" -accel tcg -m 128M -display none -no-reboot \
        -bios "$NET_QBOOT" -kernel "$NET_ELF" -append "node=$id nodes=$nodes $words" \
        -chardev "pipe,id=console,path=$fifo" -serial chardev:console \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -netdev "${NET_NETDEV[$id]},id=lan" -device "e1000,netdev=lan,mac=$(net_mac "$id")" \
        -object "filter-dump,id=dump,netdev=lan,file=$base.pcap" \
        > "$base.qemu.log" 2>&1 &
    NET_QEMU_PID[$id]=$!
    NET_PIDS+=($!)
    # Both ends of the pipes are opened read-write so neither side blocks.
    local fd
    exec {fd}<> "$fifo.in"
    NET_IN_FD[$id]=$fd
    cat "$fifo.out" > "$base.log" &
    NET_PIDS+=($!)
}

# net_wait ID REGEX SECONDS: wait until node ID's console has a line
# matching REGEX (grep -E); fail after SECONDS.
net_wait()
{
    local log=$NET_DIR/n$1.log deadline=$((SECONDS + $3))
    until grep -Eq -- "$2" "$log" 2> /dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || net_fail "node $1: no line matching '$2' within $3 s"
        kill -0 "${NET_QEMU_PID[$1]}" 2> /dev/null ||
            { sleep 0.2; grep -Eq -- "$2" "$log" && return; net_fail "node $1: QEMU ended before '$2'"; }
        sleep 0.1
    done
}

# The first line of node ID's console matching REGEX (empty if none).
net_line()
{
    grep -E -m1 -- "$2" "$NET_DIR/n$1.log" || true
}

# A line of text for node ID's shell.
net_send()
{
    printf '%s\r' "$2" >&"${NET_IN_FD[$1]}"
}

# net_wait_exit ID SECONDS: wait for node ID's QEMU to end; NET_STATUS gets
# its exit status (isa-debug-exit: status N ends QEMU with 2N+1).
net_wait_exit()
{
    local pid=${NET_QEMU_PID[$1]} deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2> /dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || net_fail "node $1: QEMU still running after $2 s"
        sleep 0.1
    done
    NET_STATUS=0
    wait "$pid" || NET_STATUS=$?
}

# Node ID's console lines matching REGEX without their time stamps, as
# "n<node>.<local>: <text>".
net_output()
{
    grep -E -- "$2" "$NET_DIR/n$1.log" | sed 's/^.*\[ *[0-9]*\.[0-9]* ms\] //' | tr -d '\r'
}

# net_sim_output NIMBUS PROGRAM [ARG...]: what PROGRAM prints when it runs
# alone on one simulated node, in net_output's form: the reference an x86
# run is compared with.
net_sim_output()
{
    local nimbus=$1 program=$2 args="" a
    shift 2
    for a in "$@"; do
        args+="${args:+, }\"$a\""
    done
    local run=$NET_DIR/sim-$program
    cat > "$run.json" << EOF
{ "name": "x86-reference-$program", "seed": 1, "nodes": [ {"count": 1} ],
  "events": [ {"at": "0s", "spawn": {"node": 0, "program": "$program", "args": [$args]}} ] }
EOF
    "$nimbus" run "$run.json" --out "$run" --quiet > /dev/null ||
        net_fail "the simulator could not run $run.json"
    sed 's/^\[ *[0-9]*\.[0-9]* ms\] //' "$run/console.log"
}

# net_expect_clean_exit ID SECONDS: node ID ended through exit=idle with
# every process exited 0 (isa-debug-exit status 0: QEMU exits 1).
net_expect_clean_exit()
{
    net_wait_exit "$1" "$2"
    [ "$NET_STATUS" -eq 1 ] || net_fail "node $1: QEMU exit status $NET_STATUS, expected 1 (all processes exited 0)"
}
