package io.filestore.api.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.filestore.command.api.Actor;
import io.filestore.command.api.FilePermissions;
import io.filestore.command.api.Grant;
import io.filestore.command.api.Grantee;
import io.filestore.command.api.Role;
import io.filestore.command.api.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryUrlsTest {

    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    static final UserId OWNER = new UserId("owner");

    @Test
    void ownerAndAdministratorReadThroughTheirOwnGrants() {
        FilePermissions permissions = new FilePermissions(OWNER, List.of());
        assertEquals("o", DeliveryUrls.grantOf(permissions, Actor.user(OWNER), NOW).orElseThrow().grant());
        assertEquals("a", DeliveryUrls.grantOf(permissions, new Actor(new UserId("root"), Set.of(), true), NOW)
                .orElseThrow().grant());
        assertTrue(DeliveryUrls.grantOf(permissions, Actor.user(new UserId("eve")), NOW).isEmpty());
    }

    @Test
    void aShareGrantIsTheLongestLivedActiveShareOfTheCaller() {
        UserId bob = new UserId("bob");
        FilePermissions permissions = new FilePermissions(OWNER, List.of(
                new Grant("expired1", Grantee.user(bob), Role.ADMIN, NOW.minusSeconds(1)),
                new Grant("short001", Grantee.user(bob), Role.VIEWER, NOW.plusSeconds(60)),
                new Grant("group001", new Grantee("group:team"), Role.VIEWER, NOW.plusSeconds(600)),
                new Grant("other001", Grantee.user(new UserId("carol")), Role.VIEWER, null)));
        Optional<DeliveryUrls.GrantChoice> bobs = DeliveryUrls.grantOf(permissions, Actor.user(bob), NOW);
        assertEquals(new DeliveryUrls.GrantChoice("s.short001", NOW.plusSeconds(60)), bobs.orElseThrow());
        Optional<DeliveryUrls.GrantChoice> inTeam = DeliveryUrls.grantOf(permissions,
                new Actor(bob, Set.of("team"), false), NOW);
        assertEquals(new DeliveryUrls.GrantChoice("s.group001", NOW.plusSeconds(600)), inTeam.orElseThrow());
        assertEquals(new DeliveryUrls.GrantChoice("s.other001", null),
                DeliveryUrls.grantOf(permissions, Actor.user(new UserId("carol")), NOW).orElseThrow());
    }
}
