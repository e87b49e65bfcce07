package io.streamops.benchmarks.read;

import io.streamops.events.EventCodec;
import io.streamops.events.MalformedEventException;
import io.streamops.events.ProgressEvent;
import io.streamops.events.StreamOpsEvent;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The exporter's read path, {@code EventCodec.read} (what {@code EventParser} does since the codec) against
 * the tree walk it replaced ({@link TreeParserBaseline}), side by side on one thread: rounds alternate
 * the two over the same messages (a recorded listener run, 297 events of every kind) and each is timed by
 * the thread's CPU time, which other processes on a loaded machine do not inflate as they do wall time.
 * Prints the CPU per event of each and the ratio codec / baseline per round, then the median ratio.
 *
 * <p>Arguments: the recorded run (default {@code events/src/test/resources/recorded/listener-e2e-run.jsonl},
 * from the repository root), passes per round (default 300), rounds (default 9; the first is warm-up).
 */
public final class ReadPathCpu {
    private ReadPathCpu() {
    }

    public static void main(String[] args) throws IOException, MalformedEventException {
        Path run = Paths.get(args.length > 0 ? args[0] : "events/src/test/resources/recorded/listener-e2e-run.jsonl");
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        List<byte[]> messages = new ArrayList<>();
        for (String line : Files.readAllLines(run, StandardCharsets.UTF_8)) {
            messages.add(line.getBytes(StandardCharsets.UTF_8));
        }
        EventCodec codec = new EventCodec();
        TreeParserBaseline baseline = new TreeParserBaseline();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double events = (double) passes * messages.size();
        List<Double> ratios = new ArrayList<>();
        long sink = 0;
        for (int round = 0; round < rounds; round++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            for (int p = 0; p < passes; p++) {
                for (byte[] m : messages) {
                    sink += baseline.read(m);
                }
            }
            long t1 = cpu.getCurrentThreadCpuTime();
            for (int p = 0; p < passes; p++) {
                for (byte[] m : messages) {
                    sink += used(codec.read(m));
                }
            }
            long t2 = cpu.getCurrentThreadCpuTime();
            double ratio = (double) (t2 - t1) / (t1 - t0);
            System.out.printf("round %d: baseline %.2f us cpu/event, codec %.2f us, ratio codec/baseline %.2f%s%n", round,
                    (t1 - t0) / 1e3 / events, (t2 - t1) / 1e3 / events, ratio, round == 0 ? " (warm-up)" : "");
            if (round > 0) {
                ratios.add(ratio);
            }
        }
        ratios.sort(null);
        System.out.printf("median ratio codec/baseline %.2f over %d rounds (min %.2f, max %.2f); sink %d%n",
                ratios.get(ratios.size() / 2), ratios.size(), ratios.get(0), ratios.get(ratios.size() - 1), sink);
    }

    /** What the exporter uses of a read event, as the baseline sums it. */
    private static long used(StreamOpsEvent e) {
        long sink = e.instant().getNano() + e.app().tags().size() + e.query().id().length() + e.app().job().length();
        if (e instanceof ProgressEvent) {
            sink += ((ProgressEvent) e).signals().batchId();
        }
        return sink;
    }
}
