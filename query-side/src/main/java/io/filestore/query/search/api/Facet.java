package io.filestore.query.search.api;

import java.util.Optional;

/** A dimension whose value counts a search can return alongside its hits. */
public enum Facet {
    TAGS("tags"),
    MIME_TYPE("mimeType"),
    FOLDER("folder");

    private final String parameter;

    Facet(String parameter) {
        this.parameter = parameter;
    }

    /** The name used in the API's {@code facets} parameter and in the response. */
    public String parameter() {
        return parameter;
    }

    public static Optional<Facet> fromParameter(String value) {
        for (Facet facet : values()) {
            if (facet.parameter.equals(value)) {
                return Optional.of(facet);
            }
        }
        return Optional.empty();
    }
}
