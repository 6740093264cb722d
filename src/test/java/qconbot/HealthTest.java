package qconbot;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HealthTest {

    @Test
    void a_reason_with_quotes_backslashes_and_control_characters_reads_back_as_written() throws Exception {
        String reason = "cannot open \"C:\\qcon.db\":\n\tdisk full\u0001 — try again";
        StringBuilder json = new StringBuilder("{");
        Health.field(json, "database", reason);
        json.append(',');
        Health.field(json, "slack", null);
        json.append('}');

        var read = new ObjectMapper().readTree(json.toString());
        assertEquals(reason, read.get("database").asText());
        assertEquals(true, read.get("slack").isNull());
    }
}
