package qconbot.commands;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import qconbot.metrics.Metrics;
import qconbot.notes.Talk;
import qconbot.search.TalkSearch;
import qconbot.store.Added;
import qconbot.store.Questions;
import qconbot.store.Questions.Question;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asking the team (issue 25), as the {@link Interpreter} hands it over: "Answered it" / "Not really" on an answer,
 * Ask the team (the question posted to QCON_QUESTIONS_CHANNEL), a reply in its thread made the answer (its button, or
 * Save to conference notes on the reply) and saved as a point, "No one knows", and /qcon questions. Every change is
 * committed before the ack; posting, editing the question's message and telling the asker come after.
 */
final class TeamQuestions {

    /** At most this many people the notes say may know are mentioned on a question: a question, not a page. */
    static final int MAY_KNOW = 3;
    /** At most this many nearest talks are named on a question's post. */
    static final int NEAR_TALKS = 3;
    private static final Pattern QUESTION_ID = Pattern.compile("(?i)Q?(\\d{1,9})");

    private final Questions questions;
    private final TalkSearch search;
    private final Added added;
    private final Contributions contributions;
    private final Metrics metrics;
    /** QCON_QUESTIONS_CHANNEL; null: asking the team is off, and the replies say how to turn it on. */
    private final String channel;

    TeamQuestions(Questions questions, Added added, Contributions contributions, TalkSearch search, Metrics metrics,
                  String channel) {
        this.questions = questions;
        this.search = search;
        this.added = added;
        this.contributions = contributions;
        this.metrics = metrics;
        this.channel = channel;
    }

    /**
     * The private metadata of a form that saves a question's answer: the question, who wrote the reply ("-" when the
     * answer is written in the form) and the link to the reply or the thread.
     */
    record Meta(long question, String author, String permalink) {
        private static final Pattern SHAPE = Pattern.compile("q:(\\d{1,18}):([^:]*):(.*)", Pattern.DOTALL);

        String encode() {
            return "q:" + question + ":" + (author == null ? "-" : author) + ":" + (permalink == null ? "" : permalink);
        }

        static Meta parse(String metadata) {
            Matcher shape = metadata == null ? null : SHAPE.matcher(metadata);
            if (shape == null || !shape.matches()) {
                return null;
            }
            return new Meta(Long.parseLong(shape.group(1)), shape.group(2).equals("-") ? null : shape.group(2),
                    shape.group(3).startsWith("https://") ? shape.group(3) : null);
        }
    }

    /** A found talk's reply: for a question, with "Answered it" and "Not really" under the answer. */
    Reply found(Reply answer, TalkSearch.Result result) {
        return result.question() ? QuestionMessages.withFeedback(answer, result) : answer;
    }

    /** "Nothing in the notes covers it": with Ask the team, or how to turn it on, when something was asked. */
    Reply notFound(Reply nothing, TalkSearch.Result result) {
        boolean asked = !result.query().isBlank() && !(result.words().isEmpty() && result.unknown().isEmpty());
        return asked ? QuestionMessages.withAskTheTeam(nothing, result, channel != null) : nothing;
    }

    /** A button of asking the team: feedback on an answer, Ask the team, and the question post's two buttons. */
    Answer clicked(Request.Asked request) throws SQLException {
        return switch (request.verb()) {
            case ANSWER_FEEDBACK -> feedback(request);
            case ASK_TEAM -> ask(request);
            case ANSWER_QUESTION -> answerButton(request);
            case NO_ONE_KNOWS -> noOneKnows(request);
            default -> Answer.NOTHING;
        };
    }

    /**
     * "Answered it" or "Not really" (the feedback button's value starts "yes" or "no"): recorded once per click,
     * counted, and the row under the answer redrawn.
     */
    Answer feedback(Request.Asked request) throws SQLException {
        boolean answered = request.words().startsWith(QuestionMessages.YES);
        String[] value = answered || request.words().startsWith(QuestionMessages.NO)
                ? QuestionMessages.parse(request.words().substring(request.words().indexOf('\n') + 1)) : null;
        if (value == null) {
            return Answer.NOTHING;
        }
        if (questions.feedback(value[2], blank(value[0]), blank(value[1]), answered, request.user(), request.key())) {
            metrics.answerFeedback(answered ? "answered" : "not_really");
        }
        String thanks = answered ? "Thanks: noted that this answered it." : "Thanks: noted that this did not answer it."
                + (channel != null ? " Someone on the team may know:" : "");
        List<LayoutBlock> rows = new ArrayList<>(List.of(QuestionMessages.said(thanks)));
        if (!answered) {
            rows.add(QuestionMessages.askRow(blank(value[0]), value[2], channel != null));
        }
        if (request.message().isEmpty()) {
            return Answer.privately(Messages.note(thanks));
        }
        return Answer.then(new Answer.Redraw(QuestionMessages.replacingFeedback(request.message(), rows, thanks), false));
    }

    /** Ask the team: the question kept (once per click, once while the same asker has it open), then posted. */
    Answer ask(Request.Asked request) throws SQLException {
        if (channel == null) {
            return Answer.privately(Messages.note(QuestionMessages.OFF));
        }
        if (request.words().matches("#\\d{1,9}")) {
            return repost(request, Long.parseLong(request.words().substring(1)));
        }
        String[] value = QuestionMessages.parse(request.words());
        if (value == null) {
            return Answer.NOTHING;
        }
        Questions.Asked asked = questions.ask(value[2], request.user(), blank(value[0]), request.key());
        Question question = asked.question();
        if (!asked.fresh()) {
            return Answer.privately(Messages.note("You asked this already: " + QuestionMessages.line(question, Instant.now())));
        }
        metrics.question("asked");
        Answer answer = new Answer(new Answer.Privately(Messages.note("Asking the team in <#" + channel + ">: *"
                + question.ref() + "*…")), List.of(new Answer.AskTeam(question.id(), channel, post(question))));
        return request.message().isEmpty() ? answer : answer.and(new Answer.Redraw(QuestionMessages.replacingFeedback(
                request.message(), List.of(QuestionMessages.said("Asked the team as *" + question.ref() + "*.")),
                "Asked the team"), false));
    }

    /** Post again a question Slack would not take (the bot was not in the channel): by the asker or an editor. */
    private Answer repost(Request.Asked request, long id) throws SQLException {
        Optional<Question> question = questions.get(id);
        if (question.isEmpty() || !question.get().open() || question.get().posted()) {
            return Answer.privately(Messages.note("Q" + id + " is not waiting to be posted."));
        }
        if (!request.user().equals(question.get().askedBy()) && !contributions.isEditor(request.user())) {
            return Answer.privately(Messages.note("Only whoever asked " + question.get().ref() + ", or an editor, can post it again."));
        }
        if (!questions.postAgain(id, request.user())) {
            return Answer.privately(Messages.note("*" + question.get().ref() + "* is on its way to <#" + channel
                    + "> already; `/qcon questions " + question.get().ref() + "` shows how it went."));
        }
        return new Answer(new Answer.Privately(Messages.note("Posting *" + question.get().ref() + "* to <#" + channel + ">…")),
                List.of(new Answer.AskTeam(id, channel, post(question.get()))));
    }

    private Reply post(Question question) throws SQLException {
        return QuestionMessages.post(question, nearTalks(question),
                questions.whoKnows(question.nearTalkKey(), question.askedBy(), MAY_KNOW));
    }

    /** The team's context for a question: the talk its asker was shown first, then the nearest the search finds. */
    private List<Talk> nearTalks(Question question) throws SQLException {
        Map<String, Talk> near = new LinkedHashMap<>();
        if (question.nearTalkKey() != null) {
            contributions.talk(question.nearTalkKey()).ifPresent(talk -> near.put(talk.key(), talk));
        }
        TalkSearch.Result found = search.search(question.text());
        for (Talk talk : found.found() ? found.talks() : found.nearest()) {
            near.putIfAbsent(talk.key(), talk);
        }
        return near.values().stream().limit(NEAR_TALKS).toList();
    }

    /** The question's post as Slack took it (its thread is where the team answers) or refused it (it stays open). */
    Answer posted(Request.QuestionPosted post) throws SQLException {
        String ref = "Q" + post.questionId();
        if (post.error() == null) {
            questions.posted(post.questionId(), post.channel(), post.ts(), post.permalink());
            metrics.question("posted");
            String link = post.permalink() != null && post.permalink().startsWith("https://")
                    ? ": <" + Messages.escape(post.permalink()) + "|the thread>" : "";
            return Answer.privately(Messages.note("Posted *" + ref + "* to <#" + post.channel() + ">" + link
                    + ". You will get a direct message when someone answers it."));
        }
        questions.postFailed(post.questionId(), post.channel(), post.error());
        metrics.question("post_failed");
        String why = switch (post.error()) {
            case "not_in_channel", "channel_not_found" -> "I am not in <#" + post.channel() + "> (QCON_QUESTIONS_CHANNEL)."
                    + " Someone there can invite me with `/invite @qcon`.";
            case "is_archived" -> "<#" + post.channel() + "> (QCON_QUESTIONS_CHANNEL) is archived; an admin sets another channel.";
            default -> "Slack would not take the post (" + Messages.escape(post.error()) + ").";
        };
        return Answer.privately(Messages.note("I could not ask the team: " + why + " *" + ref + "* is kept open, and you or"
                + " an editor can post it again from `/qcon questions " + ref + "`."));
    }

    /** The question's button "Save the answer…": a form for the answer, if this person may give one. */
    Answer answerButton(Request.Asked request) throws SQLException {
        Optional<Question> question = question(request.words());
        if (question.isEmpty()) {
            return Answer.privately(Messages.note("That question no longer exists."));
        }
        Optional<String> refused = refused(question.get(), request.user(), null);
        if (refused.isPresent()) {
            return Answer.privately(Messages.note(refused.get()));
        }
        return Answer.then(new Answer.OpenForm(form(question.get(), "", question.get().permalink(), null,
                questions.replies(question.get().id()))));
    }

    /**
     * "Save to conference notes" on a reply in a question's thread: the form saves it as that question's answer, if
     * this person may; empty for any other message (the usual form).
     */
    Optional<Answer> shortcut(Request.Shortcut shortcut) throws SQLException {
        if (shortcut.threadTs() == null || shortcut.threadTs().equals(shortcut.ts())) {
            return Optional.empty();
        }
        Optional<Question> question = questions.byThread(shortcut.channel(), shortcut.threadTs());
        if (question.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> refused = refused(question.get(), shortcut.user(), shortcut.author());
        if (refused.isPresent()) {
            return Optional.of(Answer.then(new Answer.Tell(Messages.note(refused.get()))));
        }
        return Optional.of(Answer.then(new Answer.Link(shortcut.text(), shortcut.channel(), shortcut.ts(),
                question.get().id(), shortcut.author())));
    }

    /** The reply's permalink came: the answer form, prefilled with the reply. */
    Answer linked(Request.Linked linked) throws SQLException {
        Optional<Question> question = questions.get(linked.question());
        if (question.isEmpty()) {
            return Answer.NOTHING;
        }
        return Answer.then(new Answer.OpenForm(form(question.get(), linked.text(), linked.permalink(), linked.author(),
                List.of())));
    }

    /** The answer form: the reply's text (the shortcut), or the thread's replies to pick from (the button). */
    private View form(Question question, String text, String permalink, String author, List<Questions.Reply> replies)
            throws SQLException {
        Talk near = question.nearTalkKey() == null ? null : contributions.talk(question.nearTalkKey()).orElse(null);
        return AddForm.answerForm(contributions.agenda(), near, text == null ? null : Messages.readable(text),
                new Meta(question.id(), author, permalink).encode(), question, replies);
    }

    /** The reply picked in the button's form, if one was and it is the question's. */
    private Optional<Questions.Reply> picked(Request.Submitted form, Question question) throws SQLException {
        String ts = AddForm.pickedReply(form.state());
        return ts == null ? Optional.empty()
                : questions.replies(question.id()).stream().filter(reply -> reply.ts().equals(ts)).findFirst();
    }

    /** A reply's link, from its question's post link: the same message link shape Slack gives, in its thread. */
    static String replyLink(Question question, String ts) {
        String link = question.permalink();
        if (link == null || !ts.matches("\\d+\\.\\d+")
                || !link.matches("https://[A-Za-z0-9.-]+\\.slack\\.com/archives/[A-Z0-9]+/p\\d+")) {
            return link;
        }
        return link.substring(0, link.lastIndexOf("/p") + 2) + ts.replace(".", "") + "?thread_ts=" + question.ts()
                + "&cid=" + question.channel();
    }

    /**
     * Why {@code user} may not make a reply (by {@code author}; null for one written in the form) the answer, if so:
     * only the asker, whoever replied (wrote that reply), or an editor; and only once.
     */
    private Optional<String> refused(Question question, String user, String author) throws SQLException {
        if (!question.open()) {
            return Optional.of("*" + question.ref() + "* " + (question.state() == Questions.State.ANSWERED
                    ? "has its answer already; the first answer is kept." : "was closed as no one knows.")
                    + " To add something to the notes anyway, use `/qcon add`.");
        }
        boolean replier = author != null ? user.equals(author) : questions.replied(question.id(), user);
        if (user.equals(question.askedBy()) || replier || contributions.isEditor(user)) {
            return Optional.empty();
        }
        return Optional.of("Only whoever asked *" + question.ref() + "* (" + ItemMessages.who(question.askedBy())
                + "), whoever " + (author != null ? "wrote that reply" : "replied in its thread")
                + ", or an editor can make a reply its answer.");
    }

    /** The answer form submitted: the answer saved as a point under the talk picked, and the question answered, once. */
    Answer save(Request.Submitted form, Meta meta) throws SQLException {
        Optional<Question> question = questions.get(meta.question());
        if (question.isEmpty()) {
            return Answer.shown(new Answer.FieldErrors(Map.of("text", "That question no longer exists.")));
        }
        Optional<Questions.Reply> reply = picked(form, question.get());
        String author = reply.map(Questions.Reply::by).orElse(meta.author());
        String permalink = reply.map(picked -> replyLink(question.get(), picked.ts())).orElse(meta.permalink());
        AddForm.Read read = AddForm.read(form.state(), permalink, reply.map(Questions.Reply::text).orElse(null));
        if (!read.errors().isEmpty()) {
            return Answer.shown(new Answer.FieldErrors(read.errors()));
        }
        Optional<String> refused = refused(question.get(), form.user(), author);
        if (refused.isPresent()) {
            return Answer.shown(new Answer.FieldErrors(Map.of("text", Messages.unescape(refused.get().replace("*", "")))));
        }
        AddForm.Values values = read.values();
        String point = QuestionMessages.pointText(question.get(), values.text());
        if (point.length() > Added.MAX_POINT) {
            return Answer.shown(new Answer.FieldErrors(Map.of("text", "With the question, the answer can be at most "
                    + (Added.MAX_POINT - point.length() + values.text().strip().length()) + " characters.")));
        }
        if (values.newTalk() == null && contributions.talk(values.talkKey()).isEmpty()) {
            return Answer.shown(new Answer.FieldErrors(Map.of("talk", "That talk is no longer in the notes; pick another.")));
        }
        String replier = author != null ? author : form.user();
        Added.Answered answered = added.answer(meta.question(), values.talkKey(), values.newTalk(), point, form.user(),
                replier, permalink, "view:" + form.viewId());
        return switch (answered.outcome()) {
            case ALREADY_SAVED -> Answer.NOTHING; // the same form again
            case NOT_OPEN -> Answer.shown(new Answer.FieldErrors(Map.of("text", question.get().ref()
                    + " has its answer already (or was closed): the first answer is kept.")));
            case SAVED -> saved(question.get(), values, answered, form.user(), replier, permalink);
        };
    }

    /** Told after the ack: the person who saved it, the asker (a direct message), and the question's post, edited. */
    private Answer saved(Question question, AddForm.Values values, Added.Answered answered, String user, String replier,
                         String permalink) throws SQLException {
        contributions.rewrite(answered.talkKey());
        metrics.question("answered");
        String talk = values.newTalk() != null ? values.newTalk().title()
                : contributions.talk(answered.talkKey()).map(Talk::name).orElse(answered.talkKey());
        String answer = values.text().strip();
        List<Answer.After> after = new ArrayList<>();
        after.add(new Answer.Tell(Messages.note("Saved as the answer to *" + question.ref() + "* under *"
                + Messages.escape(talk) + "* (P" + answered.pointId() + "). " + ItemMessages.who(question.askedBy())
                + " is told; `/qcon` answers the question with it from now on.")));
        if (question.posted()) {
            after.add(new Answer.Update(question.channel(), question.ts(), QuestionMessages.closed(question, answer, replier, talk)));
        }
        if (!question.askedBy().equals(user)) {
            after.add(new Answer.Announce(List.of(new Answer.Post(question.askedBy(), null, QuestionMessages.toAsker(question,
                    answer, replier, permalink != null ? permalink : question.permalink()),
                    "I could not tell " + ItemMessages.who(question.askedBy()) + " by direct message"))));
        }
        return new Answer(new Answer.Nothing(), after);
    }

    /** "No one knows" on the question's post: closed by the asker or an editor, the post edited, the asker told. */
    Answer noOneKnows(Request.Asked request) throws SQLException {
        Optional<Question> question = question(request.words());
        if (question.isEmpty()) {
            return Answer.privately(Messages.note("That question no longer exists."));
        }
        Question found = question.get();
        if (!request.user().equals(found.askedBy()) && !contributions.isEditor(request.user())) {
            return Answer.privately(Messages.note("Only whoever asked *" + found.ref() + "* (" + ItemMessages.who(found.askedBy())
                    + ") or an editor can close it as no one knows."));
        }
        if (!questions.noOneKnows(found.id(), request.user())) {
            return Answer.privately(Messages.note("*" + found.ref() + "* is answered or closed already; nothing changed."));
        }
        metrics.question("no_one_knows");
        List<Answer.After> after = new ArrayList<>();
        if (found.posted()) {
            after.add(new Answer.Update(found.channel(), found.ts(), QuestionMessages.closed(found, null, request.user(), null)));
        }
        if (!found.askedBy().equals(request.user())) {
            after.add(new Answer.Announce(List.of(new Answer.Post(found.askedBy(), null, Messages.note("Your question *"
                    + found.ref() + "* was closed by " + ItemMessages.who(request.user()) + ": no one on the team knows. _"
                    + Messages.escape(Messages.clip(found.text(), 300)) + "_"), "I could not tell the asker by direct message"))));
        }
        return new Answer(new Answer.Privately(Messages.note("Closed *" + found.ref() + "* as no one knows.")), after);
    }

    /** Before taking back points (/qcon remove, the edit form): the answered questions, to see which open again. */
    Set<Long> answered() throws SQLException {
        return questions.answeredIds();
    }

    /** After it: each question open again is said, and its post drawn again with its buttons. */
    Answer reopened(Answer done, Set<Long> answeredBefore) throws SQLException {
        List<Question> reopened = answeredBefore.isEmpty() ? List.of()
                : questions.open(null).stream().filter(question -> answeredBefore.contains(question.id())).toList();
        if (reopened.isEmpty()) {
            return done;
        }
        List<LayoutBlock> said = new ArrayList<>();
        List<Answer.After> after = new ArrayList<>(done.after());
        for (Question question : reopened) {
            said.addAll(Messages.note("*" + question.ref() + "*, which it answered, is open again: `/qcon questions "
                    + question.ref() + "`.").blocks());
            if (question.posted()) {
                after.add(new Answer.Update(question.channel(), question.ts(), post(question)));
            }
        }
        if (done.shown() instanceof Answer.Privately shown) {
            List<LayoutBlock> blocks = new ArrayList<>(shown.reply().blocks());
            blocks.addAll(said);
            return new Answer(new Answer.Privately(new Reply(shown.reply().text(), blocks)), after);
        }
        after.add(new Answer.Tell(new Reply("Open again: " + String.join(", ", reopened.stream().map(Question::ref).toList()), said)));
        return new Answer(done.shown(), after);
    }

    /** A reply in a thread: when it is a question's, its author may make a reply the answer. */
    void replied(Request.Replied reply) throws SQLException {
        questions.replied(reply.channel(), reply.threadTs(), reply.user(), reply.at(),
                reply.ts() == null ? "at" + reply.at().toEpochMilli() : reply.ts(), reply.text());
    }

    /** A reply edited or deleted by its author: a question's thread offers it as it reads now, or not at all. */
    Answer replyEdited(Request.ReplyEdited edited) throws SQLException {
        questions.replyEdited(edited.channel(), edited.threadTs(), edited.ts(), edited.user(), edited.text());
        return Answer.NOTHING;
    }

    /** /qcon questions [Q3]. */
    Reply list(Request.Asked request) throws SQLException {
        boolean editor = contributions.isEditor(request.user());
        if (request.words().isBlank()) {
            return QuestionMessages.list(questions.open(null), Instant.now(), editor);
        }
        Optional<Question> question = question(request.words());
        if (question.isEmpty()) {
            return Messages.note("There is no question " + Messages.escape(Messages.clip(request.words(), 20))
                    + ". `/qcon questions` lists the open ones.");
        }
        return QuestionMessages.one(question.get(), questions.history(question.get().id()), Instant.now(),
                editor || request.user().equals(question.get().askedBy()));
    }

    /** The App Home's questions: the person's own open ones; for an editor, every open one. */
    List<LayoutBlock> home(String user) throws SQLException {
        boolean editor = contributions.isEditor(user);
        return QuestionMessages.home(questions.open(editor ? null : user), editor, Instant.now());
    }

    private Optional<Question> question(String words) throws SQLException {
        Matcher id = QUESTION_ID.matcher(words == null ? "" : words.strip());
        return id.matches() ? questions.get(Long.parseLong(id.group(1))) : Optional.empty();
    }

    private static String blank(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
