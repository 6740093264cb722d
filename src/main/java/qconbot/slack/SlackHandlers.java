package qconbot.slack;

import com.slack.api.Slack;
import com.slack.api.app_backend.events.payload.EventsApiPayload;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.interactive_components.response.ActionResponse;
import com.slack.api.app_backend.interactive_components.response.Option;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.BlockSuggestionContext;
import com.slack.api.bolt.context.builtin.EventContext;
import com.slack.api.bolt.context.builtin.MessageShortcutContext;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.BlockSuggestionRequest;
import com.slack.api.bolt.request.builtin.MessageShortcutRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.Responder;
import com.slack.api.model.File;
import com.slack.api.model.event.AppHomeOpenedEvent;
import com.slack.api.model.event.AppMentionEvent;
import com.slack.api.model.event.MessageChangedEvent;
import com.slack.api.model.event.MessageDeletedEvent;
import com.slack.api.model.event.MessageEvent;
import com.slack.api.model.event.MessageFileShareEvent;
import com.slack.api.model.event.MessageThreadBroadcastEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import qconbot.commands.AddForm;
import qconbot.commands.Answer;
import qconbot.commands.Interpreter;
import qconbot.commands.Messages;
import qconbot.commands.Reply;
import qconbot.commands.Request;
import qconbot.commands.Verb;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every way Slack reaches the bot, registered in {@link #register}: each handler below reads the payload into a
 * {@link Request}, asks the {@link Interpreter}, acknowledges with what the answer shows, and leaves the Slack calls the
 * answer names to {@link #follow}. The interpreter makes any change before the ack, so what Slack shows as done is
 * committed; nothing here reads or writes the database.
 */
public final class SlackHandlers {

    private static final Logger log = LoggerFactory.getLogger(SlackHandlers.class);
    /** "/qcon", or a renamed copy such as "/qcon-dev" for a second install of the app. */
    private static final Pattern QCON = Pattern.compile("^/qcon[\\w-]*$");
    private static final Pattern BUTTONS = Pattern.compile("^(" + String.join("|", Verb.actionIds()) + ")$");
    private static final Pattern FORMS = Pattern.compile("^(" + String.join("|", AddForm.CALLBACKS) + ")$");

    private final Interpreter interpreter;
    private final Announcer announcer;
    private final SlackCalls calls;
    /** After the 3-second ack: answers and redraws on one pool, announcements and slow work on another. */
    private final AfterAck responses;
    private final AfterAck announcements;
    private final SlackFiles downloads;

    public SlackHandlers(Interpreter interpreter, Announcer announcer, SlackCalls calls, AfterAck responses,
                         AfterAck announcements, SlackFiles downloads) {
        this.interpreter = interpreter;
        this.announcer = announcer;
        this.calls = calls;
        this.responses = responses;
        this.announcements = announcements;
        this.downloads = downloads;
    }

    public void register(App app) {
        app.command(QCON, this::command);
        app.blockAction(BUTTONS, this::click);
        app.messageShortcut(AddForm.CALLBACK, this::shortcut);
        app.viewSubmission(FORMS, this::submitted);
        app.blockSuggestion("talk", this::suggest);
        app.event(AppMentionEvent.class, this::mention);
        app.event(AppHomeOpenedEvent.class, (payload, context) -> {
            boolean home = "home".equals(payload.getEvent().getTab()) && payload.getEvent().getUser() != null;
            return home ? event(new Request.HomeOpened(payload.getEvent().getUser()), null, null, context) : context.ack();
        });
        app.event(MessageEvent.class, (payload, context) -> reply(payload, payload.getEvent().getChannel(),
                payload.getEvent().getThreadTs(), payload.getEvent().getTs(), payload.getEvent().getUser(),
                payload.getEvent().getBotId(), payload.getEvent().getText(), context));
        app.event(MessageFileShareEvent.class, (payload, context) -> "im".equals(payload.getEvent().getChannelType())
                ? fileSent(payload, context)
                : reply(payload, payload.getEvent().getChannel(), payload.getEvent().getThreadTs(),
                payload.getEvent().getTs(), payload.getEvent().getUser(), null, payload.getEvent().getText(), context));
        app.event(MessageThreadBroadcastEvent.class, (payload, context) -> reply(payload,
                payload.getEvent().getChannel(), payload.getEvent().getThreadTs(), payload.getEvent().getTs(),
                payload.getEvent().getUser(), null, payload.getEvent().getText(), context));
        app.event(MessageChangedEvent.class, (payload, context) -> {
            MessageChangedEvent.Message message = payload.getEvent().getMessage();
            return message == null ? context.ack() : edited(payload.getEvent().getChannel(), message.getThreadTs(),
                    message.getTs(), message.getUser(), message.getBotId(), Objects.requireNonNullElse(message.getText(), ""),
                    context);
        });
        app.event(MessageDeletedEvent.class, (payload, context) -> {
            MessageDeletedEvent.Message message = payload.getEvent().getPreviousMessage();
            return message == null ? context.ack() : edited(payload.getEvent().getChannel(), message.getThreadTs(),
                    payload.getEvent().getDeletedTs(), message.getUser(), message.getBotId(), null, context);
        });
    }

    /**
     * Who asked and where, for the Slack calls after the ack: the request's response_url ({@code respond}, null for an
     * event), the trigger that may open a form, the thread a mention was in.
     */
    private record Asker(String what, String user, String channel, String thread, String triggerId, Responder respond) {
    }

    /** /qcon ...: what it shows is the ack itself. */
    private Response command(SlashCommandRequest request, SlashCommandContext context) {
        var payload = request.getPayload();
        Request.Asked asked = Request.command(payload.getText(), payload.getUserId(), payload.getChannelId(),
                "command:" + payload.getTriggerId());
        Answer answer = interpret(asked);
        follow(answer, new Asker(describe(asked), payload.getUserId(), payload.getChannelId(), null, payload.getTriggerId(),
                responder(context.getSlack(), context.getResponseUrl())), true);
        Reply reply = answer.reply();
        return reply == null ? context.ack() : context.ack(SlashCommandResponse.builder().responseType("ephemeral")
                .text(reply.text()).blocks(reply.blocks()).build());
    }

    /** A button: Claim, Done, Assign to…, Show, Share and the rest; the block it was in says which item and where. */
    private Response click(BlockActionRequest request, ActionContext context) {
        BlockActionPayload payload = request.getPayload();
        BlockActionPayload.Action clicked = payload.getActions().get(0);
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
        // Slack's retries and replays carry the same action_ts: the key makes them change nothing twice.
        String key = "click:" + user + ":" + clicked.getActionId() + ":" + clicked.getBlockId() + ":" + clicked.getActionTs();
        Request.Asked asked = Request.click(clicked.getActionId(), clicked.getValue(), clicked.getBlockId(),
                clicked.getSelectedUser(), user, channel, payload.getMessage() == null ? null : payload.getMessage().getBlocks(), key);
        Answer answer = interpret(asked);
        Asker asker = new Asker(describe(asked), user, channel, null, payload.getTriggerId(), responder(context.getSlack(), context.getResponseUrl()));
        follow(answer, asker, false);
        return context.ack();
    }

    private static final java.util.regex.Pattern MENTION = java.util.regex.Pattern.compile("<@([UW][A-Z0-9]{2,20})(?:\\|[^>]*)?>");

    /**
     * A saved message's user mentions as "@name", from Slack (after the ack, at most ten people a message; one Slack
     * will not name stays "@U0BOB"), so the point reads as the message did.
     */
    private String named(String text) {
        java.util.Map<String, String> names = new java.util.HashMap<>();
        java.util.regex.Matcher mention = MENTION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (mention.find()) {
            String id = mention.group(1);
            String name = names.containsKey(id) || names.size() >= 10 ? names.get(id) : announcer.userName(id);
            names.putIfAbsent(id, name);
            mention.appendReplacement(out, java.util.regex.Matcher.quoteReplacement("@" + (name == null ? id : name)));
        }
        mention.appendTail(out);
        return out.toString();
    }

    /** "Save to conference notes" on a message: the add form, prefilled, opened after the ack. */
    private Response shortcut(MessageShortcutRequest request, MessageShortcutContext context) {
        var payload = request.getPayload();
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
        var message = payload.getMessage();
        // Slack sends a message's text with &, < and > escaped; the form shows it as written, its markup as readable
        // text. User mentions wait for their names, which only Slack can give, after the ack (Answer.Link).
        String text = message == null || message.getText() == null ? ""
                : Messages.unescape(Messages.readable(message.getText(), false));
        Request shortcut = new Request.Shortcut(text, channel, message == null ? null : message.getTs(), user,
                message == null ? null : message.getThreadTs(), message == null ? null : message.getUser());
        follow(interpret(shortcut), new Asker(describe(shortcut), user, channel, null, payload.getTriggerId(), null), true);
        return context.ack();
    }

    /** A form submitted: its field errors in the ack (nothing saved), or closed, with what follows after the ack. */
    private Response submitted(ViewSubmissionRequest request, ViewSubmissionContext context) {
        var payload = request.getPayload();
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        var view = payload.getView();
        Request form = new Request.Submitted(view.getCallbackId(), view.getState(), view.getPrivateMetadata(), view.getId(), user);
        Answer answer = interpret(form);
        follow(answer, new Asker(describe(form), user, null, null, null, null), true);
        return answer.shown() instanceof Answer.FieldErrors wrong ? context.ackWithErrors(wrong.errors()) : context.ack();
    }

    /** The add form's talk picker: the talks matching what was typed, in the ack. */
    private Response suggest(BlockSuggestionRequest request, BlockSuggestionContext context) {
        var payload = request.getPayload();
        Answer answer = interpret(new Request.Suggest(payload.getValue(), payload.getUser() == null ? null : payload.getUser().getId()));
        List<Option> options = answer.shown() instanceof Answer.Options found ? found.options().stream()
                .map(option -> new Option(option.getText(), option.getValue())).toList() : List.of();
        return context.ack(r -> r.options(options));
    }

    /** "@qcon claim" and friends, inside an item's discussion thread; a file sent with it is not imported. */
    private Response mention(EventsApiPayload<AppMentionEvent> payload, EventContext context) {
        AppMentionEvent event = payload.getEvent();
        String thread = event.getThreadTs() != null ? event.getThreadTs() : event.getTs();
        String key = "event:" + payload.getEventId();
        Request request = event.getFiles() != null && !event.getFiles().isEmpty()
                ? new Request.FileSent(files(event.getFiles()), false, event.getChannel(), thread, event.getUser(), key)
                : Request.mention(event.getText(), context.getBotUserId(), event.getUser(), event.getChannel(),
                event.getThreadTs(), key);
        return event(request, event.getChannel(), thread, context);
    }

    /** A notes file sent to the bot in a direct message: checked now, fetched and previewed after the ack. */
    private Response fileSent(EventsApiPayload<MessageFileShareEvent> payload, EventContext context) {
        MessageFileShareEvent event = payload.getEvent();
        if (event.getUser() == null || event.getUser().equals(context.getBotUserId())) {
            return context.ack();
        }
        return event(new Request.FileSent(files(event.getFiles()), true, event.getChannel(), null, event.getUser(),
                "event:" + payload.getEventId()), event.getChannel(), null, context);
    }

    /**
     * A reply in a thread by a person: counted when the thread is an item's discussion, once per event; kept, as
     * readable words, when it is a question's.
     */
    private Response reply(EventsApiPayload<?> payload, String channel, String threadTs, String ts, String user,
                           String botId, String text, EventContext context) {
        if (!byPersonInThread(threadTs, ts, user, botId, context)) {
            return context.ack();
        }
        String words = text == null ? "" : Messages.unescape(Messages.readable(text));
        return event(new Request.Replied(channel, threadTs, slackTime(ts), user, "event:" + payload.getEventId(), ts, words),
                channel, threadTs, context);
    }

    /** A person's reply in a thread edited ({@code text}) or deleted (null): a question's thread follows it. */
    private Response edited(String channel, String threadTs, String ts, String user, String botId, String text,
                            EventContext context) {
        if (!byPersonInThread(threadTs, ts, user, botId, context)) {
            return context.ack();
        }
        String words = text == null ? null : Messages.unescape(Messages.readable(text));
        return event(new Request.ReplyEdited(channel, threadTs, ts, user, words), channel, threadTs, context);
    }

    /** A message in a thread (not its parent) written by a person, not by a bot or by us. */
    private static boolean byPersonInThread(String threadTs, String ts, String user, String botId, EventContext context) {
        return threadTs != null && !threadTs.equals(ts) && user != null && botId == null
                && !user.equals(context.getBotUserId());
    }

    /** An event: asked, acknowledged; whatever it shows is said after the ack, in its thread. */
    private Response event(Request request, String channel, String thread, EventContext context) {
        Answer answer = interpret(request);
        follow(answer, new Asker(describe(request), request.user(), channel, thread, null, null), false);
        return context.ack();
    }

    private static List<Request.SentFile> files(List<File> files) {
        return files == null ? List.of() : files.stream()
                .map(file -> new Request.SentFile(file.getName(), file.getSize(), file.getUrlPrivateDownload())).toList();
    }

    /** The interpreter's answer, or an apology with a reference to the logged error; never an exception for Slack. */
    private Answer interpret(Request request) {
        try {
            return interpreter.handle(request);
        } catch (Exception e) {
            return Interpreter.unable(request, sorry(describe(request), e));
        }
    }

    /** The one error path: logged once with a reference, and an apology that gives it; never the error itself. */
    private static Reply sorry(String what, Exception e) {
        String ref = Messages.reference();
        MDC.put(SlackApp.FAILED, "true");
        log.error("{} failed, ref {}", what, ref, e);
        return Messages.sorry(ref);
    }

    /**
     * The Slack calls an answer leaves for after the ack, on two pools so that a slow announcement never delays an
     * answer. On the responses pool, in order: redraw what was clicked, show the answer (unless the ack showed it:
     * {@code shownInAck}), open a form or ask for a link. On the announcements pool, in order: the rest, then a reply
     * in the thread. A call whose result the interpreter needs (a discussion posted, a file fetched, a permalink)
     * asks it again.
     */
    private void follow(Answer answer, Asker asker, boolean shownInAck) {
        List<Runnable> quick = new ArrayList<>();
        List<Runnable> slow = new ArrayList<>();
        answer.after().stream().filter(call -> call instanceof Answer.Redraw)
                .forEach(call -> quick.add(() -> call(call, answer.shown(), asker)));
        Reply reply = answer.reply();
        boolean inThread = answer.shown() instanceof Answer.InThread;
        if (!shownInAck && reply != null && !inThread && !(answer.shown() instanceof Answer.IfProblems)) {
            quick.add(() -> show(answer.shown(), reply, asker)); // IfProblems: said with what could not be announced
        }
        for (Answer.After call : answer.after()) {
            if (call instanceof Answer.OpenForm || call instanceof Answer.Link) {
                quick.add(() -> call(call, answer.shown(), asker));
            } else if (!(call instanceof Answer.Redraw)) {
                slow.add(() -> call(call, answer.shown(), asker));
            }
        }
        if (!shownInAck && inThread) {
            slow.add(() -> announcer.replyInThread(asker.channel(), asker.thread(), reply.text()));
        }
        if (!quick.isEmpty()) {
            responses.run("answers to " + asker.what(), () -> quick.forEach(Runnable::run));
        }
        if (!slow.isEmpty()) {
            announcements.run("announcements for " + asker.what(), () -> slow.forEach(Runnable::run));
        }
    }

    /** An answer to a click, by its response_url: in place of the message, in the channel, or privately. */
    private void show(Answer.Shown shown, Reply reply, Asker asker) {
        boolean inPlace = shown instanceof Answer.InPlace;
        boolean inChannel = shown instanceof Answer.InChannel;
        send(asker.respond(), ActionResponse.builder().responseType(inChannel ? "in_channel" : "ephemeral")
                .replaceOriginal(inPlace).text(reply.text()).blocks(inPlace || inChannel ? reply.blocks() : null).build());
    }

    /** One Slack call after the ack; {@code shown} is what the answer showed (an announcement's problems follow it). */
    private void call(Answer.After call, Answer.Shown shown, Asker asker) {
        if (call instanceof Answer.Redraw redraw) {
            // Lists and items are ephemeral messages; a discussion post, a DM or a reminder is not.
            send(asker.respond(), ActionResponse.builder().responseType(redraw.shared() ? null : "ephemeral")
                    .replaceOriginal(true).text(redraw.message().text()).blocks(redraw.message().blocks()).build());
        } else if (call instanceof Answer.OpenForm form) {
            announcer.openForm(asker.triggerId(), form.form());
        } else if (call instanceof Answer.Link link) {
            String permalink = announcer.permalink(link.channel(), link.ts());
            then(interpret(new Request.Linked(named(link.text()), permalink, asker.user(), link.question(), link.author())), asker);
        } else if (call instanceof Answer.Announce announce) {
            List<String> problems = announcer.announce(announce.posts());
            if (!problems.isEmpty()) {
                // What could not be announced, with the answer when it was kept back for this ("only if problems").
                String before = shown instanceof Answer.IfProblems kept ? kept.reply().text() + " " : "";
                send(asker.respond(), ephemeral(before + String.join(" ", problems)));
            }
        } else if (call instanceof Answer.PublishHome home) {
            announcer.publishHome(asker.user(), home.home());
        } else if (call instanceof Answer.Tell tell) {
            announcer.tell(asker.user(), tell.message());
        } else if (call instanceof Answer.Discuss discuss) {
            Announcer.Posted posted = announcer.discussionPost(asker.channel(), discuss.post());
            then(interpret(new Request.Posted(discuss.itemId(), posted.channel(), posted.ts(), posted.permalink(),
                    posted.error(), asker.user())), asker);
        } else if (call instanceof Answer.AskTeam ask) {
            Announcer.Posted posted = announcer.discussionPost(ask.channel(), ask.post());
            then(interpret(new Request.QuestionPosted(ask.questionId(), posted.channel(), posted.ts(), posted.permalink(),
                    posted.error(), asker.user())), asker);
        } else if (call instanceof Answer.Update update) {
            announcer.update(update.channel(), update.ts(), update.message());
        } else if (call instanceof Answer.Later later) {
            Reply done = interpretLater(later);
            send(asker.respond(), ActionResponse.builder().responseType("ephemeral").replaceOriginal(false)
                    .text(done.text()).blocks(done.blocks()).build());
        } else if (call instanceof Answer.Download download) {
            SlackFiles.Fetched fetched = downloads.download(download.url(), download.maxBytes());
            then(interpret(new Request.Fetched(download.name(), fetched.bytes(), fetched.problem(), asker.user())), asker);
        }
    }

    /** What an answer asked for after the ack, answered again: shown privately, its own calls made in turn. */
    private void then(Answer answer, Asker asker) {
        Reply reply = answer.reply();
        if (reply != null) {
            send(asker.respond(), ephemeral(reply.text()));
        }
        answer.after().forEach(call -> call(call, answer.shown(), asker));
    }

    /** Slow work after the ack; an apology with a reference if it fails. */
    private static Reply interpretLater(Answer.Later later) {
        try {
            return later.work().call();
        } catch (Exception e) {
            return sorry("slow work after the ack", e);
        }
    }

    /** Posts to a request's response_url; null when it has none (a click on the App Home, an event). */
    private static Responder responder(Slack slack, String responseUrl) {
        return responseUrl == null ? null : new Responder(slack, responseUrl);
    }

    /** For logs: what the request was, never what anyone typed. */
    private static String describe(Request request) {
        return request instanceof Request.Asked asked
                ? asked.from().name().toLowerCase(Locale.ROOT) + " " + asked.verb() + " by " + asked.user()
                : Request.kind(request) + " by " + request.user();
    }

    private static ActionResponse ephemeral(String mrkdwn) {
        return ActionResponse.builder().responseType("ephemeral").replaceOriginal(false).text(mrkdwn).build();
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
