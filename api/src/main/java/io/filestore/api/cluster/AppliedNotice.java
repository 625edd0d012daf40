package io.filestore.api.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One event a view's processor committed (or parked): its processing group, aggregate and sequence, as instances
 * tell each other through PostgreSQL's {@code NOTIFY} so that a writer on any instance can wait for a view whose
 * segment another instance processes. Notices travel in text payloads: a first line naming the sending instance,
 * then one line {@code group TAB aggregate TAB sequence} per notice, each payload below PostgreSQL's 8000-byte
 * limit ({@link #payloads}). A notice whose group or aggregate holds a tab or line break, or that alone would not
 * fit, is not sent (a writer waiting for it waits out its bounded timeout).
 */
public record AppliedNotice(String processingGroup, String aggregateId, long sequence) {

    /** PostgreSQL refuses payloads of 8000 bytes or more; a margin keeps clear of it. */
    static final int MAX_PAYLOAD_BYTES = 7900;

    /** The payloads that carry {@code notices} from instance {@code origin}, each under {@code maxBytes}. */
    static List<String> payloads(String origin, List<AppliedNotice> notices, int maxBytes) {
        List<String> payloads = new ArrayList<>();
        String header = origin + "\n";
        int headerBytes = utf8Length(header);
        StringBuilder payload = new StringBuilder(header);
        int bytes = headerBytes;
        for (AppliedNotice notice : notices) {
            if (!sendable(notice.processingGroup()) || !sendable(notice.aggregateId())) {
                continue;
            }
            String line = notice.processingGroup() + "\t" + notice.aggregateId() + "\t" + notice.sequence() + "\n";
            int lineBytes = utf8Length(line);
            if (headerBytes + lineBytes > maxBytes) {
                continue;
            }
            if (bytes + lineBytes > maxBytes) {
                payloads.add(payload.toString());
                payload.setLength(0);
                payload.append(header);
                bytes = headerBytes;
            }
            payload.append(line);
            bytes += lineBytes;
        }
        if (bytes > headerBytes) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    /** The sending instance of a payload ({@code null} when it is malformed). */
    static String origin(String payload) {
        int end = payload.indexOf('\n');
        return end < 0 ? null : payload.substring(0, end);
    }

    /** The notices of a payload; malformed lines are skipped. */
    static List<AppliedNotice> parse(String payload) {
        List<AppliedNotice> notices = new ArrayList<>();
        String[] lines = payload.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split("\t", -1);
            if (fields.length != 3 || fields[0].isEmpty() || fields[1].isEmpty()) {
                continue;
            }
            try {
                notices.add(new AppliedNotice(fields[0], fields[1], Long.parseLong(fields[2])));
            } catch (NumberFormatException e) {
                // not one of ours: skip it
            }
        }
        return notices;
    }

    private static boolean sendable(String value) {
        return value != null && !value.isEmpty() && value.indexOf('\t') < 0 && value.indexOf('\n') < 0
                && value.indexOf('\r') < 0 && value.indexOf('\0') < 0;
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
