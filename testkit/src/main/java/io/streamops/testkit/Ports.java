package io.streamops.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

/**
 * Free ports on 127.0.0.1 for servers a test starts in another process, which must be told their port
 * up front. A port found here is released at once, so the operating system may hand the same number out
 * again before its server binds it: a test that picks several ports before binding any of them asks
 * for them with {@link #freeOtherThan}.
 */
public final class Ports {
    private Ports() {
    }

    /** A port nothing listens on now. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free port that is none of {@code taken} (ports already handed out but perhaps not bound yet). */
    public static int freeOtherThan(int... taken) {
        while (true) {
            int candidate = free();
            if (Arrays.stream(taken).noneMatch(t -> t == candidate)) {
                return candidate;
            }
        }
    }
}
