package io.filestore.api.download;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EntityTagTest {

    @Test
    void parsesListOfStrongAndWeakTags() {
        assertThat(EntityTag.parseList("\"a\", W/\"b\",\"c\""))
                .containsExactly(new EntityTag("a", false), new EntityTag("b", true), new EntityTag("c", false));
    }

    @Test
    void keepsCommasInsideQuotes() {
        assertThat(EntityTag.parseList("\"a,b\", \"c\""))
                .containsExactly(new EntityTag("a,b", false), new EntityTag("c", false));
    }

    @Test
    void skipsMembersThatAreNotEntityTags() {
        assertThat(EntityTag.parseList("abc, \"ok\", w/\"lower\", \"x\"y, \"unterminated"))
                .containsExactly(new EntityTag("ok", false));
    }

    @Test
    void parsesSingleTagOnlyWhenWholeValueIsOne() {
        assertThat(EntityTag.parseSingle(" \"abc\" ")).contains(new EntityTag("abc", false));
        assertThat(EntityTag.parseSingle("W/\"abc\"")).contains(new EntityTag("abc", true));
        assertThat(EntityTag.parseSingle("\"abc\", \"def\"")).isEmpty();
        assertThat(EntityTag.parseSingle("abc")).isEmpty();
        assertThat(EntityTag.parseSingle("\"")).isEmpty();
    }

    @Test
    void comparesStronglyAndWeakly() {
        assertThat(new EntityTag("abc", false).strongMatch("abc")).isTrue();
        assertThat(new EntityTag("abc", true).strongMatch("abc")).isFalse();
        assertThat(new EntityTag("abc", true).weakMatch("abc")).isTrue();
        assertThat(new EntityTag("abd", false).weakMatch("abc")).isFalse();
    }

    @Test
    void validatesOpaqueTagsWeSend() {
        assertThat(EntityTag.isValidOpaqueTag("9f86d081884c7d659a2feaa0c55ad015")).isTrue();
        assertThat(EntityTag.isValidOpaqueTag("")).isFalse();
        assertThat(EntityTag.isValidOpaqueTag("a\"b")).isFalse();
        assertThat(EntityTag.isValidOpaqueTag("a b")).isFalse();
        assertThat(EntityTag.isValidOpaqueTag("caf\u00e9")).isFalse();
    }

    @Test
    void parsesAStrictListOnlyWhenEveryMemberIsATag() {
        assertThat(EntityTag.parseListStrictly("\"a\", W/\"b\" ,, \"c,d\""))
                .contains(java.util.List.of(new EntityTag("a", false), new EntityTag("b", true),
                        new EntityTag("c,d", false)));
        assertThat(EntityTag.parseListStrictly("\"xyzzy\"")).contains(java.util.List.of(new EntityTag("xyzzy", false)));
        assertThat(EntityTag.parseListStrictly("xyzzy")).isEmpty();
        assertThat(EntityTag.parseListStrictly("\"ok\", abc")).isEmpty();
        assertThat(EntityTag.parseListStrictly("\"x\"y")).isEmpty();
        assertThat(EntityTag.parseListStrictly("\"unterminated")).isEmpty();
        assertThat(EntityTag.parseListStrictly("w/\"lower\"")).isEmpty();
    }
}
