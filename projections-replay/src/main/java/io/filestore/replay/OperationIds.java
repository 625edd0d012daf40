package io.filestore.replay;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Ids of backups, restores and rebuilds: the UTC start time and 6 random hex digits, e.g.
 * {@code 20260321T101500Z-3fa9c1}: they sort by time, and they are safe as file names.
 */
public final class OperationIds {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern ID = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{6}");

    private OperationIds() {
    }

    public static String next(Instant now) {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return FORMAT.format(now) + "-" + HexFormat.of().formatHex(random);
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
