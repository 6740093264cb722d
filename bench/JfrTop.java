import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Summarises a JFR recording's CPU samples for docs/PERFORMANCE.md: {@code java bench/JfrTop.java FILE.jfr [N]}.
 * Prints the N methods most often on top of a sampled stack (self time), the N methods most often anywhere on it
 * (total time, each counted once per sample), and the share of samples by area, from the first frame of each
 * stack that belongs to a known area (SQLite, Bolt, JSON, logging...). Also the allocation and GC totals.
 * JFR samples threads running Java code only: time inside native code (SQLite's C, the kernel) is not in these
 * samples; LoadGen's --threads shows CPU time per thread, which has it.
 */
public final class JfrTop {

    /** Package prefixes, most specific first; a sample goes to the first area any of its frames is in, from the top. */
    static final List<String[]> AREAS = List.of(
            new String[] {"org.sqlite.", "SQLite (JDBC + native FTS5)"},
            new String[] {"qconbot.search.", "qcon search (typo mending, FTS queries)"},
            new String[] {"qconbot.notes.EditDistance", "qcon search (typo mending, FTS queries)"},
            new String[] {"qconbot.slack.SlackApp$Utf8Signature", "HMAC (signature check)"},
            new String[] {"qconbot.slack.SlackApp$RequestLog", "qcon RequestLog middleware (log line, timer)"},
            new String[] {"qconbot.slack.Metrics", "metrics (Micrometer)"},
            new String[] {"qconbot.slack.BoltHttpServer", "qcon HTTP adapter (BoltHttpServer)"},
            new String[] {"qconbot.store.", "qcon store (SQL)"},
            new String[] {"qconbot.slack.Messages", "qcon Block Kit (Messages)"},
            new String[] {"ch.qos.logback.", "logging (Logback)"},
            new String[] {"org.slf4j.", "logging (SLF4J)"},
            new String[] {"io.micrometer.", "metrics (Micrometer)"},
            new String[] {"com.google.gson.", "JSON (Gson, Bolt's)"},
            new String[] {"com.fasterxml.jackson.", "JSON (Jackson)"},
            new String[] {"com.slack.api.app_backend.", "Slack signature / payload parsing"},
            new String[] {"com.slack.api.bolt.", "Bolt (routing, middleware)"},
            new String[] {"qconbot.", "qcon (other)"},
            new String[] {"javax.crypto.", "HMAC (signature check)"},
            new String[] {"com.sun.crypto.", "HMAC (signature check)"},
            new String[] {"sun.security.", "HMAC (signature check)"},
            new String[] {"sun.net.httpserver.", "JDK HTTP server"},
            new String[] {"sun.nio.", "NIO / sockets"},
            new String[] {"java.net.", "URL decoding / sockets"},
            new String[] {"java.util.regex.", "regex"});

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop FILE.jfr [N]");
            System.exit(2);
        }
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> areas = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        long samples = 0;
        long allocatedBytes = 0;
        long gcCount = 0;
        double gcMillis = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                switch (type) {
                    case "jdk.ExecutionSample" -> {
                        RecordedStackTrace stack = event.getStackTrace();
                        if (stack == null || stack.getFrames().isEmpty()) {
                            continue;
                        }
                        samples++;
                        List<RecordedFrame> frames = stack.getFrames();
                        self.merge(name(frames.get(0)), 1, Integer::sum);
                        Set<String> seen = new HashSet<>();
                        String area = null;
                        for (RecordedFrame frame : frames) {
                            String name = name(frame);
                            if (seen.add(name)) {
                                total.merge(name, 1, Integer::sum);
                            }
                            if (area == null) {
                                area = area(frame.getMethod().getType().getName());
                            }
                        }
                        areas.merge(area == null ? "other (JDK, JIT-compiled glue)" : area, 1, Integer::sum);
                        var thread = event.getThread("sampledThread");
                        String threadName = thread == null ? "?" : thread.getJavaName();
                        threads.merge(threadName == null ? "?" : threadName.replaceAll("-\\d+$", "-N"), 1, Integer::sum);
                    }
                    case "jdk.ObjectAllocationSample" -> allocatedBytes += event.getLong("weight");
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        gcMillis += event.getDuration().toNanos() / 1e6;
                    }
                    default -> {
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d CPU samples in %s%n", samples, args[0]);
        print("By area (first known frame from the top of each sample)", areas, samples, limit);
        print("By thread", threads, samples, limit);
        print("Self (top frame)", self, samples, limit);
        print("Total (anywhere on the stack)", total, samples, limit);
        System.out.printf(Locale.ROOT, "%nAllocation (sampled estimate): %.0f MB; GC: %d collections, %.0f ms in all%n",
                allocatedBytes / 1e6, gcCount, gcMillis);
    }

    static String name(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    static String area(String className) {
        for (String[] area : AREAS) {
            if (className.startsWith(area[0])) {
                return area[1];
            }
        }
        return null;
    }

    static void print(String title, Map<String, Integer> counts, long samples, int limit) {
        System.out.printf("%n%s%n", title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %6d  %s%n", 100.0 * e.getValue() / samples, e.getValue(), e.getKey()));
    }
}
