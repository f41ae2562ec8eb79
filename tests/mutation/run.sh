#!/usr/bin/env bash
# run.sh - mutation testing: apply each small, realistic break listed in
# mutants.txt to a copy of the tree, build, run the tests named for it,
# and report which breaks the tests did not notice (survivors: each one
# a missing test). See README.md.
#
#   bash tests/mutation/run.sh [--list | --check] [NAME...]
#
# --check only verifies that every mutant still applies (its find text
# occurs once in its file), without building: the `mutants_apply` test.
#
# The copy and its build live in $NIMBUS_MUTATION_DIR (default
# ${TMPDIR:-/tmp}/nimbus-mutation) and are reused between runs; the
# working tree is never changed. Exit status: 0 when every mutant was
# killed, 1 when some survived, 2 on a usage or setup error.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
list="$here/mutants.txt"
work=${NIMBUS_MUTATION_DIR:-${TMPDIR:-/tmp}/nimbus-mutation}
jobs=${NIMBUS_MUTATION_JOBS:-2}
timeout=${NIMBUS_MUTATION_TIMEOUT:-240}
src="$work/src" build="$work/build" log="$work/logs"

# The mutants as tab-separated name, file, tests, find, replace lines
# (find and replace keep \n and \t escaped).
parse_mutants() {
    python3 - "$list" <<'PY'
import sys
blocks, cur = [], None
for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    if line.startswith("[") and line.endswith("]"):
        cur = {"name": line[1:-1], "line": n}
        blocks.append(cur)
        continue
    key, sep, value = line.partition(":")
    if cur is None or not sep or key not in ("file", "tests", "find", "replace", "why"):
        sys.exit(f"{sys.argv[1]}:{n}: expected [name] or file/tests/find/replace/why: {line}")
    cur[key] = value[1:] if value.startswith(" ") else value
for b in blocks:
    for key in ("file", "tests", "find", "replace"):
        if key not in b:
            sys.exit(f"{sys.argv[1]}:{b['line']}: mutant {b['name']} has no {key}:")
    print("\t".join(b[k] for k in ("name", "file", "tests", "find", "replace")))
PY
}

# Replace the one occurrence of find in file (escapes \n \t decoded);
# fails when it occurs zero or several times: the mutant is out of date.
# With a fourth argument "dry" the file is only checked, not changed.
apply_mutant() {
    python3 - "$1" "$2" "$3" "${4:-}" <<'PY'
import sys
path, find, repl = sys.argv[1], *(s.replace("\\n", "\n").replace("\\t", "\t") for s in sys.argv[2:4])
text = open(path).read()
count = text.count(find)
if count != 1:
    sys.exit(f"{path}: the text to replace occurs {count} times, not once")
if sys.argv[4] != "dry":
    open(path, "w").write(text.replace(find, repl))
PY
}

# Every mutant's find text occurs exactly once in its file of the working
# tree; 1 (naming the stale ones) otherwise.
check_all_apply() {
    local stale=0 name file tests find repl
    while IFS=$'\t' read -r name file tests find repl; do
        if ! apply_mutant "$root/$file" "$find" "$repl" dry >/dev/null 2>&1; then
            echo "stale mutant $name: its find text does not occur once in $file"
            stale=1
        fi
    done <<<"$1"
    [ "$stale" = 0 ] && echo "$(wc -l <<<"$1") mutants apply"
    return "$stale"
}

# Make $src hold the working tree's files (tracked and untracked, not
# ignored): copy those that differ, delete those that went; unchanged
# files keep their times, so the copy's build stays incremental.
sync_copy() {
    git -C "$root" ls-files -z --cached --others --exclude-standard | python3 -c '
import os, shutil, sys
root, src = sys.argv[1], sys.argv[2]
want = {f for f in sys.stdin.read().split("\0") if f and os.path.isfile(os.path.join(root, f))}
for f in want:
    a, b = os.path.join(root, f), os.path.join(src, f)
    if not os.path.exists(b) or open(a, "rb").read() != open(b, "rb").read():
        os.makedirs(os.path.dirname(b), exist_ok=True)
        shutil.copyfile(a, b)  # a new mtime: the build sees the change
for d, _, files in os.walk(src):
    for name in files:
        rel = os.path.relpath(os.path.join(d, name), src)
        if rel not in want:
            os.remove(os.path.join(d, name))
' "$root" "$src"
}

# Refresh the copy from the working tree (sources only, no builds or
# git), configure its build once.
prepare_copy() {
    mkdir -p "$src" "$log" || return 1
    sync_copy || return 1
    if [ ! -f "$build/CMakeCache.txt" ]; then
        cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$log/configure.log" 2>&1 ||
            { echo "run.sh: configuring the copy failed, see $log/configure.log" >&2; return 1; }
    fi
}

# Build what the tests need: the nimbus command and every named test
# program that is a target of its own.
build_for() {
    local targets=(nimbus) t
    for t in $1; do
        case $t in test_*) targets+=("$t") ;; esac
    done
    cmake --build "$build" -j"$jobs" --target "${targets[@]}"
}

# 0 if the tests named (exact ctest names) all pass, 1 otherwise.
tests_pass() {
    local regex
    regex="^($(echo "$1" | tr -s ' ' '|'))\$"
    ctest --test-dir "$build" -R "$regex" --timeout "$timeout" --output-on-failure
}

main() {
    local mode=run wanted=()
    for arg in "$@"; do
        case $arg in
            --list) mode=list ;;
            --check) mode=check ;;
            -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
            -*) echo "run.sh: unknown option $arg" >&2; exit 2 ;;
            *) wanted+=("$arg") ;;
        esac
    done
    local mutants
    mutants=$(parse_mutants) || exit 2
    if [ "$mode" = list ]; then
        cut -f1-3 <<<"$mutants" | column -t -s $'\t'
        exit 0
    fi
    if [ "$mode" = check ]; then
        check_all_apply "$mutants"
        exit
    fi
    for w in "${wanted[@]}"; do
        cut -f1 <<<"$mutants" | grep -qx -- "$w" || { echo "run.sh: no mutant named $w" >&2; exit 2; }
    done
    prepare_copy || exit 2
    echo "building the unmutated copy in $build"
    cmake --build "$build" -j"$jobs" --target nimbus >"$log/baseline.log" 2>&1 ||
        { echo "run.sh: the unmutated copy does not build, see $log/baseline.log" >&2; exit 2; }

    local tried=0 killed=0 survivors=() broken=()
    while IFS=$'\t' read -r name file tests find repl; do
        if [ ${#wanted[@]} -gt 0 ] && ! printf '%s\n' "${wanted[@]}" | grep -qx -- "$name"; then
            continue
        fi
        local out="$log/$name.log" saved="$work/saved"
        cp -p "$src/$file" "$saved"
        if ! apply_mutant "$src/$file" "$find" "$repl" >"$out" 2>&1; then
            broken+=("$name (does not apply: $(tail -1 "$out"))")
            echo "BROKEN   $name: does not apply, see $out"
        elif ! build_for "$tests" >>"$out" 2>&1; then
            broken+=("$name (does not build)")
            echo "BROKEN   $name: does not build, see $out"
        else
            tried=$((tried + 1))
            local start=$SECONDS
            if tests_pass "$tests" >>"$out" 2>&1; then
                survivors+=("$name")
                echo "SURVIVED $name ($file; $tests passed in $((SECONDS - start)) s)"
            else
                killed=$((killed + 1))
                echo "killed   $name ($(grep -o '[0-9]* - [a-z_0-9]* ([A-Za-z ]*)' "$out" | head -3 | tr '\n' ' ')in $((SECONDS - start)) s)"
            fi
        fi
        # Back to the original; the next build picks it up by its mtime.
        cp "$saved" "$src/$file"
        touch "$src/$file"
    done <<<"$mutants"

    echo
    echo "killed $killed of $tried"
    [ ${#survivors[@]} -eq 0 ] || printf 'survived: %s\n' "${survivors[@]}"
    [ ${#broken[@]} -eq 0 ] || printf 'broken (not counted): %s\n' "${broken[@]}"
    [ ${#broken[@]} -eq 0 ] || exit 2
    [ ${#survivors[@]} -eq 0 ]
}

main "$@"
