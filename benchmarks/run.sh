#!/usr/bin/env bash
# Benchmark harness for the streamops listener: callback cost on Spark's listener-bus thread and job
# throughput, each variant in its own driver JVM, against one real Kafka broker (own JVM, 127.0.0.1).
# Usage, from the repository root:  bash benchmarks/run.sh
# Durations can be changed with BENCH_OPTS, e.g. BENCH_OPTS="-Dbench.throughput.rounds=5".
# Output: progress on the console, per-variant logs and results in benchmarks/target/bench/,
# the Markdown tables in benchmarks/target/bench/results.md. Takes about 14 to 15 minutes on 2 cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$here/target/bench"

echo "== building (mvn -B -q install -DskipTests)"
(cd "$root" && mvn -B -q install -DskipTests)

echo "== classpath"
(cd "$here" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt)
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"

# Nothing newer than Spark 3.5's Jackson may reach a Spark classpath.
if tr ':' '\n' < "$here/target/classpath.txt" | grep -E 'jackson-databind-2\.(1[6-9]|[2-9][0-9])' ; then
  echo "jackson-databind >= 2.16 on the benchmark classpath: it would kill Spark 3.5 jobs" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"
echo "== machine: $(nproc) cores; $(java -version 2>&1 | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
export SPARK_LOCAL_IP=127.0.0.1
# The orchestrator loads no Spark: it starts the broker and one driver JVM per variant.
# shellcheck disable=SC2086
java -Xmx256m ${BENCH_OPTS:-} -cp "$cp" io.streamops.benchmarks.RunAll "$out"
echo "== results also in $out/results.md"
