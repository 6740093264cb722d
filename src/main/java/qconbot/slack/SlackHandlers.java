package qconbot.slack;

import com.slack.api.Slack;
import com.slack.api.app_backend.events.payload.EventsApiPayload;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.interactive_components.response.ActionResponse;
import com.slack.api.app_backend.interactive_components.response.Option;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.EventContext;
import com.slack.api.bolt.context.builtin.MessageShortcutContext;
import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.request.builtin.MessageShortcutRequest;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.Responder;
import com.slack.api.model.File;
import com.slack.api.model.event.AppHomeOpenedEvent;
import com.slack.api.model.event.AppMentionEvent;
import com.slack.api.model.event.MessageEvent;
import com.slack.api.model.event.MessageFileShareEvent;
import com.slack.api.model.event.MessageThreadBroadcastEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import qconbot.commands.AddForm;
import qconbot.commands.Contributions;
import qconbot.commands.Interpreter;
import qconbot.commands.Interpreter.Answer;
import qconbot.commands.Interpreter.Request;
import qconbot.commands.Messages;
import qconbot.commands.Reply;
import qconbot.commands.Verb;
import qconbot.store.ActionItems;
import qconbot.store.Db;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every Slack entry point of the bot: registered in {@link #register}, each handled by a method below that reads the
 * payload, asks the {@link Interpreter}, acknowledges, and leaves the Slack calls (redraws, announcements, posts) to
 * {@link #afterAck}. The interpreter makes any change before the ack, so what Slack shows as done is committed.
 */
public final class SlackHandlers {

    private static final Logger log = LoggerFactory.getLogger(SlackHandlers.class);
    /** "/qcon", or a renamed copy such as "/qcon-dev" for a second install of the app. */
    private static final Pattern QCON = Pattern.compile("^/qcon[\\w-]*$");
    private static final Pattern BUTTONS = Pattern.compile("^(" + String.join("|", Verb.actionIds()) + ")$");
    private static final Pattern MENTION = Pattern.compile("<@([UW][A-Z0-9]{2,})(?:\\|[^>]*)?>");

    private final Interpreter interpreter;
    private final ActionItems items;
    private final Announcer announcer;
    private final SlackCalls calls;
    /** After the 3-second ack: answers and redraws on one pool, announcements and slow work on another. */
    private final AfterAck responses;
    private final AfterAck announcements;
    private final SlackFiles downloads;
    private final long importMaxBytes;

    /** {@code files} fetches notes files sent by direct message, up to {@code importMaxBytes}. */
    public SlackHandlers(Interpreter interpreter, ActionItems items, Announcer announcer, SlackCalls calls,
                         AfterAck responses, AfterAck announcements, SlackFiles files, long importMaxBytes) {
        this.downloads = files;
        this.importMaxBytes = importMaxBytes;
        this.interpreter = interpreter;
        this.items = items;
        this.announcer = announcer;
        this.calls = calls;
        this.responses = responses;
        this.announcements = announcements;
    }

    public void register(App app) {
        app.command(QCON, this::command);
        app.messageShortcut(AddForm.CALLBACK, this::saveShortcut);
        app.viewSubmission(AddForm.CALLBACK, this::saveSubmitted);
        app.viewSubmission(AddForm.IMPORT_CALLBACK, this::importSubmitted);
        app.viewSubmission(AddForm.OUTCOME_CALLBACK, (request, context) -> outcomeSubmitted(request, context, false));
        app.viewSubmission(AddForm.WONT_DO_CALLBACK, (request, context) -> outcomeSubmitted(request, context, true));
        app.viewSubmission(AddForm.EDIT_CALLBACK, (request, context) -> submitted(request, context,
                user -> interpreter.contributions().saveEdits(request.getPayload().getView().getState(), user)));
        app.blockSuggestion("talk", (request, context) -> {
            try {
                var options = interpreter.contributions().talkOptions(request.getPayload().getValue()).stream()
                        .map(option -> new Option(option.getText(), option.getValue()))
                        .toList();
                return context.ack(r -> r.options(options));
            } catch (Exception e) {
                log.error("talk suggestions for the add form failed", e);
                return context.ack(r -> r.options(List.of()));
            }
        });
        app.blockAction(BUTTONS, this::click);
        app.event(AppMentionEvent.class, this::mention);
        app.event(AppHomeOpenedEvent.class, this::homeOpened);
        app.event(MessageEvent.class, (payload, context) -> threadReply(payload, payload.getEvent().getChannel(),
                payload.getEvent().getThreadTs(), payload.getEvent().getTs(), payload.getEvent().getUser(),
                payload.getEvent().getBotId(), context));
        app.event(MessageFileShareEvent.class, (payload, context) -> "im".equals(payload.getEvent().getChannelType())
                ? fileSent(payload, context)
                : threadReply(payload, payload.getEvent().getChannel(), payload.getEvent().getThreadTs(),
                payload.getEvent().getTs(), payload.getEvent().getUser(), null, context));
        app.event(MessageThreadBroadcastEvent.class, (payload, context) -> threadReply(payload,
                payload.getEvent().getChannel(), payload.getEvent().getThreadTs(), payload.getEvent().getTs(),
                payload.getEvent().getUser(), null, context));
    }

    /** /qcon ...: the answer is the ack itself. */
    private Response command(SlashCommandRequest request, SlashCommandContext context) {
        var payload = request.getPayload();
        Request asked = Request.command(payload.getText(), payload.getUserId(), payload.getChannelId(),
                "command:" + payload.getTriggerId());
        Answer answer = interpret(asked);
        afterAck(asked, answer, null, responder(context.getSlack(), context.getResponseUrl()));
        if (answer.form() != null) {
            responses.run("opening the add form for " + payload.getUserId(),
                    () -> announcer.openForm(payload.getTriggerId(), answer.form()));
        }
        Reply reply = answer.reply();
        return reply == null ? context.ack() : context.ack(SlashCommandResponse.builder().responseType("ephemeral")
                .text(reply.text()).blocks(reply.blocks()).build());
    }

    /** A button: Claim, Done, Assign to…, Show, Share and the rest; the block it was in says which item and where. */
    private Response click(BlockActionRequest request, ActionContext context) {
        BlockActionPayload payload = request.getPayload();
        BlockActionPayload.Action clicked = payload.getActions().get(0);
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        // Slack's retries and replays carry the same action_ts: the key makes them change nothing twice.
        String key = "click:" + user + ":" + clicked.getActionId() + ":" + clicked.getBlockId() + ":" + clicked.getActionTs();
        Request asked = Request.click(clicked.getActionId(), clicked.getValue(), clicked.getBlockId(),
                clicked.getSelectedUser(), user, payload.getChannel() == null ? null : payload.getChannel().getId(),
                payload.getMessage() == null ? null : payload.getMessage().getBlocks(), key);
        Answer answer = interpret(asked);
        afterAck(asked, answer, null, responder(context.getSlack(), context.getResponseUrl()));
        if (answer.form() != null) {
            responses.run("opening a form for " + user, () -> announcer.openForm(payload.getTriggerId(), answer.form()));
        }
        return context.ack();
    }

    /**
     * "Save to conference notes" on a message: the add form, its point prefilled with the message's text and the
     * message's permalink kept for provenance. Both Slack calls come after the ack, within the 3 s the trigger lasts.
     */
    private Response saveShortcut(MessageShortcutRequest request, MessageShortcutContext context) {
        var payload = request.getPayload();
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
        String ts = payload.getMessage() == null ? null : payload.getMessage().getTs();
        // Slack sends a message's text with &, < and > escaped; the form shows it as written.
        String text = payload.getMessage() == null || payload.getMessage().getText() == null ? ""
                : Messages.unescape(payload.getMessage().getText());
        responses.run("opening the save form for " + user, () -> {
            String permalink = channel == null || ts == null ? null : announcer.permalink(channel, ts);
            announcer.openForm(payload.getTriggerId(), interpreter.contributions().form(null, text, permalink));
        });
        return context.ack();
    }

    /**
     * The add form submitted: saved before the ack, or Slack's field errors (nothing saved); its author is told in a
     * direct message afterwards.
     */
    private Response saveSubmitted(ViewSubmissionRequest request, ViewSubmissionContext context) {
        var view = request.getPayload().getView();
        return submitted(request, context, user -> interpreter.contributions().save(AddForm.read(view.getState(), view.getPrivateMetadata()),
                user, view.getId()));
    }

    /** /qcon import submitted: the file checked and kept for a preview, sent to its author with Import and Cancel. */
    private Response importSubmitted(ViewSubmissionRequest request, ViewSubmissionContext context) {
        var view = request.getPayload().getView();
        return submitted(request, context, user -> interpreter.contributions().stageImport(AddForm.readImport(view.getState()), user));
    }

    /**
     * "What came of A3?" (or "Won't do A3?", {@code closing}) submitted: saved before the ack, or field errors (nothing saved); the outcome is announced in
     * the item's threads after the ack.
     */
    private Response outcomeSubmitted(ViewSubmissionRequest request, ViewSubmissionContext context, boolean closing) {
        var payload = request.getPayload();
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        Interpreter.FormAnswer saved;
        try {
            saved = interpreter.outcomeSubmitted(AddForm.readOutcome(payload.getView().getState(),
                    payload.getView().getPrivateMetadata()), user, "view:" + payload.getView().getId(), closing);
        } catch (Db.Busy busy) {
            return context.ackWithErrors(Map.of("outcome", "The database is busy, so nothing was saved. Press Save again in a moment."));
        } catch (Exception e) {
            String ref = Messages.reference();
            MDC.put(SlackApp.FAILED, "true");
            log.error("outcome form from {} failed, ref {}", user, ref, e);
            return context.ackWithErrors(Map.of("outcome", "Something went wrong on my side, so nothing was saved (ref "
                    + ref + "). Try again in a minute."));
        }
        if (!saved.errors().isEmpty()) {
            return context.ackWithErrors(saved.errors());
        }
        if (saved.answer().announce() != null) {
            announcements.run("announcing what came of an item for " + user, () -> announcer.announce(saved.answer().announce()));
        }
        return context.ack();
    }

    private interface Submit {
        Contributions.Saved run(String user) throws Exception;
    }

    /** A form's answer: field errors, or close it and send what it says to its author after the ack. */
    private Response submitted(ViewSubmissionRequest request, ViewSubmissionContext context, Submit submit) {
        var payload = request.getPayload();
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        String field = payload.getView().getCallbackId().equals(AddForm.IMPORT_CALLBACK) ? "notes" : "text";
        Contributions.Saved saved;
        try {
            saved = submit.run(user);
        } catch (Db.Busy busy) {
            return context.ackWithErrors(Map.of(field, "The database is busy, so nothing was saved. Press the button again in a moment."));
        } catch (Exception e) {
            String ref = Messages.reference();
            MDC.put(SlackApp.FAILED, "true");
            log.error("form {} from {} failed, ref {}", payload.getView().getCallbackId(), user, ref, e);
            return context.ackWithErrors(Map.of(field, "Something went wrong on my side, so nothing was saved (ref "
                    + ref + "). Try again in a minute."));
        }
        if (!saved.errors().isEmpty()) {
            return context.ackWithErrors(saved.errors());
        }
        if (saved.told() != null && user != null) {
            announcements.run("telling " + user + " what a form did", () -> announcer.tell(user, saved.told()));
        }
        return context.ack();
    }

    /**
     * A notes file sent to the bot in a direct message: acknowledged at once; then, once per event (Slack retries
     * events), checked, fetched, read and kept to preview, and its sender gets the preview or what is wrong. Nothing
     * the bot serves changes until they press Import.
     */
    private Response fileSent(EventsApiPayload<MessageFileShareEvent> payload, EventContext context) {
        MessageFileShareEvent event = payload.getEvent();
        String user = event.getUser();
        if (user == null || user.equals(context.getBotUserId())) {
            return context.ack();
        }
        List<File> files = event.getFiles() == null ? List.of() : event.getFiles();
        String key = "event:" + payload.getEventId();
        announcements.run("a notes file from " + user, () -> {
            if (!items.markHandled(key)) {
                return; // a retry of an event already handled
            }
            announcer.tell(user, readFile(user, files));
        });
        return context.ack();
    }

    private Reply readFile(String user, List<File> files) throws Exception {
        if (!interpreter.contributions().mayImport(user)) {
            return Messages.note(Contributions.NOT_AN_EDITOR);
        }
        if (files.size() != 1) {
            return Messages.note("Send one notes file at a time (.txt or .md).");
        }
        File file = files.get(0);
        String name = file.getName() == null ? "notes.txt" : file.getName();
        if (!name.toLowerCase(Locale.ROOT).matches(".*\\.(txt|md)")) {
            return Messages.error("`" + name + "` is not a notes file: send a .txt or .md file.");
        }
        if (file.getSize() != null && file.getSize() > importMaxBytes) {
            return Messages.error("`" + name + "` is " + file.getSize() + " bytes; the most I take is " + importMaxBytes
                    + " (QCON_IMPORT_MAX_BYTES). Nothing changed.");
        }
        SlackFiles.Fetched fetched = downloads.download(file.getUrlPrivateDownload(), importMaxBytes);
        if (fetched.problem() != null) {
            return Messages.error("I could not fetch `" + name + "`: " + fetched.problem() + ". Nothing changed; send it again.");
        }
        return interpreter.contributions().stageImportFile(name, fetched.bytes(), user);
    }

    /** "@qcon claim" and friends, inside an item's discussion thread; the answer goes in the thread. */
    private Response mention(EventsApiPayload<AppMentionEvent> payload, EventContext context) {
        AppMentionEvent event = payload.getEvent();
        String bot = context.getBotUserId();
        String thread = event.getThreadTs() != null ? event.getThreadTs() : event.getTs();
        if (event.getFiles() != null && !event.getFiles().isEmpty()) {
            // a notes file shared in a channel is everyone's to see, and is not imported: say where it goes
            String key = "event:" + payload.getEventId();
            announcements.run("file in a channel from " + event.getUser(), () -> {
                if (items.markHandled(key)) {
                    announcer.replyInThread(event.getChannel(), thread, "To import a notes file, send it to me in a"
                            + " direct message (admins and QCON_EDITORS); files shared in channels are not imported.");
                }
            });
            return context.ack();
        }
        String words = MENTION.matcher(event.getText() == null ? "" : event.getText())
                .replaceAll(match -> match.group(1).equals(bot) ? "" : Matcher.quoteReplacement(match.group()));
        Request asked = Request.mention(words, event.getUser(), event.getChannel(), event.getThreadTs(),
                "event:" + payload.getEventId());
        afterAck(asked, interpret(asked), thread, null);
        return context.ack();
    }

    private Response homeOpened(EventsApiPayload<AppHomeOpenedEvent> payload, EventContext context) {
        AppHomeOpenedEvent event = payload.getEvent();
        if ("home".equals(event.getTab()) && event.getUser() != null) {
            announcements.run("App Home for " + event.getUser(), () -> announcer.publishHome(event.getUser(),
                    interpreter.home(event.getUser())));
        }
        return context.ack();
    }

    /** A reply in a thread: counted when the thread is an item's discussion, once per event, before the ack. */
    private Response threadReply(EventsApiPayload<?> payload, String channel, String threadTs, String ts, String user,
                                 String botId, EventContext context) {
        if (threadTs == null || threadTs.equals(ts) || user == null || botId != null
                || user.equals(context.getBotUserId())) {
            return context.ack();
        }
        try {
            items.recordReply("event:" + payload.getEventId(), channel, threadTs, user, slackTime(ts));
        } catch (Exception e) {
            MDC.put(SlackApp.FAILED, "true");
            log.error("could not count a reply in thread {} of {}", threadTs, channel, e);
        }
        return context.ack();
    }

    /** The interpreter's answer, or an apology with a reference to the logged error; never an exception for Slack. */
    private Answer interpret(Request request) {
        try {
            return interpreter.handle(request);
        } catch (Exception e) {
            String ref = Messages.reference();
            MDC.put(SlackApp.FAILED, "true");
            log.error("{} {} failed, ref {}", request.from(), request.verb(), ref, e);
            Reply sorry = Messages.sorry(ref);
            return new Answer(sorry, request.from() == Verb.From.MENTION ? Answer.Show.IN_THREAD : Answer.Show.PRIVATELY,
                    null, null, null, null, null);
        }
    }

    /**
     * What is left once Slack has its ack, on two pools so that a slow announcement never delays an answer. On the
     * responses pool: redraw what was clicked, and show the answer. On the announcements pool: publish the App Home,
     * announce a change in the item's threads and to its new owner (then say what could not be announced), reply in
     * a thread, start a discussion, do the slow work (post-now, a long reload) and say how it went. {@code respond}
     * is the request's response_url (null for a mention, whose answers go in {@code thread}).
     */
    private void afterAck(Request request, Answer answer, String thread, Responder respond) {
        String what = describe(request);
        boolean command = request.from() == Verb.From.COMMAND;
        Reply reply = answer.reply();
        boolean showNow = !command && reply != null && (answer.show() == Answer.Show.PRIVATELY
                || answer.show() == Answer.Show.IN_PLACE || answer.show() == Answer.Show.IN_CHANNEL);
        if (answer.redraw() != null || showNow) {
            responses.run("answer to " + what, () -> {
                if (answer.redraw() != null) {
                    // Lists and items are ephemeral messages; a discussion post, a DM or a reminder is not.
                    send(respond, ActionResponse.builder().responseType(request.target().surface().shared() ? null : "ephemeral").replaceOriginal(true)
                            .text(answer.redraw().text()).blocks(answer.redraw().blocks()).build());
                }
                if (showNow) {
                    show(answer, respond);
                }
            });
        }
        boolean inThread = answer.show() == Answer.Show.IN_THREAD && reply != null;
        if (answer.home() != null || answer.announce() != null || inThread || answer.discuss() != null || answer.later() != null) {
            announcements.run("announcements for " + what, () -> {
                if (answer.home() != null) {
                    announcer.publishHome(request.user(), answer.home());
                }
                List<String> problems = announcer.announce(answer.announce());
                if (!problems.isEmpty() && respond != null) {
                    // What could not be announced, with the answer when it was kept back for this ("only if problems").
                    String before = answer.show() == Answer.Show.IF_PROBLEMS && reply != null ? reply.text() + " " : "";
                    send(respond, ephemeral(before + String.join(" ", problems)));
                }
                if (inThread) {
                    announcer.replyInThread(request.channel(), thread, reply.text());
                }
                if (answer.discuss() != null) {
                    send(respond, ephemeral(announcer.discuss(answer.discuss(), request.channel(), request.user())));
                }
                if (answer.later() != null) {
                    Reply done = answer.later().call();
                    send(respond, ActionResponse.builder().responseType("ephemeral").replaceOriginal(false)
                            .text(done.text()).blocks(done.blocks()).build());
                }
            });
        }
    }

    /** An answer to a click, where the answer says: in place of the message, in the channel, or privately. */
    private void show(Answer answer, Responder respond) {
        Reply reply = answer.reply();
        switch (answer.show()) {
            case IN_PLACE -> send(respond, true, reply);
            case IN_CHANNEL -> send(respond, ActionResponse.builder().responseType("in_channel").replaceOriginal(false)
                    .text(reply.text()).blocks(reply.blocks()).build());
            default -> send(respond, ephemeral(reply.text()));
        }
    }

    /** Posts to a request's response_url; null when it has none (a click on the App Home). */
    private static Responder responder(Slack slack, String responseUrl) {
        return responseUrl == null ? null : new Responder(slack, responseUrl);
    }

    /** For logs: what the request was, never what anyone typed. */
    private static String describe(Request request) {
        return request.from().name().toLowerCase(Locale.ROOT) + " " + request.verb()
                + (request.target() != null ? " on A" + request.target().itemId() : "") + " by " + request.user();
    }

    private static ActionResponse ephemeral(String mrkdwn) {
        return ActionResponse.builder().responseType("ephemeral").replaceOriginal(false).text(mrkdwn).build();
    }

    private void send(Responder respond, boolean replace, Reply reply) {
        send(respond, ActionResponse.builder().responseType("ephemeral").replaceOriginal(replace)
                .text(reply.text()).blocks(reply.blocks()).build());
    }

    /** A response_url post, through the call policy like every call to Slack. */
    private void send(Responder respond, ActionResponse response) {
        if (respond != null) {
            calls.call(SlackCalls.Policy.announcement("response_url"), () -> respond.send(response));
        }
    }

    /** Slack's "1700000000.000100" message timestamps as instants. */
    static Instant slackTime(String ts) {
        try {
            BigDecimal seconds = new BigDecimal(ts);
            return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }

    /** The verb of a /qcon text, for logs and metrics: never the rest of what was typed. */
    static String commandName(String text) {
        Verb verb = Request.command(text, null, null, null).verb();
        return verb == Verb.SEARCH ? "search" : verb.words().get(0);
    }
}
