import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many claims a second bots sustain (issue 14): one writer per action item (A1..A7 of the shipped notes), each
 * in a closed loop claiming then unclaiming its item as fast as answers come, requests spread round-robin over the
 * given bots (replicas on one database). Every request is a change; only answers that say it was made count.
 *
 *   java bench/Claims.java --ports 4001,4002 --secret S --duration 20 --warmup 5
 *
 * Prints one line: changes a second, p50 and p99 of a change in ms, and requests that were refused or failed.
 * Everything goes to 127.0.0.1; every request has a 5 s timeout and the run ends after warmup + duration.
 */
public final class Claims {

    public static void main(String[] args) throws Exception {
        List<Integer> ports = new ArrayList<>();
        String secret = null;
        int duration = 20;
        int warmup = 5;
        int writers = 7;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--ports" -> Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).forEach(ports::add);
                case "--secret" -> secret = args[i + 1];
                case "--duration" -> duration = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--writers" -> writers = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (ports.isEmpty() || secret == null) {
            throw new IllegalArgumentException("usage: --ports P1,P2 --secret S [--duration 20 --warmup 5 --writers 7]");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long start = System.nanoTime();
        long measureFrom = start + Duration.ofSeconds(warmup).toNanos();
        long end = measureFrom + Duration.ofSeconds(duration).toNanos();
        AtomicLong next = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> firstRefusal = new java.util.concurrent.atomic.AtomicReference<>();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        String key = secret;
        for (int w = 0; w < writers; w++) {
            long[] mine = new long[2_000_000];
            latencies.add(mine);
            String item = "A" + (w + 1);
            String user = "U0BENCH" + w;
            Thread thread = new Thread(() -> {
                int count = 0;
                boolean claim = true;
                while (System.nanoTime() < end) {
                    String verb = claim ? "claim" : "unclaim";
                    int port = ports.get((int) (next.getAndIncrement() % ports.size()));
                    long sent = System.nanoTime();
                    boolean done;
                    try {
                        HttpResponse<String> answer = http.send(request(port, key, verb + " " + item, user),
                                HttpResponse.BodyHandlers.ofString());
                        done = answer.statusCode() == 200 && answer.body().contains("You " + verb + "ed");
                        if (!done && firstRefusal.compareAndSet(null, answer.statusCode() + " " + answer.body())) {
                            System.err.println("claims: first answer that was not a change: " + firstRefusal.get());
                        }
                    } catch (Exception e) {
                        done = false;
                    }
                    long took = System.nanoTime() - sent;
                    if (done) {
                        claim = !claim;
                        if (sent >= measureFrom && System.nanoTime() <= end && count < mine.length - 1) {
                            mine[++count] = took;
                        }
                    } else if (sent >= measureFrom) {
                        refused.incrementAndGet();
                    }
                }
                mine[0] = count;
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(warmup + duration + 30).toMillis());
        }
        List<Long> all = new ArrayList<>();
        for (long[] mine : latencies) {
            for (int i = 1; i <= mine[0]; i++) {
                all.add(mine[i]);
            }
        }
        all.sort(null);
        double p50 = all.isEmpty() ? 0 : all.get(all.size() / 2) / 1e6;
        double p99 = all.isEmpty() ? 0 : all.get(Math.min(all.size() - 1, (int) (all.size() * 0.99))) / 1e6;
        System.out.printf("claims: bots=%d writers=%d changes/s=%.0f p50=%.2fms p99=%.2fms refused=%d%n",
                ports.size(), writers, all.size() / (double) duration, p50, p99, refused.get());
    }

    /** Slack gives every command a new trigger id, and the bot handles one id once. */
    private static final AtomicLong TRIGGERS = new AtomicLong(System.currentTimeMillis());

    private static HttpRequest request(int port, String secret, String text, String user) throws Exception {
        String body = "command=%2Fqcon&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8) + "&user_id=" + user
                + "&user_name=bench&channel_id=C0BENCH&team_id=T0BENCH&trigger_id=" + TRIGGERS.incrementAndGet() + ".2.3"
                + "&response_url=" + URLEncoder.encode("http://127.0.0.1:9/unused", StandardCharsets.UTF_8);
        long timestamp = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body)
                .getBytes(StandardCharsets.UTF_8)));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slack/events"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", String.valueOf(timestamp))
                .header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
