package qconbot.commands;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.view.View;
import qconbot.store.ActionItems;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.ActionItems.Change;
import qconbot.store.ActionItems.Result;
import qconbot.store.ActionItems.State;
import qconbot.store.Digests;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.block.element.BlockElements.usersSelect;
import static qconbot.commands.Messages.clip;
import static qconbot.commands.Messages.escape;

/**
 * Messages about action items: lists, one item with its history, confirmations, thread announcements, the
 * assignment DM, the discussion post and the App Home. Text from notes and users is escaped with
 * {@link Messages#escape}; mentions are built only from Slack user ids.
 *
 * <p>Each item's buttons sit in an actions block whose block_id says which item and which surface they are on
 * ("item:3:mine"), so a click can act on the item and redraw the surface it came from.
 */
public final class ItemMessages {

    /** Where an item's buttons were shown, so a click redraws the same thing. */
    public enum Surface {
        OUTSTANDING, MINE, OPEN, ALL, ITEM, POST, DM, HOME, REMINDER;

        /**
         * A message others see or that stays in a DM (a discussion post, an assignment DM, a reminder), rather than
         * a list or item shown only to whoever asked: it is redrawn as it was posted, and a click on it is answered.
         */
        public boolean shared() {
            return this == POST || this == DM || this == REMINDER;
        }
    }

    /** Items in one list message: each takes two blocks, and a message holds 50. */
    static final int MAX_LISTED = 20;

    private ItemMessages() {
    }

    /** "item:3:mine" to the item id and surface; null for anything else. */
    public record Target(long itemId, Surface surface) {
        public static Target parse(String blockId) {
            if (blockId == null) {
                return null;
            }
            String[] parts = blockId.split(":");
            try {
                return parts.length == 3 && parts[0].equals("item")
                        ? new Target(Long.parseLong(parts[1]), Surface.valueOf(parts[2].toUpperCase(Locale.ROOT))) : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    public static Reply list(List<ActionItem> items, Surface surface, String user) {
        String title = switch (surface) {
            case MINE -> "Your action items";
            case ALL -> "All action items";
            case OPEN -> "Open action items";
            default -> "Action items still to do";
        };
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(title + " (" + items.size() + ")"))));
        if (items.isEmpty()) {
            String none = surface == Surface.MINE ? "Nothing is yours right now. `/qcon actions` shows what is open."
                    : "Nothing here. `/qcon actions all` shows every item, done ones too.";
            blocks.add(section(s -> s.text(markdownText(none))));
        }
        for (ActionItem item : items.subList(0, Math.min(items.size(), MAX_LISTED))) {
            blocks.addAll(itemBlocks(item, surface, user));
        }
        String hint = items.size() > MAX_LISTED
                ? "…and " + (items.size() - MAX_LISTED) + " more. `/qcon actions A7` shows one item."
                : "`/qcon claim A3`, `/qcon assign A3 @someone`, `/qcon done A3` work too; `/qcon actions A3` shows an item's history.";
        blocks.add(context(c -> c.elements(List.of(markdownText(hint)))));
        return new Reply(title + ": " + items.size(), blocks);
    }

    /** One item with its buttons and its history. */
    public static Reply item(ActionItem item, List<Change> history, String user) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText("Action item " + item.ref()))));
        blocks.addAll(itemBlocks(item, Surface.ITEM, user));
        if (!history.isEmpty()) {
            StringBuilder text = new StringBuilder("*History*\n");
            List<Change> shown = history.subList(Math.max(0, history.size() - 15), history.size());
            if (shown.size() < history.size()) {
                text.append("… ").append(history.size() - shown.size()).append(" earlier changes\n");
            }
            for (Change change : shown) {
                text.append(date(change.at())).append("  ").append(who(change.actor())).append(' ')
                        .append(verb(change.action(), change.toOwner()))
                        .append(" (").append(state(change.from())).append(" → ").append(state(change.to())).append(")");
                if (change.detail() != null) {
                    text.append(": ").append(escape(clip(ActionItems.oneLine(change.detail()), 200)));
                }
                text.append('\n');
            }
            String done = clip(text.toString(), Messages.MAX_SECTION);
            blocks.add(section(s -> s.text(markdownText(done))));
        }
        return new Reply(item.ref() + ": " + escape(clip(item.shown(), 200)), blocks);
    }

    /** The two blocks of an item: what it is and where it stands, then the buttons its state allows. */
    static List<LayoutBlock> itemBlocks(ActionItem item, Surface surface, String user) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(clip(describe(item), Messages.MAX_SECTION)))));
        String blockId = "item:" + item.id() + ":" + surface.name().toLowerCase(Locale.ROOT);
        blocks.add(actions(a -> a.blockId(blockId).elements(buttons(item, surface))));
        return blocks;
    }

    /** The item's buttons on a surface, taken from the verb table in its order: those the item's state allows there. */
    static List<BlockElement> buttons(ActionItem item, Surface surface) {
        List<BlockElement> buttons = new ArrayList<>();
        String value = String.valueOf(item.id());
        for (Verb verb : Verb.values()) {
            Verb.Button button = verb.button();
            if (button == null || !button.states().contains(item.state())) {
                continue;
            }
            String label = surface == Surface.REMINDER ? button.reminderLabel()
                    : button.surfaces().contains(surface) ? button.label() : null;
            if (label == null) {
                continue;
            }
            // Claim is what most people want from an open item; on the reminder, the first choice (Done) is.
            String style = verb == Verb.CLAIM || surface == Surface.REMINDER && buttons.isEmpty() ? "primary" : null;
            buttons.add(verb == Verb.ASSIGN ? usersSelect(u -> u.actionId(button.actionId()).placeholder(plainText(label)))
                    : button(b -> b.actionId(button.actionId()).text(plainText(label)).style(style).value(value)));
        }
        return buttons;
    }

    /** "*A3* · claimed by @ann · we should look for dead code / from Java in containers, Day 3 · 2 replies". */
    public static String describe(ActionItem item) {
        StringBuilder text = new StringBuilder("*").append(item.ref()).append("* · ").append(standing(item))
                .append("\n").append(escape(clip(item.shown(), 1500)))
                .append("\n_from_ ").append(escape(item.talkTitle()));
        if (!item.day().isEmpty()) {
            text.append(", ").append(escape(item.day()));
        }
        if (item.addedBy() != null) {
            text.append(" · added in Slack by ").append(who(item.addedBy()));
        }
        if (!item.inNotes()) {
            text.append(" · _no longer in the notes_");
        }
        if (item.outcome() != null) {
            text.append("\n").append(item.wontDo() ? ":leftwards_arrow_with_hook: *Why not:* " : ":leftwards_arrow_with_hook: *What came of it:* ")
                    .append(said(item.outcome(), 1500)).append(" _(").append(who(item.outcome().by())).append(", ")
                    .append(date(item.outcome().at())).append(")_");
        }
        for (ActionItems.Thread thread : item.threads()) {
            text.append("\n:speech_balloon: ");
            if (thread.replies() == 0) {
                text.append("no replies yet");
            } else {
                text.append(thread.replies()).append(thread.replies() == 1 ? " reply" : " replies").append(" from ")
                        .append(String.join(", ", thread.participants().stream().map(ItemMessages::who).toList()))
                        .append(", last ").append(date(thread.lastReplyAt()));
            }
            if (thread.permalink() != null && thread.permalink().startsWith("https://")) {
                text.append(" · <").append(escape(thread.permalink()).replace("|", "%7C")).append("|open the thread>");
            } else {
                text.append(" · in <#").append(channelId(thread.channel())).append(">");
            }
        }
        return text.toString();
    }

    private static String standing(ActionItem item) {
        return switch (item.state()) {
            case OPEN -> "open";
            case CLAIMED -> "claimed by " + who(item.owner())
                    + (item.assignedBy() != null && !item.assignedBy().equals(item.owner()) ? " (assigned by " + who(item.assignedBy()) + ")" : "");
            case DONE -> item.wontDo() ? ":no_entry_sign: won't do" + (item.closedBy() != null ? " (" + who(item.closedBy()) + ")" : "")
                    : ":white_check_mark: done" + (item.owner() != null ? " by " + who(item.owner()) : "");
        };
    }

    /** An outcome or reason as shown: its text escaped, then its link ("removed the dead code · <https://…|link>"). */
    static String said(ActionItems.ItemOutcome outcome, int max) {
        String text = escape(clip(outcome.text(), max));
        if (!Messages.webLink(outcome.link())) {
            return text;
        }
        String link = "<" + escape(outcome.link()).replace("|", "%7C") + "|link>";
        return text.isEmpty() ? link : text + " · " + link;
    }

    /** The answer to whoever acted, for every outcome. */
    public static String outcome(Result result) {
        ActionItem item = result.item();
        String ref = item == null ? "That item" : item.ref();
        return switch (result.verdict()) {
            case CHANGED -> switch (result.action()) {
                case CLAIM -> "You claimed " + ref + ". It's yours.";
                case UNCLAIM -> "You unclaimed " + ref + "; it is open again.";
                case ASSIGN -> "You assigned " + ref + " to " + who(item.owner()) + ". I'll let them know.";
                case DONE -> "Marked " + ref + " done. :tada:" + (item.outcome() != null ? " What came of it is saved with it."
                        : " What came of it? `/qcon outcome " + ref + " <what happened>` keeps it with the notes.");
                case REOPEN -> "Reopened " + ref + ".";
                case WONT_DO -> "Closed " + ref + " as won't do: " + said(item.outcome(), 300) + ".";
                case OUTCOME -> "Saved what came of " + ref + ": " + said(item.outcome(), 300) + ".";
            };
            case ALREADY -> switch (result.action()) {
                case CLAIM -> ref + " is already yours.";
                case UNCLAIM -> ref + " is not claimed by anyone.";
                case ASSIGN -> ref + " is already " + who(item.owner()) + "'s.";
                case DONE, WONT_DO, OUTCOME -> ref + " is already closed" + (item.wontDo() ? " as won't do." : " as done.");
                case REOPEN -> ref + " is already open.";
            };
            case TAKEN -> ref + " is claimed by " + who(item.owner()) + ". Ask them, or pick another item.";
            case NOT_ALLOWED -> result.action() == ActionItems.Action.OUTCOME
                    ? "Only " + who(item.owner()) + (item.closedBy() != null && !item.closedBy().equals(item.owner())
                    ? ", " + who(item.closedBy()) + " (who closed it)" : "") + " or an admin can say what came of " + ref + ". Nothing changed."
                    : "Only " + who(item.owner()) + (item.assignedBy() != null ? ", " + who(item.assignedBy()) + " (who assigned it)" : "")
                    + " or an admin can " + verbBase(result.action()) + " " + ref + ". Nothing changed.";
            case IS_DONE -> ref + " is closed" + (item.wontDo() ? " as won't do" : "") + ". Reopen it first.";
            case NOT_DONE -> result.action() == ActionItems.Action.OUTCOME
                    ? ref + " is not closed yet. `/qcon done " + ref + " <what came of it>` closes it with its outcome."
                    : ref + " is not done; to give it back, unclaim it.";
            case NOT_FOUND -> "There is no action item with that id. `/qcon actions all` lists them all.";
            case DUPLICATE -> "Already handled.";
        };
    }

    /** The line posted in an item's thread when it changes. */
    public static String announcement(Result result) {
        ActionItem item = result.item();
        String actor = who(result.actor());
        return switch (result.action()) {
            case CLAIM -> actor + " claimed " + item.ref() + ".";
            case UNCLAIM -> actor + " unclaimed " + item.ref() + "; it is open again.";
            case ASSIGN -> actor + " assigned " + item.ref() + " to " + who(item.owner()) + ".";
            case DONE -> item.outcome() == null ? actor + " marked " + item.ref() + " done. :tada:"
                    : ":tada: " + item.ref() + " done by " + actor + ": " + said(item.outcome(), 1000);
            case REOPEN -> actor + " reopened " + item.ref() + ".";
            case WONT_DO -> item.ref() + " closed as won't do by " + actor + ": " + said(item.outcome(), 1000);
            case OUTCOME -> "What came of " + item.ref() + ", says " + actor + ": " + said(item.outcome(), 1000);
        };
    }

    /** The direct message someone gets when an item is assigned to them. */
    public static Reply assigned(ActionItem item, String by) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(who(by) + " assigned you an action item from the QCon notes."))));
        blocks.addAll(itemBlocks(item, Surface.DM, item.owner()));
        return new Reply(who(by) + " assigned you " + item.ref() + ": " + escape(clip(item.shown(), 200)), blocks);
    }

    /** The message in a channel whose thread is the item's discussion. */
    public static Reply discussionPost(ActionItem item, String startedBy) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(":speech_balloon: " + who(startedBy) + " started a discussion of "
                + item.ref() + ". Reply in this thread; mention me here with `claim`, `done`, `assign @someone` or `status`."))));
        blocks.addAll(itemBlocks(item, Surface.POST, startedBy));
        return new Reply("Discussion of " + item.ref() + ": " + escape(clip(item.shown(), 200)), blocks);
    }

    /** A DM or discussion post drawn again after a click: its first block as it was, then the item as it is now. */
    public static Reply refreshed(LayoutBlock intro, ActionItem item, Surface surface, String user) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(intro);
        blocks.addAll(itemBlocks(item, surface, user));
        return new Reply(item.ref() + ": " + escape(clip(item.shown(), 200)), blocks);
    }

    /** The digest under the talk of the day: counts, then what moved since the last one. One screen, at most. */
    public static List<LayoutBlock> digest(Digests.Digest digest, long staleDays) {
        List<LayoutBlock> blocks = new ArrayList<>();
        String counts = "*Action items:* " + digest.open() + " open · " + digest.claimed() + " claimed · "
                + digest.done() + " done" + (digest.wontDo() > 0 ? " · " + digest.wontDo() + " won't do" : "")
                + ". `/qcon actions` shows them.";
        blocks.add(section(s -> s.text(markdownText(counts))));
        if (!digest.newReplies().isEmpty()) {
            String text = "*New in the threads*\n" + lines(digest.newReplies(),
                    item -> item.ref() + " " + escape(clip(item.shown(), 80)) + threadLinks(item));
            blocks.add(section(s -> s.text(markdownText(clip(text, Messages.MAX_SECTION)))));
        }
        if (!digest.stale().isEmpty()) {
            String text = "*Quiet for " + staleDays + "+ days*\n" + lines(digest.stale(),
                    item -> item.ref() + " " + escape(clip(item.shown(), 80)) + " · " + who(item.owner())
                            + ", claimed " + date(item.changedAt()));
            blocks.add(section(s -> s.text(markdownText(clip(text, Messages.MAX_SECTION)))));
        }
        String since = digest.since() == null ? "" : " since the last digest";
        List<ActionItem> done = digest.doneSince().stream().filter(item -> !item.wontDo()).toList();
        List<ActionItem> dropped = digest.doneSince().stream().filter(ActionItem::wontDo).toList();
        if (!done.isEmpty()) {
            String text = ":tada: *Done" + since + "*\n" + lines(done, item -> item.ref() + " "
                    + escape(clip(item.shown(), 80)) + " · " + who(item.owner())
                    + (item.outcome() != null ? ": " + said(item.outcome(), 200) : ""));
            blocks.add(section(s -> s.text(markdownText(clip(text, Messages.MAX_SECTION)))));
        }
        if (!dropped.isEmpty()) {
            // a dropped item is not a done one: its own heading, and its reason as why not, never as what came of it
            String text = "*Won't do" + since + "*\n" + lines(dropped, item -> item.ref() + " "
                    + escape(clip(item.shown(), 80)) + " · dropped by " + who(item.closedBy())
                    + (item.outcome() != null ? ", because: " + said(item.outcome(), 200) : ""));
            blocks.add(section(s -> s.text(markdownText(clip(text, Messages.MAX_SECTION)))));
        }
        blocks.addAll(QuestionMessages.digest(digest.questions(), staleDays));
        return blocks;
    }

    /** The weekly direct message to someone whose claims have gone quiet, with a way out for each. */
    public static Reply staleReminder(List<ActionItem> stale, long staleDays) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText("These action items are yours and have been quiet for " + staleDays
                + " days or more. Done, hand back, or snooze a week?"))));
        for (ActionItem item : stale.subList(0, Math.min(stale.size(), (Messages.MAX_BLOCKS - 2) / 2))) {
            blocks.add(section(s -> s.text(markdownText(clip(describe(item), Messages.MAX_SECTION)))));
            blocks.add(actions(a -> a.blockId("item:" + item.id() + ":reminder").elements(buttons(item, Surface.REMINDER))));
        }
        return new Reply("You have " + stale.size() + " quiet action item" + (stale.size() == 1 ? "" : "s"), blocks);
    }

    private static String lines(List<ActionItem> items, java.util.function.Function<ActionItem, String> line) {
        StringBuilder text = new StringBuilder();
        for (ActionItem item : items.subList(0, Math.min(items.size(), 8))) {
            text.append("• ").append(line.apply(item)).append('\n');
        }
        if (items.size() > 8) {
            text.append("…and ").append(items.size() - 8).append(" more\n");
        }
        return text.toString();
    }

    private static String threadLinks(ActionItem item) {
        StringBuilder links = new StringBuilder();
        for (ActionItems.Thread thread : item.threads()) {
            if (thread.permalink() != null && thread.permalink().startsWith("https://")) {
                links.append(" · <").append(escape(thread.permalink()).replace("|", "%7C")).append("|")
                        .append(thread.replies()).append(thread.replies() == 1 ? " reply" : " replies").append(">");
            }
        }
        return links.toString();
    }

    public static View home(List<ActionItem> mine, List<ActionItem> open, String user) {
        return home(mine, open, user, List.of(), List.of());
    }

    /**
     * The same; for an editor, {@code kept}: the talks no longer in the notes that are kept in view for what people
     * added to them, with the ids to move it by; {@code questions}: the open questions they see (TeamQuestions).
     */
    public static View home(List<ActionItem> mine, List<ActionItem> open, String user, List<qconbot.notes.Talk> kept,
                            List<LayoutBlock> questions) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText("Your follow-ups"))));
        if (mine.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText("Nothing claimed by you. Pick an open item below."))));
        }
        int room = (Messages.MAX_BLOCKS - 6) / 2;
        for (ActionItem item : mine.subList(0, Math.min(mine.size(), room / 2))) {
            blocks.addAll(itemBlocks(item, Surface.HOME, user));
        }
        blocks.add(divider());
        blocks.add(header(h -> h.text(plainText("Open items"))));
        if (open.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText("No open items. :tada:"))));
        }
        int left = (Messages.MAX_BLOCKS - 2 - blocks.size() - (kept.isEmpty() ? 0 : 3) - questions.size()) / 2;
        for (ActionItem item : open.subList(0, Math.min(open.size(), left))) {
            blocks.addAll(itemBlocks(item, Surface.HOME, user));
        }
        blocks.addAll(questions);
        if (!kept.isEmpty()) {
            blocks.add(divider());
            blocks.add(header(h -> h.text(plainText("Added to talks no longer in the notes"))));
            blocks.add(section(s -> s.text(markdownText(Messages.clip(keptText(kept), Messages.MAX_SECTION)))));
        }
        blocks.add(context(c -> c.elements(List.of(markdownText(
                "Start a discussion with `/qcon discuss A3` in a channel; `/qcon actions all` lists every item.")))));
        return View.builder().type("home").blocks(blocks).build();
    }

    /** Each kept talk and what was added to it, with how to move it: "*X* (Day 3): P3 chaos days…". */
    private static String keptText(List<qconbot.notes.Talk> kept) {
        StringBuilder text = new StringBuilder();
        for (qconbot.notes.Talk talk : kept.subList(0, Math.min(kept.size(), 10))) {
            text.append("*").append(escape(talk.name())).append("*: ");
            List<String> points = talk.bullets().stream().filter(b -> b.added() != null && !b.isOutcome())
                    .map(b -> "P" + b.added().id() + " " + escape(clip(b.text(), 60))).toList();
            text.append(points.isEmpty() ? "items people worked on" : String.join(" · ", points)).append('\n');
        }
        return text.append(kept.size() > 10 ? "and " + (kept.size() - 10) + " more talks\n" : "")
                .append("Put a point back under the talk it belongs to with `/qcon move P3 to <talk>`.").toString();
    }

    /** A mention built from a Slack id only; anything else is shown as escaped text. */
    public static String who(String user) {
        if (user == null) {
            return "nobody";
        }
        return user.matches("[UW][A-Z0-9]{2,}") ? "<@" + user + ">" : escape(user);
    }

    private static String channelId(String channel) {
        return channel.matches("[CGD][A-Z0-9]{2,}") ? channel : "unknown";
    }

    /** Slack shows this in each reader's own time zone; the fallback is UTC. */
    public static String date(Instant at) {
        if (at == null) {
            return "never";
        }
        return "<!date^" + at.getEpochSecond() + "^{date_short_pretty} {time}|" + at.toString().substring(0, 16).replace('T', ' ') + " UTC>";
    }

    private static String state(State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static String verb(ActionItems.Action action, String owner) {
        return switch (action) {
            case CLAIM -> "claimed";
            case UNCLAIM -> "unclaimed";
            case ASSIGN -> "assigned to " + who(owner);
            case DONE -> "marked done";
            case REOPEN -> "reopened";
            case WONT_DO -> "closed as won't do";
            case OUTCOME -> "said what came of it";
        };
    }

    private static String verbBase(ActionItems.Action action) {
        return switch (action) {
            case CLAIM -> "claim";
            case UNCLAIM -> "unclaim";
            case ASSIGN -> "reassign";
            case DONE -> "mark done";
            case REOPEN -> "reopen";
            case WONT_DO -> "close as won't do";
            case OUTCOME -> "say what came of";
        };
    }

}
