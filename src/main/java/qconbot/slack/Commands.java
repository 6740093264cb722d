package qconbot.slack;

import qconbot.search.TalkSearch;
import qconbot.store.Talks;

import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code /qcon <text>} means, whoever asks: Slack (over HTTP or Socket Mode) or the local console.
 * Returns the reply to show; never throws for anything a user can type.
 */
public final class Commands {

    private static final Pattern AGENDA = Pattern.compile("(?:talks|agenda)(?:\\s+day\\s*(\\S+))?");
    /** Slack allows 4,000 characters of command text; more than that is not a search anyone meant. */
    static final int MAX_TEXT = 4000;

    private final Talks talks;
    private final TalkSearch search;

    public Commands(Talks talks, TalkSearch search) {
        this.talks = talks;
        this.search = search;
    }

    public Reply run(String text) throws SQLException {
        String command = text == null ? "" : text.strip();
        if (command.length() > MAX_TEXT) {
            command = command.substring(0, MAX_TEXT);
        }
        String lower = command.toLowerCase(Locale.ROOT);
        if (lower.isEmpty() || lower.equals("help") || lower.equals("?")) {
            return Messages.help();
        }
        Matcher agenda = AGENDA.matcher(lower);
        if (agenda.matches()) {
            return agenda(agenda.group(1));
        }
        TalkSearch.Result result = search.search(command);
        if (!result.found()) {
            return Messages.noMatch(result, search.suggestions(3));
        }
        return Messages.talk(result.best(), result);
    }

    public Reply show(String talkKey) throws SQLException {
        return talks.byKey(talkKey).map(talk -> Messages.talk(talk, null))
                .orElseGet(() -> Messages.error("That talk is no longer in the notes. Try /qcon talks for the agenda."));
    }

    public Reply share(String talkKey, String userId) throws SQLException {
        return talks.byKey(talkKey).map(talk -> Messages.sharedTalk(talk, userId))
                .orElseGet(() -> Messages.error("That talk is no longer in the notes, so there is nothing to share."));
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
