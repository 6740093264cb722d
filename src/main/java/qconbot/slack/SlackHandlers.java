package qconbot.slack;

import com.slack.api.app_backend.events.payload.EventsApiPayload;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.interactive_components.response.ActionResponse;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.EventContext;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.event.AppHomeOpenedEvent;
import com.slack.api.model.event.AppMentionEvent;
import com.slack.api.model.event.MessageEvent;
import com.slack.api.model.event.MessageFileShareEvent;
import com.slack.api.model.event.MessageThreadBroadcastEvent;
import com.slack.api.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import qconbot.store.ActionItems;
import qconbot.store.ActionItems.Action;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.Digests;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every Slack entry point of the bot: registered in {@link #register}, each handled by a private method below.
 * Handlers stay thin: they read the payload, ask {@link Commands} or {@link ActionItems}, answer with what
 * {@link Messages} and {@link ItemMessages} built, and leave Slack calls that may be slow until after the ack.
 */
public final class SlackHandlers {

    private static final Logger log = LoggerFactory.getLogger(SlackHandlers.class);
    /** "/qcon", or a renamed copy such as "/qcon-dev" for a second install of the app. */
    private static final Pattern QCON = Pattern.compile("^/qcon[\\w-]*$");
    private static final Pattern ITEM_ACTION = Pattern.compile("^item_(claim|unclaim|done|reopen|assign|discuss|snooze)$");
    private static final Pattern MENTION = Pattern.compile("<@([UW][A-Z0-9]{2,})(?:\\|[^>]*)?>");
    private static final Set<String> SUBCOMMANDS = Set.of("help", "talks", "agenda", "actions", "claim", "unclaim",
            "assign", "done", "reopen", "discuss", "today", "digest", "schedule", "post-now", "reload");

    private final Commands commands;
    private final ActionItems items;
    private final Announcer announcer;
    private final Daily daily;
    private final Digests digests;
    private final Metrics metrics;
    /** Runs whatever must happen after the 3-second ack: response_url posts, announcements, event work. */
    private final ExecutorService afterAck;

    public SlackHandlers(Commands commands, ActionItems items, Announcer announcer, Daily daily, Digests digests,
                         Metrics metrics, ExecutorService afterAck) {
        this.commands = commands;
        this.items = items;
        this.announcer = announcer;
        this.daily = daily;
        this.digests = digests;
        this.metrics = metrics;
        this.afterAck = afterAck;
    }

    public void register(App app) {
        app.command(QCON, this::qcon);
        app.blockAction(Messages.SHOW_TALK, this::showTalk);
        app.blockAction(Messages.SHARE_TALK, this::shareTalk);
        app.blockAction(ITEM_ACTION, this::itemAction);
        app.event(MessageEvent.class, (payload, context) -> threadReply(payload, payload.getEvent().getChannel(),
                payload.getEvent().getThreadTs(), payload.getEvent().getTs(), payload.getEvent().getUser(),
                payload.getEvent().getBotId(), context));
        app.event(MessageFileShareEvent.class, (payload, context) -> threadReply(payload, payload.getEvent().getChannel(),
                payload.getEvent().getThreadTs(), payload.getEvent().getTs(), payload.getEvent().getUser(), null, context));
        app.event(MessageThreadBroadcastEvent.class, (payload, context) -> threadReply(payload,
                payload.getEvent().getChannel(), payload.getEvent().getThreadTs(), payload.getEvent().getTs(),
                payload.getEvent().getUser(), null, context));
        app.event(AppMentionEvent.class, this::mention);
        app.event(AppHomeOpenedEvent.class, this::homeOpened);
    }

    private Response qcon(SlashCommandRequest request, SlashCommandContext context) {
        var payload = request.getPayload();
        String subcommand = subcommand(payload.getText());
        try {
            Commands.Answer answer = commands.run(payload.getText(), payload.getUserId(), "command:" + payload.getTriggerId());
            counted(answer.change());
            if (answer.change() != null && answer.change().changed()) {
                later("announce", () -> tellIfProblems(context::respond, announcer.announce(answer.change())));
            }
            if (answer.postNow()) {
                later("post-now", () -> context.respond(ephemeral(daily.postNow())));
            }
            if (answer.discuss() != null) {
                later("discuss", () -> context.respond(ephemeral(announcer.discuss(answer.discuss(), payload.getChannelId(),
                        payload.getUserId()))));
            }
            return context.ack(SlashCommandResponse.builder().responseType("ephemeral")
                    .text(answer.reply().text()).blocks(answer.reply().blocks()).build());
        } catch (Exception e) {
            String ref = reference();
            MDC.put(SlackApp.FAILED, "true");
            log.error("command {} {} failed, ref {}", payload.getCommand(), subcommand, ref, e);
            Reply sorry = sorry(ref);
            return context.ack(SlashCommandResponse.builder().responseType("ephemeral").text(sorry.text())
                    .blocks(sorry.blocks()).build());
        }
    }

    private Response showTalk(BlockActionRequest request, ActionContext context) {
        String key = actionValue(request.getPayload());
        later("show_talk", () -> {
            Reply reply = commands.show(key);
            respond(context, ActionResponse.builder().responseType("ephemeral").replaceOriginal(true)
                    .text(reply.text()).blocks(reply.blocks()).build());
        });
        return context.ack();
    }

    private Response shareTalk(BlockActionRequest request, ActionContext context) {
        String key = actionValue(request.getPayload());
        String user = request.getPayload().getUser() == null ? null : request.getPayload().getUser().getId();
        later("share_talk", () -> {
            Reply reply = commands.share(key, user);
            respond(context, ActionResponse.builder().responseType("in_channel").replaceOriginal(false)
                    .text(reply.text()).blocks(reply.blocks()).build());
        });
        return context.ack();
    }

    /** A click on an item's Claim, Unclaim, Done, Reopen, Discuss button or its "Assign to" picker. */
    private Response itemAction(BlockActionRequest request, ActionContext context) {
        BlockActionPayload payload = request.getPayload();
        BlockActionPayload.Action clicked = payload.getActions().get(0);
        ItemMessages.Target target = ItemMessages.Target.parse(clicked.getBlockId());
        String user = payload.getUser() == null ? null : payload.getUser().getId();
        if (target == null || user == null) {
            return context.ack();
        }
        // Slack retries and replays carry the same action_ts: the key makes them change nothing twice.
        String key = "click:" + user + ":" + clicked.getActionId() + ":" + clicked.getBlockId() + ":" + clicked.getActionTs();
        String verb = clicked.getActionId().substring("item_".length());
        later(clicked.getActionId(), () -> {
            if (verb.equals("discuss")) {
                discussClicked(payload, context, target, user, key);
                return;
            }
            if (verb.equals("snooze")) {
                String text = items.markHandled(key) && digests.snooze(target.itemId(), user)
                        ? "Snoozed A" + target.itemId() + " for a week: it stays out of the quiet-claims list until then."
                        : "Only the owner or an admin can snooze A" + target.itemId() + ".";
                redraw(payload, context, target, user);
                respond(context, ActionResponse.builder().responseType("ephemeral").replaceOriginal(false).text(text).build());
                return;
            }
            Action action = Action.valueOf(verb.toUpperCase(Locale.ROOT));
            String assignee = action == Action.ASSIGN ? clicked.getSelectedUser() : null;
            if (action == Action.ASSIGN && assignee == null) {
                return;
            }
            ActionItems.Result result = counted(items.act(target.itemId(), action, user, assignee, key));
            if (result.outcome() == ActionItems.Outcome.DUPLICATE) {
                return;
            }
            List<String> problems = announcer.announce(result);
            redraw(payload, context, target, user);
            boolean quietSurface = target.surface() != ItemMessages.Surface.POST && target.surface() != ItemMessages.Surface.DM
                    && target.surface() != ItemMessages.Surface.REMINDER;
            if (target.surface() != ItemMessages.Surface.HOME && (!result.changed() || !quietSurface || !problems.isEmpty())) {
                String text = ItemMessages.outcome(result) + (problems.isEmpty() ? "" : " " + String.join(" ", problems));
                respond(context, ActionResponse.builder().responseType("ephemeral").replaceOriginal(false).text(text).build());
            }
        });
        return context.ack();
    }

    private void discussClicked(BlockActionPayload payload, ActionContext context, ItemMessages.Target target,
                                String user, String key) throws Exception {
        if (!items.markHandled(key)) {
            return;
        }
        Optional<ActionItem> item = items.get(target.itemId());
        String channel = payload.getChannel() == null ? null : payload.getChannel().getId();
        String text = item.isEmpty() ? "That action item no longer exists."
                : channel == null ? "Start the discussion from a channel: `/qcon discuss " + item.get().ref() + "`."
                : announcer.discuss(item.get(), channel, user);
        respond(context, ActionResponse.builder().responseType("ephemeral").replaceOriginal(false).text(text).build());
    }

    /** Draws again the message or Home tab a click came from, so nobody sees stale state. */
    private void redraw(BlockActionPayload payload, ActionContext context, ItemMessages.Target target, String user)
            throws Exception {
        switch (target.surface()) {
            case HOME -> publishHome(user);
            case REMINDER -> {
                List<ActionItem> stillQuiet = digests.staleByOwner().getOrDefault(user, List.of());
                Reply redrawn = stillQuiet.isEmpty() ? Messages.note("All sorted. Thank you!")
                        : ItemMessages.staleReminder(stillQuiet, digests.staleAfter().toDays());
                respond(context, ActionResponse.builder().replaceOriginal(true).text(redrawn.text()).blocks(redrawn.blocks()).build());
            }
            case POST, DM -> {
                Optional<ActionItem> item = items.get(target.itemId());
                List<LayoutBlock> original = payload.getMessage() == null ? List.of() : payload.getMessage().getBlocks();
                if (item.isPresent() && original != null && !original.isEmpty()) {
                    Reply redrawn = ItemMessages.refreshed(original.get(0), item.get(), target.surface(), user);
                    respond(context, ActionResponse.builder().replaceOriginal(true).text(redrawn.text())
                            .blocks(redrawn.blocks()).build());
                }
            }
            default -> {
                Reply redrawn = commands.redraw(target, user);
                respond(context, ActionResponse.builder().responseType("ephemeral").replaceOriginal(true)
                        .text(redrawn.text()).blocks(redrawn.blocks()).build());
            }
        }
    }

    /** A reply in a thread: counted when the thread is an item's discussion, once per event. */
    private Response threadReply(EventsApiPayload<?> payload, String channel, String threadTs, String ts, String user,
                                 String botId, EventContext context) {
        if (threadTs == null || threadTs.equals(ts) || user == null || botId != null
                || user.equals(context.getBotUserId())) {
            return context.ack();
        }
        String key = "event:" + payload.getEventId();
        later("thread reply", () -> items.recordReply(key, channel, threadTs, user, slackTime(ts)));
        return context.ack();
    }

    /** "@qcon claim" and friends, inside an item's discussion thread. */
    private Response mention(EventsApiPayload<AppMentionEvent> payload, EventContext context) {
        AppMentionEvent event = payload.getEvent();
        String key = "event:" + payload.getEventId();
        String bot = context.getBotUserId();
        later("app_mention", () -> {
            String thread = event.getThreadTs() != null ? event.getThreadTs() : event.getTs();
            Optional<Long> itemId = event.getThreadTs() == null ? Optional.empty()
                    : items.itemForThread(event.getChannel(), event.getThreadTs());
            String words = MENTION.matcher(event.getText() == null ? "" : event.getText())
                    .replaceAll(match -> match.group(1).equals(bot) ? "" : match.group()).strip();
            String verb = words.isEmpty() ? "status" : words.split("\\s+")[0].toLowerCase(Locale.ROOT);
            if (itemId.isEmpty()) {
                if (items.markHandled(key)) {
                    announcer.replyInThread(event.getChannel(), thread, "I act on action items inside their discussion"
                            + " threads. `/qcon actions` lists them; `/qcon discuss A3` starts a thread.");
                }
                return;
            }
            if (verb.equals("status") || verb.equals("help")) {
                if (items.markHandled(key)) {
                    Optional<ActionItem> item = items.get(itemId.get());
                    announcer.replyInThread(event.getChannel(), thread, item.map(ItemMessages::describe)
                            .orElse("This item no longer exists.") + "\nSay `claim`, `unclaim`, `done`, `reopen` or `assign @someone`.");
                }
                return;
            }
            Action action;
            try {
                action = Action.valueOf(verb.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                if (items.markHandled(key)) {
                    announcer.replyInThread(event.getChannel(), thread,
                            "I know `claim`, `unclaim`, `done`, `reopen`, `assign @someone` and `status`.");
                }
                return;
            }
            String assignee = null;
            if (action == Action.ASSIGN) {
                Matcher other = MENTION.matcher(words);
                if (!other.find()) {
                    if (items.markHandled(key)) {
                        announcer.replyInThread(event.getChannel(), thread, "Whom to? Say `assign @someone`.");
                    }
                    return;
                }
                assignee = other.group(1);
            }
            ActionItems.Result result = counted(items.act(itemId.get(), action, event.getUser(), assignee, key));
            if (result.outcome() == ActionItems.Outcome.DUPLICATE) {
                return;
            }
            if (result.changed()) {
                announcer.announce(result); // posts the change in this thread, and in any other of the item's
            } else {
                announcer.replyInThread(event.getChannel(), thread, ItemMessages.outcome(result));
            }
        });
        return context.ack();
    }

    private Response homeOpened(EventsApiPayload<AppHomeOpenedEvent> payload, EventContext context) {
        AppHomeOpenedEvent event = payload.getEvent();
        if ("home".equals(event.getTab()) && event.getUser() != null) {
            later("app_home_opened", () -> publishHome(event.getUser()));
        }
        return context.ack();
    }

    private void publishHome(String user) throws Exception {
        announcer.publishHome(user, items.list(ActionItems.View.MINE, user), items.list(ActionItems.View.OPEN, user));
    }

    private ActionItems.Result counted(ActionItems.Result result) {
        if (result != null) {
            metrics.transition(result.action().name().toLowerCase(Locale.ROOT), result.outcome().name().toLowerCase(Locale.ROOT));
        }
        return result;
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface Respond {
        WebhookResponse respond(String text) throws Exception;
    }

    /** Runs work after the ack; a failure is logged with the handler's name, never thrown at Slack. */
    private void later(String what, Work work) {
        try {
            afterAck.execute(() -> {
                try {
                    work.run();
                } catch (Exception e) {
                    log.error("{} failed after ack", what, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.error("{} dropped: the bot is shutting down", what);
        }
    }

    private static void tellIfProblems(Respond respond, List<String> problems) throws Exception {
        if (!problems.isEmpty()) {
            respond.respond(String.join(" ", problems));
        }
    }

    private static void respond(ActionContext context, ActionResponse response) throws Exception {
        WebhookResponse answer = context.respond(response);
        if (answer.getCode() != 200) {
            log.warn("Slack answered a response_url post with HTTP {}", answer.getCode());
        }
    }

    private static SlashCommandResponse ephemeral(String mrkdwn) {
        return SlashCommandResponse.builder().responseType("ephemeral").text(mrkdwn).build();
    }

    private static String actionValue(BlockActionPayload payload) {
        List<BlockActionPayload.Action> actions = payload.getActions();
        return actions == null || actions.isEmpty() || actions.get(0).getValue() == null ? "" : actions.get(0).getValue();
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

    static Reply sorry(String ref) {
        return Messages.error("Sorry, something went wrong on my side and I could not answer that."
                + " Try again in a minute; if it keeps happening, tell whoever runs qcon-bot (ref " + ref + ").");
    }

    static String reference() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** The first word, for logs: never the rest of what was typed. */
    static String subcommand(String text) {
        String first = text == null || text.isBlank() ? "help" : text.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        return SUBCOMMANDS.contains(first) ? first : "search";
    }
}
