package qconbot.notes;

import java.util.List;

/** What one notes file held: its talks in file order, and the problems met on the way (with line numbers). */
public record Notes(String source, String conference, List<Talk> talks, List<String> warnings) {

    public Notes {
        talks = List.copyOf(talks);
        warnings = List.copyOf(warnings);
    }
}
