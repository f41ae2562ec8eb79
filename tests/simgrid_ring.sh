#!/usr/bin/env bash
# bench/simgrid/ring_s4u, SimGrid's version of the ring that
# bench/compare_simgrid.sh sets against ours, charges what it claims: a
# hop takes latency + bytes / bandwidth plus the member's instructions at
# its speed, the first lap also resolves each successor (a 60-byte request
# and reply), and (laps + 1) * nodes hops are made. Registered only when
# SimGrid is installed (bench/simgrid/CMakeLists.txt).
# Usage: simgrid_ring.sh RING_S4U
set -euo pipefail
ring="$1"
fail() { echo "FAIL: $*"; exit 1; }

# 480 Mbit/s: a 60-byte request or reply takes 1 us on the wire, a
# 120-byte token 2 us; 1,000 instructions at 100 MIPS take 10 us. A first-
# lap hop: 10 + (50 + 1) * 2 + 50 + 2 = 164 us; a later hop 10 + 52 = 62.
# 4 nodes: lap 1 at 656 us, lap 2 at 904, "stop" back at 1152.
got=$("$ring" 4 2 --latency-ns 50000 --bandwidth-bps 480000000 --frame-bytes 120 \
  --instructions-per-hop 1000 --mips 100)
want='lap 1 done at 656 us
lap 2 done at 904 us
hops 12
simulated end 1152 us'
[ "$got" = "$want" ] || fail "ring of 4, 2 laps: got
$got"

# Without address resolution every hop is 62 us.
got=$("$ring" 4 2 --latency-ns 50000 --bandwidth-bps 480000000 --frame-bytes 120 \
  --instructions-per-hop 1000 --no-resolve)
want='lap 1 done at 248 us
lap 2 done at 496 us
hops 12
simulated end 744 us'
[ "$got" = "$want" ] || fail "ring of 4 without resolution: got
$got"

# Bad arguments: exit status 2 and the reason.
expect_refused() { # reason-substring args...
  local why=$1; shift
  local err status=0
  err=$("$ring" "$@" 2>&1 >/dev/null) || status=$?
  [ "$status" = 2 ] || fail "ring_s4u $*: exit status $status, not 2"
  [[ "$err" == *"$why"* ]] || fail "ring_s4u $*: says '$err', not '$why'"
}
expect_refused "usage: ring_s4u" 4 0
expect_refused "usage: ring_s4u" 1 3
expect_refused "--frame-bytes needs a whole number" 4 1 --frame-bytes 12x
expect_refused "unknown argument '--bogus'" 4 1 --bogus
expect_refused "bandwidth, mips and frame bytes must be more than 0" 4 1 --mips 0
echo "ring_s4u: hop times, hop count and argument errors as documented"
