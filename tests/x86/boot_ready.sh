#!/usr/bin/env bash
# Boot tests of the x86 image under QEMU (TCG), one node, no network.
#
#   boot_ready.sh kernel <cumulonimbus.elf> <out dir>
#       qboot + -kernel (multiboot 1): the ready line; hello's output line;
#       exit=idle ends QEMU with status 0 (QEMU: 1); a stack grown to 60
#       KiB works and one of 70 KiB faults at its limit (QEMU: 3 for the
#       fault); selftest=exit:7 ends
#       it with 15; selftest=fault panics with a page fault, registers and
#       a backtrace (QEMU: 7); selftest=kassert breaks a mailbox's bounds
#       on purpose and the core's KASSERT is caught: the panic line names
#       the file, line and condition as written in core/ipc.c, then a
#       backtrace (QEMU: 7); selftest=reboot:2 with run=hello resets the
#       machine once (QEMU told to reset, not exit): the second boot's
#       hello is n0.2, the pid counter kept in CMOS (QEMU: 1), while a new
#       QEMU starts from an empty CMOS and n0.1 again; a bad command-line
#       word stops the boot naming the word (QEMU: 5).
#   boot_ready.sh disk <cumulonimbus.elf> <out dir>
#       the ATA driver by DMA (the default) and by PIO (ata=pio): the mode
#       on the driver's line and the ready line; selftest=disk's round trip
#       and its requests past the end refused, with the disk's interrupts
#       counted by DMA; data written by one boot read back by the next, in
#       either mode by the other (selftest=disk-write/disk-verify: requests
#       of 1 to 300 sectors, one from an odd address, the last sectors of a
#       sparse 130 GiB disk by LBA48), and a wrong seed caught; then
#       selftest=disk-bench:8 in each mode, whose MiB/s it prints.
#   boot_ready.sh disk-flush <cumulonimbus.elf> <out dir>
#       the disk through the HAL's queue, by DMA and by PIO
#       (selftest=disk-flush: plain writes, a flush and a FUA write queued
#       at once complete in order; read back; bad requests and a full queue
#       refused), and what it wrote read by the next boot in the other mode
#       (selftest=disk-verify).
#   boot_ready.sh iso <cumulonimbus.iso> <out dir>
#       SeaBIOS booting the CD-ROM (GRUB, multiboot2): the ready line, with
#       the 1024x768 framebuffer, and hello's output (the ISO's command line
#       is NIMBUS_BOOT_CMDLINE, by default run=hello); then a command line
#       given as the SMBIOS OEM string "cumulonimbus-cmdline: ..." (as
#       `nimbus boot --iso` does) replaces it.
#
# Prints the time from QEMU's start to the ready line. Serial logs stay in
# <out dir>. Exits 77 (skipped) when QEMU or the image is missing.
set -euo pipefail

mode=${1:?usage: boot_ready.sh kernel|disk|disk-flush|iso IMAGE OUT_DIR}
image=${2:?image}
out=${3:?output directory}
source=$(cd "$(dirname "$0")/../.." && pwd)
QEMU=${QEMU:-qemu-system-x86_64}
QBOOT=${QBOOT:-/usr/share/qemu/qboot.rom}
READY='^cumulonimbus: node 0 ready: ip 10\.0\.0\.1 mac ([0-9a-f]{2}:){5}[0-9a-f]{2} nodes 1'
HELLO='^\[ *[0-9]+\.[0-9]{6} ms\] n0\.1: hello from n0\.1$'

command -v "$QEMU" > /dev/null || { echo "SKIP: $QEMU is not installed"; exit 77; }
[ -f "$image" ] || { echo "SKIP: $image was not built"; exit 77; }
mkdir -p "$out"

qemu_pid=
cleanup() { [ -z "$qemu_pid" ] || kill -KILL "$qemu_pid" 2> /dev/null || true; }
trap cleanup EXIT

fail()
{
    echo "FAIL: $*" >&2
    [ -z "${log:-}" ] || { echo "--- $log" >&2; tail -n 30 "$log" >&2; }
    exit 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# boot <name> <seconds> <stop regex> <qemu arguments...>: run QEMU until
# it ends, until COM1 shows a line matching <stop regex> (if not empty;
# then QEMU is killed) or for at most <seconds>. COM1 goes to
# $out/<name>.log. Sets $log, $status (QEMU's exit status, "stopped" or
# "timeout") and $ready_ms (ms from QEMU's start to the ready line).
boot()
{
    local name=$1 seconds=$2 stop=$3
    shift 3
    log=$out/$name.log
    : > "$log"
    local start
    start=$(now_ms)
    "$QEMU" -accel tcg -m 128 -display none -monitor none -nic none -no-reboot \
        -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" \
        2> "$out/$name.qemu.log" &
    qemu_pid=$!
    ready_ms=
    status=timeout
    local deadline=$((start + seconds * 1000))
    local seen
    while kill -0 "$qemu_pid" 2> /dev/null && [ "$(now_ms)" -lt "$deadline" ]; do
        seen=$(tr -d '\r' < "$log") # one reading for both questions
        if [ -z "$ready_ms" ] && grep -Eq "$READY" <<< "$seen"; then
            ready_ms=$(($(now_ms) - start))
        fi
        if [ -n "$stop" ] && grep -Eq "$stop" <<< "$seen"; then
            status=stopped
            break
        fi
        sleep 0.02
    done
    if kill -0 "$qemu_pid" 2> /dev/null; then
        kill -KILL "$qemu_pid"
        wait "$qemu_pid" 2> /dev/null || true
    else
        status=0
        wait "$qemu_pid" || status=$?
    fi
    qemu_pid=
    tr -d '\r' < "$log" > "$log.tmp" && mv "$log.tmp" "$log"
    if [ -z "$ready_ms" ] && grep -Eq "$READY" "$log"; then
        ready_ms="<$(($(now_ms) - start))" # it came as QEMU ended
    fi
}

expect_line() # regex, what
{
    grep -Eq "$1" "$log" || fail "$2: no line matching '$1'"
}

expect_status() # status, what
{
    [ "$status" = "$1" ] || fail "$2: QEMU ended with status $status, expected $1"
}

kernel_boot() # name, seconds, command line, more QEMU arguments...
{
    local name=$1 seconds=$2 cmdline=$3
    shift 3
    boot "$name" "$seconds" "" -bios "$QBOOT" -kernel "$image" -append "$cmdline" "$@"
}

test_kernel()
{
    [ -f "$QBOOT" ] || { echo "SKIP: $QBOOT is missing"; exit 77; }

    kernel_boot hello 20 "run=hello exit=idle"
    expect_line "$READY" "run=hello"
    expect_line "$HELLO" "hello's output"
    expect_line '^cumulonimbus: n0\.1 exited with status 0$' "hello's exit"
    expect_line '^cumulonimbus: node 0 idle: every process exited \(status 0\)$' "exit=idle"
    expect_status 1 "exit=idle with status 0"
    echo "kernel: ready line $ready_ms ms after QEMU started (qboot, -kernel)"

    kernel_boot stack 20 "run=stackuse:60:2,stackuse:70:2 exit=idle"
    expect_line '^\[ *[0-9]+\.[0-9]{6} ms\] n0\.1: stackuse n0\.1: checksum [0-9a-f]{8}$' "60 KiB of stack"
    expect_line '^cumulonimbus: n0\.2 faulted: stack overflow at pc 0x[0-9a-f]{8}, address 0x00fefffe$' \
        "70 KiB of stack: the overflow under the 64 KiB limit"
    expect_status 3 "exit=idle with a process that faulted"

    kernel_boot exit7 20 "selftest=exit:7"
    expect_line "$READY" "selftest=exit:7"
    expect_status 15 "selftest=exit:7"

    kernel_boot fault 20 "selftest=fault"
    expect_line '^cumulonimbus: PANIC: page fault \(vector 14' "selftest=fault"
    expect_line '^cumulonimbus:   page fault address 0000000100000000 ' "the fault address"
    expect_line '^cumulonimbus:   rip [0-9a-f]{16}  rsp' "the register dump"
    expect_line '^cumulonimbus:   #1 [0-9a-f]{16}$' "the backtrace"
    expect_status 7 "selftest=fault (panic status 3)"

    # The line of the assertion, from the source the image was built from.
    local assertion='p->mailbox_len <= MAILBOX_CAPACITY && p->mailbox_head < MAILBOX_CAPACITY'
    local line
    line=$(grep -nF "KASSERT(k, $assertion);" "$source/core/ipc.c" | cut -d: -f1)
    [ -n "$line" ] || fail "core/ipc.c has no KASSERT($assertion)"
    kernel_boot kassert 20 "selftest=kassert"
    expect_line '^cumulonimbus: selftest kassert: n0\.1'"'"'s mailbox now holds 17 messages of 16$' "the broken mailbox"
    grep -qxF "cumulonimbus: PANIC: KASSERT failed on node 0 at core/ipc.c:$line: $assertion" "$log" ||
        fail "selftest=kassert: no line 'cumulonimbus: PANIC: KASSERT failed on node 0 at core/ipc.c:$line: $assertion'"
    expect_line '^cumulonimbus:   #1 [0-9a-f]{16}$' "the KASSERT's backtrace"
    expect_line '^cumulonimbus: halted$' "the node halts"
    expect_status 7 "selftest=kassert (panic status 3)"

    kernel_boot reboot 30 "run=hello selftest=reboot:2" -action reboot=reset
    [ "$(grep -Ec "$READY" "$log")" = 2 ] || fail "selftest=reboot:2: not two ready lines"
    [ "$(grep -E '^cumulonimbus: (n0\.[0-9]+ started hello|selftest reboot)' "$log")" = "cumulonimbus: n0.1 started hello (parent n0.0)
cumulonimbus: selftest reboot:2: boot 1, last local pid 1
cumulonimbus: n0.2 started hello (parent n0.0)
cumulonimbus: selftest reboot:2: boot 2, last local pid 2
cumulonimbus: selftest reboot:2: exit status 0" ] || fail "selftest=reboot:2: the pids do not go on across the reset"
    expect_status 1 "selftest=reboot:2 (status 0)"
    kernel_boot reboot_again 20 "run=hello selftest=reboot:1"
    expect_line '^cumulonimbus: n0\.1 started hello \(parent n0\.0\)$' "a new QEMU: an empty CMOS"
    expect_line '^cumulonimbus: selftest reboot:1: boot 1, last local pid 1$' "a new QEMU: its first boot"
    expect_status 1 "selftest=reboot:1 (status 0)"

    kernel_boot badword 20 "nodes=2 node=0 colour=blue"
    expect_line "^cumulonimbus: boot stopped: bad word 'colour=blue' on the kernel command line$" \
        "a bad word"
    ! grep -Eq "$READY" "$log" || fail "a bad word: the node still said it was ready"
    expect_status 5 "a bad word (status 2)"
}

test_iso()
{
    boot iso 30 "$HELLO" -cdrom "$image"
    [ "$status" = stopped ] || fail "ISO boot: QEMU ended ($status) before hello's output"
    expect_line "$READY"', loader multiboot2, .*screen framebuffer 1024x768' "ISO boot"
    expect_line "$HELLO" "hello's output"
    echo "iso: ready line $ready_ms ms after QEMU started (SeaBIOS, GRUB, CD-ROM)"

    # The launcher's way to give an ISO node its own command line.
    boot iso_smbios 30 "" -cdrom "$image" \
        -smbios "type=11,value=Vendor string,value=cumulonimbus-cmdline: node=1 nodes=2 selftest=exit:7"
    expect_line '^cumulonimbus: node 1 ready: ip 10\.0\.0\.2 mac [0-9a-f:]{17} nodes 2, loader multiboot2' \
        "the command line from the SMBIOS OEM string"
    expect_status 15 "selftest=exit:7 from the SMBIOS OEM string"
}

disk_boot() # name, image, command line, more QEMU arguments...
{
    local name=$1 disk=$2 cmdline=$3
    shift 3
    kernel_boot "$name" 30 "$cmdline" -drive "file=$disk,format=raw,if=ide" "$@"
}

# selftest=disk in mode $1 (dma or pio) with command line words $2.
disk_mode()
{
    local mode=$1 words=$2
    disk_boot "disk_$mode" "$out/small.img" "selftest=disk $words"
    expect_line "^cumulonimbus: ata: \"QEMU HARDDISK\", 8192 sectors \(4 MiB\), lba(28|48), $mode" \
        "the driver's line ($mode)"
    expect_line "$READY.*, disk 8192 sectors $mode, " "the ready line ($mode)"
    expect_line '^cumulonimbus: selftest disk: 8 sectors at 8184 of 8192 read back as written$' \
        "the round trip ($mode)"
    expect_line '^cumulonimbus: selftest disk: requests past the end refused$' "past the end ($mode)"
    expect_line "^cumulonimbus: selftest disk: mode $mode, [0-9]+ disk interrupts$" "the mode ($mode)"
    expect_status 1 "selftest=disk ($mode, status 0)"
}

# disk-write or disk-verify ($1) with seed $3 (called $2 in the log's
# name) in mode $4; QEMU's status $5.
disk_regions()
{
    local what=$1 seed=$3 mode=$4 expected=$5 words=
    [ "$mode" = pio ] && words=ata=pio
    disk_boot "${what}_$2_$mode" "$out/big.img" "selftest=disk-$what:$seed $words"
    if [ "$expected" = 1 ]; then
        expect_line "^cumulonimbus: selftest disk-$what: seed $seed, mode $mode, 6 of 6 regions ok$" \
            "disk-$what:$seed ($mode)"
    else
        expect_line "^cumulonimbus: selftest disk-$what: seed $seed, mode $mode, 0 of 6 regions ok$" \
            "disk-$what:$seed ($mode) with another seed's data"
    fi
    expect_status "$expected" "disk-$what:$seed ($mode)"
}

test_disk()
{
    [ -f "$QBOOT" ] || { echo "SKIP: $QBOOT is missing"; exit 77; }
    rm -f "$out"/*.img
    truncate -s 4M "$out/small.img"
    disk_mode dma ""
    # By DMA the drive interrupts at the end of each command and flush.
    grep -Eq '^cumulonimbus: selftest disk: mode dma, [1-9][0-9]* disk interrupts$' "$log" ||
        fail "no disk interrupt by DMA"
    expect_line '^cumulonimbus: ata: bus-master IDE [0-9a-f]{4}:[0-9a-f]{4} at 00:01\.1, io 0x[0-9a-f]+, irq 14$' \
        "the bus-master controller"
    disk_mode pio ata=pio
    expect_line '^cumulonimbus: ata: .*, pio \(ata=pio\)$' "why PIO"

    # Past 2^28 sectors (128 GiB) the driver uses the LBA48 commands.
    truncate -s 130G "$out/big.img"
    local a=$((RANDOM * 32768 + RANDOM + 1)) b
    b=$((a + 1))
    disk_regions write a "$a" dma 1
    disk_regions verify a "$a" pio 1
    disk_regions write b "$b" pio 1
    disk_regions verify b "$b" dma 1
    disk_regions verify a "$a" dma 3

    truncate -s 16M "$out/bench.img"
    local m
    for m in dma pio; do
        disk_boot "bench_$m" "$out/bench.img" "selftest=disk-bench:8 ata=$m"
        expect_status 1 "disk-bench ($m)"
        grep -E '^cumulonimbus: selftest disk-bench: ' "$log" | sed 's/^cumulonimbus: selftest //'
    done
    rm -f "$out"/*.img
}

# selftest=disk-flush:$1 in mode $2, then disk-verify:$1 in mode $3.
disk_flush()
{
    local seed=$1 mode=$2 other=$3 flushes
    # QEMU traces every ATA command the drive executes.
    disk_boot "flush_$mode" "$out/big.img" "selftest=disk-flush:$seed ata=$mode" -trace ide_exec_cmd
    expect_line '^cumulonimbus: selftest disk-flush: bad requests refused, [0-9]+ flushes queued, then busy$' \
        "refusals ($mode)"
    expect_line "^cumulonimbus: selftest disk-flush: seed $seed, mode $mode, 6 of 6 regions ok, [0-9]+ requests, 0 out of order, 0 failed$" \
        "disk-flush:$seed ($mode)"
    expect_status 1 "disk-flush:$seed ($mode)"
    # FLUSH CACHE EXT (0xea): the flush, the FUA write's, and the 16 that
    # filled the queue; the five plain writes sent none.
    flushes=$(grep -c 'cmd 0xea' "$out/flush_$mode.qemu.log" || true)
    [ "$flushes" = 18 ] || fail "disk-flush ($mode): the drive got $flushes FLUSH CACHE EXT commands, expected 18"
    echo "disk-flush ($mode): 18 FLUSH CACHE EXT commands, none after the plain writes"
    disk_regions verify "flush_$mode" "$seed" "$other" 1
}

test_disk_flush()
{
    [ -f "$QBOOT" ] || { echo "SKIP: $QBOOT is missing"; exit 77; }
    rm -f "$out"/*.img
    # Past 2^28 sectors: FLUSH CACHE EXT, as on any LBA48 drive.
    truncate -s 130G "$out/big.img"
    local seed=$((RANDOM * 32768 + RANDOM + 1))
    disk_flush "$seed" dma pio
    disk_flush $((seed + 1)) pio dma
    rm -f "$out"/*.img
}

case $mode in
kernel) test_kernel ;;
disk) test_disk ;;
disk-flush) test_disk_flush ;;
iso) test_iso ;;
*) fail "unknown mode '$mode'" ;;
esac
echo "PASS ($mode)"
