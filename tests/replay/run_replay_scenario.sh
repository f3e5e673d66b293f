#!/usr/bin/env bash
# Record and replay of linked programs from the linker scenarios (tests/linker/scenarios/NAME/, and
# tests/replay/dlopen-ctor/), on
# the modules meson built for them: thinthin.syscall's file calls, dlopen of plugins and the
# libraries they need.
#   tests/replay/run_replay_scenario.sh WI SCENARIO_DIR LIBC_WASM MODULE.wasm...
# Copies the modules under their short names (stage_scenario, shared with run_scenario.sh), then for
# each case below records the command line and replays it without --dir and without stdin; stdout,
# stderr, exit status and --trace must be identical. A dlopen by guest path, which a replay cannot
# open (no --dir), must be a one-line divergence error.
set -u
# shellcheck source-path=SCRIPTDIR source=../linker/scenarios/stage_scenario.sh
source "$(dirname "${BASH_SOURCE[0]}")/../linker/scenarios/stage_scenario.sh"
stage_scenario "$@"
fail=0
failed() { echo "FAIL $name: $*"; fail=1; }

# same CASE RECORD-ARGS... -- REPLAY-ARGS...: identical output, status and trace.
same() {
  local c=$1
  shift
  local rec=() rep=()
  while [[ $1 != -- ]]; do rec+=("$1"); shift; done
  shift
  rep=("$@")
  "$wi" exec "${rec[@]}" --record "$c.rec" --trace="$c.rec.trace" > "$c.rec.out" 2> "$c.rec.err" < /dev/null
  local st1=$?
  "$wi" exec "${rep[@]}" --replay "$c.rec" --trace="$c.rep.trace" > "$c.rep.out" 2> "$c.rep.err" <&-
  local st2=$?
  [[ $st1 == "$st2" ]] || failed "$c: recorded run exited $st1, replay $st2: $(head -n 2 "$c.rep.err")"
  cmp -s "$c.rec.out" "$c.rep.out" || { failed "$c: stdout differs"; diff "$c.rec.out" "$c.rep.out" | head -n 6; }
  cmp -s "$c.rec.err" "$c.rep.err" || failed "$c: stderr differs: $(head -n 2 "$c.rep.err")"
  cmp -s "$c.rec.trace" "$c.rep.trace" || failed "$c: traces differ"
  [[ -s "$c.rec.out" ]] || failed "$c: the program printed nothing"
  echo "$c: exit $st1, $(wc -l < "$c.rec.out") lines of output, $(wc -l < "$c.rec.trace") trace lines, $(stat -c %s "$c.rec") bytes recorded: identical on replay"
}

case $name in
  thinthin-syscall)
    same syscalls main.wasm --lib libc.wasm --dir files::/data -- main.wasm --lib libc.wasm
    grep -q "open -> fd ok, read 5 bytes" syscalls.rep.out || failed "the replay did not read the file through thinthin"
    ;;
  dlopen-plugin)
    same dlopen main.wasm --lib libc.wasm -- main.wasm --lib libc.wasm
    # A plugin that is not the recorded one (another module under its name) diverges at its dlopen.
    cp plugin.wasm plugin.orig.wasm
    printf '\x00\x06\x05extra' >> plugin.wasm
    "$wi" exec main.wasm --lib libc.wasm --replay dlopen.rec > /dev/null 2> changed.err
    st=$?
    [[ $st == 1 && $(wc -l < changed.err) == 1 ]] && grep -q '^wi: replay diverged at event [0-9]*: env.dlopen(.*) loaded .*plugin.wasm (FNV-1a .*) but the recording has .*plugin.wasm' changed.err ||
      failed "a changed plugin: exit $st, $(head -n 3 changed.err)"
    echo "changed plugin: $(cat changed.err)"
    cp plugin.orig.wasm plugin.wasm
    # By guest path: recorded with the preopen, refused clearly on replay.
    "$wi" exec main.wasm --lib libc.wasm --dir .::/sandbox --record guest.rec -- /sandbox/plugin.wasm > guest.out 2>&1 < /dev/null
    grep -q 'dlopen("/sandbox/plugin.wasm"): loaded' guest.out || failed "the guest-path dlopen did not load: $(head -n 3 guest.out)"
    "$wi" exec main.wasm --lib libc.wasm --replay guest.rec > /dev/null 2> guest.err < /dev/null
    st=$?
    [[ $st == 1 ]] && grep -q '^wi: replay diverged at event [0-9]*: env.dlopen(.*) returned 0 but 3 in the recording ("/sandbox/plugin.wasm" is a guest path' guest.err ||
      failed "a guest-path dlopen on replay: exit $st, $(head -n 3 guest.err)"
    echo "guest path: $(cat guest.err)"
    ;;
  dlopen-ctor)
    # Host calls made by a plugin's constructor, inside the dlopen call, in the order they ran.
    same ctor main.wasm --lib libc.wasm -- main.wasm --lib libc.wasm
    grep -q "^plugin constructor: random" ctor.rep.out || failed "the plugin's constructor printed nothing on replay"
    ;;
  *) failed "no replay cases for this scenario"; ;;
esac
[[ $fail == 0 ]] && echo "PASS replay of $name"
exit $fail
