package qconbot.slack;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.slack.api.Slack;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import qconbot.SlackRequests;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bot's queue in front of its workers, on a real Jetty and a real Bolt app whose /qcon handler waits until the
 * test lets it go: a full queue answers 503 at once, and a request that waited too long is dropped, not run late.
 */
class BoltHttpServerTest {

    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger handled = new AtomicInteger();
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(BoltHttpServer.class);
    BoltHttpServer server;
    SlackRequests requests;

    @BeforeEach
    void listen() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void stop() {
        release.countDown();
        logger.detachAppender(log);
        if (requests != null) {
            requests.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** One worker, a queue of one, requests dropped after 300 ms in the queue, bodies due within 300 ms. */
    void start(long bodies) throws Exception {
        App app = new App(AppConfig.builder().signingSecret(SlackRequests.SECRET).singleTeamBotToken("xoxb-test").build(),
                Slack.getInstance(), List.of());
        app.command("/qcon", (request, context) -> {
            handled.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return context.ack("done: " + request.getPayload().getText());
        });
        app.start();
        BoltHttpServer.Limits limits = new BoltHttpServer.Limits(1, 1, Duration.ofMillis(300), 100, bodies,
                Duration.ofMillis(300), Duration.ofSeconds(5));
        server = new BoltHttpServer(app, SlackRequests.SECRET, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null, limits, () -> new BoltHttpServer.Health(200, "{}"), () -> "").start();
        requests = new SlackRequests(server.port());
    }

    CompletableFuture<HttpResponse<String>> command(String text) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return requests.command(text);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }

    @Test
    void a_full_queue_answers_503_at_once_and_a_request_that_waited_too_long_is_dropped() throws Exception {
        start(BoltHttpServer.MAX_BODY);
        CompletableFuture<HttpResponse<String>> first = command("first");
        waitFor(() -> handled.get() == 1); // the only worker is busy with it
        CompletableFuture<HttpResponse<String>> second = command("second"); // waits in the queue
        Thread.sleep(100);

        long sent = System.nanoTime();
        HttpResponse<String> third = requests.command("third");
        long thirdMillis = (System.nanoTime() - sent) / 1_000_000;
        assertEquals(503, third.statusCode(), third.body());
        assertTrue(thirdMillis < 500, "a full queue answered in " + thirdMillis + " ms");

        Thread.sleep(400); // the second has now waited longer than the queue allows
        release.countDown();
        assertEquals(200, first.get(5, TimeUnit.SECONDS).statusCode());
        HttpResponse<String> dropped = second.get(5, TimeUnit.SECONDS);
        assertEquals(503, dropped.statusCode(), dropped.body());
        assertEquals(1, handled.get(), "the dropped request never reached the handler");
        assertTrue(log.list.stream().map(ILoggingEvent::getFormattedMessage)
                        .anyMatch(line -> line.startsWith("Dropped POST /slack/events after it waited")),
                "a log line names the dropped request: " + log.list);
    }

    @Test
    void a_body_that_does_not_arrive_in_time_is_cut_off_with_408() throws Exception {
        start(BoltHttpServer.MAX_BODY);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nx")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long sent = System.nanoTime();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            long millis = (System.nanoTime() - sent) / 1_000_000;
            assertEquals("HTTP/1.1 408", answer);
            assertTrue(millis < 2000, "cut off after " + millis + " ms");
        }
        assertEquals(0, handled.get());
    }

    @Test
    void bodies_arriving_at_once_beyond_the_memory_budget_get_503() throws Exception {
        start(1000); // room for one 1,000-byte body at a time
        try (Socket slow = new Socket()) {
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            slow.getOutputStream().write(("POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nx")
                    .getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            Thread.sleep(100); // its 1,000 bytes are promised
            HttpResponse<String> refused = requests.command("monzo");
            assertEquals(503, refused.statusCode(), refused.body());
        }
        Thread.sleep(400); // the slow body has been cut off and its bytes given back
        release.countDown();
        HttpResponse<String> answered = requests.command("monzo");
        assertEquals(200, answered.statusCode(), answered.body());
        assertTrue(answered.body().contains("done: monzo"), answered.body());
    }
}
