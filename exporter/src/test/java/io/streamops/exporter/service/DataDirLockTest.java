package io.streamops.exporter.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataDirLockTest {

    @Test
    void oneHolderAtATimeAndTheDirectoryIsFreeAgainAfterClose(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        DataDirLock first = DataDirLock.acquire(dataDir);
        assertThat(dataDir).isDirectory();

        assertThatThrownBy(() -> DataDirLock.acquire(dataDir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("data_dir " + dataDir + " is in use by another exporter process");

        first.close();
        DataDirLock.acquire(dataDir).close();
    }
}
