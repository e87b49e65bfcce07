#!/usr/bin/env bash
# Exporter benchmarks: (1) throughput of the real Kafka Streams topology with the shipped rules vs a bare
# consumer that only parses, (2) heap and stored bytes per tracked query, (3) failed query -> PagerDuty
# latency through the packaged jar. One real Kafka broker (own JVM, 127.0.0.1) for the whole run; every
# process it starts is stopped at the end.
#
# Usage, from the repository root:
#   bash exporter-benchmarks/run.sh            all three, Markdown tables at the end (about 6-8 min on 2 cores)
#   bash exporter-benchmarks/run.sh profile    one bare + one exporter round under JFR, then where the
#                                              exporter's stream thread spends its time (about 3 min)
#   bash exporter-benchmarks/run.sh rebalance  failure-to-page latency during rolling restarts of three
#                                              instances vs steady state, side by side (about 6 min)
# Sizes via XB_OPTS, e.g. XB_OPTS="-Dxb.rounds=5 -Dxb.queries=2000" (see RunAll). Extra Maven flags via
# MVN_FLAGS (e.g. -o). Output: exporter-benchmarks/target/bench/ (results.md, machine.txt, per-round logs).
# It builds in this tree's target directories and installs nothing; on a working tree that others build
# in at the same time, run it in a private copy (see exporter-benchmarks/RESULTS.md).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$here/target/bench"
mode="${1:-all}"

echo "== building events, testkit, exporter (shaded jar) and exporter-benchmarks in one reactor"
# shellcheck disable=SC2086
(cd "$root" && mvn -B -q ${MVN_FLAGS:-} package -DskipTests -pl exporter-benchmarks -am)
test -f "$root/exporter/target/streamops-exporter.jar"
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"

rm -rf "$out"
mkdir -p "$out"
machine() {
  echo "load average $1: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "busiest processes $1 (other work on this machine shows here):"
  ps -eo pid,pcpu,etime,args --sort=-pcpu | head -6 | cut -c1-160 || true
}
{
  echo "nproc: $(nproc)"
  java -version 2>&1 | sed 's/^/java: /'
  machine "at start"
} | tee "$out/machine.txt"

if [ "$mode" = rebalance ]; then
  # shellcheck disable=SC2086
  java -Xmx512m ${XB_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" \
    io.streamops.exporter.benchmarks.RebalanceLatencyBench "$out" "$root" 2>&1 | tee "$out/console.log"
  machine "at end" | tee -a "$out/machine.txt"
  echo "== results also in $out/rebalance-results.md"
  exit 0
fi

opts=()
if [ "$mode" = profile ]; then
  opts=(-Dxb.only=throughput -Dxb.rounds=1
        "-Dxb.round.jvm.args=-XX:StartFlightRecording=settings=profile,filename=$out/{name}.jfr")
elif [ "$mode" != all ]; then
  echo "usage: $0 [all|profile|rebalance]" >&2
  exit 2
fi

# shellcheck disable=SC2086
java -Xmx512m ${opts[@]+"${opts[@]}"} ${XB_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" \
  io.streamops.exporter.benchmarks.RunAll "$out" "$root" 2>&1 | tee "$out/console.log"

if [ "$mode" = profile ]; then
  echo
  echo "== where the exporter's stream thread spent round 1 ($out/round-1-exporter.jfr)"
  java -cp "$cp" io.streamops.exporter.benchmarks.ProfileBreakdown "$out/round-1-exporter.jfr" | tee "$out/profile.md"
fi

machine "at end" | tee -a "$out/machine.txt"
echo "== results also in $out/results.md"
