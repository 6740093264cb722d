package qconbot;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

    @TempDir
    Path dir;

    @BeforeEach
    void emptyConfigFile() throws Exception {
        Files.writeString(dir.resolve("qcon.env"), "");
    }

    /** The given variables, and a config file of our own so a developer's config/qcon.env never leaks in. */
    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put(Config.QCON_CONFIG, dir.resolve("qcon.env").toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaults_apply_when_only_the_slack_secrets_are_set() throws Exception {
        Config config = Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s"));

        assertEquals(3000, config.port());
        assertEquals("https://slack.com/api/", config.slackApiUrl());
        assertEquals(Path.of("data/qcon.db"), config.db());
        assertEquals(Path.of("config/notes"), config.notes());
        assertFalse(config.socketMode());
    }

    @Test
    void a_missing_token_names_the_variable_and_the_console_alternative() {
        Config.Invalid error = assertThrows(Config.Invalid.class, () -> Config.load(env()));
        assertTrue(error.getMessage().startsWith("Set SLACK_BOT_TOKEN"), error.getMessage());
        assertTrue(error.getMessage().contains("console"));
    }

    @Test
    void http_mode_needs_a_signing_secret_socket_mode_does_not() {
        Config.Invalid error = assertThrows(Config.Invalid.class, () -> Config.load(env("SLACK_BOT_TOKEN", "xoxb-1")));
        assertTrue(error.getMessage().contains("SLACK_SIGNING_SECRET") && error.getMessage().contains("SLACK_APP_TOKEN"));

        assertTrue(Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_APP_TOKEN", "xapp-1")).socketMode());
    }

    @Test
    void wrong_values_are_refused_with_what_to_set() {
        assertTrue(assertThrows(Config.Invalid.class, () -> Config.load(env("SLACK_BOT_TOKEN", "xoxp-user", "SLACK_SIGNING_SECRET", "s")))
                .getMessage().contains("xoxb-"));
        assertTrue(assertThrows(Config.Invalid.class, () -> Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s", "PORT", "http")))
                .getMessage().startsWith("PORT must be a port number"));
        assertTrue(assertThrows(Config.Invalid.class, () -> Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s", "PORT", "70000")))
                .getMessage().startsWith("PORT"));
        assertTrue(assertThrows(Config.Invalid.class, () -> Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s", "SLACK_API_URL", "ftp://x")))
                .getMessage().startsWith("SLACK_API_URL"));
        assertTrue(assertThrows(Config.Invalid.class, () -> Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_APP_TOKEN", "xoxb-2")))
                .getMessage().startsWith("SLACK_APP_TOKEN"));
        assertEquals("QCON_SEMANTIC must be on or off, not \"maybe\".", assertThrows(Config.Invalid.class, () -> Config.load(
                env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s", "QCON_SEMANTIC", "maybe"))).getMessage());
        assertTrue(Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s")).semantic(), "on unless set");
        assertFalse(Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s", "QCON_SEMANTIC", "OFF")).semantic());
    }

    @Test
    void the_listen_address_and_management_port_are_checked_and_default_to_every_interface_and_none() {
        Config defaults = Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s"));
        assertEquals("0.0.0.0", defaults.bind().getHostAddress());
        assertEquals(null, defaults.managementPort());
        Config local = Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s", "QCON_BIND", "127.0.0.1",
                "QCON_MANAGEMENT_PORT", "9100"));
        assertEquals("127.0.0.1", local.bind().getHostAddress());
        assertEquals(9100, local.managementPort());
        assertTrue(assertThrows(Config.Invalid.class, () -> Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s",
                "QCON_BIND", "example.com"))).getMessage().startsWith("QCON_BIND must be an IP address"));
        assertTrue(assertThrows(Config.Invalid.class, () -> Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s",
                "QCON_MANAGEMENT_PORT", "metrics"))).getMessage().startsWith("QCON_MANAGEMENT_PORT"));
    }

    @Test
    void the_digest_schedule_defaults_to_weekday_mornings_in_utc_and_is_off_without_a_channel() {
        Config config = Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s"));

        assertEquals("0 30 9 ? * MON-FRI", config.schedule().expression());
        assertEquals("UTC", config.schedule().zone().getId());
        assertEquals(null, config.digestChannel());
        assertEquals(7, config.staleDays());
    }

    @Test
    void a_bad_cron_zone_channel_or_stale_days_stops_start_up_naming_the_variable() {
        String[] base = {"SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s"};
        assertTrue(invalid(base, "QCON_DIGEST_CRON", "0 30 9 * * MON-FRI").startsWith("QCON_DIGEST_CRON: "));
        assertTrue(invalid(base, "QCON_DIGEST_CRON", "every morning").startsWith("QCON_DIGEST_CRON: "));
        assertTrue(invalid(base, "QCON_TIMEZONE", "Mars/Olympus").startsWith("QCON_TIMEZONE: unknown time zone"));
        assertTrue(invalid(base, "QCON_DIGEST_CHANNEL", "#general").startsWith("QCON_DIGEST_CHANNEL takes a channel id"));
        assertTrue(invalid(base, "QCON_STALE_DAYS", "0").startsWith("QCON_STALE_DAYS"));
        assertTrue(invalid(base, "QCON_ADMINS", "alice").startsWith("QCON_ADMINS"));
    }

    private String invalid(String[] base, String name, String value) {
        Map<String, String> env = env(base);
        env.put(name, value);
        return assertThrows(Config.Invalid.class, () -> Config.load(env)).getMessage();
    }

    @Test
    void the_config_file_sets_keys_and_the_environment_wins() throws Exception {
        Files.writeString(dir.resolve("qcon.env"), """
                # comment
                SLACK_BOT_TOKEN=xoxb-from-file
                export SLACK_SIGNING_SECRET="from-file"
                PORT=4000
                QCON_DB='/tmp/file.db'
                """);
        Config config = Config.load(env("PORT", "5000", "SLACK_API_URL", "http://127.0.0.1:9/api"));

        assertEquals("xoxb-from-file", config.botToken());
        assertEquals("from-file", config.signingSecret());
        assertEquals(5000, config.port());
        assertEquals(Path.of("/tmp/file.db"), config.db());
        assertEquals("http://127.0.0.1:9/api/", config.slackApiUrl(), "a trailing slash is added");
    }

    @Test
    void qcon_db_takes_a_postgresql_url_whose_password_is_never_printed() {
        Config config = Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s",
                "QCON_DB", "jdbc:postgresql://db:5432/qcon?user=qcon&password=hunter2", "QCON_DB_PASSWORD", "s3cret"));

        assertEquals("jdbc:postgresql://db:5432/qcon?user=qcon&password=hunter2", config.postgres().url());
        assertEquals("s3cret", config.postgres().password());
        assertEquals(null, config.db(), "no SQLite file");
        assertTrue(!config.toString().contains("hunter2") && !config.toString().contains("s3cret"), config.toString());
        assertTrue(config.toString().contains("jdbc:postgresql://db:5432/qcon"), config.toString());
        assertEquals(null, Config.load(env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s")).postgres());
        String[] base = {"SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s"};
        assertTrue(invalid(base, "QCON_DB", "jdbc:mysql://db/qcon").contains("PostgreSQL JDBC URL"));
    }

    @Test
    void a_named_config_file_that_does_not_exist_is_an_error() {
        Map<String, String> env = env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s");
        env.put(Config.QCON_CONFIG, dir.resolve("missing.env").toString());
        assertTrue(assertThrows(Config.Invalid.class, () -> Config.load(env)).getMessage().startsWith("QCON_CONFIG names"));
    }

    @Test
    void secrets_never_appear_in_the_printed_config() throws Exception {
        Config config = Config.load(env("SLACK_BOT_TOKEN", "xoxb-secret-1", "SLACK_SIGNING_SECRET", "signing-secret-2",
                "SLACK_APP_TOKEN", "xapp-secret-3"));
        String printed = config.toString();
        assertFalse(printed.contains("secret-1") || printed.contains("secret-2") || printed.contains("secret-3"), printed);
    }
}
