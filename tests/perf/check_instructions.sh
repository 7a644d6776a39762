#!/usr/bin/env bash
# check_instructions.sh SLICE_BINARY RECORDED_FILE [TOLERANCE_PERCENT]
#
# Runs the pipeline slice under callgrind, counting instructions only inside
# RecordProcessor::process_batch (start-up, rule compilation and line generation are left out)
# and subtracting what runs inside Hyperscan's library (its code path depends on the CPU's
# instruction set, and it is not ours; our match callback still counts). Fails when the count exceeds the recorded figure by more than TOLERANCE_PERCENT
# (default 3); says so when it fell well below, so the figure gets lowered with the change that
# earned it. To record a new figure, run with LOGSIFT_RECORD_INSTRUCTIONS=1.
set -euo pipefail
slice=$1
recorded_file=$2
tolerance=${3:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" --collect-atstart=no \
  --toggle-collect='logsift::pipeline::RecordProcessor::process_batch*' "$slice" > "$out/stdout" 2> "$out/stderr" || {
  cat "$out/stdout" "$out/stderr"; exit 1; }
cat "$out/stdout"
# Self cost per function; every function of libhs is summed and left out.
callgrind_annotate --auto=no --threshold=100 "$out/callgrind.out" > "$out/annotated" 2>/dev/null
total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$out/annotated")
hyperscan=$(awk '/\[.*libhs\.so[^]]*\]/ { gsub(",", "", $1); sum += $1 } END { print sum + 0 }' "$out/annotated")
measured=$((total - hyperscan))
echo "instructions in process_batch: $total, of which in Hyperscan $hyperscan; counted $measured"

if [ "${LOGSIFT_RECORD_INSTRUCTIONS:-0}" = 1 ]; then
  sed -i "s/^process_batch_instructions .*/process_batch_instructions $measured/" "$recorded_file"
  echo "recorded $measured in $recorded_file"
  exit 0
fi
recorded=$(awk '/^process_batch_instructions / { print $2 }' "$recorded_file")
limit=$((recorded + recorded * tolerance / 100))
echo "recorded: $recorded; limit (+$tolerance%): $limit"
if [ "$measured" -gt "$limit" ]; then
  echo "FAIL: the pipeline slice runs $((100 * (measured - recorded) / recorded))% more instructions than recorded"
  exit 1
fi
if [ "$measured" -lt $((recorded - recorded * 10 / 100)) ]; then
  echo "note: the count is more than 10% below the recorded figure; record the new one (LOGSIFT_RECORD_INSTRUCTIONS=1)"
fi
