package qconbot.commands;

import com.slack.api.model.view.View;
import qconbot.commands.ItemMessages.Surface;
import qconbot.commands.ItemMessages.Target;
import qconbot.commands.Verb.From;
import qconbot.metrics.Metrics;
import qconbot.store.ActionItems;
import qconbot.store.ActionItems.Action;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.Digests;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the {@link Interpreter} hands over about action items: claim, unclaim, assign, done, won't do, what came of
 * it and reopen, typed, said in an item's thread or clicked, and the forms behind the card's buttons; discussions,
 * snoozes, the lists and the App Home. Every change is made here (by {@link ActionItems#act}, whose rules decide)
 * before the answer is returned; the answer names the announcements and redraws that follow the ack.
 */
final class ItemActions {

    private static final Pattern ITEM_ID = Pattern.compile("a?(\\d{1,9})", Pattern.CASE_INSENSITIVE);

    private final ActionItems items;
    private final Digests digests;
    private final Metrics metrics;
    private final Contributions contributions;

    private final TeamQuestions questions;

    ItemActions(ActionItems items, Digests digests, Metrics metrics, Contributions contributions, TeamQuestions questions) {
        this.questions = questions;
        this.items = items;
        this.digests = digests;
        this.metrics = metrics;
        this.contributions = contributions;
    }

    /** Claim, unclaim, assign, done, won't do, what came of it or reopen, typed or clicked: the button's item, or the first word typed. */
    Answer act(Request.Asked request) throws SQLException {
        return act(request, itemId(request));
    }

    /** @qcon inside an item's discussion thread: the item is the thread's. */
    Answer mention(Request.Asked request) throws SQLException {
        Optional<Long> item = request.threadTs() == null ? Optional.empty()
                : items.itemForThread(request.channel(), request.threadTs());
        if (item.isEmpty()) {
            return once(request.key(), "I act on action items inside their discussion threads. `/qcon actions` lists them;"
                    + " `/qcon discuss A3` starts a thread.");
        }
        if (request.verb() == null || !request.verb().from(From.MENTION)) {
            return once(request.key(), "I know " + Messages.threadHelp(" and ") + ".");
        }
        if (request.verb() == Verb.STATUS || request.verb() == Verb.HELP) {
            String status = items.get(item.get()).map(ItemMessages::describe).orElse("This item no longer exists.");
            return once(request.key(), status + "\nSay " + Messages.threadHelp(" or ") + ".");
        }
        return act(request, item);
    }

    /** Claim, unclaim, assign, done, reopen, won't do or what came of it, from any surface; the rules are {@link ActionItems#act}'s. */
    private Answer act(Request.Asked request, Optional<Long> id) throws SQLException {
        if (id.isEmpty()) {
            return Answer.privately(Messages.note("Which item? Give its id, like `/qcon " + request.verb().words().get(0)
                    + " A3`; `/qcon actions` lists them."));
        }
        Action action = Action.valueOf(request.verb().name());
        if (request.from() == From.CLICK && (action == Action.OUTCOME || action == Action.WONT_DO)) {
            return outcomeForm(action, id.get());
        }
        Said assignee = action == Action.ASSIGN ? assignee(request, id.get()) : new Said(null, null, null);
        Said said = action == Action.DONE || action == Action.WONT_DO || action == Action.OUTCOME
                ? note(request, action, id.get()) : new Said(null, null, null);
        String problem = assignee.problem() != null ? assignee.problem() : said.problem();
        if (problem != null) {
            return request.from() == From.MENTION ? once(request.key(), problem)
                    : request.from() == From.CLICK ? Answer.NOTHING : Answer.privately(Messages.note(problem));
        }
        ActionItems.Result result = items.act(id.get(), action, request.user(), assignee.whom(), request.key(), said.note());
        if (result.changed() && (said.note() != null && !said.note().isEmpty() || action == Action.REOPEN)) {
            // an outcome is a point of its talk, under the item's line: found by /qcon, shown, exported
            contributions.rewrite(result.item().talkKey());
        }
        metrics.transition(action.name().toLowerCase(Locale.ROOT), result.verdict().name().toLowerCase(Locale.ROOT));
        return acted(request, result);
    }

    /** Whom an item is assigned to: the mention typed, said or picked; or what to say when there is none. */
    private static Said assignee(Request.Asked request, long id) {
        String whom = request.from() == From.COMMAND ? afterFirstWord(request.words()) : request.words();
        Matcher mention = Messages.MENTION.matcher(whom);
        if (mention.find()) {
            return new Said(null, null, mention.group(1));
        }
        return new Said(null, switch (request.from()) {
            case COMMAND -> "Whom to? Mention them: `/qcon assign A" + id + " @someone`.";
            case MENTION -> "Whom to? Say `assign @someone`.";
            case CLICK -> "no one picked"; // nothing to do: a click shows nothing
        }, null);
    }

    /** What a change (or a refusal) shows, where it was asked, and the announcements that follow. */
    private Answer acted(Request.Asked request, ActionItems.Result result) throws SQLException {
        Reply outcome = Messages.note(ItemMessages.outcome(result));
        List<Answer.After> announce = result.changed() ? List.of(announcement(result)) : List.of();
        if (request.from() == From.COMMAND) {
            return new Answer(new Answer.Privately(outcome), announce);
        }
        if (result.verdict() == ActionItems.Verdict.DUPLICATE) {
            return Answer.NOTHING;
        }
        if (request.from() == From.MENTION) {
            // A change is announced in the item's threads, this one included; anything else is answered here.
            return new Answer(result.changed() ? new Answer.Nothing() : new Answer.InThread(outcome), announce);
        }
        Surface surface = request.target().surface();
        Answer.Shown shown = surface == Surface.HOME ? new Answer.Nothing()
                : result.changed() && !surface.shared() ? new Answer.IfProblems(outcome) : new Answer.Privately(outcome);
        Answer answer = redrawn(request, new Answer(shown, announce));
        // Done by button is done at once; then a form asks what came of it (closing it is done without words).
        return result.action() == Action.DONE && result.changed()
                ? answer.and(new Answer.OpenForm(AddForm.outcomeForm(result.item()))) : answer;
    }

    /** A change told in each of the item's threads, and by direct message to whom it was assigned. */
    private static Answer.Announce announcement(ActionItems.Result result) {
        ActionItem item = result.item();
        List<Answer.Post> posts = new ArrayList<>();
        Reply text = new Reply(ItemMessages.announcement(result), List.of());
        for (ActionItems.Thread thread : item.threads()) {
            posts.add(new Answer.Post(thread.channel(), thread.ts(), text,
                    "I could not post the change in " + item.ref() + "'s thread"));
        }
        if (result.action() == Action.ASSIGN) {
            posts.add(new Answer.Post(item.owner(), null, ItemMessages.assigned(item, result.actor()),
                    "I could not send " + ItemMessages.who(item.owner()) + " a direct message about it"));
        }
        return new Answer.Announce(posts);
    }

    /** A card's "What came of it…" or "Won't do…" button: its form (with what was said before); the change comes with its submission. */
    private Answer outcomeForm(Action action, long id) throws SQLException {
        Optional<ActionItem> item = items.get(id);
        boolean closed = item.isPresent() && item.get().state() == ActionItems.State.DONE;
        return item.isPresent() && closed == (action == Action.OUTCOME)
                ? Answer.then(new Answer.OpenForm(AddForm.outcomeForm(item.get(), action == Action.WONT_DO)))
                : Answer.privately(Messages.note("A" + id + (closed ? " is closed already." : " is not closed; nothing to say yet.")));
    }

    /**
     * What came of the item, as typed after done, wontdo or outcome; or why it cannot be taken. In a thread the item is
     * implied, and "@qcon done A3" out of habit names it again and says nothing more. Won't do needs a reason, outcome
     * something to say.
     */
    private static Said note(Request.Asked request, Action action, long id) {
        String typed = request.from() == From.COMMAND ? afterFirstWord(request.words())
                : request.from() == From.MENTION && !ITEM_ID.matcher(request.words()).matches() ? request.words() : "";
        Said said = said(typed);
        boolean inThread = request.from() == From.MENTION;
        if (said.problem() == null && action == Action.WONT_DO && said.note().text().isBlank()) {
            return new Said(null, "Say why it won't be done: `" + (inThread ? "wontdo <why>" : "/qcon wontdo A" + id + " <why>")
                    + "`. Nothing changed.", null);
        }
        if (said.problem() == null && action == Action.OUTCOME && said.note().isEmpty()) {
            return new Said(null, "What came of it? `" + (inThread ? "outcome" : "/qcon outcome A" + id)
                    + " <what happened>`, a link too if you like.", null);
        }
        return said;
    }

    /**
     * The outcome form submitted by {@code user}: saved before the ack (a form submitted twice, {@code key} the view
     * id, saves once), then announced in the item's threads; or its field errors, nothing changed. An empty form saves
     * nothing. With {@code closing}, the "Won't do" form: it needs a reason, and closes the item.
     */
    Answer outcomeSubmitted(AddForm.OutcomeRead form, String user, String key, boolean closing) throws SQLException {
        Map<String, String> errors = AddForm.outcomeErrors(form, closing);
        String text = form.text().strip();
        String link = form.link().isEmpty() ? null : form.link();
        if (!errors.isEmpty()) {
            return Answer.shown(new Answer.FieldErrors(errors));
        }
        if (form.itemId() < 0 || text.isEmpty() && link == null) {
            return Answer.NOTHING;
        }
        Action action = closing ? Action.WONT_DO : Action.OUTCOME;
        ActionItems.Result result = items.act(form.itemId(), action, user, null, key, new ActionItems.Note(text, link));
        metrics.transition(action.name().toLowerCase(Locale.ROOT), result.verdict().name().toLowerCase(Locale.ROOT));
        if (result.verdict() == ActionItems.Verdict.DUPLICATE) {
            return Answer.NOTHING;
        }
        if (!result.changed()) {
            return Answer.shown(new Answer.FieldErrors(Map.of("outcome", ItemMessages.outcome(result).replace("`", ""))));
        }
        contributions.rewrite(result.item().talkKey());
        return Answer.then(announcement(result));
    }

    /** The answer to a click, with the message or App Home the button was on drawn again as things are now. */
    private Answer redrawn(Request.Asked request, Answer answer) throws SQLException {
        Target target = request.target();
        String user = request.user();
        return switch (target.surface()) {
            case HOME -> answer.and(new Answer.PublishHome(home(user)));
            case REMINDER -> {
                List<ActionItem> stillQuiet = digests.staleByOwner().getOrDefault(user, List.of());
                yield answer.and(new Answer.Redraw(stillQuiet.isEmpty() ? Messages.note("All sorted. Thank you!")
                        : ItemMessages.staleReminder(stillQuiet, digests.staleAfter().toDays()), true));
            }
            case POST, DM -> {
                // A shared message keeps its first block (who assigned it, who started the discussion).
                Optional<ActionItem> item = items.get(target.itemId());
                yield item.isEmpty() || request.message().isEmpty() ? answer : answer.and(new Answer.Redraw(
                        ItemMessages.refreshed(request.message().get(0), item.get(), target.surface(), user), true));
            }
            default -> answer.and(new Answer.Redraw(redraw(target, user), false));
        };
    }

    /**
     * /qcon discuss A3 or its button: the item posted to the channel once (after the ack), or where it is discussed
     * already (said after the ack too, as the post's result would be).
     */
    Answer discuss(Request.Asked request) throws SQLException {
        Optional<Long> id = itemId(request);
        if (id.isEmpty()) {
            return Answer.privately(Messages.note("Which item? Give its id, like `/qcon discuss A3`; `/qcon actions` lists them."));
        }
        if (request.from() == From.CLICK && !first(request.key())) {
            return Answer.NOTHING;
        }
        Optional<ActionItem> item = items.get(id.get());
        if (item.isEmpty()) {
            return Answer.privately(Messages.error(request.from() == From.CLICK ? "That action item no longer exists."
                    : "There is no action item A" + id.get() + "."));
        }
        if (request.channel() == null) {
            return Answer.privately(Messages.note("Start the discussion from a channel: `/qcon discuss " + item.get().ref() + "`."));
        }
        Answer.Shown starting = request.from() == From.COMMAND
                ? new Answer.Privately(Messages.note("Starting a discussion of " + item.get().ref() + "…")) : new Answer.Nothing();
        Optional<ActionItems.Thread> existing = items.threadIn(item.get().id(), request.channel());
        if (existing.isPresent()) {
            Reply already = Messages.note(item.get().ref() + " is already being discussed here" + link(existing.get().permalink()) + ".");
            return new Answer(starting, List.of(new Answer.Later(() -> already)));
        }
        return new Answer(starting, List.of(new Answer.Discuss(item.get().id(), ItemMessages.discussionPost(item.get(), request.user()))));
    }

    /** A discussion post Slack took (its thread recorded on the item) or refused: said to whoever started it. */
    Answer posted(Request.Posted post) throws SQLException {
        String ref = "A" + post.itemId();
        if (post.error() != null) {
            return Answer.privately(Messages.note("not_in_channel".equals(post.error()) || "channel_not_found".equals(post.error())
                    ? "I am not in this channel, so I cannot start the discussion here. Invite me with `/invite @qcon`, then try again."
                    : "Slack would not take the discussion post (" + Messages.escape(post.error()) + "). Try again in a minute."));
        }
        ActionItems.Thread thread = items.recordThread(post.itemId(), post.channel(), post.ts(), post.permalink());
        return Answer.privately(Messages.note("Posted " + ref + " for discussion" + link(thread.permalink())
                + ". Replies in its thread are counted on the item."));
    }

    private static String link(String permalink) {
        return permalink != null && permalink.startsWith("https://") ? ": <" + Messages.escape(permalink) + "|open the thread>" : "";
    }

    Answer snooze(Request.Asked request) throws SQLException {
        if (!first(request.key())) {
            return Answer.NOTHING;
        }
        long id = request.target().itemId();
        String text = digests.snooze(id, request.user())
                ? "Snoozed A" + id + " for a week: it stays out of the quiet-claims list until then."
                : "Only the owner or an admin can snooze A" + id + ".";
        return redrawn(request, Answer.privately(Messages.note(text)));
    }

    /** The App Home of {@code user}: their follow-ups and the open items. */
    View home(String user) throws SQLException {
        return ItemMessages.home(items.list(ActionItems.View.MINE, user), items.list(ActionItems.View.OPEN, user), user,
                contributions.keptInView(user), questions.home(user));
    }

    /** The list or item a button was on, drawn again for {@code user} after a click. */
    private Reply redraw(Target target, String user) throws SQLException {
        return switch (target.surface()) {
            case MINE -> ItemMessages.list(items.list(ActionItems.View.MINE, user), target.surface(), user);
            case ALL -> ItemMessages.list(items.list(ActionItems.View.ALL, user), target.surface(), user);
            case OPEN -> ItemMessages.list(items.list(ActionItems.View.OPEN, user), target.surface(), user);
            case OUTSTANDING -> ItemMessages.list(items.list(ActionItems.View.OUTSTANDING, user), target.surface(), user);
            case ITEM -> item(target.itemId(), user).orElseGet(() -> Messages.error("That action item no longer exists."));
            case POST, DM, HOME, REMINDER -> throw new IllegalArgumentException("redrawn by redrawn(): " + target.surface());
        };
    }

    Reply actions(String argument, String user) throws SQLException {
        return switch (argument) {
            case "", "open", "todo" -> ItemMessages.list(items.list(ActionItems.View.OUTSTANDING, user), Surface.OUTSTANDING, user);
            case "mine" -> ItemMessages.list(items.list(ActionItems.View.MINE, user), Surface.MINE, user);
            case "all" -> ItemMessages.list(items.list(ActionItems.View.ALL, user), Surface.ALL, user);
            default -> {
                Optional<Long> id = itemId(argument);
                if (id.isEmpty()) {
                    yield Messages.note("Try `/qcon actions`, `/qcon actions mine`, `/qcon actions all` or `/qcon actions A3`.");
                }
                yield item(id.get(), user).orElseGet(() -> Messages.error("There is no action item "
                        + argument.toUpperCase(Locale.ROOT) + ". `/qcon actions all` lists them all."));
            }
        };
    }

    private Optional<Reply> item(long id, String user) throws SQLException {
        Optional<ActionItem> item = items.get(id);
        return item.isEmpty() ? Optional.empty() : Optional.of(ItemMessages.item(item.get(), items.history(id), user));
    }

    /**
     * What someone said came of an item ({@code note}) or whom they assigned it to ({@code whom}), or why it cannot
     * be taken ({@code problem}: said where they asked, nothing changed).
     */
    record Said(ActionItems.Note note, String problem, String whom) {
    }

    /** The longest outcome or reason kept: Slack's own limit for a message's text section. */
    static final int MAX_OUTCOME = 3000;

    private static final Pattern LINK = Pattern.compile("<([^@#!>|][^>|]*)(?:\\|[^>]*)?>|(\\b[a-zA-Z][a-zA-Z0-9+.-]*://\\S+)");

    /**
     * Reads what came of an item from what was typed after it: its first link (Slack sends {@code <url>} or
     * {@code <url|label>}; the console, the bare URL) is the link, http or https only; the rest is the text, with
     * Slack's escapes undone (escaped again wherever it is shown).
     */
    static Said said(String typed) {
        Matcher link = LINK.matcher(typed);
        String url = null;
        String text = typed;
        if (link.find()) {
            url = link.group(1) != null ? link.group(1) : link.group(2);
            text = typed.substring(0, link.start()) + typed.substring(link.end());
            if (!Messages.webLink(url)) {
                return new Said(null, "A link must start with http:// or https:// (a pull request, a doc); "
                        + "nothing changed.", null);
            }
        }
        text = Messages.unescape(text).replaceAll("\\s+", " ").strip();
        if (text.length() > MAX_OUTCOME) {
            return new Said(null, "That is " + text.length() + " characters; what came of an item is kept to "
                    + MAX_OUTCOME + ". Say it shorter, or link to a doc. Nothing changed.", null);
        }
        return new Said(new ActionItems.Note(text, url == null ? null : Messages.unescape(url)), null, null);
    }

    /** The item a request is about: the button's, or the first word typed ("A3" or "3"). */
    private static Optional<Long> itemId(Request.Asked request) {
        return request.target() != null ? Optional.of(request.target().itemId())
                : itemId(request.words().split("\\s+", 2)[0]);
    }

    private static Optional<Long> itemId(String word) {
        Matcher matcher = ITEM_ID.matcher(word);
        return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
    }

    private static String afterFirstWord(String words) {
        String[] parts = words.split("\\s+", 2);
        return parts.length > 1 ? parts[1] : "";
    }

    /** True the first time this request is seen: a retried event or replayed click gets no second answer. */
    boolean first(String key) throws SQLException {
        return key == null || items.markHandled(key);
    }

    /** A sentence in the thread the bot was mentioned in, once per event ({@code key}). */
    private Answer once(String key, String mrkdwn) throws SQLException {
        return first(key) ? Answer.shown(new Answer.InThread(Messages.note(mrkdwn))) : Answer.NOTHING;
    }
}
