package qconbot.commands;

import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import qconbot.notes.Bullet;
import qconbot.notes.Notes;
import qconbot.notes.NotesParser;
import qconbot.notes.Talk;
import qconbot.search.TalkSearch;
import qconbot.store.ActionItems;
import qconbot.store.Added;
import qconbot.store.NotesLoader;
import qconbot.store.Talks;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What people add to the notes from Slack, as the {@link Interpreter} hands it over: the "Save to conference notes"
 * form and what it saves, corrections of added points (edit, remove), and whole notes files imported (previewed, then
 * imported or cancelled). Every change is committed before Slack hears back, and the talks it touched are written
 * again in place (no notes file is read), so /qcon answers with it at once.
 */
public final class Contributions {

    private static final Logger log = LoggerFactory.getLogger(Contributions.class);

    private final Talks talks;
    private final TalkSearch search;
    private final ActionItems items;
    private final NotesLoader notes;
    private final Added added;
    /** The largest notes file taken by direct message (QCON_IMPORT_MAX_BYTES). */
    private final long importMaxBytes;

    Contributions(Talks talks, TalkSearch search, ActionItems items, NotesLoader notes, Added added, long importMaxBytes) {
        this.importMaxBytes = importMaxBytes;
        this.talks = talks;
        this.search = search;
        this.items = items;
        this.notes = notes;
        this.added = added;
    }

    /** The form to add a point: the talk best matching {@code words} chosen, {@code text} prefilled. */
    View form(String words, String text, String permalink) throws SQLException {
        TalkSearch.Result found = words == null || words.isBlank() ? null : search.search(words);
        // a mention Slack was not asked to name (a message with no place to link to) reads "@U0BOB"
        return AddForm.of(talks.agenda(), found != null && found.found() ? found.best() : null,
                text == null ? null : Messages.readable(text), permalink);
    }

    /** The talks matching what someone typed in the add form's picker, best first (too many talks for one list). */
    List<OptionObject> talkOptions(String typed) throws SQLException {
        if (typed == null || typed.isBlank()) {
            return AddForm.suggestions(talks.agenda());
        }
        TalkSearch.Result found = search.search(typed);
        String lower = typed.strip().toLowerCase(Locale.ROOT);
        LinkedHashMap<String, Talk> matching = new LinkedHashMap<>();
        found.talks().forEach(talk -> matching.put(talk.key(), talk));
        talks.agenda().stream().filter(talk -> talk.title().toLowerCase(Locale.ROOT).contains(lower))
                .forEach(talk -> matching.putIfAbsent(talk.key(), talk));
        return AddForm.suggestions(List.copyOf(matching.values()));
    }

    /**
     * Saves a submitted form's point, once per {@code viewId} (a double-clicked Save adds it once), and writes its
     * talk again so that /qcon finds it at once. Saved before the ack; the author is told afterwards.
     */
    Answer save(AddForm.Read read, String user, String viewId) throws SQLException {
        if (!read.errors().isEmpty()) {
            return Answer.shown(new Answer.FieldErrors(read.errors()));
        }
        AddForm.Values values = read.values();
        Optional<Talk> talk = values.talkKey() == null ? Optional.empty() : talks.byKey(values.talkKey());
        if (values.newTalk() == null && talk.isEmpty()) {
            return Answer.shown(new Answer.FieldErrors(Map.of("talk", "That talk is no longer in the notes; pick another.")));
        }
        Optional<String> key = added.addPoint(values.talkKey(), values.newTalk(), values.text(), values.internal(),
                user, values.permalink(), "view:" + viewId);
        if (key.isEmpty()) {
            return Answer.NOTHING; // the same form again: saved the first time
        }
        rewrite(key.get());
        String name = talk.map(Talk::name).orElse(values.newTalk() == null ? key.get() : values.newTalk().title());
        return Answer.then(new Answer.Tell(Messages.note("Saved to *" + Messages.escape(name) + "*"
                + (values.internal() ? " as an action item" : "") + ": " + Messages.escape(Messages.clip(values.text().strip(), 500))
                + "\n`/qcon " + Messages.escape(Messages.clip(name, 100)) + "` shows it.")));
    }

    public static final String NOT_AN_EDITOR = "Importing a whole notes file is for admins (QCON_ADMINS) and editors"
            + " (QCON_EDITORS). `/qcon add` adds a point or a talk, for anyone.";

    /**
     * An admin (QCON_ADMINS) or an editor (QCON_EDITORS): may import, take back and move what was added, and close or
     * answer any question asked of the team.
     */
    boolean isEditor(String user) {
        return items.isAdmin(user) || added.isEditor(user);
    }

    /** What importing {@code notes} would change against the file imported under the same name before (if any). */
    record ImportDiff(Notes notes, int newTalks, int changedTalks, int goneTalks, int newItems, boolean first,
                      List<String> kept) {

        /**
         * With what would happen to what people added to the talks that go ({@link Added#importWouldKeep}): a talk
         * matched to its renamed self is changed, not gone and new.
         */
        ImportDiff with(qconbot.store.Renames.Followed followed) {
            int moved = followed.moved().size();
            return new ImportDiff(notes, newTalks - moved, changedTalks + moved, goneTalks - moved, newItems, first,
                    followed.previewLines());
        }

        static ImportDiff of(Notes notes, Optional<Notes> before) {
            Map<String, Talk> old = new HashMap<>();
            before.ifPresent(previous -> previous.talks().forEach(talk -> old.put(talk.key(), talk)));
            Set<String> oldItems = new HashSet<>();
            old.values().forEach(talk -> talk.internalLines().forEach(line -> oldItems.add(talk.key() + "#" + line.text())));
            int added = 0;
            int changed = 0;
            int items = 0;
            for (Talk talk : notes.talks()) {
                Talk was = old.remove(talk.key());
                added += was == null ? 1 : 0;
                changed += was != null && !was.bullets().stream().map(Bullet::text).toList()
                        .equals(talk.bullets().stream().map(Bullet::text).toList()) ? 1 : 0;
                items += (int) talk.internalLines().stream().filter(line -> !oldItems.contains(talk.key() + "#" + line.text())).count();
            }
            return new ImportDiff(notes, added, changed, old.size(), items, before.isEmpty(), List.of());
        }
    }

    /**
     * A pasted notes file, checked and kept to preview (nothing the bot serves changes yet): the preview with Import and
     * Cancel to send its author, or the errors to show by field.
     */
    Answer stageImport(AddForm.ImportRead read, String user) throws SQLException {
        Notes parsed = NotesParser.parse(read.name(), read.text());
        Map<String, String> errors = importErrors(read, parsed, user);
        return errors.isEmpty() ? Answer.then(new Answer.Tell(staged(read, parsed, user)))
                : Answer.shown(new Answer.FieldErrors(errors));
    }

    /** Why a pasted or sent notes file cannot be imported, by field; none when it can. */
    private Map<String, String> importErrors(AddForm.ImportRead read, Notes parsed, String user) throws SQLException {
        if (!isEditor(user)) {
            return Map.of("notes", NOT_AN_EDITOR);
        }
        Map<String, String> errors = new LinkedHashMap<>(read.errors());
        if (errors.isEmpty() && notes.fileNames().contains(read.name())) {
            errors.put("name", read.name() + " is a notes file on the server; give yours another name.");
        }
        if (errors.isEmpty() && parsed.talks().isEmpty()) {
            errors.put("notes", "No talks found: a talk is a header line ending in ':' (\"10:35 quarkus:\") with \"- \" bullets under it.");
        }
        if (errors.isEmpty() && read.text().getBytes(StandardCharsets.UTF_8).length > importMaxBytes) {
            errors.put("notes", "At most " + importMaxBytes + " bytes (QCON_IMPORT_MAX_BYTES), as for a file sent by DM.");
        }
        if (errors.isEmpty() && read.name().toLowerCase(Locale.ROOT).startsWith("added-in-slack-")) {
            errors.put("name", "Files named added-in-slack-… are what export writes for the talks added in Slack, which"
                    + " the bot has already: importing one would show them twice. Add to them with /qcon add.");
        }
        if (errors.isEmpty()) {
            String repeats = repeats(read.name(), parsed);
            if (repeats != null) {
                errors.put("notes", repeats);
            }
        }
        return errors;
    }

    /**
     * Why a file would show talks twice: at least half of its talks (by title and day) are already in the notes from
     * another file, or added in Slack (an export imported under a new name); null when it would not.
     */
    private String repeats(String name, Notes parsed) throws SQLException {
        // a talk's key is its file, day and title ("qcon-2020.txt/day-3/microservices-at-monzo"): compared without the
        // file, from the keys alone (no talk read)
        Map<String, String> served = new HashMap<>();
        for (String key : talks.keysInNotes()) {
            String source = key.substring(0, key.indexOf('/'));
            if (!source.equals(name)) {
                served.putIfAbsent(key.substring(key.indexOf('/') + 1), source);
            }
        }
        Set<String> from = new java.util.TreeSet<>();
        int repeated = 0;
        for (Talk talk : parsed.talks()) {
            String source = served.get(talk.key().substring(talk.key().indexOf('/') + 1));
            if (source != null) {
                from.add(source);
                repeated++;
            }
        }
        if (repeated * 2 < parsed.talks().size()) {
            return null;
        }
        return repeated + " of its " + parsed.talks().size() + " talks are already in the notes (" + String.join(", ", from)
                + "): importing them again would show them twice. Send only the new talks, or change them where they are.";
    }

    /** A checked notes file kept to preview: the preview, with Import and Cancel, to send its author. */
    private Reply staged(AddForm.ImportRead read, Notes parsed, String user) throws SQLException {
        long id = added.stageImport(read.name(), read.text(), user);
        Optional<Notes> before = added.imported(read.name()).map(text -> NotesParser.parse(read.name(), text));
        return Messages.importPreview(id, read.name(), ImportDiff.of(parsed, before)
                .with(added.importWouldKeep(before.orElse(null), parsed)));
    }

    /**
     * A file sent with a mention in a channel is everyone's to see, and is not imported: where to send it. A file sent
     * by direct message is checked (who sent it, one notes file, its size) and fetched after the ack.
     */
    Answer fileSent(Request.FileSent sent) {
        if (!sent.direct()) {
            return Answer.shown(new Answer.InThread(Messages.note("To import a notes file, send it to me in a direct"
                    + " message (admins and QCON_EDITORS); files shared in channels are not imported.")));
        }
        Reply problem = fileProblem(sent);
        if (problem != null) {
            return Answer.then(new Answer.Tell(problem));
        }
        Request.SentFile file = sent.files().get(0);
        return Answer.then(new Answer.Download(file.name() == null ? "notes.txt" : file.name(), file.url(), importMaxBytes));
    }

    private Reply fileProblem(Request.FileSent sent) {
        if (!isEditor(sent.user())) {
            return Messages.note(NOT_AN_EDITOR);
        }
        if (sent.files().size() != 1) {
            return Messages.note("Send one notes file at a time (.txt or .md).");
        }
        Request.SentFile file = sent.files().get(0);
        String name = file.name() == null ? "notes.txt" : file.name();
        if (!name.toLowerCase(Locale.ROOT).matches(".*\\.(txt|md)")) {
            return Messages.error("`" + name + "` is not a notes file: send a .txt or .md file.");
        }
        if (file.size() != null && file.size() > importMaxBytes) {
            return Messages.error("`" + name + "` is " + file.size() + " bytes; the most I take is " + importMaxBytes
                    + " (QCON_IMPORT_MAX_BYTES). Nothing changed.");
        }
        return null;
    }

    /**
     * A notes file sent in a direct message, fetched: checked as text (not binary, UTF-8) and as notes, then kept to
     * preview. The reply is the preview with Import and Cancel, or what is wrong with the file.
     */
    Reply stageImportFile(Request.Fetched fetched) throws SQLException {
        String fileName = fetched.name();
        if (fetched.problem() != null) {
            return Messages.error("I could not fetch `" + fileName + "`: " + fetched.problem() + ". Nothing changed; send it again.");
        }
        byte[] bytes = fetched.bytes();
        String name = fileName.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[-.]+", "");
        int dot = name.lastIndexOf('.');
        if (dot > 80) { // as the paste form allows: a name the export can write on any disk
            name = name.substring(0, 80) + name.substring(dot);
        }
        for (byte b : bytes) {
            if (b == 0) {
                return Messages.error("`" + fileName + "` looks like a binary file, not notes. Send the notes as plain text (.txt or .md).");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return Messages.error("`" + fileName + "` is not UTF-8 text. Save it as UTF-8 and send it again.");
        }
        AddForm.ImportRead read = new AddForm.ImportRead(name, text, Map.of());
        Notes parsed = NotesParser.parse(read.name(), read.text());
        Map<String, String> errors = importErrors(read, parsed, fetched.user());
        return errors.isEmpty() ? staged(read, parsed, fetched.user())
                : Messages.error("Nothing changed: " + String.join(" ", errors.values()));
    }

    /** Import or Cancel on a preview: by an admin or editor, once (a replayed click changes nothing). */
    Reply finishImport(Request.Asked request) throws SQLException {
        if (!isEditor(request.user())) {
            return Messages.note(NOT_AN_EDITOR);
        }
        Optional<Added.Import> pending = request.words().matches("\\d{1,18}")
                ? added.importById(Long.parseLong(request.words())) : Optional.empty();
        if (pending.isEmpty()) {
            return Messages.note("That import is gone; nothing changed. `/qcon import` starts again.");
        }
        Added.Import file = pending.get();
        boolean apply = request.verb() == Verb.IMPORT_CONFIRM;
        Optional<Notes> before = added.imported(file.name()).map(text -> NotesParser.parse(file.name(), text));
        if (!added.finishImport(file.id(), apply)) {
            return Messages.note("`" + Messages.escape(file.name()) + "` was " + file.state() + " already; nothing changed.");
        }
        if (!apply) {
            return Messages.note("Cancelled `" + Messages.escape(file.name()) + "`: nothing changed.");
        }
        rewriteFile(file.name());
        return Messages.imported(file.name(), ImportDiff.of(NotesParser.parse(file.name(), file.text()), before));
    }

    private static final Pattern POINT_ID = Pattern.compile("(?i)P(\\d{1,9})");

    /** "Edit added points" on a talk: a form with the points added there that the user may change, or why none. */
    Answer editForm(Request.Asked request) throws SQLException {
        Optional<Talk> talk = talks.byKey(request.words());
        if (talk.isEmpty()) {
            return Answer.privately(Messages.error("That talk is no longer in the notes."));
        }
        boolean admin = items.isAdmin(request.user());
        List<Bullet> mine = talk.get().bullets().stream()
                .filter(bullet -> bullet.added() != null && !bullet.isOutcome()
                        && (admin || request.user().equals(bullet.added().by()))).toList();
        if (mine.isEmpty()) {
            return Answer.privately(Messages.note("Only whoever added a point, or an admin (QCON_ADMINS), can"
                    + " change it; none of the points added to this talk are yours."));
        }
        return Answer.then(new Answer.OpenForm(AddForm.editForm(talk.get(), mine)));
    }

    /**
     * The edit form submitted: each changed point edited, each emptied one removed, by its author or an admin, every
     * change in the history; then their talks written again. The author is told what changed.
     */
    Answer saveEdits(ViewState state, String user) throws SQLException {
        Map<Long, String> edits = AddForm.readEdits(state);
        Map<String, String> errors = new LinkedHashMap<>();
        edits.forEach((id, text) -> {
            if (text.length() > Added.MAX_POINT) {
                errors.put("P" + id, "A point can be at most " + Added.MAX_POINT + " characters; this one has " + text.length() + ".");
            }
        });
        if (!errors.isEmpty()) {
            return Answer.shown(new Answer.FieldErrors(errors));
        }
        List<String> done = new ArrayList<>();
        java.util.Set<String> changedTalks = new java.util.LinkedHashSet<>();
        for (Map.Entry<Long, String> edit : edits.entrySet()) {
            Optional<Added.Point> point = added.point(edit.getKey());
            if (point.isEmpty() || point.get().removed() || point.get().text().equals(edit.getValue())) {
                continue;
            }
            if (!point.get().addedBy().equals(user) && !items.isAdmin(user)) {
                continue; // the form only lists the user's own points; a forged field changes nothing
            }
            String text = edit.getValue().isEmpty() ? null : edit.getValue();
            if (added.change(edit.getKey(), text, user)) {
                done.add((text == null ? "removed P" : "changed P") + edit.getKey());
                changedTalks.add(point.get().talkKey());
            }
        }
        if (done.isEmpty()) {
            return Answer.then(new Answer.Tell(Messages.note("Nothing changed.")));
        }
        changedTalks.forEach(this::rewrite);
        String said = String.join(", ", done);
        return Answer.then(new Answer.Tell(Messages.note(Character.toUpperCase(said.charAt(0)) + said.substring(1)
                + ". The history keeps the old text.")));
    }

    /**
     * /qcon edit P3 text, /qcon remove P3: a point added in Slack, changed by whoever added it or an admin, the
     * change in the audit trail, its talk written again so /qcon shows it at once.
     */
    /** {@code /qcon remove}: a point ("P3"), a talk added in Slack ("talk …") or an imported file ("file …"). */
    Reply remove(Request.Asked request) throws SQLException {
        String asked = request.words().strip();
        if (asked.regionMatches(true, 0, "talk ", 0, 5)) {
            return removeTalk(request, asked.substring(5).strip());
        }
        if (asked.regionMatches(true, 0, "file ", 0, 5)) {
            return removeFilePreview(request, asked.substring(5).strip());
        }
        return correct(request);
    }

    Reply correct(Request.Asked request) throws SQLException {
        boolean edit = request.verb() == Verb.EDIT;
        String[] parts = request.words().strip().split("\\s+", 2);
        Matcher id = POINT_ID.matcher(parts[0]);
        if (!id.matches()) {
            return Messages.note("Which point? Give its id, like `/qcon " + (edit ? "edit P3 the new text" : "remove P3")
                    + "`: a point added in Slack shows it next to who added it.");
        }
        String ref = "P" + Long.parseLong(id.group(1));
        Optional<Added.Point> point = added.point(Long.parseLong(id.group(1)));
        if (point.isEmpty() || point.get().removed()) {
            return Messages.note(point.isEmpty() ? "There is no point " + ref + "." : ref + " was removed already.");
        }
        if (!point.get().addedBy().equals(request.user()) && !items.isAdmin(request.user())) {
            return Messages.note("Only " + ItemMessages.who(point.get().addedBy()) + ", who added " + ref
                    + ", or an admin (QCON_ADMINS) can change it.");
        }
        // slash command text comes with &, < and > escaped
        String text = !edit ? null : parts.length < 2 ? ""
                : Messages.unescape(parts[1]).strip();
        if (edit && text.isEmpty()) {
            return Messages.note("Give the new text: `/qcon edit " + ref + " the new text`.");
        }
        if (edit && text.length() > Added.MAX_POINT) {
            return Messages.note("A point can be at most " + Added.MAX_POINT + " characters; this one has " + text.length() + ".");
        }
        if (!added.change(point.get().id(), text, request.user())) {
            return Messages.note(ref + " was removed a moment ago; nothing changed.");
        }
        rewrite(point.get().talkKey());
        String talk = talks.byKey(point.get().talkKey()).map(Talk::name).orElse("its talk");
        return edit ? Messages.note("Changed " + ref + " in *" + Messages.escape(talk) + "*: "
                + Messages.escape(Messages.clip(text, 500)) + ". Its history keeps the old text.")
                : Messages.note("Removed " + ref + " from *" + Messages.escape(talk) + "*. Its history keeps it.");
    }

    /** {@code /qcon remove talk <talk>}: an editor takes back a talk added in Slack, with its points. */
    private Reply removeTalk(Request.Asked request, String words) throws SQLException {
        if (!isEditor(request.user())) {
            return Messages.note("Taking back a talk is for admins (QCON_ADMINS) and editors (QCON_EDITORS); `/qcon remove P3`"
                    + " takes back a point you added.");
        }
        TalkSearch.Result found = search.search(Messages.unescape(words));
        if (!found.found()) {
            return Messages.note("No talk matches *" + Messages.escape(Messages.clip(words, 100)) + "*; nothing removed.");
        }
        Talk talk = found.best();
        if (!Added.SOURCE.equals(talk.source())) {
            return Messages.note("*" + Messages.escape(talk.name()) + "* is from `" + Messages.escape(talk.source())
                    + "`: a notes file's talk goes when it is deleted from the file (then `/qcon reload`), and an imported"
                    + " file is taken back whole with `/qcon remove file " + Messages.escape(talk.source()) + "`. Nothing removed.");
        }
        int points = added.removeTalk(talk.key(), request.user());
        if (points < 0) {
            return Messages.note("*" + Messages.escape(talk.name()) + "* was removed a moment ago; nothing changed.");
        }
        rewrite(talk.key());
        return Messages.note("Removed *" + Messages.escape(talk.name()) + "*, added in Slack, and its " + points
                + (points == 1 ? " point" : " points") + ": out of the agenda, the talk of the day and search. Their history"
                + " keeps them; an action item among them stays in `/qcon actions all`, marked no longer in the notes.");
    }

    /** {@code /qcon remove file NAME}: what taking back an imported file would change, with Remove and Cancel. */
    private Reply removeFilePreview(Request.Asked request, String name) throws SQLException {
        if (!isEditor(request.user())) {
            return Messages.note(NOT_AN_EDITOR);
        }
        Optional<Notes> imported = added.imported(name).map(text -> NotesParser.parse(name, text));
        if (imported.isEmpty()) {
            return Messages.note("No imported file is called `" + Messages.escape(Messages.clip(name, 100)) + "`; nothing changed.");
        }
        qconbot.store.Renames.Followed followed = added.importWouldKeep(imported.get(), new Notes(name, name, List.of(), List.of()));
        return Messages.removeFilePreview(name, imported.get().talks().size(), followed.previewLines());
    }

    /** Remove or Cancel on that preview: the file is taken back (its talks leave at once), or nothing changes. */
    Reply finishRemoveFile(Request.Asked request) throws SQLException {
        if (!isEditor(request.user())) {
            return Messages.note(NOT_AN_EDITOR);
        }
        String name = request.words().strip();
        if (request.verb() == Verb.REMOVE_FILE_CANCEL) {
            return Messages.note("Kept `" + Messages.escape(name) + "`: nothing changed.");
        }
        if (!added.removeImport(name, request.user())) {
            return Messages.note("`" + Messages.escape(name) + "` is not imported (removed already?); nothing changed.");
        }
        rewriteFile(name);
        return Messages.note("Removed `" + Messages.escape(name) + "`: its talks are out of the agenda, the talk of the day"
                + " and search. What people added to them stays in view under them until an editor moves it.");
    }

    private static final Pattern MOVE = Pattern.compile("(?i)P(\\d{1,9})\\s+(?:to\\s+)?(.+)", Pattern.DOTALL);

    /**
     * {@code /qcon move P3 to <talk>}: an editor puts a point added in Slack (and its item) under the talk the words
     * find, first of all (as {@code /qcon <words>} would show it); its old talk and its new one are written again.
     */
    Reply move(Request.Asked request) throws SQLException {
        if (!isEditor(request.user())) {
            return Messages.note("Moving what was added from one talk to another is for admins (QCON_ADMINS) and editors"
                    + " (QCON_EDITORS).");
        }
        Matcher asked = MOVE.matcher(request.words().strip());
        if (!asked.matches()) {
            return Messages.note("Say which point and where: `/qcon move P3 to microservices at monzo`.");
        }
        String ref = "P" + Long.parseLong(asked.group(1));
        Optional<Added.Point> point = added.point(Long.parseLong(asked.group(1)));
        if (point.isEmpty() || point.get().removed()) {
            return Messages.note(point.isEmpty() ? "There is no point " + ref + "." : ref + " was removed already.");
        }
        TalkSearch.Result found = search.search(Messages.unescape(asked.group(2)));
        if (!found.found()) {
            return Messages.note("No talk matches *" + Messages.escape(Messages.clip(asked.group(2), 100))
                    + "*; nothing moved. Use words of its title.");
        }
        Talk to = found.best();
        if (to.key().equals(point.get().talkKey())) {
            return Messages.note(ref + " is in *" + Messages.escape(to.name()) + "* already.");
        }
        if (!added.movePoint(point.get().id(), to.key(), request.user())) {
            return Messages.note(ref + " was removed a moment ago; nothing moved.");
        }
        rewrite(point.get().talkKey());
        rewrite(to.key());
        return Messages.note("Moved " + ref + " to *" + Messages.escape(to.name()) + "*: "
                + Messages.escape(Messages.clip(point.get().text(), 300)) + ". Its history keeps where it was.");
    }

    /** The talk with this key, if it is in the notes. */
    Optional<Talk> talk(String key) throws SQLException {
        return key == null ? Optional.empty() : talks.byKey(key);
    }

    /** Every talk, for a form's talk picker. */
    List<Talk> agenda() throws SQLException {
        return talks.agenda();
    }

    /** The talks kept in view for what was added to them, for the App Home of someone who may move it; else none. */
    List<Talk> keptInView(String user) throws SQLException {
        return isEditor(user) ? talks.keptInView() : List.of();
    }

    /**
     * After a committed change to what was added to the talk {@code talkKey} (a point, an outcome): that talk written
     * again in place with its search entries, so /qcon shows it at once; no notes file is read. The change is kept
     * whatever happens here: a talk that cannot be written now (a busy database) shows it at the next write, reload
     * or start.
     */
    void rewrite(String talkKey) {
        try {
            notes.talkChanged(talkKey);
        } catch (SQLException e) {
            log.warn("a change to {} is saved, but the talk could not be written again now: {}", talkKey, e.toString());
        }
    }

    /** The same after an import was applied: the talks of that one file written in place. */
    private void rewriteFile(String fileName) {
        try {
            notes.fileChanged(fileName);
        } catch (SQLException e) {
            log.warn("{} is imported, but its talks could not be written now: {}", fileName, e.toString());
        }
    }
}
