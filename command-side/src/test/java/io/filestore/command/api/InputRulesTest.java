package io.filestore.command.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InputRulesTest {

    @Nested
    class FreeText {

        @Test
        void acceptsTabNewlineAndAnyScript() {
            String text = "Zeile 1\n\tÄrger, 日本語, emoji \uD83D\uDE00, bidi \u202E is fine in prose";
            assertThat(InputRules.freeText("description", text)).isEqualTo(text);
            assertThat(InputRules.freeText("description", null)).isNull();
        }

        @Test
        void rejectsNulAndOtherC0Controls() {
            for (String bad : List.of("a\u0000b", "a\rb", "\u001B[31m", "a\u007F")) {
                assertThatThrownBy(() -> InputRules.freeText("description", bad))
                        .isInstanceOf(InvalidValueException.class)
                        .satisfies(e -> assertThat(((InvalidValueException) e).field()).isEqualTo("description"));
            }
        }

        @Test
        void rejectsC1Controls() {
            assertThatThrownBy(() -> InputRules.freeText("changeLog", "a\u0085b"))
                    .hasMessageContaining("U+0085");
        }

        @Test
        void rejectsUnpairedSurrogatesAndNoncharacters() {
            assertThatThrownBy(() -> InputRules.freeText("description", "a\uD800b")).hasMessageContaining("Unicode");
            assertThatThrownBy(() -> InputRules.freeText("description", "x\uDC00")).hasMessageContaining("Unicode");
            assertThatThrownBy(() -> InputRules.freeText("description", "x\uFFFF")).hasMessageContaining("U+FFFF");
        }
    }

    @Nested
    class Names {

        @Test
        void acceptsOrdinaryNames() {
            for (String ok : List.of("a.txt", "Report 2024 (final).pdf", ".bashrc", "CONTRACT.pdf", "console",
                    "COM10", "nul-byte.md", "\uD83D\uDC68\u200D\uD83D\uDC69.png", "ab\u200Cc")) {
                assertThat(InputRules.name("name", ok)).isEqualTo(ok);
            }
        }

        @Test
        void rejectsBidiOverridesAndOtherFormatCharacters() {
            for (String bad : List.of("invoice\u202Efdp.exe", "a\u200Bb", "\uFEFFa", "a\u2066b")) {
                assertThatThrownBy(() -> InputRules.name("name", bad)).isInstanceOf(InvalidValueException.class)
                        .hasMessageContaining("invisible");
            }
        }

        @Test
        void rejectsControlsIncludingTabAndNewline() {
            assertThatThrownBy(() -> InputRules.name("name", "a\tb")).hasMessageContaining("control");
            assertThatThrownBy(() -> InputRules.name("name", "a\nb")).hasMessageContaining("control");
            assertThatThrownBy(() -> InputRules.name("name", "a\u2028b")).isInstanceOf(InvalidValueException.class);
        }

        @Test
        void rejectsWindowsDeviceNamesWithOrWithoutExtension() {
            for (String bad : List.of("CON", "con", "NUL.txt", "nul.tar.gz", "COM1", "com9.log", "LPT1", "Aux",
                    "PRN.doc", "COM\u00B9", "LPT0.x", "NUL .txt")) {
                assertThatThrownBy(() -> InputRules.name("name", bad)).as(bad)
                        .hasMessageContaining("device name");
            }
        }

        @Test
        void rejectsTrailingDotOrSpace() {
            assertThatThrownBy(() -> InputRules.name("name", "a.txt.")).hasMessageContaining("dot");
            assertThatThrownBy(() -> InputRules.name("name", "a.txt ")).hasMessageContaining("space");
        }

        @Test
        void foldersApplyTheNameRulesToEverySegment() {
            assertThat(InputRules.folder("folder", "/projects/2024")).isEqualTo("/projects/2024");
            assertThatThrownBy(() -> InputRules.folder("folder", "/a/CON/b")).hasMessageContaining("device name");
            assertThatThrownBy(() -> InputRules.folder("folder", "/a\u202E/b")).isInstanceOf(InvalidValueException.class);
        }
    }

    @Nested
    class Commands {

        private final FileId file = FileId.random();
        private final Actor actor = new Actor(new UserId("alice"), java.util.Set.of(), false);

        @Test
        void metadataCommandRefusesNulInADescriptionOrAttribute() {
            assertThatThrownBy(() -> new UpdateFileMetadataCommand(file, null,
                    new MetadataPatch("bad\u0000", null, null, null), actor, null))
                    .isInstanceOf(InvalidValueException.class)
                    .satisfies(e -> assertThat(((InvalidValueException) e).field()).isEqualTo("description"));
            assertThatThrownBy(() -> new UpdateFileMetadataCommand(file, null,
                    new MetadataPatch(null, null, null, Map.of("k", "v\u0000")), actor, null))
                    .satisfies(e -> assertThat(((InvalidValueException) e).field()).isEqualTo("attributes.k"));
        }

        @Test
        void versionCommandRefusesABadChangeLogOrName() {
            BlobId blob = new BlobId("a".repeat(64));
            assertThatThrownBy(() -> new AddFileVersionCommand(file, blob, 1, MediaType.OCTET_STREAM, null, null,
                    "log\u0001", actor, null))
                    .satisfies(e -> assertThat(((InvalidValueException) e).field()).isEqualTo("changeLog"));
            assertThatThrownBy(() -> new AddFileVersionCommand(file, blob, 1, MediaType.OCTET_STREAM,
                    new FileName("invoice\u202Efdp.exe"), null, null, actor, null))
                    .satisfies(e -> assertThat(((InvalidValueException) e).field()).isEqualTo("name"));
        }

        @Test
        void theValueTypesInEventsStayLenientSoOldEventsRemainReadable() {
            // a name written before the device-name rule existed is still a FileName when an event is read back
            assertThat(new FileName("CON").value()).isEqualTo("CON");
            assertThat(new FileMetadata("old\u0000text", List.of(), "/", Map.of()).description())
                    .isEqualTo("old\u0000text");
        }
    }
}
