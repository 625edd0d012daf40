package io.filestore.api.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class AuditChainTest {

    @Test
    void verifiesAnIntactChain() throws IOException {
        AuditChain.Verification result = verify(String.join("\n", export(3)) + "\n");
        assertThat(result.valid()).isTrue();
        assertThat(result.entries()).isEqualTo(3);
        assertThat(result.lines()).isEqualTo(5);
        assertThat(result.header().get("from").asString()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(result.lastHash()).hasSize(64);
    }

    @Test
    void eachLineHashesItsTextBeforeTheHashAndNamesThePreviousHash() {
        List<String> lines = export(1);
        String first = lines.get(0);
        String hash = first.substring(first.length() - 66, first.length() - 2);
        assertThat(AuditChain.sha256(first.substring(0, first.length() - ",\"hash\":\"\"}".length() - 64)))
                .isEqualTo(hash);
        assertThat(lines.get(1)).startsWith("{\"prev\":\"" + hash + "\"");
        assertThat(first).startsWith("{\"prev\":\"" + AuditChain.GENESIS + "\"");
    }

    @Test
    void detectsAChangedEntry() throws IOException {
        List<String> lines = export(3);
        lines.set(2, lines.get(2).replace("\"alice\"", "\"mallory\""));
        AuditChain.Verification result = verify(String.join("\n", lines));
        assertThat(result.valid()).isFalse();
        assertThat(result.badLine()).isEqualTo(3);
        assertThat(result.reason()).contains("does not match its hash");
    }

    @Test
    void detectsARemovedEntryEvenWithItsHashRecomputed() throws IOException {
        List<String> lines = export(3);
        lines.remove(2);
        AuditChain.Verification result = verify(String.join("\n", lines));
        assertThat(result.valid()).isFalse();
        assertThat(result.badLine()).isEqualTo(3);
        assertThat(result.reason()).contains("does not follow");
    }

    @Test
    void detectsAnExportCutShort() throws IOException {
        List<String> lines = export(3);
        lines.remove(lines.size() - 1);
        AuditChain.Verification result = verify(String.join("\n", lines));
        assertThat(result.valid()).isFalse();
        assertThat(result.reason()).contains("cut short");
    }

    @Test
    void detectsAMissingHeader() throws IOException {
        List<String> lines = export(2);
        AuditChain.Verification result = verify(String.join("\n", lines.subList(1, lines.size())));
        assertThat(result.valid()).isFalse();
        assertThat(result.badLine()).isEqualTo(1);
    }

    @Test
    void rejectsEmptyInput() throws IOException {
        assertThat(verify("").valid()).isFalse();
    }

    private static AuditChain.Verification verify(String text) throws IOException {
        return AuditChain.verify(new BufferedReader(new StringReader(text)));
    }

    private static List<String> export(int entries) {
        AuditChain chain = new AuditChain();
        List<String> lines = new ArrayList<>();
        ObjectNode header = chain.next();
        header.put("type", "header");
        header.put("from", "2026-01-01T00:00:00Z");
        header.put("to", "2026-02-01T00:00:00Z");
        lines.add(chain.line(header));
        for (int i = 0; i < entries; i++) {
            ObjectNode entry = chain.next();
            entry.put("type", "entry");
            entry.put("position", i);
            entry.put("actor", "alice");
            entry.put("action", "upload");
            lines.add(chain.line(entry));
        }
        ObjectNode end = chain.next();
        end.put("type", "end");
        end.put("entries", entries);
        lines.add(chain.line(end));
        return lines;
    }
}
