package qconbot.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import qconbot.notes.Bullet;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.notes.Talk;
import qconbot.search.TalkSearch;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One /qcon search at a time over a generated corpus of 20, 1,000 or 10,000 talks, as the bot does it: TalkSearch
 * over a real SQLite file, talks and bullets read back for the results. SampleTime gives p50 and p99 per query.
 *
 * <p>Each mix is 16 queries taken from the corpus itself (so they mean the same at every size), rotated:
 * <ul>
 *   <li>title: one word of a talk's title, as typed;</li>
 *   <li>multi: a title word and a word of the same talk's bullets;</li>
 *   <li>typo: a word of the notes, 4 to 11 letters, with two letters swapped or one changed, checked to be
 *       mended (so every query pays for typo mending);</li>
 *   <li>nomatch: made-up words that match nothing and have no close word, the slowest path (every word is tried
 *       against the vocabulary and split in two).</li>
 *   <li>question: "what does {a title word} say about {two words of one of its points}": the talk search plus the
 *       ranking of the points of up to 8 talks (issue 12).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SearchBenchmark {

    private static final int QUERIES = 16;

    @Param({"20", "1000", "10000"})
    public int talks;

    @Param({"title", "multi", "typo", "nomatch", "question"})
    public String mix;

    private Path folder;
    private Db db;
    private TalkSearch search;
    private String[] queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        folder = Files.createTempDirectory("qcon-bench-search");
        CorpusGenerator.write(folder.resolve("notes"), talks, CorpusGenerator.DEFAULT_SEED);
        List<Notes> notes = NotesParser.readAll(folder.resolve("notes"));
        db = Db.open(folder.resolve("qcon.db"));
        Talks store = new Talks(db);
        store.sync(notes);
        search = new TalkSearch(db, store);
        queries = queries(notes, mix, search).toArray(String[]::new);
        System.out.println("\n" + mix + " queries: " + String.join(" | ", queries));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        db.close();
        deleteTree(folder);
    }

    static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Benchmark
    public TalkSearch.Result search() throws Exception {
        String query = queries[next];
        next = (next + 1) % queries.length;
        return search.search(query);
    }

    static List<String> queries(List<Notes> notes, String mix, TalkSearch search) throws Exception {
        List<Talk> all = notes.stream().flatMap(n -> n.talks().stream()).toList();
        Random random = new Random(42);
        Set<String> queries = new LinkedHashSet<>();
        for (int tries = 0; queries.size() < QUERIES && tries < 100_000; tries++) {
            Talk talk = all.get(random.nextInt(all.size()));
            String query = switch (mix) {
                case "title" -> titleWord(talk, random);
                case "multi" -> {
                    String title = titleWord(talk, random);
                    String body = bodyWord(talk, random);
                    yield title == null || body == null ? null : title + " " + body;
                }
                case "typo" -> typo(bodyWord(talk, random), random);
                case "nomatch" -> madeUp(random);
                case "question" -> question(talk, random);
                default -> throw new IllegalArgumentException("unknown mix " + mix);
            };
            if (query != null && fits(mix, search.search(query))) {
                queries.add(query);
            }
        }
        if (queries.size() < QUERIES) {
            throw new IllegalStateException("only " + queries.size() + " " + mix + " queries found");
        }
        return new ArrayList<>(queries);
    }

    private static boolean fits(String mix, TalkSearch.Result result) {
        return switch (mix) {
            case "title", "multi", "question" -> result.found() && result.corrections().isEmpty();
            case "typo" -> result.found() && !result.corrections().isEmpty();
            default -> !result.found() && result.corrections().isEmpty();
        };
    }

    /** "what does {title word} say about {two words of one of its points}": a question as people ask it (issue 12). */
    private static String question(Talk talk, Random random) {
        String title = titleWord(talk, random);
        List<Bullet> bullets = talk.bullets();
        if (title == null || bullets.isEmpty()) {
            return null;
        }
        List<String> words = words(bullets.get(random.nextInt(bullets.size())).text());
        if (words.size() < 2) {
            return null;
        }
        int at = random.nextInt(words.size() - 1);
        return "what does " + title + " say about " + words.get(at) + " " + words.get(at + 1);
    }

    private static String titleWord(Talk talk, Random random) {
        List<String> words = words(talk.title());
        return words.isEmpty() ? null : words.get(random.nextInt(words.size()));
    }

    private static String bodyWord(Talk talk, Random random) {
        List<Bullet> bullets = talk.bullets();
        if (bullets.isEmpty()) {
            return null;
        }
        List<String> words = words(bullets.get(random.nextInt(bullets.size())).text());
        return words.isEmpty() ? null : words.get(random.nextInt(words.size()));
    }

    /** Words worth typing: letters only, 4 letters or more (shorter ones are stop words or never mended). */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (word.length() >= 4) {
                words.add(word);
            }
        }
        return words;
    }

    private static String typo(String word, Random random) {
        if (word == null || word.length() > 11) {
            return null;
        }
        char[] letters = word.toCharArray();
        int at = 1 + random.nextInt(letters.length - 2);
        if (random.nextBoolean()) {
            char swap = letters[at];
            letters[at] = letters[at + 1];
            letters[at + 1] = swap;
        } else {
            letters[at] = (char) ('a' + random.nextInt(26));
        }
        String typo = new String(letters);
        return typo.equals(word) ? null : typo;
    }

    /** One or two words of 5 to 12 letters from the rare end of the alphabet. */
    private static String madeUp(Random random) {
        String letters = "qxzjvkwfyb";
        StringBuilder query = new StringBuilder();
        int words = 1 + random.nextInt(2);
        for (int w = 0; w < words; w++) {
            if (w > 0) {
                query.append(' ');
            }
            int length = 5 + random.nextInt(8);
            for (int i = 0; i < length; i++) {
                query.append(letters.charAt(random.nextInt(letters.length())));
            }
        }
        return query.toString();
    }

    /**
     * Without JMH: builds one corpus, shows each mix's queries and what they find, then times 20,000 searches (or
     * SEARCHES) per mix by the clock and by the thread's CPU time. On a machine shared with other builds the clock's
     * p99 is mostly time spent waiting for a core; the CPU time's p99 is close to what an idle machine would show.
     * SearchBenchmark TALKS [SEARCHES]
     */
    public static void main(String[] args) throws Exception {
        int talks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int timed = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path folder = Files.createTempDirectory("qcon-bench-search");
        CorpusGenerator.write(folder.resolve("notes"), talks, CorpusGenerator.DEFAULT_SEED);
        List<Notes> notes = NotesParser.readAll(folder.resolve("notes"));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Db db = Db.open(folder.resolve("qcon.db"))) {
            Talks store = new Talks(db);
            store.sync(notes);
            TalkSearch search = new TalkSearch(db, store);
            for (String mix : new String[]{"title", "multi", "typo", "nomatch", "question"}) {
                List<String> queries = queries(notes, mix, search);
                System.out.println(mix + ":");
                for (String query : queries) {
                    TalkSearch.Result result = search.search(query);
                    System.out.println("  " + query + " -> " + result.words() + " " + result.corrections() + " "
                            + result.talks().stream().map(Talk::title).toList());
                }
                for (int i = 0; i < timed / 4; i++) {
                    search.search(queries.get(i % queries.size()));
                }
                long[] wall = new long[timed];
                long[] cpu = new long[timed];
                for (int i = 0; i < timed; i++) {
                    long cpuStart = threads.getCurrentThreadCpuTime();
                    long start = System.nanoTime();
                    search.search(queries.get(i % queries.size()));
                    wall[i] = System.nanoTime() - start;
                    cpu[i] = threads.getCurrentThreadCpuTime() - cpuStart;
                }
                Arrays.sort(wall);
                Arrays.sort(cpu);
                System.out.printf(Locale.ROOT,
                        "%s, %d talks, us: clock p50 %d p99 %d max %d; cpu p50 %d p99 %d max %d%n",
                        mix, talks, wall[timed / 2] / 1000, wall[timed * 99 / 100] / 1000, wall[timed - 1] / 1000,
                        cpu[timed / 2] / 1000, cpu[timed * 99 / 100] / 1000, cpu[timed - 1] / 1000);
            }
        } finally {
            deleteTree(folder);
        }
    }
}
