package qconbot.commands;

import qconbot.notes.Talk;
import qconbot.store.DailyPosts.Post;
import qconbot.store.Digests.Digest;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * What the talk of the day tells /qcon today, digest, schedule and post-now: data, drawn by {@link Messages}.
 * Implemented by {@code schedule.TalkOfTheDay}; an interface here only so that dependencies point one way (the
 * scheduler uses these messages, never the reverse).
 */
public interface Daily {

    /** The talk posted today, or (postedAt null) the next one due: at {@code due}, when a post is scheduled. */
    record Today(Talk talk, Instant postedAt, Instant due, boolean scheduled) {
    }

    /** The next post as it would look now; {@code channel} null when nothing is scheduled. */
    record Preview(Talk talk, Digest digest, long staleDays, Instant due, String channel) {
    }

    /** {@code channel} null when the talk of the day is off; {@code last} and {@code next} null when there is none. */
    record Status(String channel, String inWords, String expression, String zone, Post last, Instant next,
                  long givenUp) {
    }

    /** What post-now did: {@code channel} null when there is no digest channel, {@code post} null with no talks. */
    record PostNow(String channel, Post post) {
    }

    /** Empty when there are no talks at all. */
    Optional<Today> today() throws SQLException;

    /** Empty when there are no talks at all. */
    Optional<Preview> preview() throws SQLException;

    Status status() throws SQLException;

    /** Posts the next talk now, outside the schedule (slow: Slack calls, retried). */
    PostNow postNow() throws SQLException;
}
