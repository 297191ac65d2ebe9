#!/bin/sh
# Output files on a shared machine (docs/robustness.md, "Output files"),
# through the command line: sh outputs.sh CASE IPASIM SCRATCH SOURCE_DIR.
# Each case runs in a fresh SCRATCH and fails (exit 1, saying why) when
# ipasim follows a planted symlink, loses a user's file or a directory's
# mode, overwrites an input, or lets two outputs share a file.
set -u
case_name=$1 ipasim=$2 scratch=$3 src=$4
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch" || exit 1

fail() {
    echo "outputs.sh $case_name: $*" >&2
    exit 1
}
# run EXPECTED_CODE ipasim-arguments...: stderr in err.txt
run() {
    want=$1
    shift
    "$ipasim" "$@" >out.txt 2>err.txt
    got=$?
    [ "$got" = "$want" ] || fail "ipasim $*: exit $got, expected $want: $(cat err.txt)"
}
# A short run: 4 cores, fifo.c, loops3.json, a few hundred log lines.
small="--topo 4core.xml --policy fifo.c --trace loops3.json --quiet"
# No temporary left in the current directory.
no_temporary() {
    left=$(ls -A | grep '^\.' || true)
    [ -z "$left" ] || fail "temporary files left: $left"
}

case $case_name in
log_perfetto_planted_symlinks)
    # ipasim once wrote --log and --perfetto through .NAME.PID.tmp; `exec`
    # keeps the shell's pid, so the links sit at the very names it used.
    echo precious >victim
    sh -c 'ln -s victim .out.log.$$.tmp && ln -s victim .out.trace.json.$$.tmp &&
           exec "$0" "$@" --log out.log --perfetto out.trace.json' \
        "$ipasim" $small 2>err.txt
    code=$?
    [ "$(cat victim)" = precious ] || fail "the victim was overwritten"
    [ "$code" = 0 ] || fail "exit $code: $(cat err.txt)"
    [ -s out.log ] && [ -s out.trace.json ] || fail "outputs missing"
    rm -f .out.log.*.tmp .out.trace.json.*.tmp
    no_temporary
    ;;
plot_planted_symlink)
    # ipasim once cleared .NAME.PID.tmp before use, through a symlink.
    mkdir victim && echo precious >victim/data.txt
    sh -c 'ln -s victim .plots.$$.tmp && exec "$0" "$@" --plot plots' \
        "$ipasim" $small 2>err.txt
    code=$?
    [ -f victim/data.txt ] || fail "the victim directory lost its file"
    [ "$code" = 0 ] || fail "exit $code: $(cat err.txt)"
    [ -s plots/timeline.gp ] || fail "plots/timeline.gp missing"
    rm -f .plots.*.tmp
    no_temporary
    ;;
plot_keeps_user_files)
    run 0 $small --plot plots
    echo mine >plots/notes.txt
    run 0 $small --plot plots
    [ "$(cat plots/notes.txt)" = mine ] || fail "plots/notes.txt was removed"
    [ -s plots/timeline.gp ] || fail "plots/timeline.gp missing"
    grep -qx timeline.gp plots/.ipasim-plot || fail "the marker lacks timeline.gp"
    ! grep -q notes.txt plots/.ipasim-plot || fail "the marker lists notes.txt"
    # a directory that is not ipasim's: ours go beside the user's files
    mkdir foreign && echo mine >foreign/keep.txt
    run 0 $small --plot foreign
    [ "$(cat foreign/keep.txt)" = mine ] || fail "foreign/keep.txt was removed"
    [ -s foreign/timeline.gp ] || fail "foreign/timeline.gp missing"
    no_temporary
    ;;
plot_keeps_mode)
    mkdir -m 700 private
    run 0 $small --plot private
    [ "$(stat -c %a private)" = 700 ] || fail "private is now $(stat -c %a private)"
    [ -s private/timeline.gp ] || fail "private/timeline.gp missing"
    ;;
outputs_share_a_file)
    run 2 $small --json x --log x
    grep -q -- "--json x and --log x name the same file" err.txt || fail "message: $(cat err.txt)"
    mkdir sub
    run 2 $small --perfetto sub/../y.json --json ./y.json
    grep -q "name the same file" err.txt || fail "message: $(cat err.txt)"
    run 2 $small --plot z --log z
    [ ! -e x ] && [ ! -e y.json ] && [ ! -e z ] || fail "an output was written"
    no_temporary
    ;;
output_names_an_input)
    cp "$src/traces/loops3.json" t.json && cp t.json t.orig
    ln -s t.json link.json
    cp "$src/topologies/4core.xml" topo.xml
    for flag in --json --log --perfetto; do
        run 2 --topo 4core.xml --policy fifo.c --trace t.json --quiet $flag ./t.json
        grep -q -- "$flag ./t.json names the trace (t.json): refusing to overwrite an input" err.txt ||
            fail "message: $(cat err.txt)"
    done
    run 2 --topo 4core.xml --policy fifo.c --trace t.json --quiet --log link.json
    run 2 --topo topo.xml --policy fifo.c --trace loops3.json --quiet --json topo.xml
    grep -q "names the topology" err.txt || fail "message: $(cat err.txt)"
    cmp -s t.json t.orig || fail "the trace was overwritten"
    cp "$src/policies/rr.ipa" p.ipa && cp p.ipa p.orig
    run 2 --topo 4core.xml --policy p.ipa --trace loops3.json --quiet --json p.ipa
    grep -q "names a policy" err.txt || fail "message: $(cat err.txt)"
    run 2 compile p.ipa -o ./p.ipa
    grep -q "names the policy" err.txt || fail "message: $(cat err.txt)"
    cmp -s p.ipa p.orig || fail "the policy was overwritten"
    cp "$src/tests/scenarios/inputs/periodic.rtapp.json" w.json && cp w.json w.orig
    run 2 convert w.json -o ./w.json
    grep -q "names the input" err.txt || fail "message: $(cat err.txt)"
    cmp -s w.json w.orig || fail "the rt-app file was overwritten"
    printf '{"ipasim_scenario": 1, "name": "s", "topology": "4core.xml",\n "trace": "loops3.json", "policy": "fifo.c"}\n' >s.json
    cp s.json s.orig
    run 2 test s.json --junit ./s.json
    grep -q -- "--junit ./s.json names a scenario" err.txt || fail "message: $(cat err.txt)"
    cmp -s s.json s.orig || fail "the scenario was overwritten"
    no_temporary
    ;;
unwritable_leaves_nothing)
    # The file size limit fails the log's writes half-way; with SIGXFSZ
    # ignored ipasim sees the error and must leave no file, whole or not.
    echo old >out.log
    sh -c 'trap "" XFSZ; ulimit -f 1; exec "$0" "$@" --log out.log --json r.json' \
        "$ipasim" --topo 4core.xml --policy fifo.ipa --trace db.json --quiet 2>err.txt
    code=$?
    [ "$code" = 2 ] || fail "exit $code, expected 2: $(cat err.txt)"
    grep -q "cannot write out.log" err.txt || fail "message: $(cat err.txt)"
    [ "$(cat out.log)" = old ] || fail "out.log was changed"
    [ ! -e r.json ] || fail "r.json was written after a failed run"
    no_temporary
    ;;
*)
    fail "no such case"
    ;;
esac
exit 0
