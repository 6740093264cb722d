package qconbot.slack;

import qconbot.search.TalkSearch;
import qconbot.store.ActionItems;
import qconbot.store.ActionItems.Action;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.Talks;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code /qcon <text>} means, whoever asks: Slack (over HTTP or Socket Mode) or the local console.
 * Returns what to show, and the change made, if any, so the caller can announce it. Never throws for anything a
 * user can type.
 */
public final class Commands {

    /**
     * The reply to show, and what is left to do after it: announce an item change (null when none), start a
     * discussion of an item (null when none), post the talk of the day now.
     */
    public record Answer(Reply reply, ActionItems.Result change, ActionItem discuss, boolean postNow) {
        static Answer of(Reply reply) {
            return new Answer(reply, null, null, false);
        }
    }

    private static final Pattern AGENDA = Pattern.compile("(?:talks|agenda)(?:\\s+day\\s*(\\S+))?");
    private static final Pattern ITEM_COMMAND = Pattern.compile("(claim|unclaim|done|reopen|assign|discuss)(?:\\s+(.*))?",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ITEM_ID = Pattern.compile("a?(\\d{1,9})");
    /** "<@U123>" or "<@U123|bob>", as Slack sends a mention in command text. */
    private static final Pattern MENTION = Pattern.compile("<@([UW][A-Z0-9]{2,})(?:\\|[^>]*)?>");
    /** Slack allows 4,000 characters of command text; more than that is not a search anyone meant. */
    static final int MAX_TEXT = 4000;

    private final Talks talks;
    private final TalkSearch search;
    private final ActionItems items;
    private final Daily daily;
    private final Reloader reloader;

    /** Reads the notes again and says what changed (wired in Main, where the notes path is known). */
    @FunctionalInterface
    public interface Reloader {
        String reload() throws Exception;
    }

    public Commands(Talks talks, TalkSearch search, ActionItems items, Daily daily, Reloader reloader) {
        this.talks = talks;
        this.search = search;
        this.items = items;
        this.daily = daily;
        this.reloader = reloader;
    }

    /** Runs a command for {@code user}; {@code requestKey} names the Slack request so a replay changes nothing. */
    public Answer run(String text, String user, String requestKey) throws SQLException {
        String command = text == null ? "" : text.strip();
        if (command.length() > MAX_TEXT) {
            command = command.substring(0, MAX_TEXT);
        }
        String lower = command.toLowerCase(Locale.ROOT);
        if (lower.isEmpty() || lower.equals("help") || lower.equals("?")) {
            return Answer.of(Messages.help());
        }
        Matcher agenda = AGENDA.matcher(lower);
        if (agenda.matches()) {
            return Answer.of(agenda(agenda.group(1)));
        }
        switch (lower) {
            case "today" -> {
                return Answer.of(daily(daily::today));
            }
            case "digest" -> {
                return Answer.of(daily(daily::preview));
            }
            case "schedule" -> {
                return Answer.of(daily(daily::status));
            }
            case "post-now", "post now" -> {
                if (!items.isAdmin(user)) {
                    return Answer.of(Messages.note("Only admins (QCON_ADMINS) can post the talk of the day outside the schedule."));
                }
                return new Answer(Messages.note("Posting the next talk of the day now…"), null, null, true);
            }
            case "reload" -> {
                if (!items.isAdmin(user)) {
                    return Answer.of(Messages.note("Only admins (QCON_ADMINS) can reload the notes."));
                }
                try {
                    return Answer.of(Messages.error("Reloaded the notes: " + reloader.reload()
                            + ". Claims, assignments and threads are kept."));
                } catch (Exception e) {
                    return Answer.of(Messages.error("Did not reload: " + e.getMessage() + " The notes in use are unchanged."));
                }
            }
            default -> {
                // not a one-word command
            }
        }
        if (lower.equals("actions") || lower.startsWith("actions ")) {
            return Answer.of(actions(lower.substring("actions".length()).strip(), user));
        }
        Matcher itemCommand = ITEM_COMMAND.matcher(command);
        if (itemCommand.matches()) {
            return itemCommand(itemCommand.group(1).toLowerCase(Locale.ROOT),
                    itemCommand.group(2) == null ? "" : itemCommand.group(2).strip(), user, requestKey);
        }
        TalkSearch.Result result = search.search(command);
        if (!result.found()) {
            return Answer.of(Messages.noMatch(result, search.suggestions(3)));
        }
        return Answer.of(Messages.talk(result.best(), result));
    }

    public Reply show(String talkKey) throws SQLException {
        return talks.byKey(talkKey).map(talk -> Messages.talk(talk, null))
                .orElseGet(() -> Messages.error("That talk is no longer in the notes. Try /qcon talks for the agenda."));
    }

    public Reply share(String talkKey, String userId) throws SQLException {
        return talks.byKey(talkKey).map(talk -> Messages.sharedTalk(talk, userId))
                .orElseGet(() -> Messages.error("That talk is no longer in the notes, so there is nothing to share."));
    }

    /** The list or item a button was on, drawn again for {@code user} after a click. */
    public Reply redraw(ItemMessages.Target target, String user) throws SQLException {
        return switch (target.surface()) {
            case MINE -> ItemMessages.list(items.list(ActionItems.View.MINE, user), target.surface(), user);
            case ALL -> ItemMessages.list(items.list(ActionItems.View.ALL, user), target.surface(), user);
            case OPEN -> ItemMessages.list(items.list(ActionItems.View.OPEN, user), target.surface(), user);
            case OUTSTANDING -> ItemMessages.list(items.list(ActionItems.View.OUTSTANDING, user), target.surface(), user);
            case ITEM -> items.get(target.itemId()).map(item -> safeItem(item, user))
                    .orElseGet(() -> Messages.error("That action item no longer exists."));
            case POST, DM, HOME, REMINDER -> throw new IllegalArgumentException("redrawn by SlackHandlers: " + target.surface());
        };
    }

    private Reply actions(String argument, String user) throws SQLException {
        return switch (argument) {
            case "", "open", "todo" -> ItemMessages.list(items.list(ActionItems.View.OUTSTANDING, user),
                    ItemMessages.Surface.OUTSTANDING, user);
            case "mine" -> ItemMessages.list(items.list(ActionItems.View.MINE, user), ItemMessages.Surface.MINE, user);
            case "all" -> ItemMessages.list(items.list(ActionItems.View.ALL, user), ItemMessages.Surface.ALL, user);
            default -> {
                Optional<Long> id = itemId(argument);
                if (id.isEmpty()) {
                    yield Messages.note("Try `/qcon actions`, `/qcon actions mine`, `/qcon actions all` or `/qcon actions A3`.");
                }
                yield items.get(id.get()).map(item -> safeItem(item, user))
                        .orElseGet(() -> Messages.error("There is no action item " + argument.toUpperCase(Locale.ROOT)
                                + ". `/qcon actions all` lists them all."));
            }
        };
    }

    private Reply safeItem(ActionItem item, String user) {
        try {
            return ItemMessages.item(item, items.history(item.id()), user);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Answer itemCommand(String verb, String rest, String user, String requestKey) throws SQLException {
        String[] words = rest.split("\\s+", 2);
        Optional<Long> id = itemId(words[0].toLowerCase(Locale.ROOT));
        if (id.isEmpty()) {
            return Answer.of(Messages.note("Which item? Give its id, like `/qcon " + verb + " A3`; `/qcon actions` lists them."));
        }
        if (verb.equals("discuss")) {
            Optional<ActionItem> item = items.get(id.get());
            return item.map(found -> new Answer(Messages.note("Starting a discussion of " + found.ref() + "…"), null, found, false))
                    .orElseGet(() -> Answer.of(Messages.error("There is no action item A" + id.get() + ".")));
        }
        String assignee = null;
        if (verb.equals("assign")) {
            Matcher mention = MENTION.matcher(words.length > 1 ? words[1] : "");
            if (!mention.find()) {
                return Answer.of(Messages.note("Whom to? Mention them: `/qcon assign A" + id.get() + " @someone`."));
            }
            assignee = mention.group(1);
        }
        Action action = Action.valueOf(verb.toUpperCase(Locale.ROOT));
        ActionItems.Result result = items.act(id.get(), action, user, assignee, requestKey);
        return new Answer(Messages.note(ItemMessages.outcome(result)), result, null, false);
    }

    @FunctionalInterface
    private interface DailyCall {
        Reply call() throws Exception;
    }

    private static Reply daily(DailyCall call) throws SQLException {
        try {
            return call.call();
        } catch (SQLException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException("talk of the day: " + e.getMessage(), e);
        }
    }

    private static Optional<Long> itemId(String word) {
        Matcher matcher = ITEM_ID.matcher(word);
        return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
    }

    private Reply agenda(String day) throws SQLException {
        if (day == null) {
            return Messages.agenda(talks.agenda(), null);
        }
        if (!day.matches("\\d{1,3}")) {
            return Messages.error("Say which day as a number, for example: /qcon talks day 2");
        }
        return Messages.agenda(talks.agenda(), Integer.parseInt(day));
    }
}
