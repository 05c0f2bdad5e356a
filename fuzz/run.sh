#!/bin/sh
# Fuzz the readers with atheris for a while and write counts (make fuzz).
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET ...]      # targets: html jsonl warc
#
# Each target runs from a seed corpus (fuzz/seeds.py) kept in build/fuzz/corpus/TARGET,
# which grows across runs. A crash (an exception escaping the reader, or a contract
# violation, see fuzz/_common.py) saves its input under build/fuzz/crashes/TARGET/ and the
# target is restarted until its time is up. Counts go to build/fuzz/summary.txt:
# inputs tried, crashing inputs and distinct crash causes (by exception message).
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SECS=${1:-120}
[ $# -gt 0 ] && shift
TARGETS=${*:-html jsonl warc}
OUT=build/fuzz
mkdir -p "$OUT/logs"
"$PY" fuzz/seeds.py "$OUT/corpus" >/dev/null
SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"
status=0
for t in $TARGETS; do
    if [ "$t" = warc ] && [ ! -f src/retold/readers/warc.py ]; then
        echo "$t: skipped (no WARC reader)" | tee -a "$SUMMARY"
        continue
    fi
    mkdir -p "$OUT/crashes/$t"
    end=$(( $(date +%s) + SECS ))
    runs=0 crashes=0 seg=0
    : > "$OUT/logs/$t.causes"
    while [ "$(date +%s)" -lt "$end" ]; do
        left=$(( end - $(date +%s) ))
        log="$OUT/logs/$t.$seg.log"
        "$PY" "fuzz/fuzz_$t.py" -max_total_time="$left" -max_len=16384 -timeout=30 \
            -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="$OUT/crashes/$t/" \
            "$OUT/corpus/$t" > "$log" 2>&1
        rc=$?
        n=$(grep -a 'stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}')
        runs=$(( runs + ${n:-0} ))
        if [ "$rc" -ne 0 ]; then
            crashes=$(( crashes + 1 ))
            # The cause: the first line after "Uncaught Python exception", paths masked.
            grep -a -A1 'Uncaught Python exception' "$log" | tail -1 \
                | sed -E 's#/[^ :]*/(crawl|page|feed)\.#FILE.#g' >> "$OUT/logs/$t.causes"
            grep -aq 'Uncaught Python exception' "$log" || \
                grep -a 'ERROR: libFuzzer' "$log" | head -1 >> "$OUT/logs/$t.causes"
        fi
        seg=$(( seg + 1 ))
    done
    causes=$(sort -u "$OUT/logs/$t.causes" | grep -c . || true)
    line="$t: $runs inputs tried in ${SECS}s, $crashes crashing inputs, $causes distinct causes"
    echo "$line" | tee -a "$SUMMARY"
    sort "$OUT/logs/$t.causes" | uniq -c | sed 's/^/    /' | tee -a "$SUMMARY"
    [ "$crashes" -eq 0 ] || status=1
done
exit $status
