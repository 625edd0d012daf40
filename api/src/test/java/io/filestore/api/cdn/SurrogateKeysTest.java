package io.filestore.api.cdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SurrogateKeysTest {

    @Test
    void tagsFileVersionOwnerAndGrant() {
        String file = DeliverySignerTest.FILE;
        assertEquals(List.of("f-" + file, "v-" + file + "-2", "o-alice", "g-Ab_9-x"),
                SurrogateKeys.of(file, 2, "alice", "s.Ab_9-x"));
        assertEquals(List.of("f-" + file, "v-" + file + "-1", "o-bob"), SurrogateKeys.of(file, 1, "bob", "o"));
        assertEquals(SurrogateKeys.share("Ab_9-x"), SurrogateKeys.grant("l.Ab_9-x").get(0));
    }

    @Test
    void valuesWithOtherCharactersAreHashedIntoSafeKeys() {
        String key = SurrogateKeys.owner("alice@example.org");
        assertTrue(key.matches("o-h[0-9a-f]{24}"), key);
        assertEquals(key, SurrogateKeys.owner("alice@example.org"));
        assertTrue(!key.equals(SurrogateKeys.owner("alice@example.com")));
    }
}
