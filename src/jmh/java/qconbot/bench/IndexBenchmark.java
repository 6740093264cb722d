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
import qconbot.search.TalkSearch;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the bot does with the notes at start-up and on /qcon reload: NotesParser.readAll, Talks.sync, new
 * TalkSearch (which reads the vocabulary for typo mending). Each run starts from a new, empty database file
 * (opened and migrated before the clock starts), as a first start does; "resync" runs it a second time on a
 * database that already holds the same talks, as every later start and reload does.
 * <p>
 * {@code store=postgres} (issue 14; POSTGRES_URL, a JDBC URL with ?user=, each invocation in a new schema): the talks
 * are written to PostgreSQL and copied into the bot's own SQLite index, which is then searched. {@link #follow} is
 * what every other replica does when one changed the talks: copy them into its index and rebuild its search.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class IndexBenchmark {

    @Param({"20", "1000", "10000"})
    public int talks;

    @Param({"fresh", "resync"})
    public String database;

    @Param({"sqlite"})
    public String store;

    private Path folder;
    private Path notes;
    private Db db;
    private Db index;
    private int run;

    @Setup(Level.Trial)
    public void generate() throws Exception {
        folder = Files.createTempDirectory("qcon-bench-index");
        notes = folder.resolve("notes");
        CorpusGenerator.write(notes, talks, CorpusGenerator.DEFAULT_SEED);
    }

    @Setup(Level.Invocation)
    public void openDatabase() throws Exception {
        if (store.equals("postgres")) {
            String url = System.getenv("POSTGRES_URL");
            String schema = "bench_index_" + ProcessHandle.current().pid() + "_" + run;
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url)) {
                connection.createStatement().execute("CREATE SCHEMA " + schema);
            }
            db = Db.openPostgres(url + "&currentSchema=" + schema, null, null);
            index = Db.open(folder.resolve("index-" + run++ + ".db"));
        } else {
            db = index = Db.open(folder.resolve("qcon-" + run++ + ".db"));
        }
        if (database.equals("resync")) {
            new Talks(db, index).sync(NotesParser.readAll(notes));
        }
        if (index != db) { // follow: another replica's index, empty, on the database that holds the talks
            index.close();
            index = Db.open(folder.resolve("index-" + run++ + ".db"));
        }
    }

    @TearDown(Level.Invocation)
    public void closeDatabase() throws Exception {
        db.close();
        if (index != db) {
            index.close();
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws Exception {
        SearchBenchmark.deleteTree(folder);
    }

    @Benchmark
    public TalkSearch readAndIndex() throws Exception {
        List<Notes> all = NotesParser.readAll(notes);
        Talks talks = new Talks(db, index);
        talks.sync(all);
        return new TalkSearch(index, talks);
    }

    /** Another replica taking the talks one changed (run with database=resync): copy, index, rebuild the search. */
    @Benchmark
    public TalkSearch follow() throws Exception {
        Talks talks = new Talks(db, index);
        talks.followShared();
        return new TalkSearch(index, talks);
    }

    /**
     * Three runs with the time of each step, by the clock and by this thread's CPU time (SQLite works in the calling
     * thread, so on a busy machine the CPU time is close to what an idle one would take): IndexBenchmark TALKS
     */
    public static void main(String[] args) throws Exception {
        int talks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path folder = Files.createTempDirectory("qcon-bench-index");
        CorpusGenerator.write(folder.resolve("notes"), talks, CorpusGenerator.DEFAULT_SEED);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= 3; round++) {
            try (Db db = Db.open(folder.resolve("qcon-" + round + ".db"))) {
                long[] clock = new long[4];
                long[] cpu = new long[4];
                clock[0] = System.nanoTime();
                cpu[0] = threads.getCurrentThreadCpuTime();
                List<Notes> all = NotesParser.readAll(folder.resolve("notes"));
                clock[1] = System.nanoTime();
                cpu[1] = threads.getCurrentThreadCpuTime();
                Talks store = new Talks(db);
                Talks.SyncReport report = store.sync(all);
                clock[2] = System.nanoTime();
                cpu[2] = threads.getCurrentThreadCpuTime();
                new TalkSearch(db, store);
                clock[3] = System.nanoTime();
                cpu[3] = threads.getCurrentThreadCpuTime();
                System.out.printf(Locale.ROOT, "%d talks (%d internal lines), ms clock/cpu: read %d/%d, sync %d/%d, "
                                + "TalkSearch %d/%d, total %d/%d%n", report.talks(), report.internalLines(),
                        (clock[1] - clock[0]) / 1_000_000, (cpu[1] - cpu[0]) / 1_000_000,
                        (clock[2] - clock[1]) / 1_000_000, (cpu[2] - cpu[1]) / 1_000_000,
                        (clock[3] - clock[2]) / 1_000_000, (cpu[3] - cpu[2]) / 1_000_000,
                        (clock[3] - clock[0]) / 1_000_000, (cpu[3] - cpu[0]) / 1_000_000);
            }
        }
        SearchBenchmark.deleteTree(folder);
    }
}
