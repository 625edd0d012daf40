package io.filestore.api.tus;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.util.unit.DataSize;

/**
 * A second service instance in its own process, for {@link SharedUploadDirectoryTest}: it locks an upload in the
 * shared directory, commits one chunk, then receives a second chunk that never ends (as a PATCH whose client
 * stalls), says {@code HOLDING} on stdout and waits to be killed.
 * Arguments: the upload directory, the upload id, the size of the committed chunk, the size sent of the stalled one.
 */
public final class TusLockHolder {

    private TusLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        UploadStore store = new UploadStore(Path.of(args[0]), properties(), Clock.systemUTC());
        UploadStore.Lease lease = store.tryLock(args[1]).orElseThrow();
        int committed = Integer.parseInt(args[2]);
        int stalled = Integer.parseInt(args[3]);
        TusUpload upload = lease.upload();
        store.append(upload, new ByteArrayInputStream(SharedUploadDirectoryTest.content(0, committed)),
                upload.length(), committed, null);
        byte[] next = SharedUploadDirectoryTest.content(committed, stalled);
        InputStream stalling = new InputStream() {
            private int sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (sent == next.length) {
                    System.out.println("HOLDING");
                    System.out.flush();
                    try {
                        Thread.sleep(Duration.ofMinutes(10).toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new java.io.IOException("never reached in the test");
                }
                int n = Math.min(len, next.length - sent);
                System.arraycopy(next, sent, b, off, n);
                sent += n;
                return n;
            }
        };
        store.append(upload, stalling, upload.length() - committed, -1, null);
    }

    static TusProperties properties() {
        return new TusProperties(Duration.ofHours(1), Duration.ofMinutes(5), 10, 100, true, DataSize.ofKilobytes(4),
                List.of());
    }
}
