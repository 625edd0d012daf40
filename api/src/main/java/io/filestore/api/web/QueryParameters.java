package io.filestore.api.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The query parameters a handler reads itself (from the request rather than as {@code @RequestParam}s). With the
 * {@code @RequestParam} names they are all a request may carry: any other is a 400 ({@link UnknownQueryParameters}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface QueryParameters {

    String[] value();
}
