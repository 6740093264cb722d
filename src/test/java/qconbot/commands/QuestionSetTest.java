package qconbot.commands;

import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.HeaderBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.TestBot;
import qconbot.notes.NotesParser;
import qconbot.search.TalkSearch;
import qconbot.store.Db;
import qconbot.store.Talks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The question set (src/test/resources/questions/questions.tsv) through search and the reply Slack would get: for
 * each question, is the point that answers it the first one shown, under the right talk's header? At least 90% on
 * each notes file; every miss is printed with what came first instead.
 */
class QuestionSetTest {

    static final Path QUESTIONS = Path.of("src/test/resources/questions");

    @TempDir
    Path dir;

    record Question(String file, String text, String talk, String point) {
    }

    @Test
    void the_answering_point_comes_first_for_at_least_90_percent_of_the_questions_on_each_notes_file() throws Exception {
        Map<String, List<Question>> byFile = new LinkedHashMap<>();
        for (String line : Files.readAllLines(QUESTIONS.resolve("questions.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] columns = line.split("\t");
            byFile.computeIfAbsent(columns[0], file -> new ArrayList<>())
                    .add(new Question(columns[0], columns[1], columns[2], columns[3]));
        }
        assertTrue(byFile.values().stream().mapToInt(List::size).sum() >= 40, "at least 40 questions");
        assertTrue(byFile.size() >= 2, "on two notes files at least");

        StringBuilder report = new StringBuilder();
        List<String> short_ = new ArrayList<>();
        for (Map.Entry<String, List<Question>> file : byFile.entrySet()) {
            Path notes = Files.createDirectories(dir.resolve(file.getKey()));
            Path source = Files.exists(QUESTIONS.resolve(file.getKey())) ? QUESTIONS.resolve(file.getKey())
                    : TestBot.NOTES.resolve(file.getKey());
            Files.copy(source, notes.resolve(file.getKey()));
            int first = 0;
            try (Db db = Db.open(dir.resolve(file.getKey() + ".db"))) {
                Talks talks = new Talks(db);
                talks.sync(NotesParser.readAll(notes));
                TalkSearch search = new TalkSearch(db, talks);
                for (Question question : file.getValue()) {
                    String miss = check(search, question);
                    if (miss == null) {
                        first++;
                    } else {
                        report.append("  MISS ").append(question.text()).append(": ").append(miss).append('\n');
                    }
                }
            }
            int total = file.getValue().size();
            report.insert(0, String.format("%s: %d of %d questions answered first (%.0f%%)%n", file.getKey(), first, total,
                    100.0 * first / total));
            if (first < 0.9 * total) {
                short_.add(file.getKey());
            }
        }
        System.out.println("Question set\n" + report);
        assertTrue(short_.isEmpty(), "under 90% on " + short_ + ":\n" + report);
    }

    /** Null when the reply's header is the talk and its first point is the answering one; else what was shown. */
    static String check(TalkSearch search, Question question) throws Exception {
        TalkSearch.Result result = search.search(question.text());
        if (!result.found()) {
            return "nothing found";
        }
        Reply reply = Messages.talk(result.best(), result);
        List<LayoutBlock> blocks = reply.blocks();
        String header = ((HeaderBlock) blocks.get(0)).getText().getText();
        if (!header.equals(Messages.escape(question.talk()))) {
            return "header \"" + header + "\"";
        }
        // header, details (and a did-you-mean note), then the first point shown
        LayoutBlock firstPoint = blocks.stream().skip(1).filter(block -> block instanceof SectionBlock).findFirst().orElse(null);
        String text = firstPoint == null ? "" : ((SectionBlock) firstPoint).getText().getText().replace("*", "");
        String wanted = Messages.escape(question.point()).replace("*", "");
        if (!text.contains(wanted)) {
            return "first point \"" + Messages.clip(text.replace("\n", " / "), 160) + "\"";
        }
        return blocks.get(1) instanceof ContextBlock ? null : "no details line under the header";
    }
}
