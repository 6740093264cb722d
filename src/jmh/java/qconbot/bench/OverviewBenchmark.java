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
import qconbot.notes.Talk;
import qconbot.search.Overview;
import qconbot.search.TalkSearch;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a reply shows of a talk beyond the search (issue 12): its telling points and the talks related to it, worked
 * out for every talk of the corpus in turn. The bot keeps the last 1,024 overviews, so with 1,000 talks this is the
 * cached path and with 10,000 talks every call works one out afresh (one full-text query of the talk's rarest words,
 * the words of up to 8 candidates compared).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OverviewBenchmark {

    @Param({"1000", "10000"})
    public int talks;

    private Path folder;
    private Db db;
    private TalkSearch search;
    private List<Talk> all;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        folder = Files.createTempDirectory("qcon-bench-overview");
        CorpusGenerator.write(folder.resolve("notes"), talks, CorpusGenerator.DEFAULT_SEED);
        List<Notes> notes = NotesParser.readAll(folder.resolve("notes"));
        db = Db.open(folder.resolve("qcon.db"));
        Talks store = new Talks(db);
        store.sync(notes);
        search = new TalkSearch(db, store);
        all = notes.stream().flatMap(n -> n.talks().stream()).toList();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        db.close();
        SearchBenchmark.deleteTree(folder);
    }

    @Benchmark
    public Overview overview() throws Exception {
        Talk talk = all.get(next);
        next = (next + 1) % all.size();
        return search.overview(talk);
    }
}
