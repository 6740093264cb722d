package qconbot.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads every notes file into the database: at start-up, from the console and on /qcon reload, one operation, so all
 * three refuse the same bad notes and report the same way. Ids, claims and threads are kept ({@link Talks#sync}).
 */
public final class NotesLoader {

    private static final Logger log = LoggerFactory.getLogger(NotesLoader.class);

    /** What a load found: files read, the sync's counts, and every warning (with its file and line). */
    public record Report(int files, Talks.SyncReport sync, List<String> warnings) {

        /** "1 file, 20 talks, 7 action items; 1 warning, first: qcon-2020.txt:211: …", for the log and /qcon reload. */
        public String summary() {
            int gone = sync.talksGone() + sync.internalLinesGone();
            boolean anyNew = sync.talksNew() + sync.internalLinesNew() > 0 && sync.talksNew() < sync.talks();
            return files + (files == 1 ? " file, " : " files, ") + sync.talks() + " talks, " + sync.internalLines()
                    + " action items"
                    + (anyNew ? " (new: " + sync.talksNew() + " talks, " + sync.internalLinesNew() + " action items)" : "")
                    + (gone > 0 ? " (" + sync.talksGone() + " talks and " + sync.internalLinesGone()
                    + " items no longer in the notes, kept)" : "")
                    + (warnings.isEmpty() ? "" : "; " + warnings.size() + (warnings.size() == 1 ? " warning" : " warnings")
                    + ", first: " + warnings.get(0));
        }
    }

    /** Notes that could not be loaded, said in one sentence; the notes in use are unchanged. */
    public static final class Refused extends Exception {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What must follow a change of the talks (the search rebuilds its word lists). */
    @FunctionalInterface
    public interface AfterLoad {
        void run() throws SQLException;
    }

    private final Path notes;
    private final Talks talks;
    private final Added added;
    private volatile AfterLoad afterLoad = () -> { };
    /** Why the talks in use are not what the files say (the last load was refused); null when they are. */
    private volatile String problem;
    /** One load at a time, on a thread of its own, so a large reload need not hold a Slack request. */
    private final ExecutorService loader = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "notes-loader");
        thread.setDaemon(true);
        return thread;
    });
    private CompletableFuture<Report> running;

    public NotesLoader(Path notes, Talks talks) {
        this(notes, talks, null);
    }

    /** With what was added in Slack ({@code added}, may be null) merged into every load. */
    public NotesLoader(Path notes, Talks talks, Added added) {
        this.notes = notes;
        this.talks = talks;
        this.added = added;
    }

    /**
     * What to run after every later load. The search is built from the first load's talks, so it can only be told
     * about the loads after it.
     */
    public void afterEachLoad(AfterLoad afterLoad) {
        this.afterLoad = afterLoad;
    }

    /** Reads the files, refuses notes with no talks at all (a bad edit must not empty the bot), syncs, refreshes. */
    public synchronized Report load() throws Refused {
        try {
            Report report = read();
            problem = null;
            return report;
        } catch (Refused refused) {
            problem = refused.getMessage();
            throw refused;
        }
    }

    /**
     * Takes what another bot on the same shared database changed (a reload, a point added, an import): copies the
     * talks into this bot's index and refreshes the search, when they changed. Cheap when nothing did (one row read).
     */
    public synchronized void followOthers() throws SQLException {
        if (talks.followShared()) {
            afterLoad.run();
        }
    }

    /** The same load on the loader's thread; a load asked for while one runs joins it rather than queueing. */
    public synchronized CompletableFuture<Report> loadInBackground() {
        if (running == null || running.isDone()) {
            running = new CompletableFuture<>();
            CompletableFuture<Report> mine = running;
            loader.execute(() -> {
                try {
                    mine.complete(load());
                } catch (Refused | RuntimeException e) {
                    mine.completeExceptionally(e);
                }
            });
        }
        return running;
    }

    /** The names of the notes files on the server ("qcon-2020.txt"): an imported file may not take one. */
    public List<String> fileNames() {
        try (var files = java.nio.file.Files.list(java.nio.file.Files.isDirectory(notes) ? notes : notes.toAbsolutePath().getParent())) {
            return java.nio.file.Files.isDirectory(notes)
                    ? files.map(file -> file.getFileName().toString()).toList()
                    : List.of(notes.getFileName().toString());
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Null when the talks in use are what the notes files say; else why not, for /health. */
    public String problem() {
        return problem;
    }

    private Report read() throws Refused {
        List<Notes> files;
        try {
            files = NotesParser.readAll(notes);
        } catch (IOException e) {
            throw new Refused("Cannot read the notes at " + notes + " (QCON_NOTES): " + e.getMessage(), e);
        }
        List<String> warnings = files.stream().flatMap(file -> file.warnings().stream()).toList();
        warnings.forEach(warning -> log.warn("notes: {}", warning));
        if (files.stream().allMatch(file -> file.talks().isEmpty())) {
            throw new Refused("No talks found in " + notes + " (QCON_NOTES). Point it at a notes file"
                    + " or folder such as config/notes.", null);
        }
        try {
            Talks.SyncReport sync = talks.sync(added == null ? files : added.mergeInto(files));
            afterLoad.run();
            return new Report(files.size(), sync, warnings);
        } catch (SQLException e) {
            throw new Refused("Cannot store the notes: " + e.getMessage(), e);
        }
    }
}
