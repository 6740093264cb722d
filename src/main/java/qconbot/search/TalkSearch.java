package qconbot.search;

import qconbot.notes.EditDistance;
import qconbot.notes.Talk;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
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
     */
    public record Result(String query, List<String> words, Map<String, String> corrections, List<String> unknown,
                         List<Talk> talks) {

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
    /** Every word in the notes (normalised) with how many times it occurs; rebuilt by {@link #refresh}. */
    private volatile NavigableMap<String, Integer> vocabulary = new TreeMap<>();

    public TalkSearch(Db db, Talks talks) throws SQLException {
        this.db = db;
        this.talks = talks;
        refresh();
    }

    /** Re-reads the words of the notes; call after {@link Talks#sync}. */
    public void refresh() throws SQLException {
        NavigableMap<String, Integer> words = new TreeMap<>();
        db.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT title, speaker, body FROM talk_search");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    for (int column = 1; column <= 3; column++) {
                        for (String word : words(rows.getString(column))) {
                            words.merge(word, 1, Integer::sum);
                        }
                    }
                }
            }
            return null;
        });
        vocabulary = words;
    }

    public Result search(String query) throws SQLException {
        List<String> typed = queryWords(query);
        NavigableMap<String, Integer> vocabulary = this.vocabulary;
        Map<String, String> corrections = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        Set<String> searched = new LinkedHashSet<>();
        for (String word : typed) {
            if (isKnown(vocabulary, word)) {
                searched.add(word);
                continue;
            }
            String mended = closestWord(vocabulary, word);
            if (mended != null) {
                corrections.put(word, mended);
                searched.addAll(List.of(mended.split(" ")));
            } else {
                unknown.add(word);
            }
        }
        List<String> words = List.copyOf(searched);
        if (words.isEmpty()) {
            return new Result(query, words, corrections, unknown, List.of());
        }
        String all = terms(words, " AND ");
        LinkedHashSet<Long> ids = new LinkedHashSet<>();
        ids.addAll(matching("{title speaker} : (" + all + ")"));
        if (ids.size() < MAX_RESULTS) {
            ids.addAll(matching(all));
        }
        if (ids.size() < MAX_RESULTS && words.size() > 1) {
            ids.addAll(matching(terms(words, " OR ")));
        }
        List<Long> best = new ArrayList<>(ids).subList(0, Math.min(MAX_RESULTS, ids.size()));
        return new Result(query, words, corrections, unknown, talks.byIds(best));
    }

    /** Suggestions for someone whose words matched nothing: the most frequent title words, a few. */
    public List<String> suggestions(int count) throws SQLException {
        Map<String, Integer> titleWords = new HashMap<>();
        for (List<String> titles : talks.titles().values()) {
            for (String title : titles) {
                for (String word : words(title)) {
                    if (word.length() > 3 && !STOP_WORDS.contains(word)) {
                        titleWords.merge(word, 1, Integer::sum);
                    }
                }
            }
        }
        return titleWords.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(count)
                .map(Map.Entry::getKey)
                .toList();
    }

    private List<Long> matching(String ftsQuery) throws SQLException {
        return db.read(connection -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT rowid FROM talk_search WHERE talk_search MATCH ?
                    ORDER BY bm25(talk_search, 10.0, 5.0, 1.0) LIMIT ?""")) {
                select.setString(1, ftsQuery);
                select.setInt(2, MAX_RESULTS);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                    }
                }
            }
            return ids;
        });
    }

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
        String plain = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("");
        plain = POSSESSIVE.matcher(plain.toLowerCase(Locale.ROOT)).replaceAll("");
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(plain);
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
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
    private static boolean isKnown(NavigableMap<String, Integer> vocabulary, String word) {
        for (String stem : stems(word)) {
            String next = vocabulary.ceilingKey(stem);
            if (next != null && next.startsWith(stem)) {
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
     * winning a tie), or two known words run together ("microfrontends" to "micro frontends"); null if none.
     */
    private static String closestWord(NavigableMap<String, Integer> vocabulary, String word) {
        if (word.length() < 4) {
            return null;
        }
        int allowed = word.length() < 8 ? 1 : 2;
        String best = null;
        int bestDistance = allowed + 1;
        int bestCount = 0;
        for (Map.Entry<String, Integer> entry : vocabulary.entrySet()) {
            String candidate = entry.getKey();
            if (Math.abs(candidate.length() - word.length()) > allowed) {
                continue;
            }
            int distance = EditDistance.within(word, candidate, allowed);
            if (distance > allowed) {
                continue;
            }
            if (distance < bestDistance || distance == bestDistance && entry.getValue() > bestCount) {
                best = candidate;
                bestDistance = distance;
                bestCount = entry.getValue();
            }
        }
        if (best != null) {
            return best;
        }
        for (int split = 3; split <= word.length() - 3; split++) {
            String left = word.substring(0, split);
            String right = word.substring(split);
            if (vocabulary.containsKey(left) && isKnown(vocabulary, right)) {
                return left + " " + right;
            }
        }
        return null;
    }
}
