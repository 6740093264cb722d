package qconbot.commands;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.commands.ItemMessages.Surface;
import qconbot.commands.ItemMessages.Target;
import qconbot.commands.Verb.From;
import qconbot.metrics.Metrics;
import qconbot.notes.Talk;
import qconbot.search.Overview;
import qconbot.search.TalkSearch;
import qconbot.store.ActionItems;
import qconbot.store.Added;
import qconbot.store.ActionItems.Action;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.Db;
import qconbot.store.Digests;
import qconbot.store.NotesLoader;
import qconbot.store.Talks;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every request means, however it was made: {@code /qcon} text (or a line in the console), {@code @qcon} in an
 * item's thread, or a button. The Slack handlers and the console turn what they received into a {@link Request};
 * the {@link Answer} says what to show and what is left to do in Slack. Every change of state is made here, before
 * the answer is returned, so whatever is acknowledged is already committed. Never throws for anything a user can type.
 */
public final class Interpreter {

    private static final Logger log = LoggerFactory.getLogger(Interpreter.class);

    /** Slack allows 4,000 characters of command text; more than that is not a search anyone meant. */
    static final int MAX_TEXT = 4000;
    /** "<@U123>" or "<@U123|bob>", as Slack sends a mention. */
    private static final Pattern MENTION = Pattern.compile("<@([UW][A-Z0-9]{2,})(?:\\|[^>]*)?>");
    private static final Pattern ITEM_ID = Pattern.compile("a?(\\d{1,9})", Pattern.CASE_INSENSITIVE);
    private static final Pattern DAY = Pattern.compile("day\\s*(\\S+)", Pattern.CASE_INSENSITIVE);

    /**
     * One request: who asks ({@code user}), where ({@code channel}; {@code threadTs} for a mention in a thread, whose
     * item is implied), what ({@code verb} and the {@code words} after it; a null verb is a mention not understood),
     * and for a click the item and surface its button was on ({@code target}) and the message it was in.
     * {@code key} names the Slack request (event id, click, trigger id), so a replay changes nothing.
     */
    public record Request(From from, Verb verb, String words, String user, String channel, String threadTs,
                          Target target, List<LayoutBlock> message, String key) {

        /** The text after /qcon, or a line typed in the console. */
        public static Request command(String text, String user, String channel, String key) {
            String command = text == null ? "" : text.strip();
            if (command.length() > MAX_TEXT) {
                command = command.substring(0, MAX_TEXT);
            }
            Verb.Parsed parsed = command.isEmpty() ? new Verb.Parsed(Verb.HELP, "") : Verb.parse(command, From.COMMAND);
            if (parsed == null || !parsed.verb().takesWords() && !parsed.rest().isEmpty()
                    || parsed.verb() == Verb.TALKS && !parsed.rest().isEmpty() && !DAY.matcher(parsed.rest()).matches()) {
                parsed = new Verb.Parsed(Verb.SEARCH, command);
            }
            return new Request(From.COMMAND, parsed.verb(), parsed.rest(), user, channel, null, null, List.of(), key);
        }

        /** "@qcon claim" in a channel: the words without the bot's own mention; {@code threadTs} null outside a thread. */
        public static Request mention(String words, String user, String channel, String threadTs, String key) {
            String text = words == null ? "" : words.strip();
            Verb.Parsed parsed = text.isEmpty() ? new Verb.Parsed(Verb.STATUS, "") : Verb.parse(text, From.MENTION);
            return new Request(From.MENTION, parsed == null ? null : parsed.verb(), parsed == null ? text : parsed.rest(),
                    user, channel, threadTs, null, List.of(), key);
        }

        /** A button: its action id and value, the block it was in, the user picked (Assign to…), the message. */
        public static Request click(String actionId, String value, String blockId, String selectedUser, String user,
                                    String channel, List<LayoutBlock> message, String key) {
            Verb verb = Verb.forAction(actionId);
            String words = verb == Verb.ASSIGN ? (selectedUser == null ? "" : "<@" + selectedUser + ">")
                    : value == null ? "" : value;
            return new Request(From.CLICK, verb, words, user, channel, null, Target.parse(blockId),
                    message == null ? List.of() : message, key);
        }
    }

    /**
     * What to show the person who asked ({@code reply}, and how), and what is left to do in Slack after the ack:
     * announce an item's change in its threads and to a new owner, start a discussion of an item in the request's
     * channel, slow work whose result is shown privately when done ({@code later}: post-now, a long reload), redraw
     * the message a button was on, publish the App Home, open a form (a modal: /qcon add).
     */
    public record Answer(Reply reply, Show show, ActionItems.Result announce, ActionItem discuss, Later later,
                         Reply redraw, View home, View form) {

        public Answer(Reply reply, Show show, ActionItems.Result announce, ActionItem discuss, Later later,
                      Reply redraw, View home) {
            this(reply, show, announce, discuss, later, redraw, home, null);
        }

        public enum Show {
            /** Only to the person who asked: the command's answer, or an ephemeral message after a click. */
            PRIVATELY,
            /** Instead of the message the button was on. */
            IN_PLACE,
            /** As a new message everyone in the channel sees. */
            IN_CHANNEL,
            /** As a reply in the thread the bot was mentioned in. */
            IN_THREAD,
            /** Privately, and only when something could not be announced: the redrawn message says the rest. */
            IF_PROBLEMS,
            NOT_AT_ALL
        }

        static final Answer NOTHING = new Answer(null, Show.NOT_AT_ALL, null, null, null, null, null);

        static Answer privately(Reply reply) {
            return new Answer(reply, Show.PRIVATELY, null, null, null, null, null);
        }
    }

    /** Slow work left for after the ack, and what to tell the person who asked when it is done. */
    @FunctionalInterface
    public interface Later {
        Reply call() throws Exception;
    }

    /** How long a reload that has not finished may wait after this: the result is posted, not lost. */
    private static final Duration RELOAD_LIMIT = Duration.ofMinutes(10);

    private final Talks talks;
    private final TalkSearch search;
    private final ActionItems items;
    private final Digests digests;
    private final Daily daily;
    private final NotesLoader notes;
    private final Metrics metrics;
    private final Contributions contributions;
    /** How long slow work (a reload) may hold a request before it is acknowledged and answered when done. */
    private final Duration answerWithin;

    public Interpreter(Talks talks, TalkSearch search, ActionItems items, Digests digests, Daily daily,
                       NotesLoader notes, Metrics metrics, Duration answerWithin) {
        this(talks, search, items, digests, daily, notes, metrics, answerWithin, null);
    }

    /** With {@code added}, what people add from Slack (/qcon add, the "Save to conference notes" shortcut). */
    public Interpreter(Talks talks, TalkSearch search, ActionItems items, Digests digests, Daily daily,
                       NotesLoader notes, Metrics metrics, Duration answerWithin, Added added) {
        this.contributions = new Contributions(talks, search, items, notes, added);
        this.talks = talks;
        this.search = search;
        this.items = items;
        this.digests = digests;
        this.daily = daily;
        this.notes = notes;
        this.metrics = metrics;
        this.answerWithin = answerWithin;
    }

    public Answer handle(Request request) throws SQLException {
        try {
            return answer(request);
        } catch (Db.Busy busy) {
            return unable(request, Messages.busy());
        } catch (Db.StorageFault fault) {
            log.error("{} {} refused: storage problem: {}", request.from(), request.verb(), fault.getMessage());
            return unable(request, Messages.storageProblem());
        }
    }

    /** Nothing changed, and the person who asked is told why, where they asked. */
    private static Answer unable(Request request, Reply why) {
        return new Answer(why, request.from() == From.MENTION ? Answer.Show.IN_THREAD : Answer.Show.PRIVATELY,
                null, null, null, null, null);
    }

    private Answer answer(Request request) throws SQLException {
        if (request.from() == From.MENTION) {
            return mention(request);
        }
        if (request.verb() == null || request.user() == null
                || request.from() == From.CLICK && request.verb().button().states().size() > 0 && request.target() == null) {
            return Answer.NOTHING; // a click we did not draw, or from nobody: nothing to do
        }
        return switch (request.verb()) {
            case HELP -> Answer.privately(Messages.help());
            case SEARCH -> Answer.privately(search(request.words()));
            case TALKS -> Answer.privately(agenda(request.words()));
            case ACTIONS -> Answer.privately(actions(request.words().toLowerCase(Locale.ROOT), request.user()));
            case CLAIM, UNCLAIM, ASSIGN, DONE, REOPEN, WONT_DO, OUTCOME -> act(request, itemId(request));
            case DISCUSS -> discuss(request);
            case SNOOZE -> snooze(request);
            case STATUS -> Answer.NOTHING; // only said in a thread
            case TODAY -> Answer.privately(Messages.today(daily.today()));
            case DIGEST -> Answer.privately(Messages.preview(daily.preview()));
            case SCHEDULE -> Answer.privately(Messages.schedule(daily.status()));
            case POST_NOW -> items.isAdmin(request.user())
                    ? new Answer(Messages.note("Posting the next talk of the day now…"), Answer.Show.PRIVATELY, null, null,
                    this::postNow, null, null)
                    : Answer.privately(Messages.note("Only admins (QCON_ADMINS) can post the talk of the day outside the schedule."));
            case RELOAD -> reload(request.user());
            case SHOW, SHOW_ALL -> new Answer(shown(request), Answer.Show.IN_PLACE, null, null, null, null, null);
            case EDIT, REMOVE -> Answer.privately(contributions.correct(request));
            case IMPORT -> contributions.mayImport(request.user())
                    ? new Answer(null, Answer.Show.NOT_AT_ALL, null, null, null, null, null, AddForm.importForm())
                    : Answer.privately(Messages.note(Contributions.NOT_AN_EDITOR));
            case IMPORT_CONFIRM, IMPORT_CANCEL -> new Answer(contributions.finishImport(request), Answer.Show.IN_PLACE,
                    null, null, null, null, null);
            case EDIT_POINTS -> contributions.editForm(request);
            case ADD -> new Answer(null, Answer.Show.NOT_AT_ALL, null, null, null, null, null,
                    contributions.form(request.words(), null, null));
            case SHARE -> new Answer(talks.byKey(request.words()).map(talk -> Messages.sharedTalk(talk, request.user()))
                    .orElseGet(() -> Messages.error("That talk is no longer in the notes, so there is nothing to share.")),
                    Answer.Show.IN_CHANNEL, null, null, null, null, null);
        };
    }

    /** @qcon inside an item's discussion thread: the item is the thread's. */
    private Answer mention(Request request) throws SQLException {
        Optional<Long> item = request.threadTs() == null ? Optional.empty()
                : items.itemForThread(request.channel(), request.threadTs());
        if (item.isEmpty()) {
            return once(request, "I act on action items inside their discussion threads. `/qcon actions` lists them;"
                    + " `/qcon discuss A3` starts a thread.");
        }
        if (request.verb() == null || !request.verb().from(From.MENTION)) {
            return once(request, "I know " + Messages.threadHelp(" and ") + ".");
        }
        if (request.verb() == Verb.STATUS || request.verb() == Verb.HELP) {
            String status = items.get(item.get()).map(ItemMessages::describe).orElse("This item no longer exists.");
            return once(request, status + "\nSay " + Messages.threadHelp(" or ") + ".");
        }
        return act(request, item);
    }

    /** Claim, unclaim, assign, done or reopen, from any surface; the rules are {@link ActionItems#act}'s. */
    private Answer act(Request request, Optional<Long> id) throws SQLException {
        if (id.isEmpty()) {
            return Answer.privately(Messages.note("Which item? Give its id, like `/qcon " + request.verb().words().get(0)
                    + " A3`; `/qcon actions` lists them."));
        }
        String assignee = null;
        if (request.verb() == Verb.ASSIGN) {
            String whom = request.from() == From.COMMAND ? afterFirstWord(request.words()) : request.words();
            Matcher mention = MENTION.matcher(whom);
            if (!mention.find()) {
                return switch (request.from()) {
                    case COMMAND -> Answer.privately(Messages.note("Whom to? Mention them: `/qcon assign A" + id.get() + " @someone`."));
                    case MENTION -> once(request, "Whom to? Say `assign @someone`.");
                    case CLICK -> Answer.NOTHING;
                };
            }
            assignee = mention.group(1);
        }
        Action action = Action.valueOf(request.verb().name());
        if (request.from() == From.CLICK && (action == Action.OUTCOME || action == Action.WONT_DO)) {
            return outcomeForm(action, id.get());
        }
        ActionItems.Note note = null;
        if (action == Action.DONE || action == Action.WONT_DO || action == Action.OUTCOME) {
            Said said = note(request, action, id.get());
            if (said.problem() != null) {
                return request.from() == From.MENTION ? once(request, said.problem())
                        : Answer.privately(Messages.note(said.problem()));
            }
            note = said.note();
        }
        ActionItems.Result result = items.act(id.get(), action, request.user(), assignee, request.key(), note);
        if (result.changed() && (note != null && !note.isEmpty() || action == Action.REOPEN)) {
            // an outcome is a point of its talk, under the item's line: found by /qcon, shown, exported
            contributions.readNotesAgain("What came of A" + id.get());
        }
        metrics.transition(action.name().toLowerCase(Locale.ROOT), result.outcome().name().toLowerCase(Locale.ROOT));
        Reply outcome = Messages.note(ItemMessages.outcome(result));
        ActionItems.Result announce = result.changed() ? result : null;
        if (request.from() == From.COMMAND) {
            return new Answer(outcome, Answer.Show.PRIVATELY, announce, null, null, null, null);
        }
        if (result.outcome() == ActionItems.Outcome.DUPLICATE) {
            return Answer.NOTHING;
        }
        if (request.from() == From.MENTION) {
            // A change is announced in the item's threads, this one included; anything else is answered here.
            return new Answer(result.changed() ? null : outcome, Answer.Show.IN_THREAD, announce, null, null, null, null);
        }
        Surface surface = request.target().surface();
        Answer.Show show = surface == Surface.HOME ? Answer.Show.NOT_AT_ALL
                : result.changed() && !surface.shared() ? Answer.Show.IF_PROBLEMS : Answer.Show.PRIVATELY;
        Answer answer = redrawn(request, new Answer(outcome, show, announce, null, null, null, null));
        // Done by button is done at once; then a form asks what came of it (closing it is done without words).
        return action == Action.DONE && result.changed() ? new Answer(answer.reply(), answer.show(), answer.announce(),
                null, null, answer.redraw(), answer.home(), AddForm.outcomeForm(result.item())) : answer;
    }

    /** A card's "What came of it…" or "Won't do…" button: its form (with what was said before); the change comes with its submission. */
    private Answer outcomeForm(Action action, long id) throws SQLException {
        Optional<ActionItem> item = items.get(id);
        boolean closed = item.isPresent() && item.get().state() == ActionItems.State.DONE;
        return item.isPresent() && closed == (action == Action.OUTCOME)
                ? new Answer(null, Answer.Show.NOT_AT_ALL, null, null, null, null, null,
                AddForm.outcomeForm(item.get(), action == Action.WONT_DO))
                : Answer.privately(Messages.note("A" + id + (closed ? " is closed already." : " is not closed; nothing to say yet.")));
    }

    /**
     * What came of the item, as typed after done, wontdo or outcome; or why it cannot be taken. In a thread the item is
     * implied, and "@qcon done A3" out of habit names it again and says nothing more. Won't do needs a reason, outcome
     * something to say.
     */
    private static Said note(Request request, Action action, long id) {
        String typed = request.from() == From.COMMAND ? afterFirstWord(request.words())
                : request.from() == From.MENTION && !ITEM_ID.matcher(request.words()).matches() ? request.words() : "";
        Said said = said(typed);
        boolean inThread = request.from() == From.MENTION;
        if (said.problem() == null && action == Action.WONT_DO && said.note().text().isBlank()) {
            return new Said(null, "Say why it won't be done: `" + (inThread ? "wontdo <why>" : "/qcon wontdo A" + id + " <why>")
                    + "`. Nothing changed.");
        }
        if (said.problem() == null && action == Action.OUTCOME && said.note().isEmpty()) {
            return new Said(null, "What came of it? `" + (inThread ? "outcome" : "/qcon outcome A" + id)
                    + " <what happened>`, a link too if you like.");
        }
        return said;
    }

    /** A submitted "What came of A3?" form: its field errors (nothing changed), or what to announce. */
    public record FormAnswer(Map<String, String> errors, Answer answer) {
    }

    /**
     * The outcome form submitted by {@code user}: saved before the ack (a form submitted twice, {@code key} the view
     * id, saves once), then announced in the item's threads. An empty form saves nothing. With {@code closing}, the
     * "Won't do" form: it needs a reason, and closes the item.
     */
    public FormAnswer outcomeSubmitted(AddForm.OutcomeRead form, String user, String key, boolean closing) throws SQLException {
        Map<String, String> errors = new LinkedHashMap<>();
        String link = form.link().isEmpty() ? null : form.link();
        if (link != null && !Messages.webLink(link)) {
            errors.put("link", "A link starts with http:// or https:// (a pull request, a doc).");
        }
        String text = form.text().strip();
        if (text.length() > MAX_OUTCOME) {
            errors.put("outcome", "At most " + MAX_OUTCOME + " characters; link to a doc for more.");
        }
        if (closing && text.isEmpty()) {
            errors.put("outcome", "Say why it won't be done; the team will look for it later.");
        }
        if (!errors.isEmpty() || form.itemId() < 0 || text.isEmpty() && link == null) {
            return new FormAnswer(errors, Answer.NOTHING);
        }
        Action action = closing ? Action.WONT_DO : Action.OUTCOME;
        ActionItems.Result result = items.act(form.itemId(), action, user, null, key, new ActionItems.Note(text, link));
        metrics.transition(action.name().toLowerCase(Locale.ROOT), result.outcome().name().toLowerCase(Locale.ROOT));
        if (result.outcome() == ActionItems.Outcome.DUPLICATE) {
            return new FormAnswer(Map.of(), Answer.NOTHING);
        }
        if (!result.changed()) {
            return new FormAnswer(Map.of("outcome", ItemMessages.outcome(result).replace("`", "")), Answer.NOTHING);
        }
        contributions.readNotesAgain("What came of A" + form.itemId());
        return new FormAnswer(Map.of(), new Answer(null, Answer.Show.NOT_AT_ALL, result, null, null, null, null));
    }

    /** The answer to a click, with the message or App Home the button was on drawn again as things are now. */
    private Answer redrawn(Request request, Answer answer) throws SQLException {
        Target target = request.target();
        String user = request.user();
        Reply redraw = null;
        View home = null;
        switch (target.surface()) {
            case HOME -> home = home(user);
            case REMINDER -> {
                List<ActionItem> stillQuiet = digests.staleByOwner().getOrDefault(user, List.of());
                redraw = stillQuiet.isEmpty() ? Messages.note("All sorted. Thank you!")
                        : ItemMessages.staleReminder(stillQuiet, digests.staleAfter().toDays());
            }
            case POST, DM -> {
                // A shared message keeps its first block (who assigned it, who started the discussion).
                Optional<ActionItem> item = items.get(target.itemId());
                if (item.isPresent() && !request.message().isEmpty()) {
                    redraw = ItemMessages.refreshed(request.message().get(0), item.get(), target.surface(), user);
                }
            }
            default -> redraw = redraw(target, user);
        }
        return new Answer(answer.reply(), answer.show(), answer.announce(), answer.discuss(), answer.later(), redraw, home);
    }

    private Answer discuss(Request request) throws SQLException {
        Optional<Long> id = itemId(request);
        if (id.isEmpty()) {
            return Answer.privately(Messages.note("Which item? Give its id, like `/qcon discuss A3`; `/qcon actions` lists them."));
        }
        if (request.from() == From.CLICK && !first(request)) {
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
        Reply starting = request.from() == From.COMMAND ? Messages.note("Starting a discussion of " + item.get().ref() + "…") : null;
        return new Answer(starting, Answer.Show.PRIVATELY, null, item.get(), null, null, null);
    }

    private Answer snooze(Request request) throws SQLException {
        if (!first(request)) {
            return Answer.NOTHING;
        }
        long id = request.target().itemId();
        String text = digests.snooze(id, request.user())
                ? "Snoozed A" + id + " for a week: it stays out of the quiet-claims list until then."
                : "Only the owner or an admin can snooze A" + id + ".";
        return redrawn(request, Answer.privately(Messages.note(text)));
    }

    /** /qcon reload: answered at once when the notes read quickly; else acknowledged, and answered when done. */
    private Answer reload(String user) throws SQLException {
        if (!items.isAdmin(user)) {
            return Answer.privately(Messages.note("Only admins (QCON_ADMINS) can reload the notes."));
        }
        CompletableFuture<NotesLoader.Report> loading = notes.loadInBackground();
        try {
            return Answer.privately(reloaded(loading, answerWithin));
        } catch (TimeoutException e) {
            return new Answer(Messages.note("Reading the notes is taking a while; I will post the result here when it is done."),
                    Answer.Show.PRIVATELY, null, null, () -> reloaded(loading, RELOAD_LIMIT), null, null);
        }
    }

    private static Reply reloaded(CompletableFuture<NotesLoader.Report> loading, Duration wait)
            throws TimeoutException, SQLException {
        try {
            return Messages.reloaded(loading.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NotesLoader.Refused refused) {
                return Messages.notReloaded(refused);
            }
            throw new SQLException("reloading the notes failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
    }

    /** What /qcon post-now leaves for after the ack: posting, with its retries, can take a while. */
    public Reply postNow() throws SQLException {
        return Messages.postedNow(daily.postNow());
    }

    /** The App Home of {@code user}: their follow-ups and the open items. */
    public View home(String user) throws SQLException {
        return ItemMessages.home(items.list(ActionItems.View.MINE, user), items.list(ActionItems.View.OPEN, user), user);
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

    private Reply search(String words) throws SQLException {
        TalkSearch.Result result = search.search(words);
        return result.found() ? Messages.talk(search.overview(result.best(), result.words()), result)
                : Messages.noMatch(result, search.suggestions(3));
    }

    /** What people add from Slack: the add form, corrections, imports (for the Slack handlers' forms and files). */
    public Contributions contributions() {
        return contributions;
    }

    /** A talk a button asked for: its overview (Show), or every point of it (Show all). */
    private Reply shown(Request request) throws SQLException {
        Optional<Talk> talk = talks.byKey(request.words());
        if (talk.isEmpty()) {
            return Messages.error("That talk is no longer in the notes. Try /qcon talks for the agenda.");
        }
        Overview overview = search.overview(talk.get());
        return Messages.talk(request.verb() == Verb.SHOW_ALL ? overview.all() : overview, null);
    }

    private Reply agenda(String words) throws SQLException {
        if (words.isEmpty()) {
            return Messages.agenda(talks.agenda(), null);
        }
        Matcher day = DAY.matcher(words);
        if (!day.matches() || !day.group(1).matches("\\d{1,3}")) {
            return Messages.error("Say which day as a number, for example: /qcon talks day 2");
        }
        return Messages.agenda(talks.agenda(), Integer.parseInt(day.group(1)));
    }

    private Reply actions(String argument, String user) throws SQLException {
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

    /** The item a request is about: the button's, or the first word typed ("A3" or "3"). */
    /** What someone said came of an item, or why it cannot be taken (said privately, nothing changed). */
    record Said(ActionItems.Note note, String problem) {
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
                        + "nothing changed.");
            }
        }
        text = Messages.unescape(text).replaceAll("\\s+", " ").strip();
        if (text.length() > MAX_OUTCOME) {
            return new Said(null, "That is " + text.length() + " characters; what came of an item is kept to "
                    + MAX_OUTCOME + ". Say it shorter, or link to a doc. Nothing changed.");
        }
        return new Said(new ActionItems.Note(text, url == null ? null : Messages.unescape(url)), null);
    }

    private static Optional<Long> itemId(Request request) {
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
    private boolean first(Request request) throws SQLException {
        return request.key() == null || items.markHandled(request.key());
    }

    /** A sentence in the thread the bot was mentioned in, once per event. */
    private Answer once(Request request, String mrkdwn) throws SQLException {
        return first(request) ? new Answer(Messages.note(mrkdwn), Answer.Show.IN_THREAD, null, null, null, null, null)
                : Answer.NOTHING;
    }
}
