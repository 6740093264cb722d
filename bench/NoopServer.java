import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A server that does nothing, on 127.0.0.1, for bench/run.sh. Two uses:
 * <ul>
 * <li>{@code java bench/NoopServer.java PORT}: answers every request 200 "ok" on the JDK's HTTP server, on its
 * dispatcher thread: the floor of the harness (client, loopback, kernel), measured with the same load.</li>
 * <li>{@code java bench/NoopServer.java PORT --slack}: a fake Slack Web API that answers every method
 * {"ok":true,...} as auth.test would, so the bot and both Bolt baselines see a healthy token. It is started once
 * per bench run and is not measured.</li>
 * </ul>
 */
public final class NoopServer {

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: NoopServer PORT [--slack]");
            System.exit(2);
        }
        // The JDK's HTTP server leaves Nagle's algorithm on: it sends the headers and the body of an answer in two
        // writes, and on a kept-alive connection the body then waits for the client's delayed ACK, 40 ms on Linux.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(args[0]);
        boolean slack = args.length > 1 && "--slack".equals(args[1]);
        byte[] answer = (slack
                ? "{\"ok\":true,\"url\":\"https://bench.slack.com/\",\"team\":\"bench\",\"user\":\"qcon\","
                + "\"team_id\":\"T0BENCH\",\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\",\"is_enterprise_install\":false}"
                : "ok").getBytes(StandardCharsets.UTF_8);
        String contentType = slack ? "application/json; charset=utf-8" : "text/plain";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        server.createContext("/", exchange -> answer(exchange, answer, contentType));
        server.start();
        System.out.println("NoopServer" + (slack ? " (fake Slack API)" : "") + " on 127.0.0.1:" + port);
    }

    private static void answer(HttpExchange exchange, byte[] answer, String contentType) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.readAllBytes(); // read the request, as any server must before it answers on a kept-alive connection
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }
}
