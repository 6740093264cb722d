package qconbot.store;

import java.time.Duration;

/**
 * One deadline per request, counted from its arrival: whatever it waits for (the bot's queue, the database, a lock
 * on PostgreSQL), a change is committed only while its answer can still reach Slack, which waits 3 s from the moment
 * it sent the request. The front door sets it around the work of each request ({@link #within}); {@link Db} bounds its
 * waits by what is left, and checks it again just before COMMIT: a change too late is rolled back, and logged.
 * Work with no deadline (the schedule, start-up, the console) waits as it always did.
 */
public final class Deadline {

    /** Slack shows "this command timed out" after 3 s; the answer needs some of that to get back to it. */
    public static final Duration SLACK_WAITS = Duration.ofSeconds(3);

    private static final ThreadLocal<long[]> CURRENT = new ThreadLocal<>(); // {arrived, ends}, System.nanoTime()

    private Deadline() {
    }

    /**
     * The time after arrival a change may still commit, for work that answers Slack's {@code waits}:
     * five sixths of it (2.5 s of Slack's 3), the rest for the answer to travel back.
     */
    public static Duration forCommits(Duration waits) {
        return waits.multipliedBy(5).dividedBy(6);
    }

    /** Work that may throw, for {@link #within(long, Duration, Work)}. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    /** Runs {@code work} under the deadline {@code within} after {@code arrived} (System.nanoTime()); an outer one stays. */
    public static <T> T within(long arrived, Duration within, Work<T> work) throws Exception {
        if (CURRENT.get() != null) {
            return work.run();
        }
        CURRENT.set(new long[]{arrived, arrived + within.toNanos()});
        try {
            return work.run();
        } finally {
            CURRENT.remove();
        }
    }

    /** The same for work that throws nothing checked. */
    public static void within(long arrived, Duration within, Runnable work) {
        if (CURRENT.get() != null) {
            work.run();
            return;
        }
        CURRENT.set(new long[]{arrived, arrived + within.toNanos()});
        try {
            work.run();
        } finally {
            CURRENT.remove();
        }
    }

    /**
     * {@code wait}, or less when the deadline comes sooner; never under a millisecond (PostgreSQL reads a lock_timeout
     * of 0 as no limit at all). The check before COMMIT catches what that millisecond lets through.
     */
    static Duration bound(Duration wait) {
        long[] current = CURRENT.get();
        if (current == null) {
            return wait;
        }
        return Duration.ofNanos(Math.max(1_000_000, Math.min(wait.toNanos(), current[1] - System.nanoTime())));
    }

    /** Null while the change may still commit; else why not, for the log ("arrived 2,731 ms ago"). */
    static String passed() {
        long[] current = CURRENT.get();
        long now = System.nanoTime();
        if (current == null || now < current[1]) {
            return null;
        }
        return "the request arrived " + (now - current[0]) / 1_000_000 + " ms ago, too late for its answer to reach Slack";
    }
}
