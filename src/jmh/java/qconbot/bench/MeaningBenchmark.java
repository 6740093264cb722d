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
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.search.Embedder;
import qconbot.search.Meaning;
import qconbot.search.TalkSearch;
import qconbot.store.Db;
import qconbot.store.Talks;
import qconbot.store.Vectors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A question at 10,000 generated talks with search by meaning (the question embedded, the nearest points found among
 * the nearest talks, both rankings fused, coverage decided) against the same questions by words alone, in one run.
 * The database is kept in target/bench-meaning-{talks}: the first run works out every point's vectors (its time and
 * progress are printed), later runs and forks read them back and work out none (printed too).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MeaningBenchmark {

    @Param({"10000"})
    public int talks;

    @Param({"meaning", "words"})
    public String search;

    private Db db;
    private Meaning meaning;
    private TalkSearch searcher;
    private String[] queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path folder = Path.of("target", "bench-meaning-" + talks).toAbsolutePath();
        if (Files.notExists(folder.resolve("notes"))) {
            CorpusGenerator.write(folder.resolve("notes"), talks, CorpusGenerator.DEFAULT_SEED);
        }
        List<Notes> notes = NotesParser.readAll(folder.resolve("notes"));
        db = Db.open(folder.resolve("qcon.db"));
        Talks store = new Talks(db);
        store.sync(notes);
        TalkSearch words = new TalkSearch(db, store);
        meaning = new Meaning(new Vectors(db), Embedder::load, store::agenda);
        if (search.equals("meaning")) {
            long start = System.nanoTime();
            meaning.everything();
            while (!meaning.ready() && meaning.status().state() != Meaning.State.FAILED) {
                Thread.sleep(100);
            }
            System.out.printf("%nvectors ready in %d ms: %s%n", (System.nanoTime() - start) / 1_000_000, meaning.status());
        }
        searcher = search.equals("meaning") ? new TalkSearch(db, store, meaning) : words;
        queries = SearchBenchmark.queries(notes, "question", words).toArray(String[]::new);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        meaning.close();
        db.close();
    }

    @Benchmark
    public TalkSearch.Result question() throws Exception {
        String query = queries[next];
        next = (next + 1) % queries.length;
        return searcher.search(query);
    }
}
