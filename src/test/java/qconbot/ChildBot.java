package qconbot;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** The bot as a process of its own, for what only a process shows: locale, exit codes, SIGTERM, SIGKILL. */
final class ChildBot {

    private ChildBot() {
    }

    /**
     * {@code java -cp <test classpath> qconbot.Main args} with only PATH, an empty config file and {@code env} in its
     * environment, so neither the developer's variables nor config/qcon.env leak in.
     */
    static ProcessBuilder command(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "qconbot.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Path emptyConfig = dir.resolve("empty.env");
        if (Files.notExists(emptyConfig)) {
            Files.writeString(emptyConfig, "");
        }
        builder.environment().put(Config.QCON_CONFIG, emptyConfig.toString());
        builder.environment().putAll(env);
        return builder;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits, at most 60 s, for GET /health to answer 200; fails at once if the process dies. */
    static void awaitHealthy(SlackRequests requests, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the bot exited with " + process.exitValue());
            }
            try {
                if (requests.get("/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        fail("no healthy bot within 60 s");
    }
}
