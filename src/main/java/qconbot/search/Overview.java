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
import java.util.concurrent.ConcurrentHashMap;
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
            "only", "even", "well", "good", "better", "new", "one", "two", "three", "first", "over", "out", "off", "yet",
            "http", "https", "www", "com");

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
     * The points of a long talk to show first: highlights, [INTERNAL] lines and their outcomes, the first point (notes tend to open
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
            // what came of an item (or why it was dropped) is shown with it, as the item is: what the team did about it
            score[i] = (kind == Bullet.Kind.HIGHLIGHT || kind == Bullet.Kind.INTERNAL || bullets.get(i).isOutcome()
                    ? 100 : i == 0 ? 50 : 0) + particular;
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
     * A talk's words that could link it to another, by stem: how often each is said, a title word counting twice.
     * A stem said twice or more is the talk's topic. Short words, numbers, stop words and {@link #PLAIN} ones are left
     * out. {@code shown} keeps each stem's first word as written, to name it.
     */
    record Words(Map<String, Integer> said, Map<String, String> shown) {

        /** From the words of the title and of the points, as {@link TalkSearch#words} splits them. */
        static Words of(List<String> title, List<String> body) {
            Map<String, Integer> said = new HashMap<>();
            Map<String, String> shown = new HashMap<>();
            count(title, 2, said, shown);
            count(body, 1, said, shown);
            return new Words(said, shown);
        }

        static Words of(Talk talk) {
            List<String> body = new ArrayList<>();
            talk.bullets().forEach(bullet -> body.addAll(TalkSearch.words(bullet.text())));
            return of(TalkSearch.words(talk.title()), body);
        }

        private static void count(List<String> words, int weight, Map<String, Integer> said, Map<String, String> shown) {
            for (String word : words) {
                if (word.length() >= 3 && !Answers.STOP.contains(word) && !PLAIN.contains(word)
                        && !word.chars().allMatch(Character::isDigit)) {
                    String stem = Answers.stem(word);
                    said.merge(stem, weight, Integer::sum);
                    shown.putIfAbsent(stem, word);
                }
            }
        }
    }

    /**
     * Which talks have each stem, and whether it is their topic: built with the search index, so finding a talk's
     * related talks reads no notes and runs no query. Only rare stems link talks (in at least two talks and at most
     * {@link TalkSearch#relatedAtMost} of them); every stem is kept so that a talk changed in place ({@link #update})
     * leaves the links exactly as building them again would. A stem's list is replaced whole, never changed, so a
     * search reading it while a talk changes sees the list before or after.
     */
    static final class Links {
        /** Per stem: talk ids, shifted left one bit, the low bit set when the stem is that talk's topic. */
        private final Map<String, int[]> talksWith;
        private final Map<String, Integer> ids;

        private Links(Map<String, int[]> talksWith, Map<String, Integer> ids) {
            this.talksWith = talksWith;
            this.ids = ids;
        }

        static final Links NONE = new Links(Map.of(), Map.of());

        static final class Builder {
            private final Map<String, int[]> postings = new HashMap<>();
            private final Map<String, Integer> sizes = new HashMap<>();
            private final Map<String, Integer> ids = new HashMap<>();

            void add(int id, String key, List<String> title, List<String> body) {
                ids.put(key, id);
                Words words = Words.of(title, body);
                words.said().forEach((stem, said) -> {
                    int size = sizes.getOrDefault(stem, 0);
                    int[] list = postings.get(stem);
                    if (list == null || list.length == size) {
                        list = java.util.Arrays.copyOf(list == null ? new int[2] : list, Math.max(2, size * 2));
                        postings.put(stem, list);
                    }
                    list[size] = id << 1 | (said >= 2 ? 1 : 0);
                    sizes.put(stem, size + 1);
                });
            }

            Links build() {
                Map<String, int[]> all = new ConcurrentHashMap<>(postings.size() * 2);
                postings.forEach((stem, list) -> all.put(stem, java.util.Arrays.copyOf(list, sizes.get(stem))));
                return new Links(all, new ConcurrentHashMap<>(ids));
            }
        }

        /**
         * The talk with this id and key changed: the stems of {@code before} (its title and points as searched, or
         * null when it was not in the notes) out, those of {@code after} in (null: gone from the notes).
         */
        void update(int id, String key, Words before, Words after) {
            Set<String> stems = new HashSet<>();
            if (before != null) {
                stems.addAll(before.said().keySet());
            }
            if (after != null) {
                stems.addAll(after.said().keySet());
                ids.put(key, id);
            } else {
                ids.remove(key);
            }
            for (String stem : stems) {
                Integer said = after == null ? null : after.said().get(stem);
                Integer saidBefore = before == null ? null : before.said().get(stem);
                if (said != null && saidBefore != null && said >= 2 == saidBefore >= 2) {
                    continue; // its posting for this talk stays as it was
                }
                int[] list = talksWith.getOrDefault(stem, EMPTY);
                int[] changed = IntStream.concat(IntStream.of(list).filter(posting -> posting >>> 1 != id),
                        said == null ? IntStream.empty() : IntStream.of(id << 1 | (said >= 2 ? 1 : 0))).toArray();
                if (changed.length == 0) {
                    talksWith.remove(stem);
                } else {
                    talksWith.put(stem, changed);
                }
            }
        }

        /**
         * The ids of up to {@code count} talks that share the talk's rare stems, best first, with the words shared. A
         * shared stem counts when it is the topic of either talk (GraalVM is the topic of "quarkus" and mentioned in
         * "Java in containers"), so that two talks are not linked by a word each says once in passing; it takes two
         * such words to link two talks, and each adds its weight (rarer weighs more).
         */
        Map<Long, List<String>> related(Talk talk, int count) {
            Integer self = ids.get(talk.key());
            int talks = ids.size();
            int most = TalkSearch.relatedAtMost(talks);
            Words words = Words.of(talk);
            Map<Integer, List<String>> shared = new HashMap<>();
            Map<Integer, Double> score = new HashMap<>();
            List<String> stems = new ArrayList<>(words.said().keySet());
            stems.sort(Comparator.comparingInt((String stem) -> rareLength(talksWith.get(stem), most))
                    .thenComparing(Comparator.naturalOrder()));
            for (String stem : stems) {
                int[] list = talksWith.get(stem);
                if (list == null || list.length < 2 || list.length > most) {
                    continue;
                }
                boolean topic = words.said().get(stem) >= 2;
                double weight = Math.log((double) talks / list.length);
                for (int posting : list) {
                    int id = posting >>> 1;
                    if ((self == null || id != self) && (topic || (posting & 1) == 1)) {
                        shared.computeIfAbsent(id, k -> new ArrayList<>()).add(words.shown().get(stem));
                        score.merge(id, weight, Double::sum);
                    }
                }
            }
            Map<Long, List<String>> best = new java.util.LinkedHashMap<>();
            score.entrySet().stream()
                    .filter(entry -> shared.get(entry.getKey()).size() >= 2)
                    .sorted(Map.Entry.<Integer, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(count)
                    .forEach(entry -> best.put((long) entry.getKey(), List.copyOf(shared.get(entry.getKey())
                            .subList(0, Math.min(SHARED_SHOWN, shared.get(entry.getKey()).size())))));
            return best;
        }

        /** How many talks have the stem when it is rare enough to link them; else 0, as if no talk had it. */
        private static int rareLength(int[] list, int most) {
            return list == null || list.length < 2 || list.length > most ? 0 : list.length;
        }

        private static final int[] EMPTY = new int[0];
        /** How many of the shared words are named, rarest first. */
        private static final int SHARED_SHOWN = 4;
    }
}
