package qconbot.search;

import qconbot.notes.Bullet;
import qconbot.notes.Talk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which points of the matching talks answer a question, best first (issue 12). Lexical, like the talk search:
 * each point is scored as a short document of its own with BM25's shape (a word counts by how rare it is among all
 * the points of the notes, and a long point counts each word for less), with the point's parent bullet and its
 * talk's title, speaker and day as context that counts for less. A few question shapes change what counts: "why"
 * favours points that give a reason, "how many / big / long …" favours points with a number, and "which database"
 * favours points naming one (the kinds are data: {@code search/synonyms.txt}).
 * <p>
 * Nothing here knows the words of any notes file.
 */
public final class Answers {

    /** A point that answers, with the point it sits under (null for a top-level one) and the words it matched. */
    public record Point(Talk talk, Bullet bullet, Bullet parent, double score, Set<String> matched) {
    }

    /** Words that carry no content in a question; also never matched in a point. */
    static final Set<String> STOP = Set.of(
            "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "at", "is", "are", "was", "were", "be",
            "been", "with", "by", "about", "how", "what", "whats", "which", "who", "whom", "why", "when", "where",
            "does", "do", "did", "done", "doing", "can", "could", "should", "would", "will", "shall", "may", "might",
            "must", "they", "them", "their", "we", "us", "our", "you", "your", "i", "me", "my", "it", "its", "this",
            "that", "these", "those", "there", "here", "say", "says", "said", "tell", "talk", "talks", "speaker",
            "from", "into", "than", "then", "has", "have", "had", "get", "got", "any", "some", "s", "t", "being", "am");
    /** Words that make the text a question rather than a title or a topic. */
    private static final Set<String> QUESTION_WORDS = Set.of(
            "what", "whats", "which", "who", "whom", "why", "when", "where", "how", "does", "do", "did", "is", "are",
            "can", "should", "could", "would", "was", "were");
    /** After "how": the question wants a quantity, so a point with a number answers it better. */
    private static final Set<String> QUANTITIES = Set.of(
            "many", "much", "big", "long", "often", "small", "large", "fast", "old", "far", "quick", "slow");
    /** Words that give a reason, for "why" questions. */
    private static final Set<String> REASONS = Set.of(
            "because", "since", "due", "so", "reason", "reasons", "as", "thus", "therefore", "avoid", "avoids",
            "needed", "need", "able");
    private static final Set<String> NUMBER_WORDS = Set.of(
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty",
            "hundred", "thousand", "million", "half", "dozen", "every");

    /** BM25's constants; a softer length rule than its usual 0.75, as one note's points are all short. */
    private static final double K1 = 1.2;
    private static final double B = 0.5;
    /** How much a word counts when only the point's parent has it. */
    private static final double PARENT = 0.5;
    /** A word of the talk's title, speaker or day: the question names the talk, and all its points share it. */
    private static final double TALK = 1.0;
    /** A member of a kind asked for ("postgres" for "which database") counts more than the kind's own word. */
    private static final double MEMBER = 1.2;
    /** What was asked "about" ("what did X say about release trains") counts more than who said it. */
    private static final double ABOUT = 1.5;
    /** A point of the shape the question wants (a reason, a number, a definition) counts this much more. */
    private static final double SHAPE = 1.8;
    /** A point with no word but those asked for. */
    private static final double REPEATS = 0.3;

    private static final Synonyms SYNONYMS = Synonyms.load("/search/synonyms.txt");

    private Answers() {
    }

    /** True when the text reads as a question: a question word, or a question mark. */
    public static boolean isQuestion(String text) {
        if (text.indexOf('?') >= 0) {
            return true;
        }
        for (String word : TalkSearch.words(text)) {
            if (QUESTION_WORDS.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** The words of a question worth searching for: no question or filler words, no quantity after "how". */
    static List<String> content(String text, List<String> searched) {
        return content(hints(text), searched);
    }

    static List<String> content(Hints question, List<String> searched) {
        Set<String> hints = question.quantities();
        List<String> content = searched.stream().filter(word -> !STOP.contains(word) && !hints.contains(word)).toList();
        return content.isEmpty() ? searched : content;
    }

    /**
     * What the question's shape says about its answer: a reason (why), a number (how many, how big …), a definition
     * (what is …); and the words it is about (after "about").
     */
    record Hints(boolean why, Set<String> quantities, boolean definition, Set<String> about) {
    }

    private static final java.util.regex.Pattern WHATS = java.util.regex.Pattern.compile("(?is)what['’]?s\\b.*");

    static Hints hints(String text) {
        List<String> words = TalkSearch.words(text);
        Set<String> quantities = new LinkedHashSet<>();
        Set<String> about = new LinkedHashSet<>();
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals("how") && QUANTITIES.contains(words.get(i + 1))) {
                quantities.add(words.get(i + 1));
            }
            if (words.get(i).equals("about")) {
                about.addAll(words.subList(i + 1, words.size()));
            }
        }
        boolean definition = words.size() >= 2 && (words.get(0).equals("what") || words.get(0).equals("whats"))
                && (words.get(1).equals("is") || words.get(1).equals("are") || WHATS.matcher(text.strip()).matches());
        return new Hints(words.contains("why"), quantities, definition, about);
    }

    /** One word of the question and what finds it in a point: its stem, or a synonym's (stems, all needed). */
    private record Term(String word, List<List<String>> alternatives, List<Double> weights) {
    }

    /**
     * A term as one question looks it up: each stem that finds it on its own (the typed word's, its longer forms in
     * the talks at hand, one-word synonyms) with its weight, and the synonyms of several words (all needed).
     */
    private record Lookup(Map<String, Double> single, List<List<String>> several, List<Double> severalWeights) {

        static Lookup of(Term term, Map<String, List<String>> forms) {
            Map<String, Double> single = new HashMap<>();
            List<List<String>> several = new ArrayList<>();
            List<Double> severalWeights = new ArrayList<>();
            for (int i = 0; i < term.alternatives().size(); i++) {
                List<String> alternative = term.alternatives().get(i);
                double weight = term.weights().get(i);
                if (alternative.size() == 1) {
                    List<String> stems = i == 0 ? forms.getOrDefault(alternative.get(0), alternative) : alternative;
                    stems.forEach(stem -> single.merge(stem, weight, Math::max));
                } else {
                    several.add(alternative);
                    severalWeights.add(weight);
                }
            }
            return new Lookup(single, several, severalWeights);
        }

        /**
         * The best weight, times the word's rarity, of what finds this term among {@code stems}; 0 for nothing. The
         * stems that found it go into {@code matched} unless it is null.
         */
        double best(Set<String> stems, PointIndex index, Set<String> matched) {
            double best = 0;
            for (String stem : stems) {
                Double weight = single.get(stem);
                if (weight != null) {
                    best = Math.max(best, weight * index.idf(List.of(stem)));
                    if (matched != null) {
                        matched.add(stem);
                    }
                }
            }
            for (int i = 0; i < several.size(); i++) {
                if (stems.containsAll(several.get(i))) {
                    best = Math.max(best, severalWeights.get(i) * index.idf(several.get(i)));
                    if (matched != null) {
                        matched.addAll(several.get(i));
                    }
                }
            }
            return best;
        }
    }

    /**
     * The points of {@code talks} that answer, best first, at most one talk's worth per talk in the order of their
     * best point.
     *
     * @param words the content words searched for (typos mended), see {@link #content}
     */
    static List<Point> rank(Hints hints, List<String> words, List<Talk> talks, PointIndex index) {
        List<Term> terms = new ArrayList<>();
        for (String word : words) {
            terms.add(term(word, hints.about().contains(word) ? ABOUT : 1.0));
        }
        List<Stemmed> stemmed = talks.stream().map(index::stemmed).toList();
        // A typed word of five letters or more also finds longer words it begins ("motivat" finds "motivation"):
        // which ones, worked out once over these talks' words, not once per point. Synonyms match exactly.
        Map<String, List<String>> forms = new HashMap<>();
        for (Term term : terms) {
            for (String typed : term.alternatives().get(0)) {
                forms.computeIfAbsent(typed, stem -> formsOf(stem, stemmed));
            }
        }
        List<Lookup> lookups = terms.stream().map(term -> Lookup.of(term, forms)).toList();
        List<Point> points = new ArrayList<>();
        for (Stemmed talkStems : stemmed) {
            Talk talk = talkStems.talk();
            Found[] found = Found.inPoints(talkStems, lookups, index);
            Found context = Found.in(talkStems.context(), lookups, index);
            int[] parents = talkStems.parents();
            // Only a point with a word of the question, or under one, can answer it.
            for (int i = 0; i < found.length; i++) {
                if (found[i] != null || parents[i] >= 0 && found[parents[i]] != null) {
                    Point point = score(talk, i, talkStems, terms, found, context, hints, index);
                    if (point != null) {
                        points.add(point);
                    }
                }
            }
        }
        points.sort(Comparator.comparingDouble(Point::score).reversed());
        return points;
    }

    /**
     * A talk's words as the ranking reads them, worked out once per talk and kept (see {@link PointIndex#stemmed}):
     * each point's stems, the index of its parent (-1 for a top-level point), the title, speaker and day, which points
     * have each stem, whether each point gives a reason or a number, and every stem sorted (to find longer forms).
     */
    record Stemmed(Talk talk, List<List<String>> own, List<Set<String>> ownSets, int[] parents, Set<String> context,
                   Map<String, int[]> pointsWith, boolean[] reasons, boolean[] numbers, String[] sorted) {

        static Stemmed of(Talk talk) {
            List<List<String>> own = new ArrayList<>();
            List<Set<String>> ownSets = new ArrayList<>();
            Map<String, List<Integer>> at = new HashMap<>();
            boolean[] reasons = new boolean[talk.bullets().size()];
            boolean[] numbers = new boolean[talk.bullets().size()];
            for (int i = 0; i < talk.bullets().size(); i++) {
                String text = talk.bullets().get(i).text();
                List<String> stems = stemList(text);
                own.add(stems);
                ownSets.add(Set.copyOf(stems));
                for (String stem : ownSets.get(i)) {
                    at.computeIfAbsent(stem, k -> new ArrayList<>()).add(i);
                }
                List<String> words = TalkSearch.words(text);
                reasons[i] = words.stream().anyMatch(REASONS::contains);
                numbers[i] = words.stream().anyMatch(word -> Character.isDigit(word.charAt(0)) || NUMBER_WORDS.contains(word));
            }
            Map<String, int[]> pointsWith = new HashMap<>();
            at.forEach((stem, points) -> pointsWith.put(stem, points.stream().mapToInt(Integer::intValue).toArray()));
            Set<String> context = new LinkedHashSet<>(stems(talk.title()));
            context.addAll(stems(talk.speaker()));
            context.addAll(stems(talk.day()));
            Set<String> all = new java.util.TreeSet<>(pointsWith.keySet());
            all.addAll(context);
            return new Stemmed(talk, own, ownSets, talk.parents(), Set.copyOf(context), pointsWith, reasons, numbers,
                    all.toArray(String[]::new));
        }

    }

    /** The stem itself, then the longer stems of these talks that begin with it (for a stem of five letters or more). */
    private static List<String> formsOf(String stem, List<Stemmed> talks) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(stem);
        if (stem.length() >= 5) {
            for (Stemmed talk : talks) {
                String[] sorted = talk.sorted();
                int at = Arrays.binarySearch(sorted, stem);
                for (int i = at < 0 ? -at - 1 : at; i < sorted.length && sorted[i].startsWith(stem); i++) {
                    forms.add(sorted[i]);
                }
            }
        }
        return List.copyOf(forms);
    }

    /** Each term's best weight found in some stems (0: not found), and the stems that found them. */
    private record Found(double[] weights, Set<String> matched) {

        /**
         * For each point of a talk, what each term finds in it; null for a point with none of them. Looked up from the
         * question's side (which points have each stem it is found by), not by reading every point.
         */
        static Found[] inPoints(Stemmed talk, List<Lookup> lookups, PointIndex index) {
            Found[] found = new Found[talk.parents().length];
            for (int t = 0; t < lookups.size(); t++) {
                Lookup lookup = lookups.get(t);
                for (Map.Entry<String, Double> single : lookup.single().entrySet()) {
                    int[] at = talk.pointsWith().get(single.getKey());
                    if (at != null) {
                        double weight = single.getValue() * index.idf(List.of(single.getKey()));
                        for (int point : at) {
                            found(found, point, lookups.size()).add(t, weight, List.of(single.getKey()));
                        }
                    }
                }
                for (int i = 0; i < lookup.several().size(); i++) {
                    List<String> stems = lookup.several().get(i);
                    double weight = lookup.severalWeights().get(i) * index.idf(stems);
                    for (int point : talk.pointsWith().getOrDefault(stems.get(0), new int[0])) {
                        if (talk.ownSets().get(point).containsAll(stems)) {
                            found(found, point, lookups.size()).add(t, weight, stems);
                        }
                    }
                }
            }
            return found;
        }

        private static Found found(Found[] found, int point, int terms) {
            if (found[point] == null) {
                found[point] = new Found(new double[terms], new LinkedHashSet<>());
            }
            return found[point];
        }

        private void add(int term, double weight, List<String> stems) {
            weights[term] = Math.max(weights[term], weight);
            matched.addAll(stems);
        }

        static Found in(Set<String> stems, List<Lookup> lookups, PointIndex index) {
            double[] weights = new double[lookups.size()];
            Set<String> matched = new LinkedHashSet<>();
            for (int t = 0; t < lookups.size(); t++) {
                weights[t] = lookups.get(t).best(stems, index, matched);
            }
            return new Found(weights, matched);
        }
    }

    private static Point score(Talk talk, int at, Stemmed stemmed, List<Term> terms, Found[] found, Found context,
                               Hints hints, PointIndex index) {
        Bullet bullet = talk.bullets().get(at);
        List<String> own = stemmed.own().get(at);
        int parentAt = stemmed.parents()[at];
        Bullet parent = parentAt < 0 ? null : talk.bullets().get(parentAt);
        Found above = parentAt < 0 ? null : found[parentAt];
        // A point longer than twice the average counts as twice the average: one line of notes that runs long is
        // usually the detailed answer, not a diluted one.
        double length = Math.min(own.size(), 2 * index.averageLength());
        double lengthFactor = (K1 + 1) / (1 + K1 * (1 - B + B * length / index.averageLength()));
        double score = 0;
        int covered = 0;
        boolean answers = false;
        for (int t = 0; t < terms.size(); t++) {
            double best = found[at] == null ? 0 : found[at].weights()[t] * lengthFactor;
            double fromAbove = above == null ? 0 : above.weights()[t];
            answers |= best > 0 || fromAbove > 0;
            // A word only in the parent point, or only in the talk's title, speaker or day, counts for less.
            best = Math.max(best, Math.max(PARENT * fromAbove, TALK * context.weights()[t]));
            score += best;
            covered += best > 0 ? 1 : 0;
        }
        Set<String> matched = found[at] == null ? Set.of() : found[at].matched();
        if (!answers) {
            return null;
        }
        // A point that has more of what was asked beats one that has a single rare word of it.
        score *= (double) covered / terms.size();
        return new Point(talk, bullet, parent, shaped(score, at, stemmed, terms, hints, matched), matched);
    }

    /** The score less for a point that only repeats the question, more for one shaped as the question asks. */
    private static double shaped(double score, int at, Stemmed stemmed, List<Term> terms, Hints hints,
                                 Set<String> matched) {
        // A point that only repeats the question ("patterns...") tells nothing new.
        if (terms.stream().map(term -> term.alternatives().get(0).get(0)).toList().containsAll(stemmed.ownSets().get(at))) {
            score *= REPEATS;
        }
        if (hints.why() && stemmed.reasons()[at]
                || !hints.quantities().isEmpty() && stemmed.numbers()[at]
                || hints.definition() && defines(stemmed.talk().bullets().get(at).text(), matched)) {
            score *= SHAPE;
        }
        return score;
    }

    /** "strangler: start with …", "CDS - class data sharing …": the point opens with a matched word and says what it is. */
    private static boolean defines(String text, Set<String> matched) {
        int end = -1;
        for (String separator : List.of(":", " - ", " (", " = ")) {
            int at = text.indexOf(separator);
            if (at > 0 && (end < 0 || at < end)) {
                end = at;
            }
        }
        if (end < 0 || end > 60 || end + 3 >= text.length()) {
            return false;
        }
        return stemList(text.substring(0, end)).stream().anyMatch(matched::contains);
    }

    private static Term term(String word, double weight) {
        List<List<String>> alternatives = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        alternatives.add(List.of(stem(word)));
        weights.add(weight);
        for (String same : SYNONYMS.same(word)) {
            alternatives.add(stemList(same));
            weights.add(weight);
        }
        for (String member : SYNONYMS.members(word)) {
            alternatives.add(stemList(member));
            weights.add(MEMBER * weight);
        }
        return new Term(word, alternatives, weights);
    }

    /** The stems of a text's words, stop words left out, in order. */
    static List<String> stemList(String text) {
        List<String> stems = new ArrayList<>();
        for (String word : TalkSearch.words(text)) {
            if (!STOP.contains(word)) {
                stems.add(stem(word));
            }
        }
        return stems;
    }

    private static Set<String> stems(String text) {
        return new LinkedHashSet<>(stemList(text));
    }

    /**
     * A light stemmer, enough for questions against notes: plurals and the commonest endings come off, so
     * "trains" finds "train", "using" finds "use" and "tracing" finds "trace". Never shorter than two letters.
     */
    public static String stem(String word) {
        String stem = word;
        if (stem.length() > 4 && stem.endsWith("ies")) {
            stem = stem.substring(0, stem.length() - 3) + "y";
        } else if (stem.length() > 3 && stem.endsWith("s") && !stem.endsWith("ss") && !stem.endsWith("us")) {
            stem = stem.substring(0, stem.length() - 1);
        }
        if (stem.length() >= 5 && stem.endsWith("ing")) {
            stem = stem.substring(0, stem.length() - 3);
        } else if (stem.length() >= 4 && stem.endsWith("ed") && !stem.endsWith("eed")) {
            stem = stem.substring(0, stem.length() - 2);
        }
        if (stem.length() >= 3 && stem.endsWith("e")) {
            stem = stem.substring(0, stem.length() - 1);
        }
        return stem;
    }

    /** How many points of the notes have each stem, for a word's weight; rebuilt with the vocabulary. */
    static final class PointIndex {
        /** A concurrent map, changed in place a talk at a time ({@link #change}); read by searches meanwhile. */
        private final Map<String, Integer> pointsWith;
        private volatile int points;
        private volatile long stems;
        private volatile double averageLength;

        PointIndex(Map<String, Integer> pointsWith, int points, long stems) {
            this.pointsWith = new java.util.concurrent.ConcurrentHashMap<>(pointsWith);
            counted(points, stems);
        }

        private void counted(int points, long stems) {
            this.points = points;
            this.stems = stems;
            this.averageLength = points == 0 ? 1 : Math.max(1, (double) stems / points);
        }

        /** Counts one point's stems into {@code pointsWith}; returns how many it has. */
        static int count(String text, Map<String, Integer> pointsWith) {
            return count(text, pointsWith, 1);
        }

        /** {@link #count} adding {@code sign} (1, or -1 to take a point out); a stem in no point any more goes. */
        private static int count(String text, Map<String, Integer> pointsWith, int sign) {
            List<String> stems = stemList(text);
            for (String stem : new LinkedHashSet<>(stems)) {
                pointsWith.merge(stem, sign, (had, more) -> had + more == 0 ? null : had + more);
            }
            return stems.size();
        }

        /**
         * One talk's points changed, in place: those of {@code before} out, those of {@code after} in (either may be
         * null). The same counts as counting every point again, at the cost of one talk's points. One change at a
         * time (the search's lock); a question ranked meanwhile may weigh a word by the counts halfway through.
         */
        void change(Talk before, Talk after) {
            int pointCount = points;
            long stemCount = stems;
            for (int sign = -1; sign <= 1; sign += 2) {
                Talk talk = sign < 0 ? before : after;
                for (Bullet bullet : talk == null ? List.<Bullet>of() : talk.bullets()) {
                    stemCount += sign * count(bullet.text(), pointsWith, sign);
                    pointCount += sign;
                }
            }
            counted(pointCount, stemCount);
        }

        /** BM25's weight of a word (every stem of a several-word synonym: the rarest), never below a small floor. */
        double idf(List<String> stems) {
            int with = Integer.MAX_VALUE;
            for (String stem : stems) {
                with = Math.min(with, pointsWith.getOrDefault(stem, 0));
            }
            return Math.max(0.05, Math.log(1 + (points - with + 0.5) / (with + 0.5)));
        }

        /** How many points of the notes have this stem. */
        int pointsWith(String stem) {
            return pointsWith.getOrDefault(stem, 0);
        }

        double averageLength() {
            return averageLength;
        }

        /** The most talks whose words are kept: a few MB at 10,000-talk notes, all of one conference's. */
        private static final int KEPT = 4096;
        private final Map<String, Stemmed> kept = new java.util.LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Stemmed> eldest) {
                return size() > KEPT;
            }
        };

        /** A talk's words, kept while the talk read from the notes is the same one (a reload makes new ones). */
        Stemmed stemmed(Talk talk) {
            synchronized (kept) {
                Stemmed stemmed = kept.get(talk.key());
                if (stemmed != null && stemmed.talk() == talk) {
                    return stemmed;
                }
            }
            Stemmed stemmed = Stemmed.of(talk);
            synchronized (kept) {
                kept.put(talk.key(), stemmed);
            }
            return stemmed;
        }
    }

    /** True when the synonym table has the word: it is not a typo to mend, though the notes may not use it. */
    static boolean knows(String word) {
        return !SYNONYMS.same(word).isEmpty() || !SYNONYMS.members(word).isEmpty();
    }

    /** The synonym table: "a = b, c" (the same thing), "kind : member, member" (of that kind). */
    record Synonyms(Map<String, List<String>> same, Map<String, List<String>> members) {

        List<String> same(String word) {
            return same.getOrDefault(word, List.of());
        }

        List<String> members(String word) {
            return members.getOrDefault(word, members.getOrDefault(stem(word), List.of()));
        }

        static Synonyms load(String resource) {
            Map<String, List<String>> same = new HashMap<>();
            Map<String, List<String>> members = new HashMap<>();
            try (InputStream in = Answers.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is missing from the jar");
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = reader.readLine()) != null; ) {
                    line = line.strip();
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    boolean kind = line.indexOf(':') > 0 && (line.indexOf('=') < 0 || line.indexOf(':') < line.indexOf('='));
                    String[] sides = line.split(kind ? ":" : "=", 2);
                    String word = sides[0].strip();
                    List<String> words = new ArrayList<>();
                    for (String other : sides[1].split(",")) {
                        if (!other.isBlank()) {
                            words.add(other.strip());
                        }
                    }
                    (kind ? members : same).merge(word, words, (a, b) -> {
                        List<String> both = new ArrayList<>(a);
                        both.addAll(b);
                        return both;
                    });
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Synonyms(same, members);
        }
    }
}
