#!/usr/bin/env bash
# The x86 screen under QEMU: the status panel, the divider and the console,
# read back from a screendump; and the serial command line that feeds it.
#
#   screen_panel.sh kernel <cumulonimbus.elf> <font_8x16.c> <out dir>
#       qboot + -kernel: no framebuffer, so VGA text mode (80x25), which
#       the kernel programs itself (qboot leaves the VGA uninitialised).
#       The text is read from VGA memory, the colours from the screendump.
#   screen_panel.sh iso <cumulonimbus.iso> <font_8x16.c> <out dir>
#       SeaBIOS + GRUB: the 1024x768 framebuffer; the text is read back
#       from the screendump's pixels with the font the build converted.
#
# Both: a sleeper spawned from the shell shows up in the panel's process
# row, and bad shell input gets its error message. Outputs stay in
# <out dir>. Exits 77 (skipped) when QEMU, python3 or the image is missing.
set -euo pipefail

mode=${1:?usage: screen_panel.sh kernel|iso IMAGE FONT_C OUT_DIR}
image=${2:?image}
font=${3:?font source}
out=${4:?output directory}
QEMU=${QEMU:-qemu-system-x86_64}
QBOOT=${QBOOT:-/usr/share/qemu/qboot.rom}

command -v "$QEMU" > /dev/null || { echo "SKIP: $QEMU is not installed"; exit 77; }
command -v python3 > /dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
[ -f "$image" ] || { echo "SKIP: $image was not built"; exit 77; }
[ -f "$font" ] || { echo "FAIL: no font source at $font"; exit 1; }
check=$(dirname "$0")/screen_check.py
rm -rf "$out"
mkdir -p "$out"
sockets=$(mktemp -d /tmp/nimbus-screen.XXXXXX)
log=$out/serial.log
qemu_pid=
cat_pid=
cleanup()
{
    local pid
    for pid in $qemu_pid $cat_pid; do
        kill -TERM "$pid" 2> /dev/null || true
        { wait "$pid"; } 2> /dev/null || true
    done
    rm -rf "$sockets"
}
trap cleanup EXIT

fail()
{
    echo "FAIL: $*" >&2
    echo "--- $log" >&2
    tail -n 30 "$log" >&2
    [ ! -s "$out/screen.txt" ] || { echo "--- $out/screen.txt" >&2; cat "$out/screen.txt" >&2; }
    exit 1
}

# wait_for REGEX SECONDS: until the serial log (its CR LF line ends made LF)
# has a line matching REGEX.
wait_for()
{
    local deadline=$((SECONDS + $2))
    until tr -d '\r' < "$log" | grep -Eq -- "$1"; do
        [ "$SECONDS" -lt "$deadline" ] || fail "no line matching '$1' within $2 s"
        kill -0 "$qemu_pid" 2> /dev/null || fail "QEMU ended before '$1'"
        sleep 0.1
    done
}

# expect_screen REGEX: a line of what the screen shows matches REGEX.
expect_screen()
{
    grep -Eq -- "$1" "$out/screen.txt" || fail "the screen shows no line matching '$1'"
}

# The framebuffer run has an e1000 (on a hub of its own: no frame leaves
# QEMU), the VGA run none: the title row shows both cases.
case $mode in
kernel)
    boot=(-bios "$QBOOT" -kernel "$image" -append "run=hello" -nic none)
    title='^ CUMULONIMBUS +node 0 of 1 +ip 10\.0\.0\.1 +no network card'
    ;;
iso)
    boot=(-cdrom "$image" -netdev "hubport,id=lan,hubid=0" -device "e1000,netdev=lan,mac=52:54:00:00:00:01")
    title='^ CUMULONIMBUS +node 0 of 1 +ip 10\.0\.0\.1 +mac 52:54:00:00:00:01 +link up'
    ;;
*) fail "unknown mode $mode" ;;
esac

mkfifo "$sockets/console.in" "$sockets/console.out"
"$QEMU" -accel tcg -m 128 -display none -no-reboot "${boot[@]}" \
    -chardev "pipe,id=console,path=$sockets/console" -serial chardev:console \
    -monitor "unix:$sockets/monitor,server=on,wait=off" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 2> "$out/qemu.log" &
qemu_pid=$!
exec {console}<> "$sockets/console.in"
cat "$sockets/console.out" > "$log" &
cat_pid=$!

wait_for '^cumulonimbus: node 0 ready: ' 40
type_line() { printf '%s\r' "$1" >&"$console"; }
type_line "spawn sleeper 60000"
wait_for 'spawned n0\.2 \(sleeper\)' 10
type_line "spawn nosuch"
wait_for 'spawn nosuch: no such program' 10
type_line "migrate n0.2 5"
wait_for "migrate: '5' is not a node of this cluster" 10
type_line "migrate 2 1"
wait_for "migrate: '2' is not a pid" 10
type_line "frobnicate now"
wait_for "unknown command 'frobnicate'" 10
type_line "ps"
wait_for '^n0\.2 +n0\.0 +blocked .* sleeper$' 10
sleep 1 # the panel redraws every 250 ms

"$check" monitor "$sockets/monitor" "screendump $out/screen.ppm" > /dev/null
for _ in $(seq 50); do
    [ -s "$out/screen.ppm" ] && break
    sleep 0.1
done
if [ "$mode" = kernel ]; then
    "$check" text-vga "$sockets/monitor" > "$out/screen.txt"
else
    "$check" text-fb "$out/screen.ppm" "$font" > "$out/screen.txt"
fi
"$check" colours "$out/screen.ppm" || fail "the screendump's colours are wrong"

# The panel, row by row, then the divider and the console.
expect_screen "$title"
expect_screen '^ up [0-9]+:[0-9]{2}:[0-9]{2} +load +[0-9]+\.[0-9]{2} [#.]{20}'
expect_screen '^ processes 1 +\(spawned 2, exited 1, faulted 0'
expect_screen '^ +n0\.2 sleeper$'
expect_screen '^ peers 0$'
expect_screen '^ migrations out 0, in 0, aborted 0'
expect_screen '^ frames rx [0-9]+, tx [0-9]+, bad 0'
expect_screen '^-{80}'
expect_screen "^unknown command 'frobnicate'"
expect_screen '^n0\.2 +n0\.0 +blocked .* sleeper$'
sed -n 1p "$out/screen.txt" | grep -q '^ CUMULONIMBUS' || fail "the title is not the first row"
sed -n 9p "$out/screen.txt" | grep -Eq '^-+$' || fail "the divider is not the ninth row"
echo "screen ($mode): $(sed -n 1p "$out/screen.txt" | sed 's/  */ /g')"
