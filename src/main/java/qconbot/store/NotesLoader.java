package qconbot.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.notes.Talk;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Reads every notes file into the database: at start-up, from the console and on /qcon reload, one operation, so all
 * three refuse the same bad notes and report the same way. Ids, claims and threads are kept ({@link Talks#sync}).
 * A change made in Slack (a point, an outcome, an imported file) is not a load: {@link #talkChanged} and
 * {@link #fileChanged} write just the talks it touched, starting from the notes as the last load read them.
 */
public final class NotesLoader {

    private static final Logger log = LoggerFactory.getLogger(NotesLoader.class);

    /** What a load found: files read, the sync's counts, and every warning (with its file and line). */
    public record Report(int files, Talks.SyncReport sync, List<String> warnings, List<String> kept) {

        public Report(int files, Talks.SyncReport sync, List<String> warnings) {
            this(files, sync, warnings, List.of());
        }

        /** "1 file, 20 talks, 7 action items; 1 warning, first: qcon-2020.txt:211: …", for the log and /qcon reload. */
        public String summary() {
            int gone = sync.talksGone() + sync.internalLinesGone();
            boolean anyNew = sync.talksNew() + sync.internalLinesNew() > 0 && sync.talksNew() < sync.talks();
            return files + (files == 1 ? " file, " : " files, ") + sync.talks() + " talks, " + sync.internalLines()
                    + " action items"
                    + (anyNew ? " (new: " + sync.talksNew() + " talks, " + sync.internalLinesNew() + " action items)" : "")
                    + (gone > 0 ? " (" + sync.talksGone() + " talks and " + sync.internalLinesGone()
                    + " items no longer in the notes, kept)" : "")
                    + (kept.isEmpty() ? "" : "; " + String.join("; ", kept))
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
    private volatile Consumer<Talks.Change> afterTalkChange = change -> { };
    /**
     * The notes as last read (parsed, before what was added in Slack is merged in), by a load that succeeded: the
     * files on the server, and the files imported from Slack by name. A small write starts from these, reading no
     * file; null before the first load. Guarded by this.
     */
    private List<Notes> files;
    private final Map<String, Notes> imports = new TreeMap<>();
    /** Every talk of {@link #files} and {@link #imports} by key, with its place in its file. Guarded by this. */
    private final Map<String, Talks.Placed> lastRead = new HashMap<>();
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

    /**
     * What to run after each small write, once for each talk it changed (the search updates that talk in place). Runs
     * before {@link #talkChanged} and {@link #fileChanged} return, so a search right after finds the change.
     */
    public void afterTalkChange(Consumer<Talks.Change> afterTalkChange) {
        this.afterTalkChange = afterTalkChange;
    }

    /**
     * After a committed change to what people added to the talk {@code talkKey} (a point added, edited or removed; an
     * item's outcome said, changed or cleared; an item reopened): that talk written again from the notes as last read
     * plus what was added, its search entries in place. Reads no file. Nothing when no talk has the key any more.
     */
    public synchronized void talkChanged(String talkKey) throws SQLException {
        if (added == null || files == null) {
            log.warn("talk {} changed before any notes were loaded: it shows at the next load", talkKey);
            return;
        }
        Talks.Placed base = lastRead.get(talkKey);
        Optional<Talks.Placed> talk = added.mergeTalk(base == null ? null : base.talk(),
                base == null ? 0 : base.position(), talkKey);
        if (talk.isEmpty() && base == null && talks.byKey(talkKey).isPresent()) {
            // a talk added in Slack and taken back: out of the agenda, the rotation and search at once
            tell(talks.write(List.of(), List.of(talkKey)));
        } else if (talk.isPresent() && orphans.contains(talkKey) && talk.get().talk().bullets().isEmpty()) {
            // a talk kept in view only for what was added to it, and nothing is left: gone, as the notes say
            orphans.remove(talkKey);
            lastRead.remove(talkKey);
            tell(talks.write(List.of(), List.of(talkKey)));
        } else if (talk.isPresent()) {
            tell(talks.write(List.of(talk.get()), List.of()));
        }
    }

    /**
     * After an imported notes file {@code fileName} was applied: its talks written (new, changed, gone) and searched,
     * in place; no other file read. Talks the file had at the last read and has no more are kept, marked as gone from
     * the notes, as a load does.
     */
    public synchronized void fileChanged(String fileName) throws SQLException {
        if (added == null || files == null) {
            log.warn("notes file {} imported before any notes were loaded: it shows at the next load", fileName);
            return;
        }
        Notes now = added.imported(fileName).map(text -> NotesParser.parse(fileName, text))
                .orElse(new Notes(fileName, fileName, List.of(), List.of()));
        Notes before = imports.get(fileName);
        // a talk the import renamed takes what was added to it along; one it dropped keeps that in view
        Renames.Followed followed = before == null ? Renames.Followed.NOTHING
                : added.follow(before.talks(), List.of(now));
        List<Talk> merged = added.mergeFile(now, followed.orphans());
        List<Talks.Placed> changed = new ArrayList<>();
        for (int position = 0; position < merged.size(); position++) {
            changed.add(new Talks.Placed(merged.get(position), position));
        }
        Set<String> keys = new HashSet<>(merged.stream().map(Talk::key).toList());
        followed.moved().forEach(move -> keys.add(move.from().key())); // its row has the new key now
        List<String> gone = before == null ? List.of()
                : before.talks().stream().map(Talk::key).filter(key -> !keys.contains(key)).toList();
        List<Talks.Change> changes = talks.write(changed, gone);
        imports.put(fileName, now);
        gone.forEach(lastRead::remove);
        followed.moved().forEach(move -> lastRead.remove(move.from().key()));
        remember(now);
        for (Renames.Orphan orphan : followed.orphans()) {
            orphans.add(orphan.talk().key());
            lastRead.put(orphan.talk().key(), new Talks.Placed(orphan.talk(), Integer.MAX_VALUE / 2));
        }
        followed.report().forEach(line -> log.info("import {}: {}", fileName, line));
        tell(changes);
    }

    private void tell(List<Talks.Change> changes) {
        changes.forEach(afterTalkChange);
    }

    /**
     * The talks gone from the notes and kept in view for what people added to them, as small writes start from
     * (a point added to one, or its last one removed). Guarded by this.
     */
    private final Set<String> orphans = new HashSet<>();

    private void keptInView(List<Renames.Orphan> kept) {
        orphans.clear();
        for (Renames.Orphan orphan : kept) {
            orphans.add(orphan.talk().key());
            lastRead.put(orphan.talk().key(), new Talks.Placed(orphan.talk(), Integer.MAX_VALUE / 2));
        }
    }

    /** Each talk of the file by key, with its place in it. */
    private void remember(Notes file) {
        for (int position = 0; position < file.talks().size(); position++) {
            Talk talk = file.talks().get(position);
            lastRead.put(talk.key(), new Talks.Placed(talk, position));
        }
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
     * The load at start-up. Notes that cannot be read stop a bot with nothing to serve; a bot whose database holds
     * talks starts on those (a restart loop helps nobody), says so in the log and /health, and takes the files at
     * /qcon reload. Then what other bots sharing the database changed, when there are any.
     */
    public void loadAtStart() throws Refused, SQLException {
        try {
            log.info("notes: {}", load().summary());
        } catch (Refused refused) {
            followOthers();
            int kept = talks.count();
            if (kept == 0) {
                throw refused;
            }
            log.error("notes: {} Starting on the {} talks already in the database; mend the notes, then /qcon reload.",
                    refused.getMessage(), kept);
        }
        followOthers();
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

    /** Whether a talk in the notes now is not in {@code all}: only then is there anything to follow (and all talks read). */
    private boolean leavesAnyOut(List<Notes> all) throws SQLException {
        Set<String> keys = new HashSet<>();
        all.forEach(file -> file.talks().forEach(talk -> keys.add(talk.key())));
        return !keys.containsAll(talks.keysInNotes());
    }

    /** The notes just loaded, as what small writes start from. */
    private void remember(List<Notes> files, List<Notes> imported) {
        this.files = List.copyOf(files);
        imports.clear();
        lastRead.clear();
        imported.forEach(file -> imports.put(file.source(), file));
        files.forEach(this::remember);
        imported.forEach(this::remember);
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
            List<Notes> all = added == null ? files : added.withImports(files);
            Renames.Followed followed = added == null || !leavesAnyOut(all) ? Renames.Followed.NOTHING
                    : added.follow(talks.agenda(), all);
            Talks.SyncReport sync = talks.sync(added == null ? all : added.merge(all, followed.orphans()));
            remember(files, all.subList(files.size(), all.size()));
            keptInView(followed.orphans());
            afterLoad.run();
            followed.report().forEach(line -> log.info("notes: {}", line));
            return new Report(files.size(), sync, warnings, followed.report());
        } catch (SQLException e) {
            throw new Refused("Cannot store the notes: " + e.getMessage(), e);
        }
    }
}
