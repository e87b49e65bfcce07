package io.streamops.benchmarks.encode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@link EncoderBench}'s pairs timed by the thread's CPU time instead of JMH's wall time, for a loaded
 * machine where other processes make wall times noise: each round runs the codec and the baseline of a
 * pair back to back on this thread, the same events as the JMH benchmark (its set-up checks both write
 * the same JSON). Prints CPU per event and the ratio codec / baseline per round, then the median.
 * Arguments: events per round (default 100000), rounds (default 7; the first is warm-up).
 */
public final class EncoderCpu {
    private EncoderCpu() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        EncoderBench bench = new EncoderBench();
        bench.load();
        pair("encodeProgress", bench::encodeProgressCodec, bench::encodeProgressTreeBaseline, n, rounds);
        pair("heartbeat", bench::heartbeatCodec, bench::heartbeatTreeBaseline, n, rounds);
        pair("progress", bench::progressCodec, bench::progressTreeBaseline, n / 4, rounds);
    }

    private static void pair(String name, Callable<byte[]> codec, Callable<byte[]> baseline, int n, int rounds) throws Exception {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        List<Double> ratios = new ArrayList<>();
        long sink = 0;
        double codecSum = 0;
        double baselineSum = 0;
        for (int round = 0; round < rounds; round++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += codec.call().length;
            }
            long t1 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += baseline.call().length;
            }
            long t2 = cpu.getCurrentThreadCpuTime();
            if (round > 0) {
                ratios.add((double) (t1 - t0) / (t2 - t1));
                codecSum += (t1 - t0) / 1e3 / n;
                baselineSum += (t2 - t1) / 1e3 / n;
            }
        }
        ratios.sort(null);
        int measured = ratios.size();
        System.out.printf("%s: codec %.2f us cpu/event, baseline %.2f us (means), median ratio codec/baseline %.2f"
                        + " (min %.2f, max %.2f, %d rounds); sink %d%n", name, codecSum / measured, baselineSum / measured,
                ratios.get(measured / 2), ratios.get(0), ratios.get(measured - 1), measured, sink);
    }
}
