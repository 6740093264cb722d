package qconbot;

import qconbot.schedule.Schedule;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Settings from the environment. A file (config/qcon.env, or QCON_CONFIG) may set the same keys in KEY=value
 * lines; the environment wins. {@link #load} fails with one sentence naming the variable to set.
 */
public record Config(String botToken, String signingSecret, String appToken, String slackApiUrl,
                     InetAddress bind, int port, Integer managementPort, Path db, Path notes, Set<String> admins,
                     String digestChannel, Schedule schedule, int staleDays, java.time.Duration slackTimeout,
                     Set<String> editors, long importMaxBytes, Postgres postgres, boolean semantic, String questionsChannel) {

    /** QCON_DB as a PostgreSQL JDBC URL, with QCON_DB_USER and QCON_DB_PASSWORD; null for an SQLite file. */
    public record Postgres(String url, String user, String password) {
        @Override
        public String toString() {
            return "Postgres[" + qconbot.store.Db.withoutPassword(url) + "]";
        }
    }

    /** The database for messages: the SQLite file, or the PostgreSQL URL without a password. */
    public String database() {
        return postgres != null ? postgres.toString() : String.valueOf(db);
    }

    public static final java.time.Duration DEFAULT_SLACK_TIMEOUT = java.time.Duration.ofSeconds(10);

    public static final String SLACK_BOT_TOKEN = "SLACK_BOT_TOKEN";
    public static final String SLACK_SIGNING_SECRET = "SLACK_SIGNING_SECRET";
    public static final String SLACK_APP_TOKEN = "SLACK_APP_TOKEN";
    public static final String SLACK_API_URL = "SLACK_API_URL";
    public static final String PORT = "PORT";
    public static final String QCON_BIND = "QCON_BIND";
    public static final String QCON_MANAGEMENT_PORT = "QCON_MANAGEMENT_PORT";
    /** An SQLite file (the default, data/qcon.db), or a PostgreSQL JDBC URL shared by several replicas. */
    public static final String QCON_DB = "QCON_DB";
    public static final String QCON_DB_USER = "QCON_DB_USER";
    public static final String QCON_DB_PASSWORD = "QCON_DB_PASSWORD";
    public static final String QCON_NOTES = "QCON_NOTES";
    public static final String QCON_CONFIG = "QCON_CONFIG";
    public static final String QCON_ADMINS = "QCON_ADMINS";
    /** Who may import whole notes files besides the admins: Slack user ids. */
    public static final String QCON_EDITORS = "QCON_EDITORS";
    /** The largest notes file the bot takes by direct message, in bytes (default 1 MB). */
    public static final String QCON_IMPORT_MAX_BYTES = "QCON_IMPORT_MAX_BYTES";
    public static final long DEFAULT_IMPORT_MAX_BYTES = 1024 * 1024;
    public static final String QCON_DIGEST_CHANNEL = "QCON_DIGEST_CHANNEL";
    public static final String QCON_DIGEST_CRON = "QCON_DIGEST_CRON";
    /** Where questions the notes cannot answer are asked of the team (a channel id); unset, nobody is asked. */
    public static final String QCON_QUESTIONS_CHANNEL = "QCON_QUESTIONS_CHANNEL";
    public static final String QCON_TIMEZONE = "QCON_TIMEZONE";
    public static final String QCON_STALE_DAYS = "QCON_STALE_DAYS";
    public static final String QCON_SEMANTIC = "QCON_SEMANTIC";
    public static final String SLACK_TIMEOUT_MS = "SLACK_TIMEOUT_MS";
    public static final String DEFAULT_DIGEST_CRON = "0 30 9 ? * MON-FRI";

    public static final String DEFAULT_CONFIG_FILE = "config/qcon.env";
    public static final String DEFAULT_SLACK_API_URL = "https://slack.com/api/";

    /** A setting that is missing or wrong; the message says what to set. */
    public static class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    public boolean socketMode() {
        return appToken != null;
    }

    /** Settings for a bot that talks to Slack: over HTTP (signing secret) or Socket Mode (app token). */
    public static Config load(Map<String, String> env) {
        Map<String, String> settings = merged(env);
        String botToken = settings.get(SLACK_BOT_TOKEN);
        String appToken = settings.get(SLACK_APP_TOKEN);
        String signingSecret = settings.get(SLACK_SIGNING_SECRET);
        if (botToken == null) {
            throw new Invalid("Set " + SLACK_BOT_TOKEN + " to the bot token (xoxb-...) from your Slack app's OAuth & Permissions page,"
                    + " or run `java -jar target/qcon-bot.jar console` to try the bot without Slack.");
        }
        if (!botToken.startsWith("xoxb-")) {
            throw new Invalid(SLACK_BOT_TOKEN + " must be a bot token starting with xoxb-.");
        }
        if (appToken != null && !appToken.startsWith("xapp-")) {
            throw new Invalid(SLACK_APP_TOKEN + " must be an app-level token starting with xapp- (Basic Information, App-Level Tokens, scope connections:write).");
        }
        if (appToken == null && signingSecret == null) {
            throw new Invalid("Set " + SLACK_SIGNING_SECRET + " (Basic Information, App Credentials) to take requests over HTTP,"
                    + " or " + SLACK_APP_TOKEN + " (xapp-...) to use Socket Mode.");
        }
        return new Config(botToken, signingSecret, appToken, slackApiUrl(settings), bind(settings), port(settings),
                managementPort(settings),
                sqliteFile(settings),
                Path.of(settings.getOrDefault(QCON_NOTES, "config/notes")), admins(settings),
                digestChannel(settings), schedule(settings), staleDays(settings), slackTimeout(settings),
                userIds(settings, QCON_EDITORS), importMaxBytes(settings), postgres(settings), semantic(settings),
                channel(settings, QCON_QUESTIONS_CHANNEL));
    }

    /** Settings for the local console: no Slack at all. */
    public static Config loadForConsole(Map<String, String> env) {
        Map<String, String> settings = merged(env);
        return new Config(null, null, null, DEFAULT_SLACK_API_URL, null, 0, null,
                sqliteFile(settings),
                Path.of(settings.getOrDefault(QCON_NOTES, "config/notes")), admins(settings),
                null, schedule(settings), staleDays(settings), DEFAULT_SLACK_TIMEOUT, userIds(settings, QCON_EDITORS),
                importMaxBytes(settings), postgres(settings), semantic(settings), null);
    }

    /** QCON_SEMANTIC: on (the default) to understand questions by meaning too, off for words only. */
    private static boolean semantic(Map<String, String> settings) {
        String value = settings.getOrDefault(QCON_SEMANTIC, "on").strip().toLowerCase(java.util.Locale.ROOT);
        if (!value.equals("on") && !value.equals("off")) {
            throw new Invalid(QCON_SEMANTIC + " must be on or off, not \"" + settings.get(QCON_SEMANTIC) + "\".");
        }
        return value.equals("on");
    }

    private static Path sqliteFile(Map<String, String> settings) {
        String db = settings.getOrDefault(QCON_DB, "data/qcon.db");
        return db.startsWith("jdbc:") ? null : Path.of(db);
    }

    private static Postgres postgres(Map<String, String> settings) {
        String db = settings.getOrDefault(QCON_DB, "");
        if (!db.startsWith("jdbc:")) {
            return null;
        }
        if (!db.startsWith("jdbc:postgresql://")) {
            throw new Invalid(QCON_DB + " must be an SQLite file (data/qcon.db) or a PostgreSQL JDBC URL"
                    + " (jdbc:postgresql://host:5432/qcon); other databases are not supported.");
        }
        return new Postgres(db, settings.get(QCON_DB_USER), settings.get(QCON_DB_PASSWORD));
    }

    private static Map<String, String> merged(Map<String, String> env) {
        Map<String, String> settings = new HashMap<>();
        Path file = Path.of(env.getOrDefault(QCON_CONFIG, DEFAULT_CONFIG_FILE));
        if (Files.isRegularFile(file)) {
            settings.putAll(readEnvFile(file));
        } else if (env.containsKey(QCON_CONFIG)) {
            throw new Invalid(QCON_CONFIG + " names " + file + ", which is not a readable file.");
        }
        settings.putAll(env);
        settings.values().removeIf(value -> value == null || value.isBlank());
        settings.replaceAll((key, value) -> value.trim());
        return settings;
    }

    /** KEY=value lines; blank lines and # comments skipped; optional surrounding quotes removed. */
    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                int equals = trimmed.indexOf('=');
                if (trimmed.isEmpty() || trimmed.startsWith("#") || equals < 1) {
                    continue;
                }
                String key = trimmed.substring(0, equals).strip().replaceFirst("^export\\s+", "");
                String value = trimmed.substring(equals + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                        || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                values.put(key, value);
            }
        } catch (IOException e) {
            throw new Invalid("Could not read the config file " + file + ": " + e.getMessage());
        }
        return values;
    }

    /** A channel id ("C0123ABC"): names change, ids do not, and chat.postMessage takes either. */
    private static String digestChannel(Map<String, String> settings) {
        return channel(settings, QCON_DIGEST_CHANNEL);
    }

    private static String channel(Map<String, String> settings, String name) {
        String channel = settings.get(name);
        if (channel != null && !channel.matches("[CGD][A-Z0-9]{2,}")) {
            throw new Invalid(name + " takes a channel id such as C0123ABCD (channel details, at the bottom),"
                    + " not \"" + channel + "\".");
        }
        return channel;
    }

    private static Schedule schedule(Map<String, String> settings) {
        String cron = settings.getOrDefault(QCON_DIGEST_CRON, DEFAULT_DIGEST_CRON);
        String zone = settings.getOrDefault(QCON_TIMEZONE, "UTC");
        try {
            java.time.ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new Invalid(QCON_TIMEZONE + ": unknown time zone \"" + zone + "\"; use an IANA name such as Europe/London.");
        }
        try {
            return Schedule.parse(cron, zone);
        } catch (IllegalArgumentException e) {
            throw new Invalid(QCON_DIGEST_CRON + ": " + e.getMessage() + ".");
        }
    }

    private static java.time.Duration slackTimeout(Map<String, String> settings) {
        String value = settings.getOrDefault(SLACK_TIMEOUT_MS, String.valueOf(DEFAULT_SLACK_TIMEOUT.toMillis()));
        if (!value.matches("\\d{2,6}")) {
            throw new Invalid(SLACK_TIMEOUT_MS + " must be milliseconds from 10 to 999999, not \"" + value + "\".");
        }
        return java.time.Duration.ofMillis(Long.parseLong(value));
    }

    private static int staleDays(Map<String, String> settings) {
        String value = settings.getOrDefault(QCON_STALE_DAYS, "7");
        if (!value.matches("\\d{1,3}") || Integer.parseInt(value) < 1) {
            throw new Invalid(QCON_STALE_DAYS + " must be a whole number of days from 1 to 999, not \"" + value + "\".");
        }
        return Integer.parseInt(value);
    }

    /** Slack user ids, separated by commas or spaces: "U012ABC,U034DEF". */
    private static long importMaxBytes(Map<String, String> settings) {
        String value = settings.get(QCON_IMPORT_MAX_BYTES);
        if (value == null || value.isBlank()) {
            return DEFAULT_IMPORT_MAX_BYTES;
        }
        if (!value.strip().matches("\\d{1,9}") || Long.parseLong(value.strip()) < 1) {
            throw new Invalid(QCON_IMPORT_MAX_BYTES + " is a number of bytes such as 1048576, not \"" + value + "\".");
        }
        return Long.parseLong(value.strip());
    }

    private static Set<String> admins(Map<String, String> settings) {
        return userIds(settings, QCON_ADMINS);
    }

    private static Set<String> userIds(Map<String, String> settings, String name) {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : settings.getOrDefault(name, "").split("[,\\s]+")) {
            if (id.isEmpty()) {
                continue;
            }
            if (!id.matches("[UW][A-Z0-9]{2,}")) {
                throw new Invalid(name + " takes Slack user ids such as U012ABCDEF (in a profile: More, Copy member ID), not \"" + id + "\".");
            }
            ids.add(id);
        }
        return Set.copyOf(ids);
    }

    /** An IP address (or "localhost") to listen on; every interface when unset, as a container needs. */
    private static InetAddress bind(Map<String, String> settings) {
        String value = settings.getOrDefault(QCON_BIND, "0.0.0.0");
        if (value.matches("\\d{1,3}(\\.\\d{1,3}){3}") || value.contains(":") || value.equals("localhost")) {
            try {
                return InetAddress.getByName(value); // a literal is not looked up
            } catch (UnknownHostException e) {
                // fall through to the message below
            }
        }
        throw new Invalid(QCON_BIND + " must be an IP address to listen on, such as 127.0.0.1 or 0.0.0.0, not \"" + value + "\".");
    }

    /** A port for /health and /metrics on 127.0.0.1 only, apart from Slack's; null when unset (both on PORT). */
    private static Integer managementPort(Map<String, String> settings) {
        String value = settings.get(QCON_MANAGEMENT_PORT);
        if (value == null) {
            return null;
        }
        if (!value.matches("\\d{1,5}") || Integer.parseInt(value) > 65535) {
            throw new Invalid(QCON_MANAGEMENT_PORT + " must be a port number from 0 to 65535, not \"" + value + "\".");
        }
        return Integer.parseInt(value);
    }

    private static int port(Map<String, String> settings) {
        String value = settings.getOrDefault(PORT, "3000");
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message below
        }
        throw new Invalid(PORT + " must be a port number from 0 to 65535, not \"" + value + "\".");
    }

    private static String slackApiUrl(Map<String, String> settings) {
        String value = settings.getOrDefault(SLACK_API_URL, DEFAULT_SLACK_API_URL);
        try {
            URI uri = URI.create(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return value.endsWith("/") ? value : value + "/";
            }
        } catch (IllegalArgumentException ignored) {
            // fall through to the message below
        }
        throw new Invalid(SLACK_API_URL + " must be an http(s) URL such as " + DEFAULT_SLACK_API_URL + ", not \"" + value + "\".");
    }

    @Override
    public String toString() {
        // Never print secrets, whoever logs this record.
        return "Config[slackApiUrl=" + slackApiUrl + ", bind=" + (bind == null ? null : bind.getHostAddress()) + ", port=" + port
                + (managementPort == null ? "" : ", managementPort=" + managementPort) + ", db=" + database() + ", notes=" + notes
                + ", socketMode=" + socketMode() + ", admins=" + admins + ", digestChannel=" + digestChannel
                + (questionsChannel == null ? "" : ", questionsChannel=" + questionsChannel)
                + ", schedule=" + schedule.expression() + " " + schedule.zone() + "]";
    }
}
