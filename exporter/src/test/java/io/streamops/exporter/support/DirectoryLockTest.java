package io.streamops.exporter.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoryLockTest {

    @Test
    void oneHolderAtATimeAndTheDirectoryIsFreeAgainAfterClose(@TempDir Path dir) {
        Path dataDir = dir.resolve("data");
        DirectoryLock first = DirectoryLock.acquire(dataDir, "is in use by another exporter process");
        assertThat(dataDir).isDirectory();

        assertThatThrownBy(() -> DirectoryLock.acquire(dataDir, "is in use by another exporter process"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(dataDir + " is in use by another exporter process");

        first.close();
        DirectoryLock.acquire(dataDir, "is in use").close();
    }
}
