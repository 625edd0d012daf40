package io.filestore.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.FileDeletedException;
import io.filestore.command.api.FileNotDeletedException;
import io.filestore.command.api.InvalidValueException;
import io.filestore.command.api.UnknownUserException;
import io.filestore.query.search.api.SearchUnavailableException;
import io.filestore.replay.RestoreInProgressException;
import org.axonframework.commandhandling.CommandExecutionException;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

class ProblemFamiliesTest {

    private final ApiExceptionHandler handler = new ApiExceptionHandler();
    private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/files/x");

    private ResponseEntity<ProblemDetail> answer(Exception e) {
        return handler.any(e, request);
    }

    @Test
    void aHiddenFileIsAnsweredLikeAMissingOne() {
        ResponseEntity<ProblemDetail> answer = answer(new FileDeletedException("file x is in the trash"));
        assertThat(answer.getStatusCode().value()).isEqualTo(404);
        assertThat(answer.getBody().getDetail()).isEqualTo("file not found");
        assertThat(answer.getBody().getProperties()).containsEntry("success", false)
                .containsEntry("error", "file not found");
    }

    @Test
    void otherMissingThingsSayWhat() {
        ResponseEntity<ProblemDetail> answer = answer(new UnknownUserException("no user bob"));
        assertThat(answer.getStatusCode().value()).isEqualTo(404);
        assertThat(answer.getBody().getDetail()).isEqualTo("no user bob");
    }

    @Test
    void aCommandFailureIsAnsweredByItsCause() {
        ResponseEntity<ProblemDetail> answer = answer(new CommandExecutionException("failed",
                new FileNotDeletedException("file x is live")));
        assertThat(answer.getStatusCode().value()).isEqualTo(409);
        assertThat(answer.getBody().getDetail()).isEqualTo("file x is live");
    }

    @Test
    void unavailablePartsSayWhenToRetry() {
        ResponseEntity<ProblemDetail> search = answer(new SearchUnavailableException("down", null));
        assertThat(search.getStatusCode().value()).isEqualTo(503);
        assertThat(search.getHeaders().getFirst("Retry-After")).isEqualTo("10");
        assertThat(search.getBody().getDetail()).startsWith("search is temporarily unavailable");
        ResponseEntity<ProblemDetail> restore = answer(new RestoreInProgressException("a restore is running"));
        assertThat(restore.getHeaders().getFirst("Retry-After")).isEqualTo("30");
        assertThat(restore.getBody().getDetail()).isEqualTo("a restore is running");
    }

    @Test
    void refusalsNameTheirParameter() {
        ResponseEntity<ProblemDetail> bad = answer(new BadRequestException("limit", "limit must be 1-100"));
        assertThat(bad.getStatusCode().value()).isEqualTo(400);
        assertThat(bad.getBody().getProperties()).containsEntry("parameter", "limit");
        ResponseEntity<ProblemDetail> invalid = answer(new InvalidValueException("name", "is too long"));
        assertThat(invalid.getStatusCode().value()).isEqualTo(400);
        assertThat(invalid.getBody().getProperties()).containsEntry("parameter", "name");
        assertThat(answer(new PayloadTooLargeException("too big")).getStatusCode().value()).isEqualTo(413);
        assertThat(answer(new UnauthenticatedException("who?")).getStatusCode().value()).isEqualTo(401);
    }

    @Test
    void aDatabaseWithNoFreeConnectionIsABusyServiceToRetry() {
        ResponseEntity<ProblemDetail> answer = answer(new org.springframework.jdbc.CannotGetJdbcConnectionException(
                "Failed to obtain JDBC Connection",
                new java.sql.SQLTransientConnectionException("no database connection available within 10000 ms")));
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("30");
        assertThat(answer.getBody().getDetail()).startsWith("the database is busy");
    }

    @Test
    void anythingElseIsAnInternalErrorWithoutDetails() {
        ResponseEntity<ProblemDetail> answer = answer(new IllegalStateException("secret internals"));
        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getDetail()).isEqualTo("internal error");
    }
}
