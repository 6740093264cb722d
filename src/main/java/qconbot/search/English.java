package qconbot.search;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether a typed word is a word of the language, so that search mends only typos: "dust" is a word, so it is not
 * "corrected" to the notes' "rust"; "kubernets" is not one, so it is. The word list is the whole words of the
 * model's own vocabulary (bert-base-uncased's WordPiece vocabulary, which e5-small-v2 uses: about 20,000 common
 * English words and names, already in the jar with the model), plus their regular endings. A misspelling is almost
 * never a whole word of it, since WordPiece keeps whole only the words frequent in its training text.
 */
final class English {

    private static final Set<String> WORDS = load();

    private English() {
    }

    static boolean isWord(String word) {
        if (WORDS.contains(word)) {
            return true;
        }
        for (String ending : new String[]{"s", "es", "ed", "d", "ing", "er", "ers", "ly", "ies"}) {
            if (word.length() > ending.length() + 2 && word.endsWith(ending)) {
                String stem = word.substring(0, word.length() - ending.length());
                if (WORDS.contains(stem) || WORDS.contains(stem + "e") || ending.equals("ies") && WORDS.contains(stem + "y")
                        || stem.length() > 3 && stem.charAt(stem.length() - 1) == stem.charAt(stem.length() - 2)
                        && WORDS.contains(stem.substring(0, stem.length() - 1))) {
                    return true;
                }
            }
        }
        return false;
    }

    static int size() {
        return WORDS.size();
    }

    /** The vocabulary's whole words of letters only; none (every word mended as before) if the file is missing. */
    private static Set<String> load() {
        Set<String> words = new HashSet<>(32_768);
        try (InputStream in = English.class.getResourceAsStream("/e5-small-v2-q-tokenizer.json")) {
            if (in == null) {
                return Set.of();
            }
            JsonParser json = new ObjectMapper().getFactory().createParser(in);
            int depth = 0;
            boolean inVocab = false;
            for (JsonToken token = json.nextToken(); token != null; token = json.nextToken()) {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    depth++;
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    depth--;
                    inVocab = inVocab && depth >= 2;
                } else if (token == JsonToken.FIELD_NAME && depth == 2 && json.currentName().equals("vocab")) {
                    inVocab = true;
                } else if (token == JsonToken.FIELD_NAME && inVocab && depth == 3) {
                    String word = json.currentName();
                    if (word.length() > 1 && word.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
                        words.add(word);
                    }
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        return Set.copyOf(words);
    }
}
