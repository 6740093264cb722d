package qconbot.commands;

import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.view.View;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the {@link Interpreter} answers a {@link Request}: what to show the person who asked and how ({@code shown}),
 * and the Slack calls that follow the ack, in order ({@code after}). Any change was committed before this was
 * returned; what is left is only telling Slack. Both are small closed sets of named kinds, so a Slack handler
 * switches over them and nothing is a field left null to mean "not this kind".
 */
public record Answer(Shown shown, List<After> after) {

    public Answer {
        after = List.copyOf(after);
    }

    /** What the person who asked sees, and where. */
    public sealed interface Shown {
        /** The message shown; null for the kinds that show none. */
        default Reply reply() {
            return null;
        }
    }

    /** Only to the person who asked: the command's own answer, or an ephemeral message after a click. */
    public record Privately(Reply reply) implements Shown {
    }

    /** Instead of the message the button was on. */
    public record InPlace(Reply reply) implements Shown {
    }

    /** As a new message everyone in the channel sees. */
    public record InChannel(Reply reply) implements Shown {
    }

    /** As a reply in the thread the bot was mentioned in (or the file was sent in). */
    public record InThread(Reply reply) implements Shown {
    }

    /** Privately, and only when something could not be announced: the redrawn message says the rest. */
    public record IfProblems(Reply reply) implements Shown {
    }

    /** A form's fields that are wrong, by block id, shown on the form; nothing was saved. */
    public record FieldErrors(Map<String, String> errors) implements Shown {
        public FieldErrors {
            errors = Map.copyOf(errors);
        }
    }

    /** The choices for a select that loads them as someone types (the add form's talk picker). */
    public record Options(List<OptionObject> options) implements Shown {
        public Options {
            options = List.copyOf(options);
        }
    }

    /** Nothing to show: the ack alone (a form closed, an event taken, a replayed click). */
    public record Nothing() implements Shown {
    }

    /** A Slack call that follows the ack. */
    public sealed interface After {
    }

    /**
     * Posts that announce a change (in each of an item's threads, a DM to a new owner); for each one Slack refuses,
     * its {@code failed} sentence and Slack's error are said to the person who acted.
     */
    public record Announce(List<Post> posts) implements After {
        public Announce {
            posts = List.copyOf(posts);
        }
    }

    /** One message to post: in {@code channel} (a user id for a DM), in the thread {@code threadTs} if not null. */
    public record Post(String channel, String threadTs, Reply message, String failed) {
    }

    /** The message the button was on, drawn again: a shared one (a discussion post, a DM) stays for everyone. */
    public record Redraw(Reply message, boolean shared) implements After {
    }

    /** The App Home of the person who asked, published again. */
    public record PublishHome(View home) implements After {
    }

    /** A form (a modal) opened for the person who asked, with the trigger of their request. */
    public record OpenForm(View form) implements After {
    }

    /** A direct message to the person who asked. */
    public record Tell(Reply message) implements After {
    }

    /** An item posted to the request's channel to start its discussion; then {@link Request.Posted} says how it went. */
    public record Discuss(long itemId, Reply post) implements After {
    }

    /**
     * A question posted to the questions channel for the team to answer; then {@link Request.QuestionPosted} says how
     * it went.
     */
    public record AskTeam(long questionId, String channel, Reply post) implements After {
    }

    /** A message the bot posted before ({@code channel}, {@code ts}) edited in place: a question once answered. */
    public record Update(String channel, String ts, Reply message) implements After {
    }

    /** Slow work (a post-now, a long reload) done after the ack; what it returns is shown privately. */
    public record Later(Work work) implements After {
    }

    /** A file fetched from Slack, up to {@code maxBytes}; then {@link Request.Fetched} hands it over. */
    public record Download(String name, String url, long maxBytes) implements After {
    }

    /**
     * A message's permalink asked of Slack; then {@link Request.Linked} carries it with the message's text, and, for a
     * reply in a question's thread, the question it may answer and who wrote the reply (else null).
     */
    public record Link(String text, String channel, String ts, Long question, String author) implements After {
        public Link(String text, String channel, String ts) {
            this(text, channel, ts, null, null);
        }
    }

    @FunctionalInterface
    public interface Work {
        Reply call() throws Exception;
    }

    public static final Answer NOTHING = new Answer(new Nothing(), List.of());

    public static Answer privately(Reply reply) {
        return new Answer(new Privately(reply), List.of());
    }

    public static Answer shown(Shown shown) {
        return new Answer(shown, List.of());
    }

    /** Nothing shown; one Slack call after the ack. */
    public static Answer then(After after) {
        return new Answer(new Nothing(), List.of(after));
    }

    /** This answer with one more Slack call after the ack. */
    public Answer and(After more) {
        List<After> all = new ArrayList<>(after);
        all.add(more);
        return new Answer(shown, all);
    }

    /** The reply shown, whatever the kind; null when nothing is. */
    public Reply reply() {
        return shown.reply();
    }

    /** The first Slack call of a kind that follows the ack, if any. */
    public <T extends After> java.util.Optional<T> find(Class<T> kind) {
        return after.stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }
}
