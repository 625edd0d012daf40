package io.filestore.api.files;

import io.filestore.api.download.EntityTag;
import io.filestore.api.web.BadRequestException;
import io.filestore.command.api.BlobId;
import io.filestore.command.api.ExpectedState;
import io.filestore.query.metadata.api.FileView;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code If-Match} precondition of a write (RFC 9110 §13.1.1) and writes the {@code ETag} of a file's
 * JSON answers.
 *
 * <p>The file's ETag is {@code "r<revision>"}: the aggregate sequence number of its last change, so it changes with
 * every change of content, name, metadata or permissions. {@code If-Match} also takes the download's ETag
 * ({@code "<sha256 hex>"} or {@code "sha256:<hex>"}: the current content) and {@code "v<n>"} (the current version
 * number). The field is a list (over one or more lines): the write proceeds if any tag matches; {@code *} matches
 * any existing file. Any other well-formed entity tag, and a weak one (strong comparison), matches nothing: 412.
 * A field that is not a list of entity tags is a 400; for compatibility a single unquoted value of one of the
 * forms above ({@code v3}, a bare hex digest) is read as if it were quoted.
 */
public final class IfMatch {

    private static final Pattern SHA256 = Pattern.compile("(?:sha256:)?([0-9a-f]{64})");
    private static final Pattern VERSION = Pattern.compile("v?([0-9]{1,9})");
    private static final Pattern REVISION = Pattern.compile("r([0-9]{1,18})");

    private IfMatch() {
    }

    /** The request's precondition, or null when it has no If-Match field. */
    public static ExpectedState from(HttpServletRequest request) {
        var headers = request.getHeaders("If-Match");
        List<String> lines = headers == null ? List.of() : Collections.list(headers);
        return parse(lines);
    }

    /** The strong ETag (quoted) of a file's JSON representation. */
    public static String etag(FileView file) {
        return "\"r" + file.sequence() + "\"";
    }

    static ExpectedState parse(String header) {
        return parse(header == null ? List.of() : List.of(header));
    }

    static ExpectedState parse(List<String> lines) {
        if (lines.isEmpty()) {
            return null;
        }
        List<ExpectedState.Alternative> alternatives = new ArrayList<>();
        for (String line : lines) {
            String value = line.strip();
            if (value.equals("*")) {
                return ExpectedState.ANY;
            }
            Optional<List<EntityTag>> tags = EntityTag.parseListStrictly(value);
            if (tags.isEmpty() && legacy(value) != null) {
                tags = Optional.of(List.of(new EntityTag(value, false)));
            }
            if (tags.isEmpty()) {
                throw new BadRequestException("If-Match",
                        "If-Match must be * or a list of entity tags, such as the file's ETag \"r12\"");
            }
            for (EntityTag tag : tags.get()) {
                if (!tag.weak()) {
                    ExpectedState.Alternative alternative = legacy(tag.opaque());
                    if (alternative != null) {
                        alternatives.add(alternative);
                    }
                }
            }
        }
        return new ExpectedState(alternatives);
    }

    /** What an opaque tag names, or null when it names no state of ours. */
    private static ExpectedState.Alternative legacy(String opaque) {
        var sha = SHA256.matcher(opaque);
        if (sha.matches()) {
            return new ExpectedState.Alternative(null, new BlobId(sha.group(1)), null);
        }
        var version = VERSION.matcher(opaque);
        if (version.matches()) {
            return new ExpectedState.Alternative(Integer.parseInt(version.group(1)), null, null);
        }
        var revision = REVISION.matcher(opaque);
        if (revision.matches()) {
            return new ExpectedState.Alternative(null, null, Long.parseLong(revision.group(1)));
        }
        return null;
    }
}
