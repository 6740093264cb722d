package qconbot.commands;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.ContextActionsBlock;
import com.slack.api.model.block.ContextActionsBlockElement;
import com.slack.api.model.block.composition.FeedbackButtonObject;
import com.slack.api.model.block.element.FeedbackButtonsElement;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import qconbot.notes.Talk;
import qconbot.search.Answers;
import qconbot.search.TalkSearch;
import qconbot.store.Questions;
import qconbot.store.Questions.Question;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static qconbot.commands.ItemMessages.who;
import static qconbot.commands.Messages.clip;
import static qconbot.commands.Messages.escape;

/**
 * The messages of asking the team (issue 25): the feedback row under an answer, the Ask the team button, the question
 * as posted to the questions channel and as redrawn once answered, the answer told to the asker, /qcon questions, and
 * the digest's lines. Everything from a person is escaped here, as in {@link Messages}.
 */
final class QuestionMessages {

    /** The block id of the row with "Answered it" / "Not really" (or Ask the team), replaced once clicked. */
    static final String FEEDBACK_BLOCK = "answer_feedback";
    /** The first line of the feedback buttons' values: which was clicked. */
    static final String YES = "yes\n";
    static final String NO = "no\n";
    /** What to say when asking the team is off. */
    static final String OFF = "Nobody on the team can be asked from here yet: an admin turns it on by setting"
            + " QCON_QUESTIONS_CHANNEL to a channel id, and inviting me there.";

    private QuestionMessages() {
    }

    /**
     * A button's value: the talk and point an answer showed first ("" when none), then the question, one per line;
     * null when it would not fit in a button.
     */
    static String value(String talkKey, String point, String question) {
        String value = (talkKey == null ? "" : talkKey) + "\n" + (point == null ? "" : point) + "\n"
                + clip(question.strip().replaceAll("\\s+", " "), Questions.MAX_QUESTION);
        return value.length() <= Messages.MAX_BUTTON_VALUE ? value : null;
    }

    /** A button's value read back: talk key, point, question; null when it is not one of ours. */
    static String[] parse(String value) {
        String[] parts = value == null ? new String[0] : value.split("\n", 3);
        return parts.length == 3 && !parts[2].isBlank() ? parts : null;
    }

    /** What was asked, as readable words: Slack's escapes undone, a mention or a link as its text (escaped when shown). */
    static String asked(TalkSearch.Result result) {
        return Messages.unescape(Messages.readable(result.query()));
    }

    /** The point shown first, as the feedback records it: "P3" for one added in Slack, else its line in its file. */
    static String point(Answers.Point point) {
        return point.bullet().added() != null ? "P" + point.bullet().added().id()
                : point.talk().source() + ":" + point.bullet().line();
    }

    /**
     * An answer to a question, with Slack's feedback buttons under it: "Answered it" and "Not really", their values
     * the talk and point shown first and the question.
     */
    static Reply withFeedback(Reply answer, TalkSearch.Result result) {
        List<Answers.Point> shown = result.answers();
        String value = value(result.best().key(), shown.isEmpty() ? null : point(shown.get(0)), asked(result));
        if (value == null || value.length() + NO.length() > Messages.MAX_BUTTON_VALUE) {
            return answer;
        }
        FeedbackButtonsElement buttons = FeedbackButtonsElement.builder().actionId(Verb.ANSWER_FEEDBACK.button().actionId())
                .positiveButton(FeedbackButtonObject.builder().text(plainText("Answered it")).value(YES + value)
                        .accessibilityLabel("This answered my question").build())
                .negativeButton(FeedbackButtonObject.builder().text(plainText("Not really")).value(NO + value)
                        .accessibilityLabel("This did not answer my question").build())
                .build();
        List<LayoutBlock> blocks = new ArrayList<>(answer.blocks());
        blocks.add(Math.max(0, blocks.size() - 1), ContextActionsBlock.builder().blockId(FEEDBACK_BLOCK)
                .elements(List.<ContextActionsBlockElement>of(buttons)).build());
        return new Reply(answer.text(), blocks);
    }

    /** "Nothing in the notes covers it", with Ask the team (or how to turn it on) before the hints. */
    static Reply withAskTheTeam(Reply nothing, TalkSearch.Result result, boolean on) {
        String near = result.nearest().isEmpty() ? null : result.nearest().get(0).key();
        List<LayoutBlock> blocks = new ArrayList<>(nothing.blocks());
        blocks.add(Math.max(0, blocks.size() - 1), askRow(near, asked(result), on));
        return new Reply(nothing.text(), blocks);
    }

    /** The row that offers Ask the team for {@code question}, or says how to turn it on. */
    static LayoutBlock askRow(String nearTalkKey, String question, boolean on) {
        String value = value(nearTalkKey, null, question);
        if (!on || value == null) {
            return context(c -> c.blockId(FEEDBACK_BLOCK).elements(List.of(markdownText(on
                    ? "That question is too long to ask the team from here; ask it in a channel." : OFF))));
        }
        return actions(a -> a.blockId(FEEDBACK_BLOCK).elements(List.<BlockElement>of(
                button(b -> b.actionId(Verb.ASK_TEAM.button().actionId()).style("primary")
                        .text(plainText(Verb.ASK_TEAM.button().label())).value(value)))));
    }

    /** The answer the button was on, drawn again with its feedback rows replaced by {@code rows}. */
    static Reply replacingFeedback(List<LayoutBlock> message, List<LayoutBlock> rows, String text) {
        List<LayoutBlock> blocks = new ArrayList<>();
        boolean replaced = false;
        for (LayoutBlock block : message) {
            boolean feedback = FEEDBACK_BLOCK.equals(block.getBlockId()) && (block instanceof ActionsBlock
                    || block instanceof ContextActionsBlock || block instanceof com.slack.api.model.block.ContextBlock);
            if (!feedback) {
                blocks.add(block);
            } else if (!replaced) {
                blocks.addAll(rows);
                replaced = true;
            }
        }
        return new Reply(text, blocks);
    }

    static LayoutBlock said(String mrkdwn) {
        return context(c -> c.blockId(FEEDBACK_BLOCK).elements(List.of(markdownText(mrkdwn))));
    }

    /**
     * The question as posted for the team: who asks, what, the nearest talks as context, up to three people the notes
     * say may know (mentioned, never a channel), how to answer, and No one knows.
     */
    static Reply post(Question question, List<Talk> near, List<String> mayKnow) {
        String text = "*" + question.ref() + "* from " + who(question.askedBy()) + ": " + escape(question.text());
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(clip(text, Messages.MAX_SECTION)))));
        List<String> context = new ArrayList<>();
        context.add("The notes did not answer it." + (near.isEmpty() ? ""
                : (near.size() == 1 ? " Nearest talk: " : " Nearest talks: ") + names(near) + "."));
        if (!mayKnow.isEmpty()) {
            context.add("May know: " + mayKnow.stream().map(ItemMessages::who).collect(Collectors.joining(", ")) + ".");
        }
        context.add("Answer in the thread. The asker, whoever replied or an editor makes a reply the answer:"
                + " *Save to conference notes* on the reply, or the button below.");
        String lines = String.join("\n", context);
        blocks.add(context(c -> c.elements(List.of(markdownText(clip(lines, Messages.MAX_SECTION))))));
        String id = String.valueOf(question.id());
        blocks.add(actions(a -> a.blockId("question:" + id).elements(List.of(
                button(b -> b.actionId(Verb.ANSWER_QUESTION.button().actionId()).style("primary")
                        .text(plainText(Verb.ANSWER_QUESTION.button().label())).value(id)),
                button(b -> b.actionId(Verb.NO_ONE_KNOWS.button().actionId())
                        .text(plainText(Verb.NO_ONE_KNOWS.button().label())).value(id))))));
        return new Reply(question.ref() + " from the team: " + escape(clip(question.text(), 200)), blocks);
    }

    /** "*microservices at Monzo* (Day 3), *quarkus* (Day 2)". */
    private static String names(List<Talk> talks) {
        return talks.stream().map(talk -> "*" + escape(clip(talk.name(), 150)) + "*"
                + (talk.day().isEmpty() ? "" : " (" + escape(talk.day()) + ")")).collect(Collectors.joining(", "));
    }

    /** The question's post once it is answered or closed: no buttons, and what became of it. */
    static Reply closed(Question question, String answer, String by, String talkName) {
        String text = "*" + question.ref() + "* from " + who(question.askedBy()) + ": " + escape(question.text());
        String outcome = answer == null ? ":no_entry_sign: Closed by " + who(by) + ": no one knows."
                : ":white_check_mark: Answered by " + who(by) + ", saved to *" + escape(clip(talkName, 150)) + "*: "
                + escape(clip(answer, 1000));
        return new Reply(question.ref() + (answer == null ? ": no one knows" : ": answered"), List.of(
                section(s -> s.text(markdownText(clip(text, Messages.MAX_SECTION)))),
                section(s -> s.text(markdownText(clip(outcome, Messages.MAX_SECTION))))));
    }

    /** The direct message to the asker: the answer, who gave it, and links. */
    static Reply toAsker(Question question, String answer, String by, String permalink) {
        String link = permalink != null && permalink.startsWith("https://")
                ? " <" + escape(permalink).replace("|", "%7C") + "|See the thread.>" : "";
        String text = "Your question *" + question.ref() + "* has an answer from " + who(by) + ":\n>" + escape(clip(answer, 2500))
                .replace("\n", "\n>") + "\n_" + escape(clip(question.text(), 300)) + "_" + link
                + "\nIt is in the notes now: `/qcon` finds it for the next person who asks.";
        return Messages.note(text);
    }

    /** The point saved for an answer: the question it answers, then the answer, on one line. */
    static String pointText(Question question, String answer) {
        return question.ref() + ": " + question.text() + " Answer: " + answer.strip();
    }

    /** /qcon questions: the open ones, oldest first, with age, who asked and the thread (or why it is not posted). */
    static Reply list(List<Question> open, Instant now, boolean editor) {
        if (open.isEmpty()) {
            return Messages.note("No open questions. When the notes do not answer something, *Ask the team* posts it"
                    + " for the people who may know.");
        }
        StringBuilder text = new StringBuilder("*Open questions (" + open.size() + ")*, oldest first\n");
        for (Question question : open.subList(0, Math.min(open.size(), 20))) {
            text.append(line(question, now)).append('\n');
        }
        if (open.size() > 20) {
            text.append("…and ").append(open.size() - 20).append(" more\n");
        }
        text.append(editor ? "`/qcon questions Q3` shows one; a question not posted can be posted again from there."
                : "`/qcon questions Q3` shows one.");
        return Messages.note(clip(text.toString(), Messages.MAX_SECTION));
    }

    static String line(Question question, Instant now) {
        String where = question.posted() && question.permalink() != null && question.permalink().startsWith("https://")
                ? " · <" + escape(question.permalink()).replace("|", "%7C") + "|thread>"
                : question.posted() ? "" : " · _not posted" + (question.postError() == null ? " yet" : ": "
                + escape(question.postError())) + "_";
        return "• *" + question.ref() + "* · " + age(question.askedAt(), now) + " · " + who(question.askedBy()) + ": "
                + escape(clip(question.text(), 150)) + where;
    }

    /** One question: where it stands, with its history; for the asker or an editor, Post again when not posted. */
    static Reply one(Question question, List<String> history, Instant now, boolean mayRepost) {
        StringBuilder text = new StringBuilder(line(question, now)).append("\n*State:* ").append(switch (question.state()) {
            case OPEN -> "open";
            case ANSWERED -> "answered by " + who(question.answeredBy()) + " (P" + question.answerPoint() + ")";
            case NO_ONE_KNOWS -> "closed by " + who(question.closedBy()) + ": no one knows";
        });
        for (String change : history) {
            String[] parts = change.split("\\|", 4);
            text.append("\n• ").append(escape(parts[0].replace('_', ' '))).append(parts[1].equals("null") ? "" : " by " + who(parts[1]))
                    .append(", ").append(ItemMessages.date(Instant.parse(parts[2])))
                    .append(parts[3].equals("null") ? "" : ": " + escape(clip(parts[3], 200)));
        }
        List<LayoutBlock> blocks = new ArrayList<>(Messages.note(clip(text.toString(), Messages.MAX_SECTION)).blocks());
        if (mayRepost && question.open() && !question.posted()) {
            String value = "#" + question.id();
            blocks.add(actions(a -> a.blockId("repost").elements(List.of(button(b -> b.actionId(Verb.ASK_TEAM.button().actionId())
                    .text(plainText("Post again")).value(value))))));
        }
        return new Reply(question.ref(), blocks);
    }

    /** The App Home's section on questions: the person's own open ones, or (an editor) all of them; none when none. */
    static List<LayoutBlock> home(List<Question> open, boolean editor, Instant now) {
        if (open.isEmpty()) {
            return List.of();
        }
        StringBuilder text = new StringBuilder();
        open.stream().limit(10).forEach(question -> text.append(line(question, now)).append('\n'));
        if (open.size() > 10) {
            text.append("…and ").append(open.size() - 10).append(" more: `/qcon questions` lists them.");
        }
        String lines = text.toString();
        return List.of(com.slack.api.model.block.Blocks.divider(), com.slack.api.model.block.Blocks.header(h -> h.text(
                plainText(editor ? "Open questions for the team" : "Your open questions"))),
                section(s -> s.text(markdownText(clip(lines, Messages.MAX_SECTION)))));
    }

    /** The digest's lines on questions; none when there is nothing to say. */
    static List<LayoutBlock> digest(Questions.Summary summary, long staleDays) {
        List<LayoutBlock> blocks = new ArrayList<>();
        if (summary == null || summary.open() == 0 && summary.answeredThisWeek() == 0) {
            return blocks;
        }
        Instant now = summary.at();
        String counts = "*Questions for the team:* " + summary.open() + " open · " + summary.answeredThisWeek()
                + " answered this week" + (summary.medianToAnswer() == null ? "" : " · median time to an answer "
                + duration(summary.medianToAnswer())) + (summary.oldest() == null ? "" : ". Oldest open: "
                + line(summary.oldest(), now).substring(2)) + ". `/qcon questions` lists them.";
        blocks.add(section(s -> s.text(markdownText(clip(counts, Messages.MAX_SECTION)))));
        if (!summary.quiet().isEmpty()) {
            StringBuilder quiet = new StringBuilder("*Questions with no reply for " + staleDays + "+ days*\n");
            summary.quiet().stream().limit(8).forEach(question -> quiet.append(line(question, now)).append('\n'));
            String text = quiet.toString();
            blocks.add(section(s -> s.text(markdownText(clip(text, Messages.MAX_SECTION)))));
        }
        return blocks;
    }

    /** "3 days", "5 h", "12 min". */
    static String duration(Duration duration) {
        if (duration.toDays() >= 2) {
            return duration.toDays() + " days";
        }
        return duration.toHours() >= 1 ? duration.toHours() + " h" : Math.max(1, duration.toMinutes()) + " min";
    }

    private static String age(Instant at, Instant now) {
        Duration age = Duration.between(at, now);
        return age.toMinutes() < 1 ? "just now" : duration(age) + " old";
    }
}
