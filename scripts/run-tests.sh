#!/usr/bin/env bash
# Builds and runs every test in release mode, then prints one summary line
# ("N passed, N failed, N skipped") taken from XCTest's final count.
set -uo pipefail
swift build -c release --build-tests || exit 1
log=$(mktemp)
swift test -c release --skip-build --disable-swift-testing 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E "Executed [0-9]+ tests?, with" "$log" | tail -n 1)
rm -f "$log"
total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
failed=$(echo "$summary" | grep -oE '[0-9]+ failures?' | head -n 1 | grep -oE '^[0-9]+')
skipped=$(echo "$summary" | grep -oE '[0-9]+ tests? skipped' | grep -oE '^[0-9]+' || echo 0)
if [ -z "$total" ] || [ -z "$failed" ]; then
  echo "no test summary found"
  exit 1
fi
echo "$((total - failed - skipped)) passed, $failed failed, $skipped skipped"
exit "$status"
