package qconbot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes N talks of made-up conference notes in the real notes format, the same files for the same seed: an
 * underlined title, "Day n" sections (not in order), "16:10 title:" / "0900 title:" / untimed headers, speaker
 * bullets, "- " and "-- " / "- -- " bullets, indented continuation lines, quotes, "!!!", "???" and "[INTERNAL]"
 * (now and then "[INFERNAL]").
 *
 * <p>The words: about half are drawn from config/notes/qcon-2020.txt as its own text uses them (so its word
 * frequencies), the rest from a made-up lexicon of 60,000 tech-sounding words drawn by Zipf's law. So the
 * vocabulary grows with the corpus as real text does: roughly 1,500 distinct words at 20 talks, tens of
 * thousands at 10,000, which is what typo mending has to search.
 *
 * <pre>java -cp target/benchmarks.jar qconbot.bench.CorpusGenerator FOLDER TALKS [SEED]</pre>
 */
public final class CorpusGenerator {

    public static final long DEFAULT_SEED = 2020;
    /** Where the real notes are, relative to the repository root (the benchmarks run from there). */
    public static final Path REAL_NOTES = Path.of("config/notes/qcon-2020.txt");

    private static final int TALKS_PER_FILE = 60;
    private static final int LEXICON_SIZE = 60_000;
    private static final int WRAP = 110;

    private static final String[] FIRST_NAMES = {"Sam", "Mariah", "Paul", "James", "Ana", "Li", "Priya", "Tomasz",
            "Fatima", "Kenji", "Olga", "Diego", "Chloe", "Amara", "Lars", "Noor", "Ines", "Ravi", "Grace", "Yusuf"};
    private static final String[] LAST_NAMES = {"Newman", "Hammant", "Stanier", "Parkinson", "Okafor", "Nakamura",
            "Silva", "Kowalski", "Haddad", "Lindqvist", "Moreau", "Chen", "Patel", "O'Brien", "Garcia", "Novak"};
    private static final String[] ONSETS = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "qu", "r",
            "s", "t", "v", "w", "z", "br", "cl", "cr", "dr", "fl", "gr", "kr", "pl", "pr", "sk", "sl", "sp", "st", "tr",
            "th", "sh", "ch", ""};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "y", "ai", "ea", "io", "ou", "ee", "oo"};
    private static final String[] CODAS = {"", "", "n", "r", "s", "t", "x", "k", "l", "m", "nd", "rk", "st", "ng"};
    private static final String[] SUFFIXES = {"", "", "", "", "ops", "db", "ify", "flow", "mesh", "js", "ql", "er",
            "ing", "ly", "ion", "base", "kit", "hub", "io"};
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9'-]*");

    private final Random random;
    private final List<String> realWords;
    private final String[] lexicon;
    /** Cumulative Zipf weights over the lexicon, for drawing a rank by binary search. */
    private final double[] zipf;

    private CorpusGenerator(long seed, String realText) {
        this.random = new Random(seed);
        this.realWords = realWords(realText);
        this.lexicon = lexicon(new Random(seed * 31 + 7));
        this.zipf = new double[LEXICON_SIZE];
        double sum = 0;
        for (int rank = 0; rank < LEXICON_SIZE; rank++) {
            sum += 1.0 / (rank + 1);
            zipf[rank] = sum;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: CorpusGenerator FOLDER TALKS [SEED]");
            System.exit(2);
        }
        Path folder = Path.of(args[0]);
        int talks = Integer.parseInt(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : DEFAULT_SEED;
        int files = write(folder, talks, seed);
        System.out.println("wrote " + talks + " talks in " + files + " files to " + folder);
    }

    /** Writes the talks into folder (made if needed) as conf-0001.txt, ..., 60 talks a file; returns the file count. */
    public static int write(Path folder, int talks, long seed) throws IOException {
        if (!Files.isRegularFile(REAL_NOTES)) {
            throw new IOException(REAL_NOTES.toAbsolutePath() + " not found: run from the repository root");
        }
        CorpusGenerator generator = new CorpusGenerator(seed, Files.readString(REAL_NOTES, StandardCharsets.UTF_8));
        Files.createDirectories(folder);
        int file = 0;
        for (int written = 0; written < talks; written += TALKS_PER_FILE) {
            file++;
            String text = generator.conference(file, Math.min(TALKS_PER_FILE, talks - written));
            Files.writeString(folder.resolve(String.format(Locale.ROOT, "conf-%04d.txt", file)), text,
                    StandardCharsets.UTF_8);
        }
        return file;
    }

    private String conference(int number, int talks) {
        StringBuilder out = new StringBuilder();
        String title = capitalise(word()) + " " + (2010 + number % 15) + " NOTES";
        out.append(title).append('\n').append("-".repeat(title.length() + random.nextInt(10))).append("\n");
        int days = Math.max(1, Math.min(3, talks / 6));
        List<Integer> order = new ArrayList<>();
        for (int day = days; day >= 1; day--) {
            order.add(day); // the real notes start with the last day
        }
        if (random.nextBoolean()) {
            java.util.Collections.shuffle(order, random);
        }
        int left = talks;
        for (int i = 0; i < order.size(); i++) {
            int onThisDay = i == order.size() - 1 ? left : left / (order.size() - i);
            left -= onThisDay;
            out.append("Day ").append(order.get(i)).append('\n')
                    .append("-".repeat(3 + random.nextInt(12))).append('\n');
            int minutes = 17 * 60 + 25;
            for (int t = 0; t < onThisDay; t++) {
                talk(out, minutes);
                minutes -= 45 + random.nextInt(40);
                out.append(random.nextInt(4) == 0 ? "\n\n" : "\n");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private void talk(StringBuilder out, int minutes) {
        int hour = Math.max(0, minutes / 60);
        int minute = Math.max(0, minutes % 60);
        String time = switch (random.nextInt(6)) {
            case 0 -> "";
            case 1, 2 -> String.format(Locale.ROOT, "%02d%02d ", hour, minute);
            default -> String.format(Locale.ROOT, "%d:%02d ", hour, minute);
        };
        String title = random.nextInt(25) == 0 ? "keynote" : title();
        out.append(time).append(title).append(":\n");
        int bullets = 3 + random.nextInt(20);
        switch (random.nextInt(4)) {
            case 0 -> out.append("- ").append(pick(FIRST_NAMES)).append(' ').append(pick(LAST_NAMES)).append('\n');
            case 1 -> out.append("- by ").append(word()).append(" employee\n");
            default -> { }
        }
        boolean subAllowed = false;
        for (int b = 0; b < bullets; b++) {
            String marker = "- ";
            if (subAllowed && random.nextInt(4) == 0) {
                marker = random.nextInt(5) == 0 ? "- -- " : "-- ";
            }
            bullet(out, marker);
            subAllowed = true;
        }
    }

    private String title() {
        int length = 1 + random.nextInt(5);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            boolean joiner = i == 1 && length > 2 && random.nextBoolean();
            words.add(joiner ? pick(new String[]{"in", "at", "for", "and", "with"}) : word());
        }
        return String.join(" ", words);
    }

    private void bullet(StringBuilder out, String marker) {
        StringBuilder text = new StringBuilder();
        int words = 3 + random.nextInt(18);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(word());
        }
        String line = text.toString();
        int kind = random.nextInt(40);
        if (kind == 0) {
            line = "!!! " + line + " !!!";
        } else if (kind == 1) {
            line = line + "???";
        } else if (kind == 2) {
            line = (random.nextInt(10) == 0 ? "[INFERNAL] " : "[INTERNAL] ") + "we should " + line;
        } else if (kind < 6) {
            int cut = line.indexOf(' ');
            line = "\"" + line.substring(0, cut < 0 ? line.length() : cut) + " " + word() + "\"" + " book"
                    + (cut < 0 ? "" : line.substring(cut));
        }
        // wrap as people do when the editor has a ruler: later lines indented, read as continuations
        String prefix = marker;
        while (prefix.length() + line.length() > WRAP) {
            int space = line.lastIndexOf(' ', WRAP - prefix.length());
            if (space <= 0) {
                break;
            }
            out.append(prefix).append(line, 0, space).append('\n');
            line = line.substring(space + 1);
            prefix = "  ";
        }
        out.append(prefix).append(line).append('\n');
    }

    private String word() {
        if (random.nextBoolean()) {
            return realWords.get(random.nextInt(realWords.size()));
        }
        int rank = java.util.Arrays.binarySearch(zipf, random.nextDouble() * zipf[LEXICON_SIZE - 1]);
        return lexicon[rank < 0 ? -rank - 1 : rank];
    }

    private String pick(String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** The words of the real notes in text order, with repeats, so drawing one at random keeps their frequencies. */
    private static List<String> realWords(String text) {
        List<String> words = new ArrayList<>();
        for (String line : text.lines().toList()) {
            String content = line.strip();
            if (content.startsWith("[") || content.matches("-*") || content.matches("(?i)day \\d+")) {
                continue;
            }
            Matcher m = WORD.matcher(content);
            while (m.find()) {
                String word = m.group();
                if (!word.startsWith("-") && !word.equalsIgnoreCase("internal") && !word.equalsIgnoreCase("infernal")) {
                    words.add(word);
                }
            }
        }
        return words;
    }

    private static String[] lexicon(Random random) {
        Set<String> words = new LinkedHashSet<>();
        while (words.size() < LEXICON_SIZE) {
            StringBuilder word = new StringBuilder();
            int syllables = 1 + random.nextInt(3);
            for (int s = 0; s < syllables; s++) {
                word.append(ONSETS[random.nextInt(ONSETS.length)]).append(VOWELS[random.nextInt(VOWELS.length)]);
            }
            word.append(CODAS[random.nextInt(CODAS.length)]).append(SUFFIXES[random.nextInt(SUFFIXES.length)]);
            if (word.length() >= 3) {
                words.add(random.nextInt(8) == 0 ? capitalise(word.toString()) : word.toString());
            }
        }
        return words.toArray(String[]::new);
    }

    private static String capitalise(String word) {
        return word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
