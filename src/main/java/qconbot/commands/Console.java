package qconbot.commands;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.DividerBlock;
import com.slack.api.model.block.HeaderBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.model.block.element.UsersSelectElement;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A local stand-in for Slack, like Hubot's shell: type "/qcon monzo", read the reply as text. No tokens needed.
 */
public final class Console {

    /** Who acts in the console: claims and changes are recorded under this name. */
    public static final String USER = "console";

    /** Slack's "<!date^...|fallback>" and "<@U123>": the console shows the fallback and "@U123". */
    private static final java.util.regex.Pattern SLACK_DATE = java.util.regex.Pattern.compile("<!date\\^[^|>]*\\|([^>]*)>");
    private static final java.util.regex.Pattern SLACK_MENTION = java.util.regex.Pattern.compile("<@([A-Z0-9]+)>");

    /** Writes the notes to a folder (export DIR) and says what it wrote. */
    @FunctionalInterface
    public interface Exporter {
        String export(java.nio.file.Path dir) throws Exception;
    }

    private final Interpreter interpreter;
    private final Exporter exporter;

    public Console(Interpreter interpreter) {
        this(interpreter, null);
    }

    public Console(Interpreter interpreter, Exporter exporter) {
        this.interpreter = interpreter;
        this.exporter = exporter;
    }

    public void run(BufferedReader in, PrintStream out) throws IOException {
        out.println("qcon-bot console. Type /qcon help, /qcon monzo, /qcon talks day 1"
                + (exporter == null ? "" : "; export DIR writes the notes to a folder") + "; exit or Ctrl-D to leave.");
        out.print("> ");
        out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            String text = line.strip();
            if (text.equalsIgnoreCase("exit") || text.equalsIgnoreCase("quit")) {
                break;
            }
            if (exporter != null && text.toLowerCase(Locale.ROOT).matches("export\\s+\\S.*")) {
                try {
                    out.println(exporter.export(java.nio.file.Path.of(text.substring("export".length()).strip())));
                } catch (Exception e) {
                    out.println("Export failed: " + e.getMessage());
                }
            } else if (!text.isEmpty()) {
                answer(text.toLowerCase(Locale.ROOT).startsWith("/qcon") ? text.substring("/qcon".length()) : text, out);
            }
            out.print("> ");
            out.flush();
        }
        out.println();
    }

    /** A line typed as /qcon text: its answer, and what slow work said when done. */
    private void answer(String text, PrintStream out) {
        try {
            Answer answer = interpreter.handle(Request.command(text, USER, null, null));
            if (answer.find(Answer.OpenForm.class).isPresent()) {
                out.println("/qcon add opens a form in Slack; the console has no forms. Add a line to the notes"
                        + " file and /qcon reload instead.");
            }
            if (answer.reply() != null) {
                out.println(render(answer.reply()));
            }
            if (answer.find(Answer.Later.class).isPresent()) {
                out.println(render(answer.find(Answer.Later.class).get().work().call()));
            }
        } catch (Exception e) {
            out.println("Sorry, that failed: " + e.getMessage());
        }
    }

    /** Block Kit as readable text: headers framed, mrkdwn escapes undone, buttons in brackets. */
    public static String render(Reply reply) {
        StringBuilder out = new StringBuilder();
        for (LayoutBlock block : reply.blocks()) {
            if (block instanceof HeaderBlock header) {
                out.append("== ").append(text(header.getText())).append(" ==\n");
            } else if (block instanceof SectionBlock section) {
                out.append(text(section.getText()).stripTrailing());
                if (section.getAccessory() != null) {
                    out.append("  ").append(button(section.getAccessory()));
                }
                out.append('\n');
            } else if (block instanceof ContextBlock context) {
                context.getElements().forEach(element -> {
                    if (element instanceof TextObject textObject) {
                        out.append(text(textObject)).append('\n');
                    }
                });
            } else if (block instanceof DividerBlock) {
                out.append("----\n");
            } else if (block instanceof ActionsBlock actions) {
                for (BlockElement element : actions.getElements()) {
                    out.append(button(element)).append(' ');
                }
                out.append('\n');
            }
        }
        return out.toString().stripTrailing();
    }

    private static String button(BlockElement element) {
        if (element instanceof UsersSelectElement select) {
            return "[" + text(select.getPlaceholder()) + "]";
        }
        return element instanceof ButtonElement button ? "[" + text(button.getText()) + "]" : "";
    }

    private static String text(TextObject text) {
        String raw = text instanceof MarkdownTextObject markdown ? markdown.getText()
                : text instanceof PlainTextObject plain ? plain.getText() : "";
        String readable = SLACK_DATE.matcher(raw).replaceAll("$1");
        readable = SLACK_MENTION.matcher(readable).replaceAll("@$1");
        return Messages.unescape(readable);
    }
}
