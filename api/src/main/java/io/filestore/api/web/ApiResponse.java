package io.filestore.api.web;

/** The success envelope of every JSON answer: {@code {"success": true, "data": ...}}. */
public record ApiResponse<T>(boolean success, T data) {

    public static <T> ApiResponse<T> ok(T data) {
        return new ApiResponse<>(true, data);
    }
}
