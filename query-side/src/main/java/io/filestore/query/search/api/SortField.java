package io.filestore.query.search.api;

import java.util.Locale;
import java.util.Optional;

/** What a search or a filtered listing is ordered by; ties are broken by file id, so paging is stable. */
public enum SortField {
    RELEVANCE("relevance", SortDirection.DESC),
    NAME("name", SortDirection.ASC),
    SIZE("size", SortDirection.DESC),
    CREATED_AT("createdAt", SortDirection.DESC),
    UPDATED_AT("updatedAt", SortDirection.DESC);

    private final String parameter;
    private final SortDirection defaultDirection;

    SortField(String parameter, SortDirection defaultDirection) {
        this.parameter = parameter;
        this.defaultDirection = defaultDirection;
    }

    /** The name used in the API's {@code sort} parameter. */
    public String parameter() {
        return parameter;
    }

    public SortDirection defaultDirection() {
        return defaultDirection;
    }

    public static Optional<SortField> fromParameter(String value) {
        for (SortField field : values()) {
            if (field.parameter.equalsIgnoreCase(value)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return parameter.toLowerCase(Locale.ROOT);
    }
}
