package qconbot.commands;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.ViewState;
import qconbot.commands.ItemMessages.Target;
import qconbot.commands.Verb.From;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything that reaches the bot, as the {@link Interpreter} takes it: one kind per way Slack (or the console) can
 * reach it. {@code user} is who it came from; {@code key}, where there is one, names the Slack request (event id,
 * click, view id), so that a retry or replay changes nothing twice.
 */
public sealed interface Request {

    String user();

    /** Slack allows 4,000 characters of command text; more than that is not a search anyone meant. */
    int MAX_TEXT = 4000;
    Pattern DAY = Pattern.compile("day\\s*(\\S+)", Pattern.CASE_INSENSITIVE);

    /**
     * Typed after /qcon (or in the console), said to {@code @qcon} in a channel, or a button clicked: a {@code verb}
     * and the {@code words} after it (a null verb is a mention not understood). A mention has the thread it was said
     * in ({@code threadTs}, whose item is implied); a click the item and surface its button was on ({@code target})
     * and the message it was in.
     */
    record Asked(From from, Verb verb, String words, String user, String channel, String threadTs, Target target,
                 List<LayoutBlock> message, String key) implements Request {
    }

    /** A form (modal) submitted: which one ({@code form}, its callback id), what was filled in, the view's id. */
    record Submitted(String form, ViewState state, String metadata, String viewId, String user) implements Request {
    }

    /** The add form's talk picker asking for the talks that match what was typed so far. */
    record Suggest(String typed, String user) implements Request {
    }

    /** A file sent to the bot: by direct message ({@code direct}), or with a mention in a channel's thread. */
    record FileSent(List<SentFile> files, boolean direct, String channel, String threadTs, String user, String key)
            implements Request {
    }

    /** A file as Slack describes it: its name, size in bytes (null if Slack did not say) and private download address. */
    record SentFile(String name, Integer size, String url) {
    }

    /** A file fetched from Slack after the ack: its bytes, or why it could not be fetched ({@code problem}). */
    record Fetched(String name, byte[] bytes, String problem, String user) implements Request {
    }

    /**
     * "Save to conference notes" on a message: its text (unescaped) and where it is; the thread it is a reply in
     * ({@code threadTs}, null if none) and who wrote it ({@code author}).
     */
    record Shortcut(String text, String channel, String ts, String user, String threadTs, String author) implements Request {
        public Shortcut(String text, String channel, String ts, String user) {
            this(text, channel, ts, user, null, null);
        }
    }

    /**
     * The shortcut's message with its permalink, once Slack gave it (null when it would not); for a reply in a
     * question's thread, the question ({@code question}) and the reply's author, else null.
     */
    record Linked(String text, String permalink, String user, Long question, String author) implements Request {
        public Linked(String text, String permalink, String user) {
            this(text, permalink, user, null, null);
        }
    }

    /** A question's post to the questions channel, once Slack took it ({@code ts}, {@code permalink}) or refused it ({@code error}). */
    record QuestionPosted(long questionId, String channel, String ts, String permalink, String error, String user)
            implements Request {
    }

    /** The App Home tab opened. */
    record HomeOpened(String user) implements Request {
    }

    /**
     * A reply posted in a thread (by a person), counted when the thread is an item's discussion, and kept with its
     * {@code ts} and {@code text} (readable words) when it is a question's.
     */
    record Replied(String channel, String threadTs, Instant at, String user, String key, String ts, String text)
            implements Request {
        public Replied(String channel, String threadTs, Instant at, String user, String key) {
            this(channel, threadTs, at, user, key, null, "");
        }
    }

    /**
     * A reply in a thread edited ({@code text}, readable words) or deleted ({@code text} null) by its author: a
     * question's thread then offers the reply as it reads now, or no longer offers it.
     */
    record ReplyEdited(String channel, String threadTs, String ts, String user, String text) implements Request {
    }

    /** An item's discussion post, once Slack took it ({@code ts} and {@code permalink}) or refused it ({@code error}). */
    record Posted(long itemId, String channel, String ts, String permalink, String error, String user)
            implements Request {
    }

    /** The kind of a request, for logs and metrics: "asked", "submitted", "file_sent"... never what it says. */
    static String kind(Request request) {
        return request.getClass().getSimpleName().replaceAll("(?<=[a-z])(?=[A-Z])", "_").toLowerCase(java.util.Locale.ROOT);
    }

    /** The text after /qcon, or a line typed in the console. */
    static Asked command(String text, String user, String channel, String key) {
        String command = text == null ? "" : text.strip();
        if (command.length() > MAX_TEXT) {
            command = command.substring(0, MAX_TEXT);
        }
        Verb.Parsed parsed = command.isEmpty() ? new Verb.Parsed(Verb.HELP, "") : Verb.parse(command, From.COMMAND);
        if (parsed == null || !parsed.verb().takesWords() && !parsed.rest().isEmpty()
                || parsed.verb() == Verb.TALKS && !parsed.rest().isEmpty() && !DAY.matcher(parsed.rest()).matches()) {
            parsed = new Verb.Parsed(Verb.SEARCH, command);
        }
        return new Asked(From.COMMAND, parsed.verb(), parsed.rest(), user, channel, null, null, List.of(), key);
    }

    /**
     * "@qcon claim" in a channel: the words with the bot's own mention taken out ({@code bot}, the bot's user id);
     * {@code threadTs} null outside a thread.
     */
    static Asked mention(String text, String bot, String user, String channel, String threadTs, String key) {
        String words = Messages.MENTION.matcher(text == null ? "" : text).replaceAll(match -> match.group(1).equals(bot)
                ? "" : java.util.regex.Matcher.quoteReplacement(match.group())).strip();
        Verb.Parsed parsed = words.isEmpty() ? new Verb.Parsed(Verb.STATUS, "") : Verb.parse(words, From.MENTION);
        return new Asked(From.MENTION, parsed == null ? null : parsed.verb(), parsed == null ? words : parsed.rest(),
                user, channel, threadTs, null, List.of(), key);
    }

    /** "@qcon claim" said in a channel, the bot's own mention taken out already. */
    static Asked mention(String words, String user, String channel, String threadTs, String key) {
        return mention(words, null, user, channel, threadTs, key);
    }

    /** A button: its action id and value, the block it was in, the user picked (Assign to…), the message. */
    static Asked click(String actionId, String value, String blockId, String selectedUser, String user,
                       String channel, List<LayoutBlock> message, String key) {
        Verb verb = Verb.forAction(actionId);
        String words = verb == Verb.ASSIGN ? (selectedUser == null ? "" : "<@" + selectedUser + ">")
                : value == null ? "" : value;
        return new Asked(From.CLICK, verb, words, user, channel, null, Target.parse(blockId),
                message == null ? List.of() : message, key);
    }
}
