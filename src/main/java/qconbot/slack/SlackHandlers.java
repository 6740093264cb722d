package qconbot.slack;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.interactive_components.response.ActionResponse;
import com.slack.api.app_backend.slash_commands.response.SlashCommandResponse;
import com.slack.api.webhook.WebhookResponse;
import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;

/**
 * Every Slack entry point of the bot: registered in {@link #register}, each handled by a private method below.
 * Handlers stay thin: they read the payload, ask {@link Commands}, and answer with what {@link Messages} built.
 */
public final class SlackHandlers {

    private static final Logger log = LoggerFactory.getLogger(SlackHandlers.class);
    /** "/qcon", or a renamed copy such as "/qcon-dev" for a second install of the app. */
    private static final Pattern QCON = Pattern.compile("^/qcon[\\w-]*$");

    private static final Set<String> SUBCOMMANDS = Set.of("help", "talks", "agenda");

    private final Commands commands;
    /** Runs whatever must happen after the 3-second ack, such as posting through a response_url. */
    private final ExecutorService afterAck;

    public SlackHandlers(Commands commands, ExecutorService afterAck) {
        this.commands = commands;
        this.afterAck = afterAck;
    }

    public void register(App app) {
        app.command(QCON, this::qcon);
        app.blockAction(Messages.SHOW_TALK, this::showTalk);
        app.blockAction(Messages.SHARE_TALK, this::shareTalk);
    }

    private Response qcon(SlashCommandRequest request, SlashCommandContext context) {
        long started = System.nanoTime();
        String subcommand = subcommand(request.getPayload().getText());
        try {
            Reply reply = commands.run(request.getPayload().getText());
            log.info("command {} {} ok in {} ms", request.getPayload().getCommand(), subcommand, millisSince(started));
            return context.ack(ephemeral(reply));
        } catch (Exception e) {
            String ref = reference();
            log.error("command {} {} failed, ref {}", request.getPayload().getCommand(), subcommand, ref, e);
            return context.ack(ephemeral(sorry(ref)));
        }
    }

    private Response showTalk(BlockActionRequest request, ActionContext context) {
        String key = actionValue(request.getPayload());
        later("show_talk", () -> {
            Reply reply = commands.show(key);
            return context.respond(ActionResponse.builder().responseType("ephemeral").replaceOriginal(true)
                    .text(reply.text()).blocks(reply.blocks()).build());
        });
        return context.ack();
    }

    private Response shareTalk(BlockActionRequest request, ActionContext context) {
        String key = actionValue(request.getPayload());
        String user = request.getPayload().getUser() == null ? null : request.getPayload().getUser().getId();
        later("share_talk", () -> {
            Reply reply = commands.share(key, user);
            return context.respond(ActionResponse.builder().responseType("in_channel").replaceOriginal(false)
                    .text(reply.text()).blocks(reply.blocks()).build());
        });
        return context.ack();
    }

    @FunctionalInterface
    private interface Responding {
        WebhookResponse call() throws Exception;
    }

    /** Answers through the response_url after the ack; a failure is logged with what Slack said. */
    private void later(String action, Responding work) {
        try {
            afterAck.execute(() -> {
                try {
                    WebhookResponse response = work.call();
                    if (response.getCode() != 200) {
                        log.warn("action {}: Slack answered the response_url with HTTP {}: {}", action,
                                response.getCode(), response.getMessage());
                    }
                } catch (Exception e) {
                    log.error("action {} failed after ack", action, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.error("action {} dropped: the bot is shutting down", action);
        }
    }

    private static String actionValue(BlockActionPayload payload) {
        List<BlockActionPayload.Action> actions = payload.getActions();
        return actions == null || actions.isEmpty() || actions.get(0).getValue() == null ? "" : actions.get(0).getValue();
    }

    private static SlashCommandResponse ephemeral(Reply reply) {
        return SlashCommandResponse.builder().responseType("ephemeral").text(reply.text()).blocks(reply.blocks()).build();
    }

    static Reply sorry(String ref) {
        return Messages.error("Sorry, something went wrong on my side and I could not answer that."
                + " Try again in a minute; if it keeps happening, tell whoever runs qcon-bot (ref " + ref + ").");
    }

    static String reference() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** The first word, for logs: never the rest of what was typed. */
    private static String subcommand(String text) {
        String first = text == null || text.isBlank() ? "help" : text.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        return SUBCOMMANDS.contains(first) ? first : "search";
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
