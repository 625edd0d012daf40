package io.filestore.blob;

import static io.filestore.blob.TestData.nodeDirs;
import static io.filestore.blob.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.blob.BlobStore.ReadCheck;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole reads opened {@link ReadCheck#WHILE_STREAMING}: a replica is returned unchecked (its reader hashes it) unless
 * a verification younger than the maximum age vouches for it, and a reader's hash that matched counts as one.
 */
class StreamingVerificationTest {

    @TempDir
    Path root;
    BlobStore store;

    BlobStore store(Duration maxAge) {
        List<Path> nodes = nodeDirs(root, 1);
        store = new BlobStore(new BlobStoreSettings(nodes, 1, 0, false, 1000, maxAge, 10));
        return store;
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** The content as a fresh replica: written by another process (so not verified by this store's put). */
    String putElsewhere(byte[] content) {
        try (BlobStore writer = new BlobStore(new BlobStoreSettings(nodeDirs(root, 1), 1, 0, false, 1000,
                Duration.ofMinutes(5), 10))) {
            return writer.put(new ByteArrayInputStream(content), Long.MAX_VALUE, null).sha256();
        }
    }

    @Test
    void anUnverifiedReplicaIsReturnedUncheckedAndAMatchingStreamMakesItChecked() {
        String id = putElsewhere(randomBytes(20_000, 1));
        BlobStore store = store(Duration.ofMinutes(5));

        ReadableBlob first = store.open(id, ReadCheck.WHILE_STREAMING);
        assertThat(first.checked()).isFalse();
        assertThat(store.open(id, ReadCheck.WHILE_STREAMING).checked()).isFalse();

        store.reportIntact(first);

        assertThat(store.open(id, ReadCheck.WHILE_STREAMING).checked()).isTrue();
    }

    @Test
    void aBlobThisStoreWroteIsCheckedUntilTheMaximumAgePasses() throws Exception {
        BlobStore store = store(Duration.ofMillis(300));
        String id = store.put(new ByteArrayInputStream(randomBytes(20_000, 2)), Long.MAX_VALUE, null).sha256();

        assertThat(store.open(id, ReadCheck.WHILE_STREAMING).checked()).isTrue();
        Thread.sleep(400);
        assertThat(store.open(id, ReadCheck.WHILE_STREAMING).checked()).isFalse();
    }

    @Test
    void aReplicaChangedAfterItWasOpenedIsNotVouchedForByTheStreamThatReadIt() throws IOException {
        String id = putElsewhere(randomBytes(20_000, 3));
        BlobStore store = store(Duration.ofMinutes(5));
        ReadableBlob opened = store.open(id, ReadCheck.WHILE_STREAMING);
        Files.write(opened.path(), new byte[]{1}, StandardOpenOption.APPEND);
        Files.setLastModifiedTime(opened.path(), FileTime.fromMillis(Files.getLastModifiedTime(opened.path())
                .toMillis() + 10_000));

        store.reportIntact(opened); // what it streamed matched; the file is no longer what it streamed

        assertThat(store.open(id, ReadCheck.WHILE_STREAMING).checked()).isFalse();
    }

    @Test
    void aReplicaReportedCorruptIsNeverCheckedByALateReportThatItWasIntact() {
        String id = putElsewhere(randomBytes(20_000, 4));
        BlobStore store = store(Duration.ofMinutes(5));
        store.close(); // no healer: the suspect stays where it is
        ReadableBlob opened = store.open(id, ReadCheck.WHILE_STREAMING);

        store.reportCorrupt(opened, "0".repeat(64));
        store.reportIntact(opened);

        ReadableBlob again = store.open(id, ReadCheck.WHILE_STREAMING); // hashed first: intact after all
        assertThat(again.checked()).isTrue();
        assertThat(again.path()).isEqualTo(opened.path());
    }
}
