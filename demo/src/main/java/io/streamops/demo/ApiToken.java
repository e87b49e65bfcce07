package io.streamops.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The exporter's {@code http.token} for this run: the dashboard's buttons change state, so (like every
 * write to the exporter's API) they need it. Taken from {@value #ENV} when set, otherwise generated for the
 * run; either way written to an owner-only file in the run directory for the user to paste when the page
 * asks, and handed to the exporter through {@value #EXPORTER_ENV}, never on a command line or in full on
 * the console.
 */
final class ApiToken {
    /** The token the user chooses (tests set it). */
    static final String ENV = "STREAMOPS_DEMO_TOKEN";
    /** How the exporter's config reads it: {@code http.token: ${STREAMOPS_HTTP_TOKEN}}. */
    static final String EXPORTER_ENV = "STREAMOPS_HTTP_TOKEN";

    private final String value;
    final Path file;

    private ApiToken(String value, Path file) {
        this.value = value;
        this.file = file;
    }

    static ApiToken forRun(Path runDir) throws IOException {
        String chosen = System.getenv(ENV);
        String value;
        if (chosen != null && !chosen.isBlank()) {
            value = chosen.trim();
        } else {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        }
        Path file = runDir.resolve("http-token");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, value + "\n");
        return new ApiToken(value, file);
    }

    String reveal() {
        return value;
    }

    /** Where the user finds it, without printing it: its source and the file. */
    String where() {
        return (System.getenv(ENV) != null && !System.getenv(ENV).isBlank() ? "$" + ENV + ", also in " : "in ") + file;
    }

    @Override
    public String toString() {
        return "ApiToken[" + file + "]";
    }
}
