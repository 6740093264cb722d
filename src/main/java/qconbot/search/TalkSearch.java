package qconbot.search;

import qconbot.notes.Bullet;
import qconbot.notes.EditDistance;
import qconbot.notes.Talk;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the talks that best match what someone typed. SQLite FTS5 (porter stemming, prefix terms, bm25) does the
 * ranking; this class turns free text into safe FTS terms and mends typos against the words the notes use.
 *
 * <p>Ranking, best first: all words in the title or speaker; all words anywhere; any word anywhere. So a title
 * match always outranks a passing mention.
 */
public final class TalkSearch {

    public static final int MAX_RESULTS = 4;

    /**
     * @param words       the words searched for, after corrections, in the order typed
     * @param corrections typed word to the word searched instead ("quarkas" to "quarkus")
     * @param unknown     typed words that match nothing and have no close word in the notes
     * @param talks       best first; empty when nothing matched
     * @param question    the text reads as a question (see {@link Answers#isQuestion})
     * @param points      for a question, the points that answer it, best first, from {@code talks}; else empty
     * @param nearest     when nothing in the notes covers a question ({@code talks} empty): at most two talks nearest
     *                    to it, to offer "in case", never as the answer; else empty
     */
    public record Result(String query, List<String> words, Map<String, String> corrections, List<String> unknown,
                         List<Talk> talks, boolean question, List<Answers.Point> points, List<Talk> nearest) {

        /** The points to show first for the best talk: at most three, the others only if close to the best. */
        public List<Answers.Point> answers() {
            if (points.isEmpty()) {
                return List.of();
            }
            Answers.Point top = points.get(0);
            return points.stream()
                    .filter(point -> point.talk().key().equals(top.talk().key()) && point.score() >= top.score() * 0.75)
                    .limit(3)
                    .toList();
        }

        /** The best point of another talk, or null when it has none that comes near the answer's. */
        public Answers.Point bestPointOf(Talk talk) {
            double enough = points.isEmpty() ? 0 : points.get(0).score() / 2;
            return points.stream().filter(point -> point.talk().key().equals(talk.key()) && point.score() >= enough)
                    .findFirst().orElse(null);
        }

        public boolean found() {
            return !talks.isEmpty();
        }

        public Talk best() {
            return talks.get(0);
        }

        public List<Talk> others() {
            return talks.subList(1, talks.size());
        }

        /** The words searched, as a query someone could type, when a typo was mended; else null. */
        public String didYouMean() {
            return corrections.isEmpty() ? null : String.join(" ", words);
        }
    }

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Pattern POSSESSIVE = Pattern.compile("(?<=[\\p{L}\\p{N}])['’]s\\b");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "at", "is", "are", "with", "by", "about",
            "how", "what", "talk", "talks");
    private static final int MAX_WORDS = 12;
    private static final int MAX_WORD_LENGTH = 40;

    private final Db db;
    private final Talks talks;
    private final Meaning meaning;
    /** Every word in the notes (normalised), how often it occurs and in how many talks; rebuilt by {@link #refresh}. */
    private volatile Vocabulary vocabulary = Vocabulary.of(Map.of(), Map.of(), 0);
    /** How many points have each word, for ranking points against a question; rebuilt by {@link #refresh}. */
    private volatile Answers.PointIndex points = new Answers.PointIndex(Map.of(), 0, 0);
    private static final int SUGGESTIONS = 10;
    private volatile List<String> suggestions = List.of();
    /** How many titles have each word that may be suggested; read and changed only under this object's lock. */
    private Map<String, Integer> titleWords = new HashMap<>();

    public TalkSearch(Db db, Talks talks) throws SQLException {
        this(db, talks, Meaning.off());
    }

    /** @param meaning the points' vectors, for questions in the asker's own words; {@link Meaning#off} for words only */
    public TalkSearch(Db db, Talks talks, Meaning meaning) throws SQLException {
        this.db = db;
        this.talks = talks;
        this.meaning = meaning;
        refresh();
        db.afterReopen(() -> {
            try {
                refresh();
            } catch (SQLException e) {
                throw new IllegalStateException("could not read the words of the restored database", e);
            }
        });
    }

    Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * Re-reads the words of the notes; call after {@link Talks#sync}. One at a time with {@link #changed}, so that a
     * talk changed in place is counted from what this read.
     */
    public synchronized void refresh() throws SQLException {
        Tally tally = new Tally();
        db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT s.rowid, t.key, s.title, s.speaker, s.body FROM talk_search s JOIN talks t ON t.id = s.rowid");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tally.add(rows.getInt(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5));
                }
            }
            return null;
        });
        Map<String, Integer> pointsWith = new HashMap<>();
        long[] pointsAndStems = new long[2];
        db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT b.text FROM bullets b JOIN talks t ON t.id = b.talk_id WHERE t.in_notes = 1");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    pointsAndStems[0]++;
                    pointsAndStems[1] += Answers.PointIndex.count(rows.getString(1), pointsWith);
                }
            }
            return null;
        });
        points = new Answers.PointIndex(pointsWith, (int) pointsAndStems[0], pointsAndStems[1]);
        vocabulary = Vocabulary.of(tally.words, tally.talksWith, tally.talks);
        links = tally.links.build();
        titleWords = tally.titleWords;
        overviews = overviewCache();
        suggestions = rankTitleWords(titleWords);
    }

    /**
     * What {@link #refresh} counts, talk by talk. Counted in hash maps and sorted once, not merged into a TreeMap
     * word by word (1.5 million at 10,000 talks).
     */
    private static final class Tally {
        final Map<String, Integer> words = new HashMap<>();
        final Map<String, Integer> talksWith = new HashMap<>();
        final Map<String, Integer> titleWords = new HashMap<>();
        final Overview.Links.Builder links = new Overview.Links.Builder();
        int talks;

        void add(int id, String key, String title, String speaker, String body) {
            talks++;
            List<String> titleWords = words(title);
            List<String> bodyWords = words(body);
            links.add(id, key, titleWords, bodyWords);
            countWords(List.of(titleWords, words(speaker), bodyWords), 1, words, talksWith);
            countTitle(titleWords, 1, this.titleWords);
        }
    }

    /**
     * Adds ({@code sign} 1) or takes out (-1) one talk's words: how often each occurs, and one talk more or less for
     * each; a word in no talk any more goes. Returns the words counted.
     */
    private static Set<String> countWords(List<List<String>> columns, int sign, Map<String, Integer> words,
                                          Map<String, Integer> talksWith) {
        Set<String> inTalk = new HashSet<>();
        for (List<String> column : columns) {
            for (String word : column) {
                words.merge(word, sign, TalkSearch::plus);
                inTalk.add(word);
            }
        }
        for (String word : inTalk) {
            talksWith.merge(word, sign, TalkSearch::plus);
        }
        return inTalk;
    }

    private static void countTitle(List<String> title, int sign, Map<String, Integer> titleWords) {
        for (String word : title) {
            if (word.length() > 3 && !STOP_WORDS.contains(word)) {
                titleWords.merge(word, sign, TalkSearch::plus);
            }
        }
    }

    /** A sum for {@link Map#merge}: null (the word goes) at 0. */
    private static Integer plus(Integer had, Integer more) {
        return had + more == 0 ? null : had + more;
    }

    /**
     * One talk changed in place ({@link qconbot.store.NotesLoader#talkChanged}): its words, points and links taken
     * out as {@code before} had them and put in as {@code after} has them, all before the change's request is
     * answered, so that a word only in a new point is found (and not mended into another) by the next search, and
     * its point answers a question. Every structure ends as {@link #refresh} would build it from the talks now: the
     * word counts, the point index and the links exactly; the overviews worked out so far are dropped (the weights
     * of every talk's points moved a little), and the suggestions ranked again. The counts are changed in place
     * (copying them cost more than the rest of the write at 10,000 talks), so a search running meanwhile may weigh a
     * word by counts halfway through the change; what it finds is what is stored. A few milliseconds at 10,000
     * talks (docs/PERFORMANCE.md), against about two seconds for a refresh.
     */
    public synchronized void changed(Talks.Change change) {
        Talk before = change.before();
        Talk after = change.after();
        if (before == null && after == null) {
            return; // out of the notes already, so out of the search
        }
        Vocabulary vocabulary = this.vocabulary;
        Map<String, Integer> was = new HashMap<>();
        for (int sign = -1; sign <= 1; sign += 2) {
            Talk talk = sign < 0 ? before : after;
            if (talk != null) {
                List<String> title = words(talk.title());
                List<List<String>> columns = List.of(title, words(talk.speaker()), words(body(talk)));
                columns.forEach(column -> column.forEach(word -> was.putIfAbsent(word, vocabulary.count(word))));
                countWords(columns, sign, vocabulary.counts(), vocabulary.talksWith());
                countTitle(title, sign, titleWords);
            }
        }
        was.entrySet().removeIf(word -> word.getValue() == vocabulary.count(word.getKey()));
        int talkCount = vocabulary.talks() + (after != null ? 1 : 0) - (before != null ? 1 : 0);
        this.vocabulary = vocabulary.with(talkCount, was);
        String key = (after != null ? after : before).key();
        links.update((int) change.id(), key, linkWords(before), linkWords(after));
        points.change(before, after);
        overviews = overviewCache();
        if (before == null || after == null || !before.title().equals(after.title())) {
            suggestions = rankTitleWords(titleWords); // a sort of every title word: only when a title changed
        }
    }

    private static Overview.Words linkWords(Talk talk) {
        return talk == null ? null : Overview.Words.of(words(talk.title()), words(body(talk)));
    }

    /** A talk's points as its search row holds them (Talks indexes them so): one a line. */
    static String body(Talk talk) {
        StringBuilder body = new StringBuilder();
        for (Bullet bullet : talk.bullets()) {
            body.append(bullet.text()).append('\n');
        }
        return body.toString();
    }

    public Result search(String query) throws SQLException {
        Vocabulary vocabulary = this.vocabulary;
        Mended mended = mend(queryWords(query), vocabulary);
        List<String> words = mended.words();
        if (words.isEmpty()) {
            return new Result(query, words, mended.corrections(), mended.unknown(), List.of(), false, List.of(), List.of());
        }
        boolean question = Answers.isQuestion(query);
        // A question's talks are found by its content words alone, and more of them, for its points to choose from.
        Answers.Hints hints = question ? Answers.hints(query) : null;
        List<String> forTalks = question ? Answers.content(hints, words) : words;
        List<Long> ids = candidates(forTalks, vocabulary);
        List<Talk> found = talks.byIds(ids.subList(0, Math.min(question ? QUESTION_CANDIDATES : MAX_RESULTS, ids.size())));
        // Once the model is ready, whether the notes cover a search is decided by its words first, and by the model
        // (4 ms of CPU) only when they cannot tell. A question is always read by the model, which ranks its points
        // with the words; a plain search only then, since most are in the notes' own words ("java containers").
        Fusion.Verdict verdict = !meaning.ready() || !question && words.size() + mended.unknown().size() < 2
                ? Fusion.Verdict.COVERED : Fusion.byWords(mended.unknown(), forTalks, vocabulary);
        List<Meaning.Near> near = question || verdict == Fusion.Verdict.ASK_THE_MODEL ? near(query) : List.of();
        if (verdict == Fusion.Verdict.NOT_COVERED || verdict == Fusion.Verdict.ASK_THE_MODEL && !Fusion.byMeaning(near)) {
            return notCovered(query, mended, question, near.stream().map(Meaning.Near::talk).toList());
        }
        if (!question) {
            return new Result(query, words, mended.corrections(), mended.unknown(), found, false, List.of(), List.of());
        }
        return answer(query, mended, hints, forTalks, found, near);
    }

    /** The points nearest the query in meaning; none while the model is not ready (or QCON_SEMANTIC=off). */
    private List<Meaning.Near> near(String query) {
        float[] asked = meaning.query(query);
        return asked == null ? List.of() : meaning.nearest(asked, Fusion.NEAR);
    }

    /** No talk as the answer; the two talks nearest, in this order, to offer in case. */
    private static Result notCovered(String query, Mended mended, boolean question, List<Talk> near) {
        Map<String, Talk> nearest = new LinkedHashMap<>();
        near.forEach(talk -> nearest.putIfAbsent(talk.key(), talk));
        return new Result(query, mended.words(), mended.corrections(), mended.unknown(), List.of(),
                question, List.of(), nearest.values().stream().limit(2).toList());
    }

    /** The words typed, each known, mended ({@code corrections}) or {@code unknown}; {@code words} the ones to search. */
    private record Mended(List<String> words, Map<String, String> corrections, List<String> unknown) {
    }

    private static Mended mend(List<String> typed, Vocabulary vocabulary) {
        Map<String, String> corrections = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        Set<String> searched = new LinkedHashSet<>();
        for (String word : typed) {
            if (isKnown(vocabulary, word) || Answers.knows(word)) {
                searched.add(word);
                continue;
            }
            // a word of the language the notes lack is what was asked about, not a typo of a word they have
            String mended = English.isWord(word) ? null : closestWord(vocabulary, word);
            if (mended != null) {
                corrections.put(word, mended);
                searched.addAll(List.of(mended.split(" ")));
            } else {
                unknown.add(word);
            }
        }
        return new Mended(List.copyOf(searched), corrections, unknown);
    }

    /**
     * The talks with the words, best first: those with all in the title or speaker, then, only when too few talks
     * were found for a reply (each tier is a full-text query, the cost of a search), those with all anywhere, then
     * with any. A question then ranks the points of all the talks those tiers gave.
     */
    private List<Long> candidates(List<String> words, Vocabulary vocabulary) throws SQLException {
        LinkedHashSet<Long> ids = new LinkedHashSet<>(matching(TITLES, terms(words, " AND ")));
        List<String> telling = worthRanking(words, vocabulary);
        List<String> anywhere = telling.isEmpty() ? words : telling;
        String everything = telling.isEmpty() ? EVERYTHING_UNRANKED : EVERYTHING;
        if (ids.size() < MAX_RESULTS) {
            ids.addAll(matching(everything, terms(anywhere, " AND ")));
        }
        if (ids.size() < MAX_RESULTS && anywhere.size() > 1) {
            ids.addAll(matching(everything, terms(anywhere, " OR ")));
        }
        return new ArrayList<>(ids);
    }

    /**
     * A question's reply: its points ranked by words and, once the model has read the question, by meaning too, and
     * the talks of the best points first.
     */
    private Result answer(String query, Mended mended, Answers.Hints hints, List<String> forTalks, List<Talk> found,
                          List<Meaning.Near> near) {
        Map<String, Talk> looked = new LinkedHashMap<>();
        found.forEach(talk -> looked.putIfAbsent(talk.key(), talk));
        near.forEach(point -> looked.putIfAbsent(point.talk().key(), point.talk()));
        List<Answers.Point> lexical = Answers.rank(hints, forTalks, List.copyOf(looked.values()), points);
        List<Answers.Point> ranked = near.isEmpty() ? lexical : Fusion.fuse(lexical, near);
        if (ranked.isEmpty()) {
            return new Result(query, mended.words(), mended.corrections(), mended.unknown(),
                    found.subList(0, Math.min(MAX_RESULTS, found.size())), true, List.of(), List.of());
        }
        // The talk of the best point first, then the others in the order of their best points, then the rest.
        // (by key: a talk record's own equals and hashCode walk all its points)
        Map<String, Talk> order = new LinkedHashMap<>();
        ranked.forEach(point -> order.putIfAbsent(point.talk().key(), point.talk()));
        found.forEach(talk -> order.putIfAbsent(talk.key(), talk));
        List<Talk> best = new ArrayList<>(order.values()).subList(0, Math.min(MAX_RESULTS, order.size()));
        Talk rare = Fusion.rareWordTalk(lexical, forTalks, vocabulary);
        if (rare != null && best.stream().noneMatch(talk -> talk.key().equals(rare.key()))) {
            best = new ArrayList<>(best.subList(0, Math.min(best.size(), MAX_RESULTS - 1)));
            best.add(rare);
        }
        return new Result(query, mended.words(), mended.corrections(), mended.unknown(), best, true, ranked, List.of());
    }

    /** How many talks may share a word for it to link them: a word in more than this is not telling enough. */
    static int relatedAtMost(int talks) {
        return Math.max(3, Math.min(25, talks / 20));
    }

    private static final int RELATED = 2;
    /** Which talks share which rare words; rebuilt by {@link #refresh}. */
    private volatile Overview.Links links = Overview.Links.NONE;
    /** Overviews already worked out, by talk key; dropped at each {@link #refresh}, checked against the talk given. */
    private volatile Map<String, Overview> overviews = overviewCache();

    private static Map<String, Overview> overviewCache() {
        return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Overview> eldest) {
                return size() > 1024;
            }
        });
    }

    /**
     * {@link #overview(Talk)} for a search's reply: the points that have a word searched for are shown too, so that
     * "/qcon chaos days" shows the point about chaos days however long its talk.
     */
    public Overview overview(Talk talk, List<String> words) throws SQLException {
        Overview overview = overview(talk);
        if (!overview.shortened()) {
            return overview;
        }
        Answers.Stemmed stemmed = points.stemmed(talk);
        Set<Bullet> shown = new HashSet<>(overview.telling());
        for (String word : words) {
            for (int at : stemmed.pointsWith().getOrDefault(Answers.stem(word), new int[0])) {
                shown.add(talk.bullets().get(at));
                if (stemmed.parents()[at] >= 0) {
                    shown.add(talk.bullets().get(stemmed.parents()[at]));
                }
            }
        }
        return shown.size() == overview.telling().size() ? overview : new Overview(talk, shown, overview.related());
    }

    /** What to show of a talk: its most telling points when it is long, and the talks sharing its rarest words. */
    public Overview overview(Talk talk) throws SQLException {
        Map<String, Overview> cache = overviews;
        Overview known = cache.get(talk.key());
        if (known != null && (known.talk() == talk || known.talk().equals(talk))) {
            return known;
        }
        List<Overview.Related> related = new ArrayList<>();
        for (Map.Entry<Long, List<String>> shared : links.related(talk, RELATED).entrySet()) {
            talks.byIds(List.of(shared.getKey())).forEach(other -> related.add(new Overview.Related(other, shared.getValue())));
        }
        Overview overview = new Overview(talk, Overview.telling(talk, points.stemmed(talk), points), related);
        cache.put(talk.key(), overview);
        return overview;
    }

    /** How many talks a question's points are chosen from (the reply still names at most {@link #MAX_RESULTS}). */
    static final int QUESTION_CANDIDATES = 8;

    /**
     * The words the tiers that search everything use. bm25 weighs each word by its IDF, which FTS5 clamps to almost 0
     * for a word in over half the talks, and it costs two passes over every talk a word is in. So a word in more
     * talks than a search ranks is left out when it is in over half the talks, or weighs under a fifth of the
     * query's weightiest word: it would cost milliseconds at 10,000 talks and barely change the order. Empty when
     * every word is in over half the talks. Notes of one conference never have a word in that many talks.
     */
    static List<String> worthRanking(List<String> words, Vocabulary vocabulary) {
        double most = words.stream().mapToDouble(vocabulary::idf).max().orElse(0);
        return words.stream()
                .filter(word -> vocabulary.talksWith(word) <= RANKED_AT_MOST
                        || vocabulary.talksWith(word) <= vocabulary.talks() / 2 && vocabulary.idf(word) >= most / 5)
                .toList();
    }

    /** Suggestions for someone whose words matched nothing: the most frequent title words, a few. */
    public List<String> suggestions(int count) {
        List<String> words = suggestions;
        return words.subList(0, Math.min(count, words.size()));
    }

    /** The {@link #SUGGESTIONS} most frequent title words, worked out at each change, not at each miss. */
    private static List<String> rankTitleWords(Map<String, Integer> titleWords) {
        return titleWords.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(SUGGESTIONS)
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * The best {@link #MAX_RESULTS} of the first {@link #RANKED_AT_MOST} matching talks (by bm25, or in notes order
     * for {@link #EVERYTHING_UNRANKED}). Notes of one conference never come near these limits; they keep a search
     * at 10,000 generated talks under 2 ms (bench/search-results.md); see also {@link #worthRanking}.
     */
    private List<Long> matching(String sql, String ftsQuery) throws SQLException {
        return db.read(connection -> {
            List<Long> ids = new ArrayList<>();
            PreparedStatement select = db.cached(sql);
            select.setString(1, ftsQuery);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
            return ids;
        });
    }

    static final int RANKED_AT_MOST = 250;
    /** Title and speaker only (title_search holds just those), title weighted double. */
    private static final String TITLES = """
            SELECT rowid FROM (SELECT rowid, bm25(title_search, 10.0, 5.0) AS score FROM title_search
                               WHERE title_search MATCH ? LIMIT %d)
            ORDER BY score LIMIT %d""".formatted(RANKED_AT_MOST, QUESTION_CANDIDATES);
    /** Title, speaker and bullets; a word in the title counts ten times one in a bullet. */
    private static final String EVERYTHING = """
            SELECT rowid FROM (SELECT rowid, bm25(talk_search, 10.0, 5.0, 1.0) AS score FROM talk_search
                               WHERE talk_search MATCH ? LIMIT %d)
            ORDER BY score LIMIT %d""".formatted(RANKED_AT_MOST, QUESTION_CANDIDATES);
    /** Every word typed is common: the first talks that have them all (or any), unranked. */
    private static final String EVERYTHING_UNRANKED = """
            SELECT rowid FROM talk_search WHERE talk_search MATCH ? LIMIT %d""".formatted(QUESTION_CANDIDATES);

    /** Each word becomes a quoted prefix term, so nothing typed is read as FTS syntax (AND, NEAR, *, quotes). */
    private static String terms(List<String> words, String operator) {
        List<String> terms = new ArrayList<>();
        for (String word : words) {
            terms.add("\"" + word.replace("\"", "\"\"") + "\"*");
        }
        return String.join(operator, terms);
    }

    /** Lower case, accents off, possessives off, split on anything that is not a letter or digit. */
    static List<String> words(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        if (isAscii(text)) {
            return asciiWords(text);
        }
        String plain = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("");
        plain = POSSESSIVE.matcher(plain.toLowerCase(Locale.ROOT)).replaceAll("");
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(plain);
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }

    /**
     * {@link #words} for text with no character past ASCII, most of the notes, without the normaliser and the
     * regular expressions (these took most of the time to read the words of 10,000 talks). It must split exactly as
     * they do: a possessive is "'s" after a letter or digit and before the end or a character that is not a letter,
     * digit or "_" (Java's \b), and a removed "'s" still counts as the letter before a next one ("a's's").
     */
    private static List<String> asciiWords(String text) {
        List<String> words = new ArrayList<>();
        int length = text.length();
        int start = -1;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (isAsciiLetterOrDigit(c)) {
                if (start < 0) {
                    start = i;
                }
                continue;
            }
            if (start >= 0) {
                words.add(text.substring(start, i).toLowerCase(Locale.ROOT));
                start = -1;
            }
            while (text.charAt(i) == '\'' && i > 0 && isAsciiLetterOrDigit(text.charAt(i - 1)) && i + 1 < length
                    && (text.charAt(i + 1) | 0x20) == 's'
                    && (i + 2 == length || !isAsciiLetterOrDigit(text.charAt(i + 2)) && text.charAt(i + 2) != '_')) {
                i += 2;
                if (i == length) {
                    break;
                }
            }
            if (i < length && isAsciiLetterOrDigit(text.charAt(i))) {
                start = i;
            }
        }
        if (start >= 0) {
            words.add(text.substring(start).toLowerCase(Locale.ROOT));
        }
        return words;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /** The words worth searching for: stop words and single letters dropped, unless nothing else is left. */
    static List<String> queryWords(String query) {
        List<String> all = words(query).stream()
                .filter(word -> word.length() <= MAX_WORD_LENGTH)
                .distinct()
                .limit(MAX_WORDS)
                .toList();
        List<String> meaningful = all.stream()
                .filter(word -> !STOP_WORDS.contains(word) && (word.length() > 1 || Character.isDigit(word.charAt(0))))
                .toList();
        return meaningful.isEmpty() ? all.stream().filter(word -> word.length() > 1).toList() : meaningful;
    }

    /** A word is known when some word in the notes starts with it, or with it less a plural ending. */
    private static boolean isKnown(Vocabulary vocabulary, String word) {
        for (String stem : stems(word)) {
            if (vocabulary.hasWordStartingWith(stem)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> stems(String word) {
        List<String> stems = new ArrayList<>(List.of(word));
        if (word.length() > 4 && word.endsWith("ies")) {
            stems.add(word.substring(0, word.length() - 3) + "y");
        }
        if (word.length() > 3 && word.endsWith("es")) {
            stems.add(word.substring(0, word.length() - 2));
        }
        if (word.length() > 3 && word.endsWith("s")) {
            stems.add(word.substring(0, word.length() - 1));
        }
        return stems;
    }

    /**
     * The notes' word closest to a typo (1 edit in a word of 4 to 7 letters, 2 from 8 on, the more frequent word
     * winning a tie, then the first in alphabetical order), or two known words run together ("microfrontends" to
     * "micro frontends"); null if none.
     */
    private static String closestWord(Vocabulary vocabulary, String word) {
        if (word.length() < 4) {
            return null;
        }
        String best = closestByEdits(vocabulary, word);
        if (best != null) {
            return best;
        }
        for (int split = 3; split <= word.length() - 3; split++) {
            String left = word.substring(0, split);
            String right = word.substring(split);
            if (vocabulary.contains(left) && isKnown(vocabulary, right)) {
                return left + " " + right;
            }
        }
        return null;
    }

    /** The word within the allowed edits of {@code word}, fewest edits first, then most frequent, then alphabetical. */
    private static String closestByEdits(Vocabulary vocabulary, String word) {
        int allowed = word.length() < 8 ? 1 : 2;
        String best = null;
        int bestDistance = allowed + 1;
        int bestCount = 0;
        long letters = Vocabulary.letters(word);
        for (int length = word.length() - allowed; length <= word.length() + allowed; length++) {
            Vocabulary.Bucket bucket = vocabulary.ofLength(length);
            for (int i = 0; i < bucket.words().length; i++) {
                // each edit changes at most two bits of the letter set, so this skips most words without a distance
                if (Long.bitCount(bucket.letters()[i] ^ letters) > 2 * allowed) {
                    continue;
                }
                String candidate = bucket.words()[i];
                int distance = EditDistance.within(word, candidate, allowed);
                if (distance > allowed) {
                    continue;
                }
                int count = bucket.counts()[i];
                if (distance < bestDistance || distance == bestDistance
                        && (count > bestCount || count == bestCount && candidate.compareTo(best) < 0)) {
                    best = candidate;
                    bestDistance = distance;
                    bestCount = count;
                }
            }
        }
        return best;
    }

    /**
     * The words of the notes, sorted (for prefix look-ups) and grouped by length with a 64-bit set of their letters
     * (for typo mending). Mending used to work out an edit distance to every word in the notes: fine for 1,000
     * words, 5 to 10 ms a typo at 10,000 talks (53,000 words). A typo within n edits has a length within n and
     * a letter set that differs in at most 2n bits (a changed letter drops one and adds one), so a length bucket
     * and one XOR and bit count leave a few hundred words to work out a distance for. Simpler than a BK-tree or
     * deletion neighbourhoods, and it finds exactly the same words as the full scan.
     */
    record Vocabulary(String[] sorted, Map<String, Integer> counts, Bucket[] byLength, Map<String, Integer> talksWith,
                      int talks) {

        private record Bucket(String[] words, int[] counts, long[] letters) {
        }

        private static final Bucket EMPTY = new Bucket(new String[0], new int[0], new long[0]);

        static Vocabulary of(Map<String, Integer> counts, Map<String, Integer> talksWith, int talks) {
            String[] sorted = counts.keySet().toArray(String[]::new);
            Arrays.sort(sorted);
            int longest = 0;
            for (String word : sorted) {
                longest = Math.max(longest, word.length());
            }
            int[] sizes = new int[longest + 1];
            for (String word : sorted) {
                sizes[word.length()]++;
            }
            Bucket[] byLength = new Bucket[longest + 1];
            for (int length = 0; length <= longest; length++) {
                int size = sizes[length];
                byLength[length] = new Bucket(new String[size], new int[size], new long[size]);
            }
            int[] filled = new int[longest + 1];
            for (String word : sorted) {
                Bucket bucket = byLength[word.length()];
                int i = filled[word.length()]++;
                bucket.words()[i] = word;
                bucket.counts()[i] = counts.get(word);
                bucket.letters()[i] = letters(word);
            }
            return new Vocabulary(sorted, new ConcurrentHashMap<>(counts), byLength, new ConcurrentHashMap<>(talksWith),
                    talks);
        }

        /** How often the word occurs in the notes; 0 for none. */
        int count(String word) {
            return counts.getOrDefault(word, 0);
        }

        /**
         * This vocabulary after {@link #counts} and {@link #talksWith} were changed in place for the words of
         * {@code was} (each with its count before, 0 for a word new to the notes): the same as {@link #of} would
         * build from the counts, with only the sorted list and the length buckets of those words made again.
         */
        Vocabulary with(int talks, Map<String, Integer> was) {
            List<String> added = new ArrayList<>();
            Set<String> removed = new HashSet<>();
            was.forEach((word, before) -> {
                if (before == 0) {
                    added.add(word);
                } else if (count(word) == 0) {
                    removed.add(word);
                }
            });
            Collections.sort(added);
            int longest = byLength.length - 1;
            for (String word : added) {
                longest = Math.max(longest, word.length());
            }
            Bucket[] buckets = Arrays.copyOf(byLength, longest + 1);
            Arrays.fill(buckets, byLength.length, buckets.length, EMPTY);
            for (int length : was.keySet().stream().map(String::length).distinct().toList()) {
                buckets[length] = bucket(buckets[length], length, added, removed, was);
            }
            return new Vocabulary(edit(sorted, added, removed), counts, buckets, talksWith, talks);
        }

        /** A length's bucket with new counts, and the words of that length added and removed. */
        private Bucket bucket(Bucket bucket, int length, List<String> added, Set<String> removed,
                              Map<String, Integer> was) {
            List<String> adding = added.stream().filter(word -> word.length() == length).toList();
            if (adding.isEmpty() && removed.stream().noneMatch(word -> word.length() == length)) {
                int[] counts = bucket.counts().clone();
                was.keySet().stream().filter(word -> word.length() == length).forEach(word ->
                        counts[Arrays.binarySearch(bucket.words(), word)] = count(word));
                return new Bucket(bucket.words(), counts, bucket.letters());
            }
            String[] words = edit(bucket.words(), adding, removed);
            Bucket edited = new Bucket(words, new int[words.length], new long[words.length]);
            for (int i = 0; i < words.length; i++) {
                edited.counts()[i] = count(words[i]);
                edited.letters()[i] = letters(words[i]);
            }
            return edited;
        }

        /** Sorted {@code words} less {@code removed}, with the sorted {@code added} in their places. */
        private static String[] edit(String[] words, List<String> added, Set<String> removed) {
            int[] removeAt = removed.stream().mapToInt(word -> Arrays.binarySearch(words, word)).filter(at -> at >= 0)
                    .sorted().toArray();
            List<String> adding = added.stream().filter(word -> Arrays.binarySearch(words, word) < 0).toList();
            if (removeAt.length == 0 && adding.isEmpty()) {
                return words;
            }
            String[] edited = new String[words.length + adding.size() - removeAt.length];
            int from = 0;
            int to = 0;
            int nextAdded = 0;
            int nextRemoved = 0;
            while (true) {
                int insertAt = nextAdded < adding.size() ? -Arrays.binarySearch(words, adding.get(nextAdded)) - 1 : Integer.MAX_VALUE;
                int removeNext = nextRemoved < removeAt.length ? removeAt[nextRemoved] : Integer.MAX_VALUE;
                int stop = Math.min(Math.min(insertAt, removeNext), words.length);
                System.arraycopy(words, from, edited, to, stop - from);
                to += stop - from;
                from = stop;
                if (insertAt == from) {
                    edited[to++] = adding.get(nextAdded++);
                } else if (removeNext == from) {
                    from++;
                    nextRemoved++;
                } else {
                    return edited;
                }
            }
        }

        /** One bit per letter a to z and digit, the rest of the alphabet folded onto the remaining bits. */
        static long letters(String word) {
            long set = 0;
            for (int i = 0; i < word.length(); i++) {
                char c = word.charAt(i);
                int bit = c >= 'a' && c <= 'z' ? c - 'a' : c >= '0' && c <= '9' ? 26 + c - '0' : 36 + c % 28;
                set |= 1L << bit;
            }
            return set;
        }

        Bucket ofLength(int length) {
            return length >= 0 && length < byLength.length ? byLength[length] : EMPTY;
        }

        /** How many talks have this word; 0 for a word only found as the start of longer ones. */
        int talksWith(String word) {
            return talksWith.getOrDefault(word, 0);
        }

        /** The word's weight in FTS5's bm25: log((N - n + 0.5) / (n + 0.5)), at least 0.000001. */
        double idf(String word) {
            int with = talksWith(word);
            return Math.max(1e-6, Math.log((talks - with + 0.5) / (with + 0.5)));
        }

        boolean contains(String word) {
            return counts.containsKey(word);
        }

        boolean hasWordStartingWith(String prefix) {
            int at = Arrays.binarySearch(sorted, prefix);
            int next = at >= 0 ? at : -at - 1;
            return next < sorted.length && sorted[next].startsWith(prefix);
        }
    }
}
