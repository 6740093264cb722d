package qconbot.search;

import qconbot.notes.Bullet;
import qconbot.notes.Talk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a question's two rankings of points, by words ({@link Answers#rank}) and by meaning ({@link Meaning#nearest}),
 * become one, and whether anything in the notes answers it at all.
 */
final class Fusion {

    /** How many points by meaning a question looks at. */
    static final int NEAR = 20;
    /** The weight of meaning in a point's score; words have the rest. */
    static final double MEANING = 0.8;
    /** How far below the nearest point's cosine a point's meaning counts for nothing. */
    static final double COSINE_RANGE = 0.1;
    /** When the words cannot tell, a search whose nearest point is this close is covered. */
    static final double CLOSE = 0.84;

    private Fusion() {
    }

    /**
     * One ranking. Each point scores {@code 0.8 * meaning + 0.2 * words}: meaning is 1 for the nearest point, falling
     * to 0 at a cosine {@link #COSINE_RANGE} below it; words is the point's lexical score over the best one's. A point
     * in one ranking only takes the lowest value of the other (the {@link #NEAR}th cosine, or no words). Measured on
     * the question sets (README, "Search by meaning"): reciprocal-rank fusion let a weak lexical match tie the
     * nearest point, and where it kept issue 12's questions at 90% it answered far fewer in the asker's words.
     */
    static List<Answers.Point> fuse(List<Answers.Point> lexical, List<Meaning.Near> near) {
        Map<String, Answers.Point> points = new LinkedHashMap<>();
        Map<String, Double> cosines = new HashMap<>();
        for (Meaning.Near point : near) {
            String key = key(point.talk(), point.at());
            int[] parents = point.talk().parents();
            List<Bullet> bullets = point.talk().bullets();
            Bullet parent = parents[point.at()] >= 0 ? bullets.get(parents[point.at()]) : null;
            points.put(key, new Answers.Point(point.talk(), bullets.get(point.at()), parent, 0, Set.of()));
            cosines.put(key, point.cosine());
        }
        Map<String, Double> words = new HashMap<>();
        for (Answers.Point point : lexical) {
            String key = key(point.talk(), indexOf(point.talk(), point.bullet()));
            points.put(key, point); // the lexical point, with the words it matched
            words.putIfAbsent(key, point.score());
        }
        double nearest = near.get(0).cosine();
        double lowest = near.get(near.size() - 1).cosine();
        double best = lexical.isEmpty() ? 1 : lexical.get(0).score();
        List<Answers.Point> fused = new ArrayList<>();
        points.forEach((key, point) -> {
            double meaning = Math.max(0, 1 - (nearest - cosines.getOrDefault(key, lowest)) / COSINE_RANGE);
            double score = MEANING * meaning + (1 - MEANING) * words.getOrDefault(key, 0.0) / best;
            fused.add(new Answers.Point(point.talk(), point.bullet(), point.parent(), score, point.matched()));
        });
        fused.sort(Comparator.comparingDouble(Answers.Point::score).reversed());
        return fused;
    }

    private static String key(Talk talk, int at) {
        return talk.key() + "#" + at;
    }

    private static int indexOf(Talk talk, Bullet bullet) {
        List<Bullet> bullets = talk.bullets();
        for (int i = 0; i < bullets.size(); i++) {
            if (bullets.get(i) == bullet) {
                return i;
            }
        }
        return bullets.indexOf(bullet);
    }

    /**
     * The best point by words, when it has a word of the question that only one talk of the notes has ("what is
     * nemawashi"): its talk stays among those the reply names, whatever comes nearer in meaning. Else null.
     */
    static Talk rareWordTalk(List<Answers.Point> lexical, List<String> content, TalkSearch.Vocabulary vocabulary) {
        if (lexical.isEmpty()) {
            return null;
        }
        Set<String> matched = lexical.get(0).matched();
        return content.stream().anyMatch(word -> vocabulary.talksWith(word) == 1 && matched.contains(Answers.stem(word)))
                ? lexical.get(0).talk() : null;
    }

    /** What the words of a search say about whether the notes cover it. */
    enum Verdict {
        /** Two of its words are in neither the notes nor the language (names of things: "terraform", "pulumi"). */
        NOT_COVERED,
        /** At least two thirds of its words are in the notes. */
        COVERED,
        /** Over a third of its words are not in the notes: the model decides. */
        ASK_THE_MODEL
    }

    /**
     * Whether anything in the notes answers a search, from its words first: a cosine alone cannot tell (a question
     * on a topic the notes never mention comes as near as a real one).
     */
    static Verdict byWords(List<String> unknown, List<String> content, TalkSearch.Vocabulary vocabulary) {
        long names = unknown.stream().filter(word -> !English.isWord(word)).count();
        long known = content.stream().filter(word -> vocabulary.talksWith(word) > 0).count();
        if (names > 1) {
            return Verdict.NOT_COVERED;
        }
        return unknown.size() * 3 <= unknown.size() + known ? Verdict.COVERED : Verdict.ASK_THE_MODEL;
    }

    /** When the words could not tell: covered if a point comes within {@link #CLOSE}, or if the model is not ready. */
    static boolean byMeaning(List<Meaning.Near> near) {
        return near.isEmpty() || near.get(0).cosine() >= CLOSE;
    }
}
