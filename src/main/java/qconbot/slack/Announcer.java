package qconbot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.response.chat.ChatGetPermalinkResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.users.UsersInfoResponse;
import com.slack.api.model.view.View;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.commands.ItemMessages;
import qconbot.commands.Messages;
import qconbot.commands.Reply;
import qconbot.store.ActionItems;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.ActionItems.Result;
import qconbot.store.Digests;

import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tells Slack about action items: a reply in each of an item's threads when it changes, a DM to a new assignee, the
 * discussion post itself, the App Home, and the weekly reminder about quiet claims. State is always committed
 * before any of this runs, so a Slack failure loses nothing; every call goes through {@link SlackCalls} (retried
 * when Slack says it did nothing, never posted twice), and what failed is reported back to the person who acted.
 */
public final class Announcer {

    private static final Logger log = LoggerFactory.getLogger(Announcer.class);

    private final MethodsClient slack;
    private final ActionItems items;
    private final SlackCalls calls;

    public Announcer(MethodsClient slack, ActionItems items, SlackCalls calls) {
        this.slack = slack;
        this.items = items;
        this.calls = calls;
    }

    /** Announces a change; returns sentences for the person who acted about anything that could not be posted. */
    public List<String> announce(Result result) {
        List<String> problems = new ArrayList<>();
        if (result == null || !result.changed()) {
            return problems;
        }
        ActionItem item = result.item();
        for (ActionItems.Thread thread : item.threads()) {
            String error = post("thread_reply", () -> slack.chatPostMessage(r -> r.channel(thread.channel())
                    .threadTs(thread.ts()).text(ItemMessages.announcement(result)))).error();
            if (error != null) {
                problems.add("I could not post the change in " + item.ref() + "'s thread (" + error + ").");
            }
        }
        if (result.action() == ActionItems.Action.ASSIGN) {
            Reply dm = ItemMessages.assigned(item, result.actor());
            String error = post("assignment_dm", () -> slack.chatPostMessage(r -> r.channel(item.owner())
                    .text(dm.text()).blocks(dm.blocks()))).error();
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
        SlackCalls.Outcome<ChatPostMessageResponse> posted = post("discussion_post",
                () -> slack.chatPostMessage(r -> r.channel(channel).text(post.text()).blocks(post.blocks())));
        if (!posted.ok()) {
            return "not_in_channel".equals(posted.error()) || "channel_not_found".equals(posted.error())
                    ? "I am not in this channel, so I cannot start the discussion here. Invite me with `/invite @qcon`, then try again."
                    : "Slack would not take the discussion post (" + posted.error() + "). Try again in a minute.";
        }
        String ts = posted.value().getTs();
        String postedChannel = posted.value().getChannel() != null ? posted.value().getChannel() : channel;
        SlackCalls.Outcome<ChatGetPermalinkResponse> permalink = post("permalink",
                () -> slack.chatGetPermalink(r -> r.channel(postedChannel).messageTs(ts)));
        ActionItems.Thread thread = items.recordThread(item.id(), postedChannel, ts,
                permalink.ok() ? permalink.value().getPermalink() : null);
        return "Posted " + item.ref() + " for discussion" + link(thread.permalink()) + ". Replies in its thread are counted on the item.";
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
        SlackCalls.Outcome<ChatGetPermalinkResponse> permalink = post("permalink",
                () -> slack.chatGetPermalink(r -> r.channel(channel).messageTs(ts)));
        return permalink.ok() ? permalink.value().getPermalink() : null;
    }

    /** A direct message to {@code user}. */
    public void tell(String user, Reply reply) {
        post("direct_message", () -> slack.chatPostMessage(r -> r.channel(user).text(reply.text()).blocks(reply.blocks())));
    }

    public void publishHome(String user, View home) {
        post("views_publish", () -> slack.viewsPublish(r -> r.userId(user).view(home)));
    }

    /**
     * At most one direct message a week to each owner of quiet claims, at about 09:30 on a working day in the owner's
     * own time zone: called every {@link #REMIND_EVERY}, it reminds those whose local time is in [09:30, 09:45).
     */
    public void remindQuietOwners(Digests digests, Instant now, ZoneId fallback) {
        try {
            for (Map.Entry<String, List<ActionItem>> owned : digests.staleByOwner().entrySet()) {
                ZoneId zone = owned.getKey() == null ? null : zoneOf(digests, owned.getKey(), fallback);
                if (zone == null || !morning(now.atZone(zone))) {
                    continue;
                }
                if (digests.takeReminder(owned.getKey())) {
                    Reply reminder = ItemMessages.staleReminder(owned.getValue(), digests.staleAfter().toDays());
                    post("stale_reminder", () -> slack.chatPostMessage(r -> r.channel(owned.getKey())
                            .text(reminder.text()).blocks(reminder.blocks())));
                }
            }
        } catch (SQLException e) {
            log.warn("stale reminders failed: {}", e.toString());
        }
    }

    /** When reminders go out: 09:30 local time, on working days. */
    public static final LocalTime MORNING = LocalTime.of(9, 30);
    /** How often the bot looks for owners whose morning it is: each one's 09:30 falls in exactly one look. */
    public static final Duration REMIND_EVERY = Duration.ofMinutes(15);

    private static boolean morning(ZonedDateTime local) {
        LocalTime time = local.toLocalTime();
        return local.getDayOfWeek() != DayOfWeek.SATURDAY && local.getDayOfWeek() != DayOfWeek.SUNDAY
                && !time.isBefore(MORNING) && time.isBefore(MORNING.plus(REMIND_EVERY));
    }

    /**
     * {@code user}'s time zone: from users.info the first time, then as kept; the bot's own zone when Slack has none.
     * Null when Slack could not be asked now (asked again at the next look).
     */
    private ZoneId zoneOf(Digests digests, String user, ZoneId fallback) throws SQLException {
        String known = digests.zoneOf(user);
        if (known == null) {
            SlackCalls.Outcome<UsersInfoResponse> info = post("users_info", () -> slack.usersInfo(r -> r.user(user)));
            if (!info.ok()) {
                return null;
            }
            known = info.value().getUser() == null || info.value().getUser().getTz() == null ? "" : info.value().getUser().getTz();
            digests.rememberZone(user, known.isEmpty() ? null : known);
        }
        try {
            return known.isEmpty() ? fallback : ZoneId.of(known);
        } catch (DateTimeException unknown) {
            return fallback;
        }
    }

    private static String link(String permalink) {
        return permalink != null && permalink.startsWith("https://") ? ": <" + Messages.escape(permalink) + "|open the thread>" : "";
    }

    private <T> SlackCalls.Outcome<T> post(String what, SlackCalls.Call<T> call) {
        return calls.call(SlackCalls.Policy.announcement(what), call);
    }
}
