package io.filestore.api.files;

import io.filestore.api.web.BadRequestException;
import io.filestore.command.api.Actor;
import io.filestore.query.metadata.api.FilePage;
import io.filestore.query.metadata.api.ListingPaging;
import io.filestore.query.metadata.api.ListingPosition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.springframework.stereotype.Component;

/**
 * The answer of the three plain listings (live files, trash, files shared with the caller), paged by cursor or,
 * for older clients, by offset. Every page carries {@code pagination.nextCursor} while more files follow, so a client
 * may start with an offset and continue by cursor. A cursor page costs an index seek at any depth; an offset page
 * reads and skips every file before it.
 */
@Component
public class FileListings {

    static final int MAX_LIMIT = 100;
    static final int MAX_OFFSET = 100_000;

    private final FileQueries queries;
    private final ListingProperties properties;

    public FileListings(FileQueries queries, ListingProperties properties) {
        this.queries = queries;
        this.properties = properties;
    }

    /** {@code GET /api/files} without filters: the caller's live files, newest first. */
    public Map<String, Object> live(Actor caller, int limit, Integer offset, String cursor) {
        return answer(ListingCursor.Listing.FILES, caller, limit, offset, cursor, queries::list);
    }

    /** {@code GET /api/trash}: the caller's trashed files, most recently deleted first. */
    public Map<String, Object> trash(Actor caller, int limit, Integer offset, String cursor) {
        return answer(ListingCursor.Listing.TRASH, caller, limit, offset, cursor, queries::trash);
    }

    /** {@code GET /api/files/shared}: live files shared with the caller, most recently updated first. */
    public Map<String, Object> sharedWith(Actor caller, int limit, Integer offset, String cursor) {
        return answer(ListingCursor.Listing.SHARED, caller, limit, offset, cursor, queries::sharedWith);
    }

    private Map<String, Object> answer(ListingCursor.Listing listing, Actor caller, int limit, Integer offset,
                                       String cursor, BiFunction<Actor, ListingPaging, FilePage> query) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        if (offset != null && cursor != null) {
            throw new BadRequestException("cursor", "a request pages either by cursor or by offset, not both");
        }
        if (offset != null && (offset < 0 || offset > MAX_OFFSET)) {
            throw new BadRequestException("offset", "offset must be between 0 and " + MAX_OFFSET);
        }
        ListingPosition after = cursor == null ? null : ListingCursor.decode(cursor, listing, caller.userId());
        ListingPaging paging = new ListingPaging(offset == null ? 0 : offset, after, limit,
                properties.exactTotalLimit());
        FilePage page = query.apply(caller, paging);
        Map<String, Object> pagination = new LinkedHashMap<>();
        if (after == null) {
            pagination.put("offset", paging.offset());
        }
        pagination.put("limit", limit);
        pagination.put("total", page.total());
        pagination.put("totalExact", page.totalExact());
        pagination.put("hasMore", page.next() != null);
        if (page.next() != null) {
            pagination.put("nextCursor", ListingCursor.encode(listing, caller.userId(), page.next()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", page.files().stream().map(FileResponse::of).toList());
        body.put("pagination", pagination);
        return body;
    }
}
