package qconbot.slack;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Work after the ack that cannot be taken or finished is logged by name, read here from the real log. */
class AfterAckTest {

    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(AfterAck.class);

    @BeforeEach
    void listen() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(log);
    }

    List<String> lines() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void a_full_queue_refuses_at_once_and_says_what_was_not_done() throws Exception {
        AfterAck pool = new AfterAck("test", 1, 1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        pool.run("first", () -> {
            release.await(5, TimeUnit.SECONDS);
            done.incrementAndGet();
        });
        pool.run("second", done::incrementAndGet);
        pool.run("third", done::incrementAndGet);
        release.countDown();
        pool.close(Duration.ofSeconds(5));

        assertEquals(2, done.get());
        assertEquals(List.of("Not done: third (test queue full)"), lines());
    }

    @Test
    void stopping_names_what_was_running_and_what_was_still_queued() throws Exception {
        AfterAck pool = new AfterAck("test", 1, 10);
        CountDownLatch started = new CountDownLatch(1);
        pool.run("DM to U0BOB about A1", () -> {
            started.countDown();
            Thread.sleep(10_000);
        });
        pool.run("thread reply for A2", () -> { });
        started.await(5, TimeUnit.SECONDS);

        long began = System.nanoTime();
        pool.close(Duration.ofMillis(200));

        assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(2), "waits what it was given, no more");
        assertEquals(List.of("Not finished at shutdown: DM to U0BOB about A1 (test)",
                "Not done at shutdown: thread reply for A2 (test)"), lines());
        pool.run("after the stop", () -> { });
        assertEquals("Not done: after the stop (test stopping)", lines().get(2));
    }
}
