package qconbot.commands;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import qconbot.notes.Bullet;
import qconbot.notes.Notes;
import qconbot.notes.Talk;
import qconbot.store.Added;
import qconbot.search.Answers;
import qconbot.search.Overview;
import qconbot.search.TalkSearch;
import qconbot.store.DailyPosts;
import qconbot.store.Digests;
import qconbot.store.NotesLoader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

/**
 * Every message the bot sends is built here, and this is the only place that escapes text for Slack. Whatever
 * comes from a user or from the notes goes through {@link #escape} so that nobody can make the bot ping a channel,
 * forge a mention or a link. Slack's Block Kit limits are kept: 50 blocks, 3000 characters a section, 150 a header.
 */
public final class Messages {

    static final int MAX_BLOCKS = 50;
    static final int MAX_SECTION = 3000;
    static final int MAX_HEADER = 150;
    static final int MAX_BUTTON_VALUE = 2000;
    /** More than this is a wall of text, not an agenda; the reply says how to narrow it. */
    static final int MAX_AGENDA_TALKS = 120;
    /** Blocks kept free for the parts after the key points: source, other matches, buttons. */
    private static final int RESERVED_BLOCKS = 12;

    private Messages() {
    }

    /** Slack's three control characters; with them escaped, "<!channel>" or "<@U1>" is shown, never acted on. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The text as written, from Slack's escaped form (a message's text, a slash command's words): the inverse of {@link #escape}. */
    /** Whether {@code url} may be shown as a link: http or https, one word. The one rule for outcomes' links. */
    static boolean webLink(String url) {
        return url != null && url.matches("https?://\\S+");
    }

    /**
     * A Slack message's markup as readable text, for saving it as a point: a link keeps its URL ("the runbook
     * (https://…)"), a channel its name ("#general"), a user mention becomes "@U0BOB" (a name would need a Slack call
     * before the save is acknowledged), "@channel" and the like become plain words, a date its fallback text.
     */
    public static String readable(String text) {
        return readable(text, true);
    }

    /** The same; without {@code mentions}, user mentions ({@code <@U0BOB>}) are left for their names to be found. */
    public static String readable(String text, boolean mentions) {
        if (text.indexOf('<') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        java.util.regex.Matcher markup = MARKUP.matcher(text);
        while (markup.find()) {
            String target = markup.group(1);
            if (!mentions && target.startsWith("@")) {
                markup.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(markup.group()));
                continue;
            }
            String label = markup.group(2);
            String shown = target.startsWith("@") || target.startsWith("#") ? (label != null ? target.charAt(0)
                    + label.replaceFirst("^[@#]", "") : target)
                    : target.startsWith("!subteam^") || target.startsWith("!date^") ? (label != null ? label : "")
                    : target.startsWith("!") ? "@" + target.substring(1)
                    : target.startsWith("mailto:") ? (label != null ? label + " (" + target.substring(7) + ")" : target.substring(7))
                    : label != null && !label.equals(target) ? label + " (" + target + ")" : target;
            markup.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(shown));
        }
        markup.appendTail(out);
        return out.toString();
    }

    private static final java.util.regex.Pattern MARKUP =
            java.util.regex.Pattern.compile("<((?:https?://|mailto:|[@#!])[^|>\\s]*)(?:\\|([^>]*))?>");

    public static String unescape(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** /qcon help: one line for each verb of the table that can be typed after /qcon, then the thread verbs. */
    public static Reply help() {
        StringBuilder text = new StringBuilder("*qcon-bot* answers from the team's conference notes.\n");
        for (Verb verb : Verb.values()) {
            if (verb.from(Verb.From.COMMAND)) {
                text.append("• `/qcon ").append(escape(verb.usage())).append("`: ").append(verb.help()).append('\n');
            }
        }
        text.append("• In an item's thread, mention me: ").append(threadVerbs("`@qcon ", "`", ", ")).append('.');
        String mrkdwn = text.toString();
        return new Reply("qcon-bot: /qcon <words> finds a talk; /qcon talks lists the agenda.",
                List.of(section(s -> s.text(markdownText(mrkdwn)))));
    }

    /** What @qcon understands in an item's thread, e.g. "`claim`, `done`, `assign @someone` or `status`". */
    public static String threadHelp(String lastJoin) {
        return threadVerbs("`", "`", lastJoin);
    }

    private static String threadVerbs(String before, String after, String lastJoin) {
        List<String> verbs = Arrays.stream(Verb.values()).filter(verb -> verb.from(Verb.From.MENTION) && verb != Verb.HELP)
                .map(verb -> before + verb.threadUsage() + after).toList();
        return String.join(", ", verbs.subList(0, verbs.size() - 1)) + lastJoin + verbs.get(verbs.size() - 1);
    }

    /** A talk's summary with every point, with the search's other matches and a button to share it. */
    public static Reply talk(Talk talk, TalkSearch.Result search) {
        return talk(Overview.whole(talk), search);
    }

    /**
     * A talk as a reply: the answer to a question first when there is one, the talk's points (only its most telling
     * ones when the overview says so, with a button for all of them), related talks, the search's other matches.
     */
    public static Reply talk(Overview overview, TalkSearch.Result search) {
        Talk talk = overview.talk();
        List<Answers.Point> answers = search == null ? List.of() : search.answers();
        List<LayoutBlock> blocks = new ArrayList<>(answers.isEmpty() ? summary(overview, MAX_BLOCKS - RESERVED_BLOCKS, true)
                : answered(overview, answers));
        if (search != null && search.didYouMean() != null) {
            String typed = search.corrections().keySet().stream().collect(Collectors.joining(" "));
            blocks.add(1, context(c -> c.elements(List.of(markdownText("Showing results for *" + escape(search.didYouMean())
                    + "* (you typed _" + escape(typed) + "_)")))));
        }
        List<Talk> others = search == null ? List.of() : search.others();
        blocks.addAll(related(overview, others));
        blocks.addAll(otherMatches(search, others));
        if (talk.key().length() <= MAX_BUTTON_VALUE) {
            blocks.add(talkButtons(overview));
        }
        return new Reply(fallback(talk), blocks);
    }

    /** Talks related to this one, each with the words they share; a talk among the other matches is shown there, once. */
    private static List<LayoutBlock> related(Overview overview, List<Talk> others) {
        List<Overview.Related> relatedTalks = overview.related().stream()
                .filter(related -> others.stream().noneMatch(other -> other.key().equals(related.talk().key()))).toList();
        List<LayoutBlock> blocks = new ArrayList<>();
        for (int i = 0; i < relatedTalks.size(); i++) {
            Overview.Related related = relatedTalks.get(i);
            String line = clip("*Related:* " + oneLine(related.talk()) + "\nShares " + related.shared().stream()
                    .map(word -> "_" + escape(word) + "_").collect(Collectors.joining(", ")), MAX_SECTION);
            blocks.add(withShowButton("related-" + i, line, related.talk()));
        }
        return blocks;
    }

    /** The search's other matches, each with its best point for a question. */
    private static List<LayoutBlock> otherMatches(TalkSearch.Result search, List<Talk> others) {
        List<LayoutBlock> blocks = new ArrayList<>();
        if (others.isEmpty()) {
            return blocks;
        }
        blocks.add(divider());
        blocks.add(section(s -> s.text(markdownText("*Other matches*"))));
        for (int i = 0; i < others.size(); i++) {
            Talk other = others.get(i);
            Answers.Point point = search.question() ? search.bestPointOf(other) : null;
            String line = point == null ? oneLine(other)
                    : clip(oneLine(other) + "\n" + clip(pointText(point), 300), MAX_SECTION);
            blocks.add(withShowButton("other-" + i, line, other));
        }
        return blocks;
    }

    /** Share, Show all (when the overview left points out) and Edit added points (when some were added). */
    private static LayoutBlock talkButtons(Overview overview) {
        Talk talk = overview.talk();
        List<BlockElement> buttons = new ArrayList<>();
        buttons.add(button(b -> b.actionId(Verb.SHARE.button().actionId()).text(plainText(Verb.SHARE.button().label()))
                .style("primary").value(talk.key())));
        if (overview.shortened()) {
            buttons.add(button(b -> b.actionId(Verb.SHOW_ALL.button().actionId())
                    .text(plainText("Show all " + talk.bullets().size() + " points")).value(talk.key())));
        }
        if (talk.bullets().stream().anyMatch(bullet -> bullet.added() != null)) {
            buttons.add(button(b -> b.actionId(Verb.EDIT_POINTS.button().actionId())
                    .text(plainText(Verb.EDIT_POINTS.button().label())).value(talk.key())));
        }
        return actions(a -> a.blockId("share").elements(buttons));
    }

    /** A line about another talk, with a Show button when its key fits in a button's value. */
    private static LayoutBlock withShowButton(String blockId, String mrkdwn, Talk talk) {
        if (talk.key().length() > MAX_BUTTON_VALUE) {
            return section(s -> s.blockId(blockId).text(markdownText(mrkdwn)));
        }
        return section(s -> s.blockId(blockId).text(markdownText(mrkdwn))
                .accessory(button(b -> b.actionId(Verb.SHOW.button().actionId())
                        .text(plainText(Verb.SHOW.button().label())).value(talk.key()))));
    }

    /** The summary as posted for everyone: no buttons, and who shared it. */
    public static Reply sharedTalk(Talk talk, String userId) {
        // a post to a channel: who added a point is not mentioned (a mention notifies them); the link names them
        List<LayoutBlock> blocks = new ArrayList<>(summary(Overview.whole(talk), MAX_BLOCKS - RESERVED_BLOCKS, false));
        if (userId != null && userId.matches("[UW][A-Z0-9]{2,}")) {
            blocks.add(context(c -> c.elements(List.of(markdownText("Shared by <@" + userId + ">")))));
        }
        return new Reply(fallback(talk), blocks);
    }

    /**
     * Nothing in the notes answers what was typed: said plainly, naming it, with at most two talks nearest in meaning
     * offered as that and not as an answer, then what to try.
     */
    public static Reply noMatch(TalkSearch.Result search, List<String> suggestions) {
        String typed = search.query().strip();
        StringBuilder text = new StringBuilder();
        if (typed.isEmpty() || search.words().isEmpty() && search.unknown().isEmpty()) {
            text.append("I need a word or two to search the notes for.");
        } else {
            text.append("Nothing in the notes covers *").append(escape(clip(oneLineOf(typed), 200))).append("*.");
        }
        List<LayoutBlock> blocks = new ArrayList<>(List.of(section(s -> s.text(markdownText(text.toString())))));
        if (!search.nearest().isEmpty()) {
            blocks.add(context(c -> c.elements(List.of(markdownText("The nearest talks, in case (they do not answer it):")))));
            for (int i = 0; i < search.nearest().size(); i++) {
                Talk talk = search.nearest().get(i);
                blocks.add(withShowButton("nearest-" + i, oneLine(talk), talk));
            }
        }
        StringBuilder help = new StringBuilder();
        if (!suggestions.isEmpty()) {
            help.append("Try one of: ").append(suggestions.stream()
                    .map(word -> "`/qcon " + escape(word) + "`").collect(Collectors.joining(", "))).append(".\n");
        }
        help.append("`/qcon talks` lists every talk; `/qcon help` shows what I can do.");
        blocks.add(section(s -> s.text(markdownText(help.toString()))));
        return new Reply("Nothing in the notes covers that; try /qcon talks", blocks);
    }

    /** Typed text on one line, its runs of spaces and line breaks as one space, so that *…* stays bold. */
    private static String oneLineOf(String typed) {
        return typed.replaceAll("\\s+", " ");
    }

    /** The agenda, by conference and day, in time order; one day when {@code day} is not null. */
    public static Reply agenda(List<Talk> talks, Integer day) {
        Map<String, Map<String, List<Talk>>> byConferenceAndDay = new LinkedHashMap<>();
        for (Talk talk : talks) {
            if (day == null || talk.dayNumber() == day) {
                byConferenceAndDay.computeIfAbsent(talk.conference(), c -> new LinkedHashMap<>())
                        .computeIfAbsent(talk.day(), d -> new ArrayList<>()).add(talk);
            }
        }
        if (byConferenceAndDay.isEmpty()) {
            String days = talks.stream().map(Talk::dayNumber).filter(n -> n > 0).distinct().sorted()
                    .map(String::valueOf).collect(Collectors.joining(", "));
            String text = day == null ? "There are no talks in the notes yet."
                    : "There is no Day " + day + " in the notes." + (days.isEmpty() ? "" : " Days: " + days + ".");
            return new Reply(text, List.of(section(s -> s.text(markdownText(text)))));
        }
        List<LayoutBlock> blocks = new ArrayList<>();
        int shown = agendaBlocks(byConferenceAndDay, day, blocks);
        int total = byConferenceAndDay.values().stream().flatMap(d -> d.values().stream()).mapToInt(List::size).sum();
        String hint = total > shown
                ? "…and " + (total - shown) + " more talks. `/qcon talks day 2` shows one day."
                : "`/qcon <words from a title>` shows a talk's summary.";
        blocks.add(context(c -> c.elements(List.of(markdownText(hint)))));
        return new Reply("Agenda: " + total + " talks", blocks);
    }

    /**
     * A header per conference and a section per day, a line per talk, into {@code blocks}: sections split at 3000
     * characters, and stopping at {@link #MAX_AGENDA_TALKS} talks or when the message is nearly full. Returns how
     * many talks it listed.
     */
    private static int agendaBlocks(Map<String, Map<String, List<Talk>>> byConferenceAndDay, Integer day,
                                    List<LayoutBlock> blocks) {
        int shown = 0;
        for (Map.Entry<String, Map<String, List<Talk>>> conference : byConferenceAndDay.entrySet()) {
            blocks.add(header(h -> h.text(plainText(clip(escape(conference.getKey()) + (day == null ? "" : ", Day " + day), MAX_HEADER)))));
            for (Map.Entry<String, List<Talk>> dayTalks : conference.getValue().entrySet()) {
                StringBuilder text = new StringBuilder(dayTalks.getKey().isEmpty() ? "" : "*" + escape(dayTalks.getKey()) + "*\n");
                for (Talk talk : dayTalks.getValue()) {
                    String line = agendaLine(talk);
                    if (shown == MAX_AGENDA_TALKS) {
                        break;
                    }
                    if (text.length() + line.length() + 1 > MAX_SECTION) {
                        String done = text.toString();
                        blocks.add(section(s -> s.text(markdownText(done))));
                        text.setLength(0);
                        if (blocks.size() >= MAX_BLOCKS - 4) {
                            return shown;
                        }
                    }
                    text.append(line).append('\n');
                    shown++;
                }
                String done = text.toString();
                blocks.add(section(s -> s.text(markdownText(done))));
                if (shown >= MAX_AGENDA_TALKS || blocks.size() >= MAX_BLOCKS - 4) {
                    return shown;
                }
            }
        }
        return shown;
    }

    /** The reply with a line of the bot's own mrkdwn under its first block (e.g. "Today's talk of the day"). */
    public static Reply withNote(Reply reply, String mrkdwn) {
        List<LayoutBlock> blocks = new ArrayList<>(reply.blocks());
        blocks.add(Math.min(1, blocks.size()), context(c -> c.elements(List.of(markdownText(clip(mrkdwn, MAX_SECTION))))));
        return new Reply(reply.text(), blocks);
    }

    /** "<@U123>" or "<@U123|bob>", as Slack sends a mention; group 1 is the user id. */
    public static final java.util.regex.Pattern MENTION = java.util.regex.Pattern.compile("<@([UW][A-Z0-9]{2,})(?:\\|[^>]*)?>");

    /** A sentence that may contain text from a user: escaped. */
    public static Reply error(String sentence) {
        return new Reply(escape(sentence), List.of(section(s -> s.text(markdownText(escape(sentence))))));
    }

    /** A sentence the bot wrote in mrkdwn, with anything from users already escaped (e.g. by ItemMessages). */
    public static Reply note(String mrkdwn) {
        return new Reply(mrkdwn, List.of(section(s -> s.text(markdownText(clip(mrkdwn, MAX_SECTION))))));
    }

    /** The scheduled post: the talk's summary (header first, as for /qcon), then where the action items stand. */
    public static Reply talkOfTheDay(Talk talk, Digests.Digest digest, long staleDays) {
        List<LayoutBlock> digestBlocks = ItemMessages.digest(digest, staleDays);
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.addAll(summary(Overview.whole(talk), MAX_BLOCKS - 4 - digestBlocks.size(), false));
        blocks.add(divider());
        blocks.addAll(digestBlocks);
        return new Reply(escape(talk.name()) + " — talk of the day", blocks);
    }

    /** /qcon today: the talk posted today, or the next one due. */
    public static Reply today(Optional<Daily.Today> today) {
        if (today.isEmpty()) {
            return error("There are no talks in the notes.");
        }
        Daily.Today found = today.get();
        String note = found.postedAt() != null
                ? "Today's talk of the day, posted " + ItemMessages.date(found.postedAt()) + "."
                : !found.scheduled()
                ? "No talk of the day is scheduled (QCON_DIGEST_CHANNEL is not set); this one is next in the rotation."
                : found.due() != null ? "Next talk of the day, due " + ItemMessages.date(found.due()) + "." : "Next in the rotation.";
        return withNote(talk(found.talk(), null), note);
    }

    /** /qcon digest: the next post as it would look now. */
    public static Reply preview(Optional<Daily.Preview> preview) {
        if (preview.isEmpty()) {
            return error("There are no talks in the notes.");
        }
        Daily.Preview next = preview.get();
        String note = next.channel() == null ? "Preview (QCON_DIGEST_CHANNEL is not set, so nothing is scheduled)."
                : next.due() != null ? "Preview of the post due " + ItemMessages.date(next.due()) + " in <#" + next.channel() + ">."
                : "Preview.";
        return withNote(talkOfTheDay(next.talk(), next.digest(), next.staleDays()), note);
    }

    /** /qcon schedule: channel, schedule in words, zone, the last post and how it went, the next fire time. */
    public static Reply schedule(Daily.Status status) {
        StringBuilder text = new StringBuilder();
        if (status.channel() == null) {
            text.append("*Talk of the day:* off. Set QCON_DIGEST_CHANNEL to a channel id to turn it on.\n");
        } else {
            text.append("*Channel:* <#").append(status.channel()).append(">\n");
        }
        text.append("*Schedule:* ").append(escape(status.inWords())).append(" (`").append(escape(status.expression()))
                .append("`), ").append(escape(status.zone())).append('\n');
        DailyPosts.Post last = status.last();
        text.append("*Last post:* ").append(last == null ? "none yet" : ItemMessages.date(last.finishedAt()) + ", *"
                + escape(last.talkTitle()) + "*, " + switch (last.state()) {
                    case POSTED -> "posted";
                    case FAILED -> "failed: " + escape(last.error());
                    case EXPIRED -> "not posted (its day had passed)";
                    case PENDING -> "still being posted";
                }).append('\n');
        text.append("*Next:* ").append(status.channel() == null ? "nothing scheduled"
                : status.next() == null ? "never" : ItemMessages.date(status.next()));
        if (status.givenUp() > 0) {
            text.append("\n*Given up since start:* ").append(status.givenUp());
        }
        return note(text.toString());
    }

    /** What /qcon post-now did. */
    public static Reply postedNow(Daily.PostNow done) {
        if (done.channel() == null) {
            return note("There is no digest channel: set QCON_DIGEST_CHANNEL first.");
        }
        if (done.post() == null) {
            return note("There are no talks in the notes to post.");
        }
        return note(done.post().state() == DailyPosts.State.POSTED
                ? "Posted *" + escape(done.post().talkTitle()) + "* to <#" + done.channel() + ">."
                : "Could not post to <#" + done.channel() + ">: " + escape(String.valueOf(done.post().error())) + ".");
    }

    /** /qcon reload: what the notes hold now, or why they were not taken. */
    public static Reply reloaded(NotesLoader.Report report) {
        return error("Reloaded the notes: " + report.summary() + ". Claims, assignments and threads are kept.");
    }

    public static Reply notReloaded(NotesLoader.Refused refused) {
        return error("Did not reload: " + refused.getMessage() + " The notes in use are unchanged.");
    }

    /** What a pasted notes file holds and would change, with Import and Cancel (their value: the import's id). */
    static Reply importPreview(long id, String name, Contributions.ImportDiff diff) {
        String text = "*Import `" + escape(name) + "`?*\n" + escape(counts(diff)) + "\n"
                + (diff.first() ? "No file of this name was imported before."
                : "Against the one imported before: " + diff.newTalks() + " new, " + diff.changedTalks() + " changed and "
                + diff.goneTalks() + " gone talks.") + keptLines(diff.kept()) + warnings(diff.notes())
                + "\nNothing changes until you press Import.";
        String value = String.valueOf(id);
        return new Reply("Import " + escape(name) + "?", List.of(section(s -> s.text(markdownText(clip(text, MAX_SECTION)))),
                actions(a -> a.blockId("import").elements(List.of(
                        button(b -> b.actionId(Verb.IMPORT_CONFIRM.button().actionId()).style("primary")
                                .text(plainText(Verb.IMPORT_CONFIRM.button().label())).value(value)),
                        button(b -> b.actionId(Verb.IMPORT_CANCEL.button().actionId())
                                .text(plainText(Verb.IMPORT_CANCEL.button().label())).value(value)))))));
    }

    /** Taking back an imported file: what goes, what stays in view, with Remove and Cancel. */
    static Reply removeFilePreview(String name, int talks, List<String> kept) {
        String text = "*Remove `" + escape(name) + "`?*\nIts " + talks + (talks == 1 ? " talk leaves" : " talks leave")
                + " the agenda, the talk of the day and search." + keptLines(kept) + "\nNothing changes until you press Remove.";
        return new Reply("Remove " + escape(name) + "?", List.of(section(s -> s.text(markdownText(clip(text, MAX_SECTION)))),
                actions(a -> a.blockId("remove_file").elements(List.of(
                        button(b -> b.actionId(Verb.REMOVE_FILE_CONFIRM.button().actionId()).style("danger")
                                .text(plainText(Verb.REMOVE_FILE_CONFIRM.button().label())).value(name)),
                        button(b -> b.actionId(Verb.REMOVE_FILE_CANCEL.button().actionId())
                                .text(plainText(Verb.REMOVE_FILE_CANCEL.button().label())).value(name)))))));
    }

    /** What an import would do to what people added to the talks it changes: a line each, escaped. */
    private static String keptLines(List<String> kept) {
        StringBuilder text = new StringBuilder();
        kept.stream().limit(10).forEach(line -> text.append("\n• ").append(escape(line)));
        return kept.size() > 10 ? text.append("\n• and ").append(kept.size() - 10).append(" more").toString() : text.toString();
    }

    /** "Devoxx 2026: 12 new talks, 148 points, 3 new action items; 1 warning (line 211: …)", after an import. */
    static Reply imported(String name, Contributions.ImportDiff diff) {
        Notes notes = diff.notes();
        String text = "Imported `" + escape(name) + "`. " + escape(notes.conference()) + ": " + diff.newTalks()
                + " new talks" + (diff.first() ? "" : ", " + diff.changedTalks() + " changed, " + diff.goneTalks() + " gone")
                + ", " + points(notes) + " points, " + diff.newItems() + " new action items" + warnings(notes).replace("\n", "; ")
                + ". `/qcon` finds them now.";
        return note(clip(text, MAX_SECTION));
    }

    private static String counts(Contributions.ImportDiff diff) {
        Notes notes = diff.notes();
        long days = notes.talks().stream().map(Talk::day).filter(day -> !day.isEmpty()).distinct().count();
        long items = notes.talks().stream().mapToLong(talk -> talk.internalLines().size()).sum();
        return notes.conference() + ": " + days + (days == 1 ? " day, " : " days, ") + notes.talks().size() + " talks, "
                + points(notes) + " points, " + items + " action items";
    }

    private static long points(Notes notes) {
        return notes.talks().stream().mapToLong(talk -> talk.bullets().size()).sum();
    }

    /** "\n1 warning: line 211: read [INFERNAL] as [INTERNAL]", the first ten; "" for none. */
    private static String warnings(Notes notes) {
        List<String> warnings = notes.warnings();
        if (warnings.isEmpty()) {
            return "";
        }
        String prefix = notes.source() + ":";
        return "\n" + warnings.size() + (warnings.size() == 1 ? " warning: " : " warnings: ") + warnings.stream().limit(10)
                .map(warning -> escape(warning.startsWith(prefix) ? "line " + warning.substring(prefix.length()) : warning))
                .collect(Collectors.joining("; "));
    }

    /** A change the database could not take in time (another process was writing): nothing changed. */
    public static Reply busy() {
        return error("The database is busy right now (another program is writing to it), so nothing changed."
                + " Try again in a moment.");
    }

    /** A change the storage failed (disk full, read-only, file gone): nothing changed; someone must mend it. */
    public static Reply storageProblem() {
        return error("I have a storage problem, so nothing changed. Try again in a minute; if it goes on, tell whoever"
                + " runs qcon-bot: /health says what it is.");
    }

    /** For an error on our side: what to do, and a reference to find it in the log; never the error itself. */
    public static Reply sorry(String ref) {
        return error("Sorry, something went wrong on my side and I could not answer that."
                + " Try again in a minute; if it keeps happening, tell whoever runs qcon-bot (ref " + ref + ").");
    }

    /** A short id for one failure, logged with it and shown to the user. */
    public static String reference() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Header, details, the points the overview shows (at most as many sections as fit in {@code room} blocks), and the
     * source.
     */
    private static List<LayoutBlock> summary(Overview overview, int maxBlocks, boolean mentions) {
        Talk talk = overview.talk();
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(clip(escape(talk.name()), MAX_HEADER)))));
        blocks.add(context(c -> c.elements(List.of(markdownText(escape(details(talk)))))));
        List<String> sections = keyPoints(talk.bullets().stream().filter(overview::shows).toList(), mentions);
        int room = Math.max(1, maxBlocks - 3);
        for (int i = 0; i < sections.size() && i < room; i++) {
            String text = sections.get(i);
            blocks.add(section(s -> s.text(markdownText(text))));
        }
        String source = "Source: " + where(talk);
        if (sections.size() > room) {
            source = "Trimmed to fit Slack; the rest is in " + where(talk);
        }
        String sourceText = escape(source);
        blocks.add(context(c -> c.elements(List.of(markdownText(sourceText)))));
        return blocks;
    }

    /**
     * A question's reply: the header and details as in a summary, then the points that answer it (each with the
     * point it sits under and where it is in the notes), then the rest of the talk.
     */
    private static List<LayoutBlock> answered(Overview overview, List<Answers.Point> answers) {
        Talk talk = overview.talk();
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(clip(escape(talk.name()), MAX_HEADER)))));
        blocks.add(context(c -> c.elements(List.of(markdownText(escape(details(talk)))))));
        for (Answers.Point point : answers) {
            String text = clip(pointText(point), MAX_SECTION);
            blocks.add(section(s -> s.text(markdownText(text))));
            String where = escape((talk.day().isEmpty() ? "" : talk.day() + " · ") + talk.title() + " · "
                    + (point.bullet().added() != null ? "added in Slack" : talk.source() + ", line " + point.bullet().line()));
            blocks.add(context(c -> c.elements(List.of(markdownText(clip(where, MAX_SECTION))))));
        }
        List<Bullet> rest = new ArrayList<>(talk.bullets().stream().filter(overview::shows).toList());
        answers.forEach(point -> rest.remove(point.bullet()));
        List<String> sections = keyPoints(rest, true);
        int room = Math.max(1, MAX_BLOCKS - RESERVED_BLOCKS - blocks.size() - 2);
        if (!rest.isEmpty()) {
            blocks.add(divider());
            String heading = overview.shortened() ? "*More from the talk*" : "*The rest of the talk*";
            blocks.add(section(s -> s.text(markdownText(heading))));
            for (int i = 0; i < sections.size() && i < room; i++) {
                String text = sections.get(i);
                blocks.add(section(s -> s.text(markdownText(text))));
            }
        }
        String source = (sections.size() > room ? "Trimmed to fit Slack; the rest is in " : "Source: ") + where(talk);
        blocks.add(context(c -> c.elements(List.of(markdownText(escape(source))))));
        return blocks;
    }

    /** A point on its own: under its parent when it has one ("ran incident workshops → like our clinics"), with
     * the words the question matched in bold. */
    static String pointText(Answers.Point point) {
        String marker = switch (point.bullet().kind()) {
            case HIGHLIGHT -> ":bangbang: ";
            case QUESTION -> ":grey_question: ";
            case INTERNAL -> ":pushpin: *[INTERNAL]* ";
            case POINT -> "";
            case OUTCOME, WONT_DO -> outcomeMarker(point.bullet());
        };
        String parent = point.parent() == null ? "" : escape(point.parent().text()) + " → ";
        return parent + marker + bold(point.bullet().text(), point.matched()) + provenance(point.bullet());
    }

    /** Escapes the text and puts the words whose stems are in {@code stems} in bold. */
    private static String bold(String text, java.util.Set<String> stems) {
        StringBuilder out = new StringBuilder();
        java.util.regex.Matcher words = WORD.matcher(text);
        int at = 0;
        while (words.find()) {
            out.append(escape(text.substring(at, words.start())));
            String word = words.group();
            boolean match = stems.contains(Answers.stem(word.toLowerCase(java.util.Locale.ROOT)));
            out.append(match ? "*" + escape(word) + "*" : escape(word));
            at = words.end();
        }
        out.append(escape(text.substring(at)));
        return out.toString();
    }

    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("[\\p{L}\\p{N}]+");

    /**
     * "qcon-2020.txt, lines 5–28"; "added in Slack" for a talk someone added there; for a talk gone from its file and
     * kept in view for what people added to it, says so.
     */
    private static String where(Talk talk) {
        if (talk.firstLine() == 0 && !Added.SOURCE.equals(talk.source())) {
            return talk.source() + ", no longer in the notes: kept for what was added to it in Slack";
        }
        return talk.firstLine() == 0 ? talk.source() : talk.source() + ", lines " + talk.firstLine() + "–" + talk.lastLine();
    }

    /** "Day 3 · 16:10 · Sam Newman · QCON 2020 NOTES", skipping what the notes do not say. */
    private static String details(Talk talk) {
        List<String> parts = new ArrayList<>();
        if (!talk.day().isEmpty()) {
            parts.add(talk.day());
        }
        if (talk.time() != null) {
            parts.add(talk.time());
        }
        if (talk.speaker() != null) {
            parts.add(talk.speaker());
        }
        if (talk.isKeynote()) {
            parts.add("keynote");
        }
        parts.add(talk.conference());
        return String.join(" · ", parts);
    }

    /** Bullets as mrkdwn lines, nesting kept, packed into sections of at most 3000 characters. */
    private static List<String> keyPoints(List<Bullet> bullets, boolean mentions) {
        List<String> sections = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (Bullet bullet : bullets) {
            String line = clip(bulletLine(bullet, mentions), MAX_SECTION - 1);
            if (current.length() + line.length() + 1 > MAX_SECTION) {
                sections.add(current.toString());
                current.setLength(0);
            }
            current.append(line).append('\n');
        }
        if (!current.isEmpty()) {
            sections.add(current.toString());
        }
        if (sections.isEmpty()) {
            sections.add("_No key points written down for this talk._");
        }
        return sections;
    }

    private static String bulletLine(Bullet bullet, boolean mentions) {
        String indent = bullet.depth() > 1 ? "        ◦ " : "• ";
        String text = escape(bullet.text());
        return indent + switch (bullet.kind()) {
            case HIGHLIGHT -> ":bangbang: *" + text.replace("*", "") + "*";
            case QUESTION -> ":grey_question: " + text;
            case INTERNAL -> ":pushpin: *[INTERNAL]* " + text;
            case POINT -> text;
            case OUTCOME, WONT_DO -> outcomeMarker(bullet) + text;
        } + provenance(bullet, mentions);
    }

    /** "↩ *What came of A3:* " before the outcome of an item, under the item's line; "↩ *A3 won't be done:* " before why not. */
    private static String outcomeMarker(Bullet bullet) {
        return bullet.kind() == Bullet.Kind.WONT_DO ? ":leftwards_arrow_with_hook: *A" + bullet.added().id() + " won't be done:* "
                : ":leftwards_arrow_with_hook: *What came of A" + bullet.added().id() + ":* ";
    }

    private static final java.util.regex.Pattern USER = java.util.regex.Pattern.compile("[UW][A-Z0-9]{2,}");
    private static final java.util.regex.Pattern PERMALINK =
            java.util.regex.Pattern.compile("https://[A-Za-z0-9.-]+\\.slack\\.com/archives/[A-Za-z0-9/._?=&%-]+");

    /**
     * " _(P3, added by @ann, from Slack)_" for a point added in Slack (P3: its id for edit and remove), with a link to
     * the message it came from; "" for a
     * line of a notes file. Only a user id and a Slack permalink of the expected shapes are written as a mention
     * and a link.
     */
    static String provenance(Bullet bullet) {
        return provenance(bullet, true);
    }

    /**
     * The same; without {@code mentions} (a post to a channel, where a mention notifies): no one is mentioned, and the
     * link to the message it came from says who wrote it.
     */
    static String provenance(Bullet bullet, boolean mentions) {
        Bullet.Added added = bullet.added();
        if (added == null) {
            return "";
        }
        boolean user = mentions && added.by() != null && USER.matcher(added.by()).matches();
        String who = user ? "<@" + added.by() + ">" : mentions ? "someone" : null;
        if (bullet.isOutcome()) {
            String link = webLink(added.permalink())
                    ? ", <" + escape(added.permalink()).replace("|", "%7C") + "|link>" : "";
            return " _(" + (who == null ? "" : who + ", ") + ItemMessages.date(added.at()) + link + ")_";
        }
        String where = added.permalink() != null && PERMALINK.matcher(added.permalink()).matches()
                ? ", <" + added.permalink() + "|from Slack>" : ", in Slack";
        return " _(P" + added.id() + (who == null ? ", added" : ", added by " + who) + where + ")_";
    }

    private static String agendaLine(Talk talk) {
        String time = talk.time() == null ? "—" : "`" + talk.time() + "`";
        String speaker = talk.speaker() == null ? "" : " · " + escape(talk.speaker());
        return clip(time + "  " + escape(talk.title()) + speaker, 300);
    }

    private static String oneLine(Talk talk) {
        String when = talk.day() + (talk.time() == null ? "" : ", " + talk.time());
        return clip("*" + escape(talk.title()) + "*" + (when.isBlank() ? "" : " · " + escape(when)), MAX_SECTION);
    }

    private static String fallback(Talk talk) {
        return escape(talk.name() + " — " + details(talk));
    }

    /** Cuts text to a length, with an ellipsis, never inside an escape such as "&amp;". */
    static String clip(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        String cut = text.substring(0, max - 1);
        int amp = cut.lastIndexOf('&');
        if (amp >= 0 && cut.indexOf(';', amp) < 0) {
            cut = cut.substring(0, amp);
        }
        return cut + "…";
    }
}
