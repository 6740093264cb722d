package qconbot.search;

import qconbot.notes.Bullet;
import qconbot.notes.Talk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * What a reply shows of a talk under its header. A long talk shows its most telling points ({@code telling}; empty
 * means every point): the {@code !!!} highlights and [INTERNAL] lines first, then the points whose words are rarest
 * in the notes, each sub-point with its parent. {@code related} are up to two talks sharing the talk's rarest words.
 */
public record Overview(Talk talk, Set<Bullet> telling, List<Related> related) {

    /** A talk with more points than this is shown by its most telling ones first. */
    public static final int LONG = 8;
    /** How many points a long talk shows at first (parents of chosen sub-points come along). */
    static final int SHOWN = 6;

    /** English words that say nothing of a topic however rarely the notes use them. */
    private static final Set<String> PLAIN = Set.of("all", "also", "just", "not", "but", "too", "very", "more", "most",
            "much", "many", "thus", "don", "doesn", "didn", "isn", "won", "can", "cannot", "use", "used", "uses", "using",
            "like", "make", "made", "way", "lot", "lots", "thing", "things", "able", "other", "others", "same", "still",
            "only", "even", "well", "good", "better", "new", "one", "two", "three", "first", "over", "out", "off", "yet");

    /** Another talk, and the rare words it shares with this one. */
    public record Related(Talk talk, List<String> shared) {
    }

    public Overview {
        telling = Set.copyOf(telling);
        related = List.copyOf(related);
    }

    /** Every point, nothing related: what is shown when there is no index to hand (a summary built on its own). */
    public static Overview whole(Talk talk) {
        return new Overview(talk, Set.of(), List.of());
    }

    /** The same talk with every point shown ("Show all 23 points"). */
    public Overview all() {
        return new Overview(talk, Set.of(), related);
    }

    public boolean shortened() {
        return !telling.isEmpty();
    }

    public boolean shows(Bullet bullet) {
        return telling.isEmpty() || telling.contains(bullet);
    }

    /**
     * The points of a long talk to show first: highlights and [INTERNAL] lines, the first point (notes tend to open
     * with the gist), then by how particular their words are (the mean BM25 weight of their stems over all points of the notes). Empty when the talk is short, or when
     * leaving out fewer than three points would not be worth a button.
     */
    static Set<Bullet> telling(Talk talk, Answers.Stemmed stemmed, Answers.PointIndex index) {
        List<Bullet> bullets = talk.bullets();
        if (bullets.size() <= LONG) {
            return Set.of();
        }
        double[] score = new double[bullets.size()];
        for (int i = 0; i < bullets.size(); i++) {
            Set<String> stems = stemmed.ownSets().get(i);
            double particular = stems.stream().mapToDouble(stem -> index.idf(List.of(stem))).average().orElse(0);
            Bullet.Kind kind = bullets.get(i).kind();
            score[i] = (kind == Bullet.Kind.HIGHLIGHT || kind == Bullet.Kind.INTERNAL ? 100 : i == 0 ? 50 : 0) + particular;
        }
        int[] parents = stemmed.parents();
        Set<Bullet> chosen = new HashSet<>();
        IntStream.range(0, bullets.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -score[i]).thenComparingInt(i -> i))
                .limit(SHOWN)
                .forEach(i -> {
                    chosen.add(bullets.get(i));
                    if (parents[i] >= 0) {
                        chosen.add(bullets.get(parents[i]));
                    }
                });
        return bullets.size() - chosen.size() < 3 ? Set.of() : chosen;
    }

    /**
     * The words of a talk that could link it to another: those in at least two and at most {@code most} talks (by
     * stem, with the word as written), and its topic, the stems in its title or in two of its points or more.
     */
    record Words(Map<String, String> rare, Set<String> topic) {

        static Words of(Talk talk, TalkSearch.Vocabulary vocabulary, int most) {
            Map<String, String> rare = new HashMap<>();
            Map<String, Integer> pointsWith = new HashMap<>();
            Set<String> topic = new HashSet<>();
            for (String word : TalkSearch.words(talk.title())) {
                if (add(word, vocabulary, most, rare)) {
                    topic.add(Answers.stem(word));
                }
            }
            for (Bullet bullet : talk.bullets()) {
                Set<String> inPoint = new HashSet<>();
                for (String word : TalkSearch.words(bullet.text())) {
                    if (add(word, vocabulary, most, rare)) {
                        inPoint.add(Answers.stem(word));
                    }
                }
                inPoint.forEach(stem -> pointsWith.merge(stem, 1, Integer::sum));
            }
            pointsWith.forEach((stem, points) -> {
                if (points >= 2) {
                    topic.add(stem);
                }
            });
            return new Words(rare, topic);
        }

        private static boolean add(String word, TalkSearch.Vocabulary vocabulary, int most, Map<String, String> rare) {
            int talks = vocabulary.talksWith(word);
            if (talks < 2 || talks > most || word.length() < 3 || Answers.STOP.contains(word) || PLAIN.contains(word)
                    || word.chars().allMatch(Character::isDigit)) {
                return false;
            }
            rare.putIfAbsent(Answers.stem(word), word);
            return true;
        }

        /** The rarest of these words first, at most {@code count}: what to look for other talks by. */
        List<String> rarest(TalkSearch.Vocabulary vocabulary, int count) {
            return rare.values().stream().distinct()
                    .sorted(Comparator.comparingInt((String word) -> vocabulary.talksWith(word)).thenComparing(Comparator.naturalOrder()))
                    .limit(count).toList();
        }
    }

    /**
     * Up to {@code count} of the candidates that share the talk's rare words, best first. A shared word counts when it
     * is the topic of either talk (GraalVM is the topic of "quarkus" and mentioned in "Java in containers"), so that
     * two talks are not linked by a word each uses once in passing; it takes two such words to link two talks, and
     * each counts its weight (rarer weighs more).
     */
    static List<Related> related(Talk talk, Words words, List<Talk> candidates, TalkSearch.Vocabulary vocabulary,
                                 int most, int count) {
        record Scored(Related related, double score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (Talk other : candidates) {
            if (other.key().equals(talk.key())) {
                continue;
            }
            Words theirs = Words.of(other, vocabulary, most);
            List<String> shared = new ArrayList<>();
            double score = 0;
            for (Map.Entry<String, String> word : words.rare().entrySet()) {
                String stem = word.getKey();
                if (theirs.rare().containsKey(stem) && (words.topic().contains(stem) || theirs.topic().contains(stem))) {
                    shared.add(word.getValue());
                    score += vocabulary.idf(word.getValue());
                }
            }
            if (shared.size() >= 2) {
                shared.sort(Comparator.comparingDouble((String word) -> -vocabulary.idf(word)).thenComparing(Comparator.naturalOrder()));
                scored.add(new Scored(new Related(other, shared), score));
            }
        }
        return scored.stream().sorted(Comparator.comparingDouble(Scored::score).reversed())
                .limit(count).map(Scored::related).toList();
    }
}
