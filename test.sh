#!/usr/bin/env bash
# Runs the whole test suite: restore, build (every project, benchmarks included), test; then prints one
# line with the totals. Installs what the tests need first (kcat, python3-confluent-kafka, postgresql and chromium,
# with apt-get), so it works on a fresh Debian/Ubuntu machine with the .NET 10 SDK.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK 10 is required: https://dotnet.microsoft.com/download" >&2
  exit 1
fi

# kcat and Python's confluent_kafka (Debian's python3 package) are the external Kafka clients the integration tests
# drive against the embedded broker.
missing=""
command -v kcat >/dev/null 2>&1 || missing="kcat"
/usr/bin/python3 -c "import confluent_kafka" >/dev/null 2>&1 || missing="$missing python3-confluent-kafka"

# PostgreSQL's server, for the PostgreSQL sink's tests: each run starts a cluster of its own in a temporary directory on
# a free port (tests/Shared/PostgresServer.cs), so the package's own cluster need not run.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing="$missing postgresql"

# Chromium, for the sample dashboard's browser test (Playwright drives the system browser; nothing is downloaded).
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
if [ -n "$missing" ]; then
  echo "Installing$missing (Debian packages) for the integration tests..."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

# dotnet-stack lets a test that waited in vain print every thread's stack (tests/Pipelines.IntegrationTests/ThreadStacks.cs):
# a hang seen once, in a full run on a loaded machine, then says where it was. Not needed for a test to pass.
if [ ! -x "$HOME/.dotnet/tools/dotnet-stack" ] && ! command -v dotnet-stack >/dev/null 2>&1; then
  dotnet tool install --global dotnet-stack --version 10.0.750501 >/dev/null 2>&1 \
    || echo "Could not install dotnet-stack; a test that times out will not print thread stacks."
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
dotnet build Pipelines.sln --nologo -v quiet 2>&1 | tee "$log" || status=$?
if [ "$status" -eq 0 ]; then
  # A test that hangs is stopped after five minutes (the slowest takes seconds) and named in the output, so the
  # run always finishes with a verdict.
  dotnet test Pipelines.sln --no-build --nologo --blame-hang-timeout 5m --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?
fi

# The README's first command, briefly: rows must flow through every stage. (Rows produced in the last moments
# are not analyzed: a stopping processor stops fetching and leaves them in Kafka for its next run.)
sample_passed=0
sample_failed=0
if [ "$status" -eq 0 ]; then
  # 12 s: the sample used to take 6 to 8 s to start producing (its processors started one per 0.8 s, each waiting for
  # a thread-pool thread; fixed, see BlockingLoops), which left too little of an 8 s run for a window summary or a pit
  # pass. It now produces within about a second; the margin is kept.
  # Its insight archive in a file of this run's own, so that what it holds is this run's insights.
  archive=$(mktemp -d)
  # Its dashboard on a free port, so that nothing else listening on 5080 fails the run.
  output=$(dotnet run --project samples/Telemetry --no-build -- --duration 12 --urls http://127.0.0.1:0 "--Pipelines:Sinks:InsightArchive:ConnectionString=Data Source=$archive/insights.db" 2>&1)
  sample=$(grep '^Stopped:' <<< "$output" | tail -n 1)
  archived=$(grep '^Archived:' <<< "$output" | tail -n 1)
  rm -rf "$archive"
  echo "sample: $sample"
  echo "sample: $archived"
  if [[ "$archived" =~ holds\ ([0-9,]+)\ insights ]] && stored=${BASH_REMATCH[1]//,/} && [ "$stored" -gt 0 ] \
    && [[ "$sample" =~ ^Stopped:\ ([0-9,]+)\ rows\ produced,\ ([0-9,]+)\ analyzed,\ ([0-9,]+)\ insights\ \(([0-9,]+)\ with\ the\ car.s\ settings\),\ ([0-9,]+)\ laps,\ ([0-9,]+)\ window\ summaries,\ ([0-9,]+)\ setup\ sheets\ joined,\ ([0-9,]+)\ pit\ passes,\ ([0-9,]+)\ pit-wall\ notes ]] \
    && produced=${BASH_REMATCH[1]//,/} && analyzed=${BASH_REMATCH[2]//,/} && insights=${BASH_REMATCH[3]//,/} \
    && joined=${BASH_REMATCH[4]//,/} && laps=${BASH_REMATCH[5]//,/} && summaries=${BASH_REMATCH[6]//,/} && setups=${BASH_REMATCH[7]//,/} && pits=${BASH_REMATCH[8]//,/} && notes=${BASH_REMATCH[9]//,/} \
    && [ "$analyzed" -gt 0 ] && [ "$analyzed" -le "$produced" ] && [ "$insights" -gt 0 ] && [ "$joined" -gt 0 ] && [ "$laps" -gt 0 ] \
    && [ "$summaries" -gt 0 ] && [ "$setups" -gt 0 ] && [ "$pits" -gt 0 ] && [ "$notes" -gt 0 ] && [ "$stored" -le "$insights" ]; then
    sample_passed=1
  else
    sample_failed=1
    status=1
  fi
fi

# The sample's README shows its topology; it must be what the sample runs.
if [ "$status" -eq 0 ]; then
  topology=$(dotnet run --project samples/Telemetry --no-build -- --topology 2>&1)
  if [ -n "$topology" ] && [[ "$(cat samples/Telemetry/README.md)" == *"$topology"* ]]; then
    echo "sample topology: matches samples/Telemetry/README.md"
    sample_passed=$((sample_passed + 1))
  else
    echo "sample topology: samples/Telemetry/README.md does not show what --topology prints:"
    echo "$topology"
    sample_failed=$((sample_failed + 1))
    status=1
  fi
fi

# Each test assembly prints "Passed!  - Failed: F, Passed: P, ..." (or "Failed!  - ..."); add them up.
read -r passed failed < <(grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" \
  | awk '{ gsub(",", ""); f += $2; p += $4 } END { print p + 0, f + 0 }')
passed=$((passed + sample_passed))
failed=$((failed + sample_failed))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the runner failed before any test could report
fi
echo "${passed} passed, ${failed} failed"
exit "$status"
