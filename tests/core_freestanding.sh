#!/usr/bin/env bash
# The core library must link into any platform unchanged: the only symbols
# it needs from outside itself may be the memory functions compilers emit
# calls to.
set -euo pipefail
lib="$1"
allowed='^(memcpy|memset|memmove|memcmp)$'
defined=$(nm --defined-only --format=just-symbols "$lib" | sort -u)
undefined=$(nm -u --format=just-symbols "$lib" | sort -u | comm -23 - <(echo "$defined"))
bad=$(echo "$undefined" | grep -v -E "$allowed" | grep -v '^$' || true)
if [ -n "$bad" ]; then
  echo "core library $lib calls outside itself:"
  echo "$bad"
  exit 1
fi
echo "core library needs from outside: $(echo $undefined)"
