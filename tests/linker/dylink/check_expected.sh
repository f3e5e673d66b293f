#!/usr/bin/env bash
# Runs `wi exec MAIN` (its libraries found through NEEDED, next to it) and compares its stdout byte for
# byte with EXPECTED (dlmain.expected, dlchain.expected: what README.md's reference loader printed);
# the exit status must be 0 and stderr empty.
# usage: check_expected.sh WI MAIN EXPECTED
set -u
wi=$1 main=$2 expected=$3
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$wi" exec "$main" >"$out" 2>"$err"
status=$?
ok=1
diff -u "$expected" "$out" || { echo "$(basename "$main"): stdout differs from $expected"; ok=0; }
[[ $status == 0 ]] || { echo "$(basename "$main"): exit status $status"; ok=0; }
[[ -s "$err" ]] && { echo "$(basename "$main"): stderr:"; cat "$err"; ok=0; }
[[ $ok == 1 ]] && echo "$(basename "$main"): ok"
[[ $ok == 1 ]]
