package qconbot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatGetPermalinkResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.store.ActionItems;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.ActionItems.Result;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells Slack about action item changes: a reply in each of the item's threads, a DM to a new assignee, the
 * discussion post itself, and the App Home. State is always committed before any of this runs, so a Slack
 * failure loses nothing; a call is retried when Slack asks to slow down, and otherwise logged and reported back to
 * the person who acted.
 */
public final class Announcer {

    private static final Logger log = LoggerFactory.getLogger(Announcer.class);
    private static final String RATE_LIMITED = "ratelimited";
    private static final int ATTEMPTS = 3;

    private final MethodsClient slack;
    private final ActionItems items;

    public Announcer(MethodsClient slack, ActionItems items) {
        this.slack = slack;
        this.items = items;
    }

    /** Announces a change; returns sentences for the person who acted about anything that could not be posted. */
    public List<String> announce(Result result) {
        List<String> problems = new ArrayList<>();
        if (!result.changed()) {
            return problems;
        }
        ActionItem item = result.item();
        for (ActionItems.Thread thread : item.threads()) {
            String error = post("thread reply", () -> slack.chatPostMessage(r -> r.channel(thread.channel())
                    .threadTs(thread.ts()).text(ItemMessages.announcement(result))));
            if (error != null) {
                problems.add("I could not post the change in " + item.ref() + "'s thread (" + error + ").");
            }
        }
        if (result.action() == ActionItems.Action.ASSIGN) {
            Reply dm = ItemMessages.assigned(item, result.actor());
            String error = post("assignment DM", () -> slack.chatPostMessage(r -> r.channel(item.owner())
                    .text(dm.text()).blocks(dm.blocks())));
            if (error != null) {
                problems.add("I could not send " + ItemMessages.who(item.owner()) + " a direct message about it (" + error + ").");
            }
        }
        return problems;
    }

    /**
     * Posts the item to the channel as the start of its discussion, once per item and channel. Returns the sentence
     * to show the person who asked.
     */
    public String discuss(ActionItem item, String channel, String user) throws SQLException {
        var existing = items.threadIn(item.id(), channel);
        if (existing.isPresent()) {
            return item.ref() + " is already being discussed here" + link(existing.get().permalink()) + ".";
        }
        Reply post = ItemMessages.discussionPost(item, user);
        ChatPostMessageResponse[] posted = new ChatPostMessageResponse[1];
        String error = post("discussion post", () -> {
            posted[0] = slack.chatPostMessage(r -> r.channel(channel).text(post.text()).blocks(post.blocks()));
            return posted[0];
        });
        if (error != null) {
            return "not_in_channel".equals(error) || "channel_not_found".equals(error)
                    ? "I am not in this channel, so I cannot start the discussion here. Invite me with `/invite @qcon`, then try again."
                    : "Slack would not take the discussion post (" + error + "). Try again in a minute.";
        }
        String ts = posted[0].getTs();
        String postedChannel = posted[0].getChannel() != null ? posted[0].getChannel() : channel;
        ChatGetPermalinkResponse[] permalink = new ChatGetPermalinkResponse[1];
        post("permalink", () -> {
            permalink[0] = slack.chatGetPermalink(r -> r.channel(postedChannel).messageTs(ts));
            return permalink[0];
        });
        String url = permalink[0] != null && permalink[0].isOk() ? permalink[0].getPermalink() : null;
        ActionItems.Thread thread = items.recordThread(item.id(), postedChannel, ts, url);
        return "Posted " + item.ref() + " for discussion" + link(thread.permalink()) + ". Replies in its thread are counted on the item.";
    }

    /** Replies in a thread, for app_mention answers. */
    public void replyInThread(String channel, String threadTs, String mrkdwn) {
        post("mention reply", () -> slack.chatPostMessage(r -> r.channel(channel).threadTs(threadTs).text(mrkdwn)));
    }

    public void publishHome(String user, List<ActionItem> mine, List<ActionItem> open) {
        post("views.publish", () -> slack.viewsPublish(r -> r.userId(user).view(ItemMessages.home(mine, open, user))));
    }

    private static String link(String permalink) {
        return permalink != null && permalink.startsWith("https://") ? ": <" + Messages.escape(permalink) + "|open the thread>" : "";
    }

    @FunctionalInterface
    private interface Call {
        SlackApiTextResponse run() throws IOException, SlackApiException;
    }

    /**
     * Runs a Web API call; returns null on success, else what went wrong. Retried only when Slack says it did
     * nothing (HTTP 429, ok:false ratelimited): after a 5xx, a timeout or a dropped connection the message may have
     * been posted, and a second copy in someone's DMs is worse than telling the person who acted.
     */
    private String post(String what, Call call) {
        String error = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long waitMillis = 500L * attempt;
            try {
                SlackApiTextResponse response = call.run();
                if (response.isOk()) {
                    return null;
                }
                error = response.getError();
                if (!RATE_LIMITED.equals(error)) {
                    break;
                }
            } catch (SlackApiException e) {
                error = "HTTP " + e.getResponse().code();
                String retryAfter = e.getResponse().header("Retry-After");
                if (retryAfter != null && retryAfter.matches("\\d{1,4}")) {
                    waitMillis = Math.min(30_000, Long.parseLong(retryAfter) * 1000);
                }
                if (e.getResponse().code() != 429) {
                    break;
                }
            } catch (IOException e) {
                error = e instanceof java.io.InterruptedIOException ? "timed out" : "connection failed";
                break;
            }
            if (attempt < ATTEMPTS) {
                try {
                    Thread.sleep(waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        log.warn("Slack {} failed: {}", what, error);
        return error;
    }
}
