package qconbot.commands;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.commands.Verb.From;
import qconbot.metrics.Metrics;
import qconbot.notes.Talk;
import qconbot.search.Overview;
import qconbot.search.TalkSearch;
import qconbot.store.ActionItems;
import qconbot.store.Added;
import qconbot.store.Db;
import qconbot.store.Digests;
import qconbot.store.NotesLoader;
import qconbot.store.Questions;
import qconbot.store.Talks;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;

/**
 * What every request means, however it reached the bot: {@code /qcon} text (or a line in the console), {@code @qcon}
 * in an item's thread, a button, a form submitted, the talk picker typing, a file sent, a message shortcut, the App
 * Home opened, a reply in a thread, a discussion post Slack took (each a kind of {@link Request}). The {@link Answer}
 * says what to show and which Slack calls follow the ack. Every change of state is made here, before the answer is
 * returned, so whatever is acknowledged is already committed. Never throws for anything a user can type.
 */
public final class Interpreter {

    private static final Logger log = LoggerFactory.getLogger(Interpreter.class);

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
    private final ItemActions itemActions;
    private final TeamQuestions teamQuestions;
    /** How long slow work (a reload) may hold a request before it is acknowledged and answered when done. */
    private final Duration answerWithin;

    /**
     * With {@code added}, what people add from Slack (/qcon add, the "Save to conference notes" shortcut, imports);
     * {@code importMaxBytes} the largest notes file taken by direct message; {@code questions} those asked of the team in
     * {@code questionsChannel} (null: asking the team is off).
     */
    public Interpreter(Talks talks, TalkSearch search, ActionItems items, Digests digests, Daily daily,
                       NotesLoader notes, Metrics metrics, Duration answerWithin, Added added, long importMaxBytes,
                       Questions questions, String questionsChannel) {
        this.contributions = new Contributions(talks, search, items, notes, added, importMaxBytes);
        this.teamQuestions = new TeamQuestions(questions, added, contributions, search, metrics, questionsChannel);
        this.itemActions = new ItemActions(items, digests, metrics, contributions, teamQuestions);
        this.talks = talks;
        this.search = search;
        this.items = items;
        this.digests = digests;
        this.daily = daily;
        this.notes = notes;
        this.metrics = metrics;
        this.answerWithin = answerWithin;
    }

    /** The answer to any request; a busy or failing database is said where the person asked, nothing changed. */
    public Answer handle(Request request) throws SQLException {
        metrics.answered(Request.kind(request));
        try {
            return answer(request);
        } catch (Db.Busy busy) {
            log.warn("{} refused: the database is busy", Request.kind(request));
            return unable(request, Messages.busy());
        } catch (Db.StorageFault fault) {
            log.error("{} refused: storage problem: {}", Request.kind(request), fault.getMessage());
            return unable(request, Messages.storageProblem());
        }
    }

    /**
     * Nothing changed, and the person who asked is told {@code why} where they asked: in the thread, on the form's
     * field, by direct message for a file, privately for the rest. Events nobody waits for get nothing.
     */
    public static Answer unable(Request request, Reply why) {
        if (request instanceof Request.Asked asked) {
            return Answer.shown(asked.from() == From.MENTION ? new Answer.InThread(why) : new Answer.Privately(why));
        }
        if (request instanceof Request.Submitted form) {
            return Answer.shown(new Answer.FieldErrors(Map.of(AddForm.mainField(form.form()), Messages.unescape(why.text()))));
        }
        if (request instanceof Request.FileSent || request instanceof Request.Fetched) {
            return Answer.then(new Answer.Tell(why));
        }
        return request instanceof Request.Posted || request instanceof Request.QuestionPosted
                ? Answer.privately(why) : Answer.NOTHING;
    }

    private Answer answer(Request request) throws SQLException {
        if (request instanceof Request.Asked asked) {
            return asked.from() == From.MENTION ? itemActions.mention(asked) : asked(asked);
        }
        if (request instanceof Request.Submitted form) {
            return submitted(form);
        }
        if (request instanceof Request.Suggest suggest) {
            return Answer.shown(new Answer.Options(contributions.talkOptions(suggest.typed())));
        }
        if (request instanceof Request.FileSent file) {
            return itemActions.first(file.key()) ? contributions.fileSent(file) : Answer.NOTHING;
        }
        if (request instanceof Request.Fetched fetched) {
            return Answer.then(new Answer.Tell(contributions.stageImportFile(fetched)));
        }
        if (request instanceof Request.Shortcut shortcut) {
            Optional<Answer> answering = teamQuestions.shortcut(shortcut);
            return answering.isPresent() ? answering.get() : shortcut.channel() == null || shortcut.ts() == null
                    ? Answer.then(new Answer.OpenForm(contributions.form(null, shortcut.text(), null)))
                    : Answer.then(new Answer.Link(shortcut.text(), shortcut.channel(), shortcut.ts()));
        }
        if (request instanceof Request.Linked linked) {
            return linked.question() != null ? teamQuestions.linked(linked)
                    : Answer.then(new Answer.OpenForm(contributions.form(null, linked.text(), linked.permalink())));
        }
        if (request instanceof Request.HomeOpened home) {
            return Answer.then(new Answer.PublishHome(itemActions.home(home.user())));
        }
        if (request instanceof Request.Replied reply) {
            return replied(reply);
        }
        if (request instanceof Request.ReplyEdited edited) {
            return teamQuestions.replyEdited(edited);
        }
        if (request instanceof Request.QuestionPosted posted) {
            return teamQuestions.posted(posted);
        }
        return itemActions.posted((Request.Posted) request);
    }

    /** A reply in a thread: counted for an item's discussion, kept for a question's; nothing is said. */
    private Answer replied(Request.Replied reply) throws SQLException {
        items.recordReply(reply.key(), reply.channel(), reply.threadTs(), reply.user(), reply.at());
        teamQuestions.replied(reply);
        return Answer.NOTHING;
    }

    /** What was typed after /qcon, or a button. */
    private Answer asked(Request.Asked request) throws SQLException {
        if (request.verb() == null || request.user() == null
                || request.from() == From.CLICK && request.verb().button().states().size() > 0 && request.target() == null) {
            return Answer.NOTHING; // a click we did not draw, or from nobody: nothing to do
        }
        return switch (request.verb()) {
            case HELP -> Answer.privately(Messages.help());
            case SEARCH -> Answer.privately(search(request.words()));
            case TALKS -> Answer.privately(agenda(request.words()));
            case ACTIONS -> Answer.privately(itemActions.actions(request.words().toLowerCase(Locale.ROOT), request.user()));
            case CLAIM, UNCLAIM, ASSIGN, DONE, REOPEN, WONT_DO, OUTCOME -> itemActions.act(request);
            case DISCUSS -> itemActions.discuss(request);
            case SNOOZE -> itemActions.snooze(request);
            case STATUS -> Answer.NOTHING; // only said in a thread
            case QUESTIONS -> Answer.privately(teamQuestions.list(request));
            case ANSWER_FEEDBACK, ASK_TEAM, ANSWER_QUESTION, NO_ONE_KNOWS -> teamQuestions.clicked(request);
            case TODAY -> Answer.privately(Messages.today(daily.today()));
            case DIGEST -> Answer.privately(Messages.preview(daily.preview()));
            case SCHEDULE -> Answer.privately(Messages.schedule(daily.status()));
            case POST_NOW -> items.isAdmin(request.user())
                    ? Answer.privately(Messages.note("Posting the next talk of the day now…")).and(new Answer.Later(this::postNow))
                    : Answer.privately(Messages.note("Only admins (QCON_ADMINS) can post the talk of the day outside the schedule."));
            case RELOAD -> reload(request.user());
            case SHOW, SHOW_ALL -> Answer.shown(new Answer.InPlace(shown(request)));
            case EDIT -> Answer.privately(contributions.correct(request));
            case REMOVE -> remove(request);
            case MOVE -> Answer.privately(contributions.move(request));
            case IMPORT -> contributions.isEditor(request.user())
                    ? Answer.then(new Answer.OpenForm(AddForm.importForm()))
                    : Answer.privately(Messages.note(Contributions.NOT_AN_EDITOR));
            case IMPORT_CONFIRM, IMPORT_CANCEL -> Answer.shown(new Answer.InPlace(contributions.finishImport(request)));
            case REMOVE_FILE_CONFIRM, REMOVE_FILE_CANCEL -> Answer.shown(new Answer.InPlace(contributions.finishRemoveFile(request)));
            case EDIT_POINTS -> contributions.editForm(request);
            case ADD -> Answer.then(new Answer.OpenForm(contributions.form(request.words(), null, null)));
            case SHARE -> Answer.shown(new Answer.InChannel(talks.byKey(request.words())
                    .map(talk -> Messages.sharedTalk(talk, request.user()))
                    .orElseGet(() -> Messages.error("That talk is no longer in the notes, so there is nothing to share."))));
        };
    }

    /** A form submitted: the add form, the edit form, an import, what came of an item, or why it won't be done. */
    private Answer submitted(Request.Submitted form) throws SQLException {
        return switch (form.form()) {
            case AddForm.CALLBACK -> saved(form);
            case AddForm.EDIT_CALLBACK -> {
                Set<Long> answered = teamQuestions.answered();
                yield teamQuestions.reopened(contributions.saveEdits(form.state(), form.user()), answered);
            }
            case AddForm.IMPORT_CALLBACK -> contributions.stageImport(AddForm.readImport(form.state()), form.user());
            case AddForm.OUTCOME_CALLBACK, AddForm.WONT_DO_CALLBACK -> itemActions.outcomeSubmitted(AddForm.readOutcome(form.state(),
                    form.metadata()), form.user(), "view:" + form.viewId(), form.form().equals(AddForm.WONT_DO_CALLBACK));
            default -> Answer.NOTHING; // a form of another app's, or an old one: closed
        };
    }

    /** The add form submitted: a point, or (its metadata names a question) the answer to a question asked of the team. */
    private Answer saved(Request.Submitted form) throws SQLException {
        TeamQuestions.Meta answering = TeamQuestions.Meta.parse(form.metadata());
        return answering != null ? teamQuestions.save(form, answering)
                : contributions.save(AddForm.read(form.state(), form.metadata()), form.user(), form.viewId());
    }

    /** {@code /qcon remove}: a point, talk or file taken back; a question its answer was is open again. */
    private Answer remove(Request.Asked request) throws SQLException {
        Set<Long> answered = teamQuestions.answered();
        return teamQuestions.reopened(Answer.privately(contributions.remove(request)), answered);
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
            return Answer.privately(Messages.note("Reading the notes is taking a while; I will post the result here when it is done."))
                    .and(new Answer.Later(() -> reloaded(loading, RELOAD_LIMIT)));
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

    private Reply search(String words) throws SQLException {
        TalkSearch.Result result = search.search(words);
        return result.found() ? teamQuestions.found(Messages.talk(search.overview(result.best(), result.words()), result), result)
                : teamQuestions.notFound(Messages.noMatch(result, search.suggestions(3)), result);
    }

    /** A talk a button asked for: its overview (Show), or every point of it (Show all). */
    private Reply shown(Request.Asked request) throws SQLException {
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
        Matcher day = Request.DAY.matcher(words);
        if (!day.matches() || !day.group(1).matches("\\d{1,3}")) {
            return Messages.error("Say which day as a number, for example: /qcon talks day 2");
        }
        return Messages.agenda(talks.agenda(), Integer.parseInt(day.group(1)));
    }

}
