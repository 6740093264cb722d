package qconbot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.response.chat.ChatGetPermalinkResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.users.UsersInfoResponse;
import com.slack.api.model.view.View;
import qconbot.commands.Answer;
import qconbot.commands.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * The bot's own posts to Slack: the announcements an answer names (a reply in each of an item's threads, a DM to a new
 * owner), a discussion post, replies in threads, forms, direct messages, the App Home. State is always committed
 * before any of this runs, so a Slack failure loses nothing; every call goes through {@link SlackCalls} (retried
 * when Slack says it did nothing, never posted twice), and what failed is said back to the person who acted.
 */
public final class Announcer {

    private final MethodsClient slack;
    private final SlackCalls calls;

    public Announcer(MethodsClient slack, SlackCalls calls) {
        this.slack = slack;
        this.calls = calls;
    }

    /** Posts each message; returns, for each one Slack would not take, its sentence and Slack's error. */
    public List<String> announce(List<Answer.Post> posts) {
        List<String> problems = new ArrayList<>();
        for (Answer.Post post : posts) {
            String error = post(post.threadTs() == null ? "direct_message" : "thread_reply",
                    () -> slack.chatPostMessage(r -> message(r.channel(post.channel()).threadTs(post.threadTs()),
                            post.message()))).error();
            if (error != null) {
                problems.add(post.failed() + " (" + error + ").");
            }
        }
        return problems;
    }

    /** A discussion post as Slack took it (its channel, ts and permalink), or Slack's {@code error}. */
    public record Posted(String channel, String ts, String permalink, String error) {
    }

    /** Posts an item to {@code channel} as the start of its discussion, and asks for the post's permalink. */
    public Posted discussionPost(String channel, Reply post) {
        SlackCalls.Result<ChatPostMessageResponse> posted = post("discussion_post",
                () -> slack.chatPostMessage(r -> r.channel(channel).text(post.text()).blocks(post.blocks())));
        if (!posted.ok()) {
            return new Posted(channel, null, null, posted.error());
        }
        String ts = posted.value().getTs();
        String postedChannel = posted.value().getChannel() != null ? posted.value().getChannel() : channel;
        return new Posted(postedChannel, ts, permalink(postedChannel, ts), null);
    }

    /** Edits a message the bot posted (a question, once answered); whether Slack took it. */
    public boolean update(String channel, String ts, Reply message) {
        return post("chat_update", () -> slack.chatUpdate(r -> r.channel(channel).ts(ts).text(message.text())
                .blocks(message.blocks()))).ok();
    }

    /** Replies in a thread, for app_mention answers. */
    public void replyInThread(String channel, String threadTs, String mrkdwn) {
        post("mention_reply", () -> slack.chatPostMessage(r -> r.channel(channel).threadTs(threadTs).text(mrkdwn)));
    }

    /** Opens a modal for the person whose click or command gave {@code triggerId} (valid for 3 s). */
    public void openForm(String triggerId, View form) {
        post("views_open", () -> slack.viewsOpen(r -> r.triggerId(triggerId).view(form)));
    }

    /** A message's permalink, or null when Slack would not give it. */
    public String permalink(String channel, String ts) {
        SlackCalls.Result<ChatGetPermalinkResponse> permalink = post("permalink",
                () -> slack.chatGetPermalink(r -> r.channel(channel).messageTs(ts)));
        return permalink.ok() ? permalink.value().getPermalink() : null;
    }

    /** A direct message to {@code user}; whether Slack took it. */
    public boolean tell(String user, Reply reply) {
        return post("direct_message", () -> slack.chatPostMessage(r -> r.channel(user).text(reply.text())
                .blocks(reply.blocks()))).ok();
    }

    public void publishHome(String user, View home) {
        post("views_publish", () -> slack.viewsPublish(r -> r.userId(user).view(home)));
    }

    /**
     * What Slack says of a user's time zone: {@code zone} as Slack has it ("Europe/London", "" when none); or
     * {@code refused}, Slack's error when it will not tell this app (missing_scope: no users:read); both null when
     * Slack could not be asked now (a timeout, Slack down: ask again later).
     */
    public record UserZone(String zone, String refused) {
    }

    public UserZone timeZone(String user) {
        SlackCalls.Result<UsersInfoResponse> info = post("users_info", () -> slack.usersInfo(r -> r.user(user)));
        if (!info.ok()) {
            boolean forGood = info.failure() != null && info.failure().kind() == SlackCalls.Kind.FATAL;
            return new UserZone(null, forGood ? info.error() : null);
        }
        return new UserZone(info.value().getUser() == null || info.value().getUser().getTz() == null ? ""
                : info.value().getUser().getTz(), null);
    }

    /** A user's name as Slack shows it (display name, else real name, else handle), or null when Slack will not say. */
    public String userName(String user) {
        SlackCalls.Result<UsersInfoResponse> info = calls.call(SlackCalls.Policy.once("users_info"),
                () -> slack.usersInfo(r -> r.user(user)));
        if (!info.ok() || info.value().getUser() == null) {
            return null;
        }
        var found = info.value().getUser();
        var profile = found.getProfile();
        for (String name : new String[] {profile == null ? null : profile.getDisplayName(),
                profile == null ? null : profile.getRealName(), found.getRealName(), found.getName()}) {
            if (name != null && !name.isBlank()) {
                return name.strip();
            }
        }
        return null;
    }

    /** A message's text, and its blocks when it has any (a plain announcement has none). */
    private static com.slack.api.methods.request.chat.ChatPostMessageRequest.ChatPostMessageRequestBuilder message(
            com.slack.api.methods.request.chat.ChatPostMessageRequest.ChatPostMessageRequestBuilder request, Reply reply) {
        return reply.blocks().isEmpty() ? request.text(reply.text()) : request.text(reply.text()).blocks(reply.blocks());
    }

    private <T> SlackCalls.Result<T> post(String what, SlackCalls.Call<T> call) {
        return calls.call(SlackCalls.Policy.announcement(what), call);
    }
}
