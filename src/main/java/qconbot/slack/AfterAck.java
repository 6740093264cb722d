package qconbot.slack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool for Slack calls made after the ack, with a bounded queue. The bot has two, so that a slow DM or thread
 * reply never delays anyone's answer: one for response_url posts (answers, redraws), one for announcements. Work it
 * cannot take (a full queue) or cannot finish (the bot stopping) is logged by name, never dropped silently.
 */
public final class AfterAck {

    private static final Logger log = LoggerFactory.getLogger(AfterAck.class);

    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    /** A task that says what it is, so what was left undone can be named. */
    private record Task(String what, Work work, Set<String> running) implements Runnable {
        @Override
        public void run() {
            running.add(what);
            try {
                work.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopped at shutdown, and named there
            } catch (Exception e) {
                log.error("{} failed after the ack", what, e);
            } finally {
                running.remove(what);
            }
        }

        @Override
        public String toString() {
            return what;
        }
    }

    private final String name;
    private final ThreadPoolExecutor pool;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public AfterAck(String name, int threads, int queue) {
        this.name = name;
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                runnable -> {
                    Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Queues work; when the queue is full or the bot is stopping, logs what is not done and returns. */
    public void run(String what, Work work) {
        try {
            pool.execute(new Task(what, work, running));
        } catch (RejectedExecutionException e) {
            log.error("Not done: {} ({} {})", what, name, pool.isShutdown() ? "stopping" : "queue full");
        }
    }

    /** Takes no more work. */
    public void stop() {
        pool.shutdown();
    }

    /** Waits until {@code deadline} (System.nanoTime) for the work taken, then names what is left undone. */
    public void finish(long deadline) {
        try {
            if (pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return;
            }
            List<String> unfinished = List.copyOf(running);
            List<Runnable> queued = pool.shutdownNow();
            unfinished.forEach(what -> log.error("Not finished at shutdown: {} ({})", what, name));
            queued.forEach(task -> log.error("Not done at shutdown: {} ({})", task, name));
            pool.awaitTermination(1, TimeUnit.SECONDS); // the interrupted ones unwind
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    /** Waits up to {@code wait} for the work taken; names what is left undone. */
    public void close(Duration wait) {
        stop();
        finish(System.nanoTime() + wait.toNanos());
    }
}
