package qconbot;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that trickle a byte at a time or sit idle must not hold up anyone's answer: they cost the bot a
 * connection, never a worker. (On the JDK's HTTP server, sixteen of them stopped it answering anything.)
 */
class SlowClientsTest {

    static final int IDLE = 300;
    static final int TRICKLING = 96;

    @TempDir
    Path dir;
    FakeSlackApi slack;
    Main.Bot bot;
    final List<Trickler> tricklers = new ArrayList<>();
    final List<Socket> idle = new ArrayList<>();
    Thread trickle;

    @BeforeEach
    void start() throws Exception {
        slack = new FakeSlackApi();
        bot = TestBot.with(dir, slack).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (trickle != null) {
            trickle.interrupt();
            trickle.join(2000);
        }
        for (Socket socket : idle) {
            socket.close();
        }
        for (Trickler trickler : tricklers) {
            trickler.socket.close();
        }
        bot.close();
        slack.close();
    }

    /** One connection sending a request a byte at a time: its headers, or whole headers and then its body. */
    final class Trickler {
        final byte[] bytes;
        Socket socket;
        int sent;

        Trickler(boolean headersOnly) throws IOException {
            String headers = "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n";
            String request = headersOnly ? headers + "X-Padding: " + "x".repeat(400) + "\r\n\r\n"
                    : headers + "Content-Length: 400\r\n\r\n" + "x".repeat(400);
            this.bytes = request.getBytes(StandardCharsets.US_ASCII);
            connect();
            if (!headersOnly) {
                socket.getOutputStream().write(bytes, 0, request.indexOf("\r\n\r\n") + 4);
                sent = request.indexOf("\r\n\r\n") + 4;
            }
        }

        void connect() throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", bot.port()), 2000);
            sent = 0;
        }

        /** One more byte; reconnects and starts again when the bot cut the connection, as an attacker would. */
        void next() {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(bytes[sent % bytes.length]);
                out.flush();
                sent++;
            } catch (IOException cut) {
                try {
                    socket.close();
                    connect();
                } catch (IOException ignored) {
                    // tried again on the next tick
                }
            }
        }
    }

    @Test
    void slow_and_idle_connections_do_not_hold_up_slack_or_health() throws Exception {
        for (int i = 0; i < IDLE; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", bot.port()), 2000);
            idle.add(socket);
        }
        for (int i = 0; i < TRICKLING; i++) {
            tricklers.add(new Trickler(i % 2 == 0));
        }
        // A byte from each trickler every 200 ms, until the test ends (at most 30 s).
        trickle = new Thread(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() < end) {
                tricklers.forEach(Trickler::next);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "trickle");
        trickle.start();
        Thread.sleep(500); // every trickler has started its request

        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(3)).build();
        // Twenty signed /qcon requests, one every 100 ms, each timed from when it was due.
        List<Long> millis = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String body = SlackRequests.commandBody("monzo");
            long timestamp = SlackRequests.now();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bot.port() + "/slack/events"))
                    .timeout(Duration.ofSeconds(3))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Slack-Request-Timestamp", String.valueOf(timestamp))
                    .header("X-Slack-Signature", SlackRequests.signature(SlackRequests.SECRET, timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long sent = System.nanoTime();
            answers.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> millis.add((System.nanoTime() - sent) / 1_000_000)));
            Thread.sleep(100);
        }
        long healthSent = System.nanoTime();
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + bot.port() + "/health")).timeout(Duration.ofSeconds(3)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        long healthMillis = (System.nanoTime() - healthSent) / 1_000_000;

        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.handle((r, failure) -> r).get();
            assertTrue(response != null, "every /qcon was answered (latencies so far, ms: " + millis + ")");
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("Monzo"), response.body());
        }
        long slowest = Collections.max(millis);
        assertTrue(slowest < 1000, "slowest /qcon answer took " + slowest + " ms: " + millis);
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(healthMillis < 1000, "/health took " + healthMillis + " ms");
    }
}
