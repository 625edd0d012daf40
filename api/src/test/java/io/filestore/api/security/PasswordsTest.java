package io.filestore.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.filestore.command.api.PasswordHash;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

class PasswordsTest {

    @Test
    void everyCharacterOfALongPasswordCounts() {
        String long1 = "a".repeat(150) + "1";
        String long2 = "a".repeat(150) + "2";
        String hash = Passwords.encoder().encode(long1);

        assertThat(hash).startsWith("{bcrypt-sha256}$2");
        assertThat(new PasswordHash(hash).value()).isEqualTo(hash);
        assertThat(Passwords.encoder().matches(long1, hash)).isTrue();
        assertThat(Passwords.encoder().matches(long2, hash)).as("differs after byte 72").isFalse();
    }

    @Test
    void acceptsTheLongestPasswordOfMultiByteCharacters() {
        String password = "\u00E4\uD83D\uDE00".repeat(Passwords.MAX_LENGTH / 3);
        String hash = Passwords.encoder().encode(password);
        assertThat(Passwords.encoder().matches(password, hash)).isTrue();
    }

    @Test
    void hashesWrittenBeforeStillVerify() {
        String old = "{bcrypt}" + new BCryptPasswordEncoder().encode("correct horse battery");
        assertThat(Passwords.encoder().matches("correct horse battery", old)).isTrue();
        assertThat(Passwords.encoder().matches("wrong horse battery", old)).isFalse();
        assertThat(Passwords.encoder().matches("x".repeat(100), old)).as("no exception past 72 bytes").isFalse();
    }
}
