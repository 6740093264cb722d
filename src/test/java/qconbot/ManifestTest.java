package qconbot;

import com.slack.api.methods.MethodsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The two Slack app manifests in config/ against what the code really does. The scopes and events they must
 * ask for are not typed in here: they are worked out from the sources in src/main/java (which Web API methods
 * are called, which events and entry points are registered), through the tables below. A new Slack call or
 * event handler that the tables do not know fails the test until someone looks up what it needs; a scope in
 * a manifest that no code uses fails it too.
 *
 * No YAML library is on the classpath (no SnakeYAML, no jackson-dataformat-yaml), so {@link Yaml} reads the
 * small block-style subset manifests are written in, and refuses anything else rather than guess.
 */
class ManifestTest {

    private static final Path HTTP = Path.of("config/slack-app-manifest.yaml");
    private static final Path SOCKET = Path.of("config/slack-app-manifest-socket-mode.yaml");
    private static final Path SOURCES = Path.of("src/main/java");

    /**
     * Bot-token scopes of each Slack Web API method the code may call (names as on {@link MethodsClient}).
     * From Slack's method reference:
     * - chat.postMessage needs chat:write. It also covers the DMs: posting to a user id (U...) lands in that
     *   user's conversation with the app (the App Home Messages tab) with chat:write alone; im:write is only
     *   for conversations.open, which the bot never calls.
     * - conversations.history needs the history scope of the channel's kind: channels:history for a public
     *   digest channel, groups:history for a private one. Either may be configured, so both.
     * - chat.getPermalink, views.publish, views.open and auth.test need no scope (views.publish needs the Home tab on).
     * - users.info needs users:read (the owner's time zone, for reminders at their own morning).
     */
    private static final Map<String, Set<String>> METHOD_SCOPES = Map.of(
            "chatPostMessage", Set.of("chat:write"),
            "chatUpdate", Set.of("chat:write"),
            "conversationsHistory", Set.of("channels:history", "groups:history"),
            "chatGetPermalink", Set.of(),
            "viewsPublish", Set.of(),
            "viewsOpen", Set.of(),
            "authTest", Set.of(),
            "usersInfo", Set.of("users:read"));

    /**
     * Events the handlers register (by Bolt event class) and what subscribing to them takes. Thread replies
     * arrive as message events; the bot counts them in item threads in public (message.channels, scope
     * channels:history) and private channels (message.groups, groups:history) alike. It reads no DMs, so
     * no message.im / im:history.
     */
    private static final Map<String, Needs> EVENT_NEEDS = Map.of(
            "AppMentionEvent", new Needs(Set.of("app_mention"), Set.of("app_mentions:read")),
            "AppHomeOpenedEvent", new Needs(Set.of("app_home_opened"), Set.of()),
            "MessageEvent", Needs.THREAD_REPLIES,
            // a file shared in a thread is a reply; one sent to the bot in a DM is a notes file to import
            "MessageFileShareEvent", new Needs(Set.of("message.channels", "message.groups", "message.im"),
                    Set.of("channels:history", "groups:history", "im:history")),
            "MessageThreadBroadcastEvent", Needs.THREAD_REPLIES,
            // a reply edited or deleted arrives on the same subscription as the reply
            "MessageChangedEvent", Needs.THREAD_REPLIES,
            "MessageDeletedEvent", Needs.THREAD_REPLIES);

    private record Needs(Set<String> botEvents, Set<String> scopes) {
        static final Needs THREAD_REPLIES = new Needs(Set.of("message.channels", "message.groups"),
                Set.of("channels:history", "groups:history"));
    }

    /** What the manifests must ask for, as derived from the sources. */
    private record Required(Set<String> scopes, Set<String> botEvents, boolean slashCommand, boolean buttons) {
    }

    private static Required required() throws IOException {
        String code = sources();
        Set<String> scopes = new TreeSet<>();
        Set<String> events = new TreeSet<>();

        // Every call of a Web API method, however the client is reached (slack.chatPostMessage(...),
        // slack.methods(token).authTest(...), context.client().viewsPublish(...)).
        Set<String> apiMethods = Arrays.stream(MethodsClient.class.getMethods())
                .filter(m -> m.getReturnType().getPackageName().startsWith("com.slack.api.methods.response"))
                .map(Method::getName)
                .collect(Collectors.toSet());
        Matcher call = Pattern.compile("\\.(\\w+)\\s*\\(").matcher(code);
        Set<String> called = new TreeSet<>();
        while (call.find()) {
            if (apiMethods.contains(call.group(1))) {
                called.add(call.group(1));
            }
        }
        for (String method : called) {
            Set<String> needs = METHOD_SCOPES.get(method);
            if (needs == null) {
                fail("The code calls " + method + ", which this test does not know: look up its bot scopes in"
                        + " Slack's method reference, add it to METHOD_SCOPES and the scope to both manifests.");
            }
            scopes.addAll(needs);
        }
        // Bolt's say() posts with chat.postMessage; respond() and ack() use the response_url and need nothing.
        if (Pattern.compile("\\.say\\s*\\(").matcher(code).find()) {
            scopes.add("chat:write");
        }

        Matcher event = Pattern.compile("\\.event\\(\\s*(\\w+)\\.class").matcher(code);
        while (event.find()) {
            Needs needs = EVENT_NEEDS.get(event.group(1));
            if (needs == null) {
                fail("A handler listens for " + event.group(1) + ", which this test does not know: add its"
                        + " bot event and scopes to EVENT_NEEDS and to both manifests.");
            }
            events.addAll(needs.botEvents());
            scopes.addAll(needs.scopes());
        }

        // Downloading a file someone sent (url_private_download, with the bot token) needs files:read.
        if (code.contains("getUrlPrivateDownload()")) {
            scopes.add("files:read");
        }

        boolean slashCommand = Pattern.compile("\\.command\\s*\\(").matcher(code).find();
        if (slashCommand) {
            scopes.add("commands");
        }
        boolean buttons = Pattern.compile("\\.(blockAction|viewSubmission|globalShortcut|messageShortcut)\\s*\\(")
                .matcher(code).find();
        return new Required(scopes, events, slashCommand, buttons);
    }

    private static String sources() throws IOException {
        assertTrue(Files.isDirectory(SOURCES), "run the tests from the project folder: " + SOURCES.toAbsolutePath());
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                all.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            }
        }
        return all.toString();
    }

    private static Map<String, Object> manifest(String file) throws IOException {
        Path path = Path.of(file);
        assertTrue(Files.exists(path), path + " is missing");
        return Yaml.parse(Files.readString(path, StandardCharsets.UTF_8));
    }

    // ---- what the code needs

    @Test
    void the_derived_needs_are_those_of_the_bot_as_documented() throws Exception {
        // A guard on the derivation itself: if the source scan stopped finding calls, every comparison below
        // would compare against too little.
        Required required = required();
        assertEquals(Set.of("commands", "chat:write", "app_mentions:read", "channels:history", "groups:history",
                "im:history", "files:read", "users:read"), required.scopes());
        assertEquals(Set.of("app_mention", "app_home_opened", "message.channels", "message.groups", "message.im"),
                required.botEvents());
        assertTrue(required.slashCommand());
        assertTrue(required.buttons());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"config/slack-app-manifest.yaml", "config/slack-app-manifest-socket-mode.yaml"})
    void the_bot_scopes_are_exactly_what_the_code_needs(String file) throws Exception {
        assertScopes(required(), manifest(file), file);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"config/slack-app-manifest.yaml", "config/slack-app-manifest-socket-mode.yaml"})
    void every_event_the_bot_handles_is_subscribed_and_no_other(String file) throws Exception {
        List<String> subscribed = strings(manifest(file), "settings.event_subscriptions.bot_events");
        assertEquals(required().botEvents(), new TreeSet<>(subscribed), file + ": bot_events");
        assertEquals(subscribed.size(), new TreeSet<>(subscribed).size(), file + ": an event is listed twice");
        assertNull(Yaml.at(manifest(file), "oauth_config.scopes.user"), file + ": the bot acts with its bot token only");
        assertNull(Yaml.at(manifest(file), "settings.event_subscriptions.user_events"), file);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"config/slack-app-manifest.yaml", "config/slack-app-manifest-socket-mode.yaml"})
    void the_qcon_slash_command_exists_and_escapes_mentions_for_assign(String file) throws Exception {
        Map<String, Object> manifest = manifest(file);
        List<?> commands = (List<?>) Yaml.at(manifest, "features.slash_commands");
        assertNotNull(commands, file + ": no slash_commands");
        Map<?, ?> qcon = commands.stream().map(c -> (Map<?, ?>) c).filter(c -> "/qcon".equals(c.get("command")))
                .findFirst().orElseThrow(() -> new AssertionFailedError(file + ": no /qcon command"));
        // Commands parses "<@U123|bob>" in "/qcon assign A3 @bob"; without escaping Slack sends plain "@bob".
        assertEquals(Boolean.TRUE, qcon.get("should_escape"), file + ": /qcon must have should_escape: true");
        assertFalse(String.valueOf(qcon.get("description")).isBlank(), file + ": /qcon needs a description");
        String hint = String.valueOf(qcon.get("usage_hint"));
        for (String example : List.of("talks", "actions", "claim")) {
            assertTrue(hint.contains(example), file + ": the usage hint should show " + example + ": " + hint);
        }
        // The handler answers any /qcon-prefixed name; the manifest should not register commands it does not.
        assertEquals(1, commands.size(), file + ": only /qcon is handled");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"config/slack-app-manifest.yaml", "config/slack-app-manifest-socket-mode.yaml"})
    void interactivity_is_on_so_the_buttons_reach_the_bot(String file) throws Exception {
        assertTrue(required().buttons());
        assertEquals(Boolean.TRUE, Yaml.at(manifest(file), "settings.interactivity.is_enabled"), file);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"config/slack-app-manifest.yaml", "config/slack-app-manifest-socket-mode.yaml"})
    void every_message_shortcut_the_code_registers_is_in_the_manifest(String file) throws Exception {
        String code = Files.readString(SOURCES.resolve("qconbot/slack/SlackHandlers.java"));
        assertTrue(code.contains("app.messageShortcut(AddForm.CALLBACK"), "the handler this test reads for");
        Object shortcuts = Yaml.at(manifest(file), "features.shortcuts");
        assertTrue(shortcuts instanceof List<?> list && list.stream().anyMatch(item -> item instanceof Map<?, ?> shortcut
                && qconbot.commands.AddForm.CALLBACK.equals(shortcut.get("callback_id")) && "message".equals(shortcut.get("type"))),
                file + ": " + shortcuts);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"config/slack-app-manifest.yaml", "config/slack-app-manifest-socket-mode.yaml"})
    void the_app_home_tab_is_on_for_views_publish_and_the_bot_user_is_qcon(String file) throws Exception {
        Map<String, Object> manifest = manifest(file);
        assertEquals(Boolean.TRUE, Yaml.at(manifest, "features.app_home.home_tab_enabled"),
                file + ": views.publish answers not_enabled without the Home tab");
        // DMs to assignees and reminders are shown in the Messages tab.
        assertEquals(Boolean.TRUE, Yaml.at(manifest, "features.app_home.messages_tab_enabled"), file);
        assertEquals("qcon", Yaml.at(manifest, "features.bot_user.display_name"), file + ": README says @qcon");
        assertEquals(Boolean.TRUE, Yaml.at(manifest, "features.bot_user.always_online"), file);
        assertEquals("qcon-bot", Yaml.at(manifest, "display_information.name"), file);
        assertEquals(1L, Yaml.at(manifest, "_metadata.major_version"), file);
        String description = String.valueOf(Yaml.at(manifest, "display_information.description"));
        assertTrue(description.length() > 10 && description.length() <= 140, file + ": Slack takes up to 140 characters");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"config/slack-app-manifest.yaml", "config/slack-app-manifest-socket-mode.yaml"})
    void token_rotation_and_org_deploy_are_off(String file) throws Exception {
        // The bot uses one xoxb token from its settings for as long as it runs; a rotating token would expire.
        assertEquals(Boolean.FALSE, Yaml.at(manifest(file), "settings.token_rotation_enabled"), file);
        assertEquals(Boolean.FALSE, Yaml.at(manifest(file), "settings.org_deploy_enabled"), file);
    }

    // ---- how Slack reaches the bot

    @Test
    void the_http_manifest_sends_everything_to_slack_events_and_keeps_socket_mode_off() throws Exception {
        Map<String, Object> manifest = manifest(HTTP.toString());
        assertEquals(Boolean.FALSE, Yaml.at(manifest, "settings.socket_mode_enabled"));
        Map<?, ?> qcon = (Map<?, ?>) ((List<?>) Yaml.at(manifest, "features.slash_commands")).get(0);
        for (Object url : List.of(qcon.get("url"), Yaml.at(manifest, "settings.event_subscriptions.request_url"),
                Yaml.at(manifest, "settings.interactivity.request_url"))) {
            assertEquals("https://YOUR-HOST/slack/events", url, "BoltHttpServer serves POST /slack/events only");
        }
    }

    @Test
    void the_socket_mode_manifest_has_no_request_urls_and_turns_socket_mode_on() throws Exception {
        Map<String, Object> manifest = manifest(SOCKET.toString());
        assertEquals(Boolean.TRUE, Yaml.at(manifest, "settings.socket_mode_enabled"));
        Map<?, ?> qcon = (Map<?, ?>) ((List<?>) Yaml.at(manifest, "features.slash_commands")).get(0);
        assertFalse(qcon.containsKey("url"));
        assertNull(Yaml.at(manifest, "settings.event_subscriptions.request_url"));
        assertNull(Yaml.at(manifest, "settings.interactivity.request_url"));
    }

    @Test
    void the_two_manifests_differ_only_in_how_slack_reaches_the_bot() throws Exception {
        assertEquals(withoutTransport(manifest(HTTP.toString())), withoutTransport(manifest(SOCKET.toString())),
                "change both manifests together");
    }

    // ---- the checks can fail

    @Test
    void a_manifest_missing_a_scope_or_asking_for_an_extra_one_fails_the_scope_check() throws Exception {
        Required required = required();
        String text = Files.readString(HTTP, StandardCharsets.UTF_8);
        assertThrows(AssertionFailedError.class, () -> assertScopes(required,
                Yaml.parse(text.replace("      - groups:history\n", "")), "without groups:history"));
        assertThrows(AssertionFailedError.class, () -> assertScopes(required,
                Yaml.parse(text.replace("      - chat:write\n", "      - chat:write\n      - im:write\n")), "with im:write"));
    }

    @Test
    void the_yaml_reader_reads_block_style_and_refuses_what_it_cannot_read() {
        Map<String, Object> read = Yaml.parse("""
                # a comment
                a:
                  b: "x # not a comment"   # a comment
                  n: 2
                  list:
                  - one
                  - two: 2
                    three: true
                c: 'it''s'
                """);
        assertEquals("x # not a comment", Yaml.at(read, "a.b"));
        assertEquals(2L, Yaml.at(read, "a.n"));
        assertEquals(List.of("one", Map.of("two", 2L, "three", true)), Yaml.at(read, "a.list"));
        assertEquals("it's", Yaml.at(read, "c"));

        assertThrows(IllegalArgumentException.class, () -> Yaml.parse("a: [b, c]\n"));
        assertThrows(IllegalArgumentException.class, () -> Yaml.parse("a:\n\tb: c\n"));
        assertThrows(IllegalArgumentException.class, () -> Yaml.parse("a: b\na: c\n"));
        assertThrows(IllegalArgumentException.class, () -> Yaml.parse("a:\n  b: c\n    d: e\n"));
        assertThrows(IllegalArgumentException.class, () -> Yaml.parse("a: |\n  text\n"));
    }

    private static void assertScopes(Required required, Map<String, Object> manifest, String file) {
        List<String> asked = strings(manifest, "oauth_config.scopes.bot");
        Set<String> missing = new TreeSet<>(required.scopes());
        missing.removeAll(asked);
        Set<String> unused = new TreeSet<>(asked);
        unused.removeAll(required.scopes());
        assertTrue(missing.isEmpty() && unused.isEmpty(), file + ": bot scopes missing " + missing
                + ", not used by the code " + unused);
        assertEquals(asked.size(), new TreeSet<>(asked).size(), file + ": a scope is listed twice");
    }

    private static List<String> strings(Map<String, Object> manifest, String path) {
        Object value = Yaml.at(manifest, path);
        assertTrue(value instanceof List<?>, path + " should be a list, is " + value);
        List<String> strings = new ArrayList<>();
        for (Object item : (List<?>) value) {
            assertTrue(item instanceof String, path + ": " + item + " should be a plain name");
            strings.add((String) item);
        }
        return strings;
    }

    /** The manifest without request URLs and socket_mode_enabled, the parts that differ by transport. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutTransport(Map<String, Object> manifest) {
        Map<String, Object> copy = (Map<String, Object>) Yaml.deepCopy(manifest);
        ((Map<String, Object>) Yaml.at(copy, "settings")).remove("socket_mode_enabled");
        ((Map<String, Object>) Yaml.at(copy, "settings.event_subscriptions")).remove("request_url");
        ((Map<String, Object>) Yaml.at(copy, "settings.interactivity")).remove("request_url");
        for (Object command : (List<?>) Yaml.at(copy, "features.slash_commands")) {
            ((Map<String, Object>) command).remove("url");
        }
        return copy;
    }

    /**
     * The block-style YAML of Slack app manifests: nested mappings, lists of scalars or of mappings, plain,
     * single- or double-quoted scalars, true/false, integers, comments. Flow style, anchors, tags, multi-line
     * scalars and tabs are refused with IllegalArgumentException, as are duplicate keys and stray indentation.
     */
    static final class Yaml {

        private record Line(int number, int indent, String text) {
        }

        private static final Pattern KEY = Pattern.compile("([A-Za-z_][\\w.-]*):(?:[ ]+(.*))?");

        private final List<Line> lines = new ArrayList<>();
        private int next;

        private Yaml(String text) {
            String[] raw = text.split("\r?\n", -1);
            for (int i = 0; i < raw.length; i++) {
                String line = raw[i];
                if (line.indexOf('\t') >= 0) {
                    throw error(i + 1, "tabs are not allowed in YAML indentation");
                }
                String content = stripComment(line, i + 1).stripTrailing();
                if (!content.isBlank()) {
                    int indent = content.length() - content.stripLeading().length();
                    lines.add(new Line(i + 1, indent, content.strip()));
                }
            }
        }

        static Map<String, Object> parse(String text) {
            Yaml yaml = new Yaml(text);
            if (yaml.lines.isEmpty()) {
                return new LinkedHashMap<>();
            }
            if (yaml.lines.get(0).indent() != 0) {
                throw error(yaml.lines.get(0).number(), "the document must start at column 1");
            }
            Map<String, Object> top = yaml.mapping(0);
            if (yaml.next < yaml.lines.size()) {
                throw error(yaml.lines.get(yaml.next).number(), "unexpected indentation or content");
            }
            return top;
        }

        /** The value at a dotted path of mapping keys, or null. */
        static Object at(Map<String, Object> root, String path) {
            Object value = root;
            for (String key : path.split("\\.")) {
                if (!(value instanceof Map<?, ?> map)) {
                    return null;
                }
                value = map.get(key);
            }
            return value;
        }

        static Object deepCopy(Object value) {
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put((String) k, deepCopy(v)));
                return copy;
            }
            if (value instanceof List<?> list) {
                return new ArrayList<>(list.stream().map(Yaml::deepCopy).toList());
            }
            return value;
        }

        private Object block(int indent) {
            Line first = lines.get(next);
            return first.text().equals("-") || first.text().startsWith("- ") ? list(indent) : mapping(indent);
        }

        private Map<String, Object> mapping(int indent) {
            Map<String, Object> map = new LinkedHashMap<>();
            while (next < lines.size() && lines.get(next).indent() == indent && !isItem(lines.get(next))) {
                Line line = lines.get(next++);
                Matcher key = KEY.matcher(line.text());
                if (!key.matches()) {
                    throw error(line.number(), "expected \"key: value\", found: " + line.text());
                }
                if (map.containsKey(key.group(1))) {
                    throw error(line.number(), "duplicate key " + key.group(1));
                }
                Object value;
                if (key.group(2) != null && !key.group(2).isEmpty()) {
                    value = scalar(key.group(2), line.number());
                } else if (next < lines.size() && lines.get(next).indent() > indent) {
                    value = block(lines.get(next).indent());
                } else if (next < lines.size() && lines.get(next).indent() == indent && isItem(lines.get(next))) {
                    value = list(indent); // "key:" with its list items at the key's own indentation
                } else {
                    value = null;
                }
                map.put(key.group(1), value);
            }
            if (next < lines.size() && lines.get(next).indent() > indent) {
                throw error(lines.get(next).number(), "unexpected indentation");
            }
            return map;
        }

        private List<Object> list(int indent) {
            List<Object> list = new ArrayList<>();
            while (next < lines.size() && lines.get(next).indent() == indent && isItem(lines.get(next))) {
                Line line = lines.get(next);
                String rest = line.text().substring(1).stripLeading();
                if (rest.isEmpty()) {
                    throw error(line.number(), "empty list items are not supported");
                }
                if (KEY.matcher(rest).matches()) {
                    // "- key: value" starts a mapping whose keys line up with "key".
                    int itemIndent = indent + line.text().length() - rest.length();
                    lines.set(next, new Line(line.number(), itemIndent, rest));
                    list.add(mapping(itemIndent));
                } else {
                    next++;
                    list.add(scalar(rest, line.number()));
                }
            }
            if (next < lines.size() && lines.get(next).indent() > indent) {
                throw error(lines.get(next).number(), "unexpected indentation");
            }
            return list;
        }

        private static boolean isItem(Line line) {
            return line.text().equals("-") || line.text().startsWith("- ");
        }

        private static Object scalar(String text, int number) {
            if (text.startsWith("\"")) {
                if (text.length() < 2 || !text.endsWith("\"")) {
                    throw error(number, "unterminated double-quoted string");
                }
                String inner = text.substring(1, text.length() - 1);
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < inner.length(); i++) {
                    char c = inner.charAt(i);
                    if (c == '\\') {
                        if (++i >= inner.length() || "\"\\".indexOf(inner.charAt(i)) < 0) {
                            throw error(number, "only \\\" and \\\\ escapes are supported");
                        }
                        c = inner.charAt(i);
                    } else if (c == '"') {
                        throw error(number, "stray double quote");
                    }
                    out.append(c);
                }
                return out.toString();
            }
            if (text.startsWith("'")) {
                if (text.length() < 2 || !text.endsWith("'")) {
                    throw error(number, "unterminated single-quoted string");
                }
                return text.substring(1, text.length() - 1).replace("''", "'");
            }
            if ("[{&*!|>%@`".indexOf(text.charAt(0)) >= 0) {
                throw error(number, "flow style, anchors, tags and multi-line scalars are not supported: " + text);
            }
            if (text.equals("true") || text.equals("false")) {
                return Boolean.valueOf(text);
            }
            if (text.matches("-?[0-9]+")) {
                return Long.valueOf(text);
            }
            if (text.contains(": ") || text.endsWith(":")) {
                throw error(number, "quote plain text that contains \": \": " + text);
            }
            return text;
        }

        /** The line without a comment: "#" at the start or after a space, outside quotes. */
        private static String stripComment(String line, int number) {
            char quote = 0;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quote != 0) {
                    if (c == '\\' && quote == '"') {
                        i++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                } else if ((c == '"' || c == '\'') && (i == 0 || " :-".indexOf(line.charAt(i - 1)) >= 0)) {
                    quote = c;
                } else if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
                    return line.substring(0, i);
                }
            }
            if (quote != 0) {
                throw error(number, "unterminated quoted string");
            }
            return line;
        }

        private static IllegalArgumentException error(int line, String message) {
            return new IllegalArgumentException("YAML line " + line + ": " + message);
        }
    }
}
