package qconbot.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import qconbot.search.TalkSearch;
import qconbot.store.ActionItems;
import qconbot.store.Added;
import qconbot.store.Db;
import qconbot.store.NotesLoader;
import qconbot.store.Talks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a change made in Slack costs before its ack (issue 21): saving a point (Added.addPoint, then
 * NotesLoader.talkChanged: that talk written again and searched in place) and recording an outcome
 * (ActionItems.act DONE with a note, then talkChanged), against the full reload that both used to be
 * ({@link #fullReload}: every notes file read, every talk written, the search rebuilt). The bot is wired as Main wires
 * it: the search hears of each load and each changed talk. Points go to 500 talks in turn, outcomes to every item of
 * the corpus in turn (each reopened, unmeasured, before it is closed again).
 * <p>
 * {@code store=postgres} (POSTGRES_URL, a JDBC URL with ?user=, a new schema per trial): written to PostgreSQL and
 * to this bot's own SQLite index, as a bot on PostgreSQL does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class WriteBenchmark {

    private static final String ADMIN = "U0BENCH";

    @Param({"10000"})
    public int talks;

    @Param({"sqlite"})
    public String store;

    private Path folder;
    private Db db;
    private Db index;
    private Added added;
    private ActionItems items;
    private NotesLoader loader;
    private final List<String> keys = new ArrayList<>();
    private final List<Long> itemIds = new ArrayList<>();
    private int next;
    private long item;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        folder = Files.createTempDirectory("qcon-bench-write");
        CorpusGenerator.write(folder.resolve("notes"), talks, CorpusGenerator.DEFAULT_SEED);
        if (store.equals("postgres")) {
            String url = System.getenv("POSTGRES_URL");
            String schema = "bench_write_" + ProcessHandle.current().pid();
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url)) {
                connection.createStatement().execute("CREATE SCHEMA " + schema);
            }
            db = Db.openPostgres(url + "&currentSchema=" + schema, null, null);
            index = Db.open(folder.resolve("index.db"));
        } else {
            db = index = Db.open(folder.resolve("qcon.db"));
        }
        Talks store = new Talks(db, index);
        added = new Added(db, Clock.systemUTC());
        items = new ActionItems(db, Clock.systemUTC(), Set.of(ADMIN));
        loader = new NotesLoader(folder.resolve("notes"), store, added);
        loader.load();
        TalkSearch search = new TalkSearch(index, store);
        loader.afterEachLoad(search::refresh);
        loader.afterTalkChange(search::changed);
        store.agenda().stream().limit(500).forEach(talk -> keys.add(talk.key()));
        db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id FROM action_items WHERE in_notes = 1 ORDER BY id");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    itemIds.add(rows.getLong(1));
                }
            }
            return null;
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        db.close();
        if (index != db) {
            index.close();
        }
        SearchBenchmark.deleteTree(folder);
    }

    @Benchmark
    public void savePoint() throws Exception {
        int n = next++;
        String key = keys.get(n % keys.size());
        added.addPoint(key, null, "bench point " + n + " about zettelkasten" + n, false, ADMIN, null,
                "bench:" + System.nanoTime());
        loader.talkChanged(key);
    }

    /** The next item, reopened if an earlier round closed it: not measured. */
    @Setup(Level.Invocation)
    public void nextItem() throws Exception {
        item = itemIds.get(next++ % itemIds.size());
        items.act(item, ActionItems.Action.REOPEN, ADMIN, null, null);
    }

    @Benchmark
    public void recordOutcome() throws Exception {
        ActionItems.Result done = items.act(item, ActionItems.Action.DONE, ADMIN, null, "bench:" + System.nanoTime(),
                new ActionItems.Note("shipped it in round " + next, "https://example.com/" + next));
        loader.talkChanged(done.item().talkKey());
    }

    /** The baseline: what each of the two above cost before issue 21. */
    @Benchmark
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 2, time = 1)
    public NotesLoader.Report fullReload() throws Exception {
        return loader.load();
    }
}
