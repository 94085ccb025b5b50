#!/usr/bin/env bash
# make fuzz-smoke: replays the kept crash inputs (fuzz/regressions/NAME/) and then runs every
# fuzz target for SECONDS on a copy of its seed corpus (fuzz/corpus/NAME/). Prints one line per
# target (seconds, executions, corpus size) and fails on the first crash, leak, timeout or
# out-of-memory, leaving the input in BUILD/fuzz-artifacts/NAME/.
#   fuzz/smoke.sh BUILD_DIR [SECONDS] [TARGET...]
set -uo pipefail
build=${1:?usage: fuzz/smoke.sh BUILD_DIR [SECONDS] [TARGET...]}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
root=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(metadata bmff gpmf gpx coords custody bundle media api)
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=0
printf '%-10s %8s %12s %8s  %s\n' target seconds execs corpus result
for name in "${targets[@]}"; do
  bin=$build/fuzz/fuzz_$name
  work=$build/fuzz-work/$name
  artifacts=$build/fuzz-artifacts/$name
  log=$build/fuzz-work/$name.log
  mkdir -p "$work" "$artifacts"
  if [ ! -x "$bin" ]; then
    echo "fuzz-smoke: $bin is missing (cmake --build $build --target fuzz_targets)" >&2
    exit 1
  fi
  # Inputs that once crashed must now pass.
  if [ -d "$root/regressions/$name" ] && [ -n "$(ls -A "$root/regressions/$name")" ]; then
    if ! "$bin" -runs=1 "$root/regressions/$name"/* >"$log.regressions" 2>&1; then
      printf '%-10s %8s %12s %8s  %s\n' "$name" - - - "REGRESSION (see $log.regressions)"
      failed=1
      continue
    fi
  fi
  start=$(date +%s)
  "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "$root/corpus/$name" \
    >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  corpus=$(find "$work" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $rc; $log; inputs in $artifacts)"
    failed=1
  fi
  printf '%-10s %8s %12s %8s  %s\n' "$name" "$took" "${execs:-?}" "$corpus" "$result"
done
exit $failed
