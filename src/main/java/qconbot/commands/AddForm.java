package qconbot.commands;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import qconbot.notes.Bullet;
import qconbot.notes.Talk;
import qconbot.store.ActionItems;
import qconbot.store.Added;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.option;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.checkboxes;
import static com.slack.api.model.block.element.BlockElements.externalSelect;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.block.element.BlockElements.staticSelect;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

/**
 * The "Save to conference notes" modal, opened by the message shortcut and by {@code /qcon add}: a talk picker (or
 * "A new talk…" with its title and details), the point's text and "This is something we should do". {@link #read}
 * turns a submission back into what it says, with Slack's field errors for anything missing or wrong.
 */
public final class AddForm {

    /** The modal's callback_id, and the message shortcut's. */
    public static final String CALLBACK = "save_to_notes";
    static final String NEW_TALK = "new";
    /** Slack's most options in a static_select (the first is "A new talk…"). */
    static final int MAX_OPTIONS = 100;
    private static final int MAX_OPTION_TEXT = 75;
    private static final int MAX_OPTION_VALUE = 150;

    /** What a submission says: the talk (null with {@code newTalk}), the point, whether it is an action item. */
    public record Values(String talkKey, Added.NewTalk newTalk, String text, boolean internal, String permalink) {
    }

    /** A submission read: its values, or the errors to show by field (block id) when it cannot be taken. */
    public record Read(Values values, Map<String, String> errors) {
    }

    private AddForm() {
    }

    /**
     * The modal for the talks of the agenda ({@code chosen} picked first when not null), the point prefilled with
     * {@code text}, and the message's permalink kept in the view's private metadata.
     */
    public static View of(List<Talk> talks, Talk chosen, String text, String permalink) {
        String prefilled = text == null ? "" : Messages.clip(text, Added.MAX_POINT);
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(talkPicker(talks, chosen));
        blocks.add(input(i -> i.blockId("text").label(plainText("Point")).element(plainTextInput(p -> p.actionId("text")
                .multiline(true).maxLength(Added.MAX_POINT).initialValue(prefilled)))));
        blocks.add(input(i -> i.blockId("todo").optional(true).label(plainText("Follow-up"))
                .element(checkboxes(c -> c.actionId("todo")
                        .options(List.of(option(plainText("This is something we should do"), "internal")))))));
        blocks.add(divider());
        blocks.add(context(c -> c.elements(List.of(markdownText("Only for *A new talk…*: its title (needed) and what else you know.")))));
        blocks.add(optionalText("new_title", "Title of the new talk", MAX_TITLE));
        blocks.add(optionalText("new_day", "Day (e.g. Day 2)", 20));
        blocks.add(optionalText("new_time", "Time (e.g. 10:35)", 5));
        blocks.add(optionalText("new_speaker", "Speaker", MAX_NAME));
        blocks.add(optionalText("new_conference", "Conference", MAX_NAME));
        return view(v -> v.type("modal").callbackId(CALLBACK).title(viewTitle(t -> t.type("plain_text").text("Save to notes")))
                .submit(viewSubmit(s -> s.type("plain_text").text("Save")))
                .close(viewClose(c -> c.type("plain_text").text("Cancel")))
                .privateMetadata(permalink == null ? "" : permalink)
                .blocks(blocks));
    }

    /**
     * The same form, to save the answer to a question (issue 25): the question above, no follow-up box, the nearest
     * talk chosen, {@code metadata} naming the question (TeamQuestions.Meta).
     */
    static View answerForm(List<Talk> talks, Talk chosen, String text, String metadata,
                           qconbot.store.Questions.Question question, List<qconbot.store.Questions.Reply> replies) {
        View view = of(talks, chosen, text, null);
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(context(c -> c.elements(List.of(markdownText("Answering *" + question.ref() + "*: "
                + Messages.escape(Messages.clip(question.text(), 500)) + "\nThe answer is saved as a point of the talk you"
                + " pick, with the question and who answered; the asker is told.")))));
        if (!replies.isEmpty()) {
            blocks.add(replyPicker(replies));
        }
        for (LayoutBlock block : view.getBlocks()) {
            if ("text".equals(block.getBlockId()) && !replies.isEmpty()) {
                blocks.add(input(i -> i.blockId("text").optional(true).label(plainText("Or the answer in your words"))
                        .element(plainTextInput(p -> p.actionId("text").multiline(true).maxLength(Added.MAX_POINT)))));
            } else if (!"todo".equals(block.getBlockId())) {
                blocks.add(block);
            }
        }
        view.setBlocks(blocks);
        view.setPrivateMetadata(metadata);
        view.setTitle(viewTitle(t -> t.type("plain_text").text("Answer " + Messages.clip(question.ref(), 15))));
        return view;
    }

    /** The answer form's "Which reply": the thread's replies, newest first (Slack's 100 at most), by their ts. */
    private static LayoutBlock replyPicker(List<qconbot.store.Questions.Reply> replies) {
        List<OptionObject> options = new ArrayList<>();
        for (int i = replies.size() - 1; i >= 0 && options.size() < MAX_OPTIONS; i--) {
            qconbot.store.Questions.Reply reply = replies.get(i);
            String text = reply.text().isBlank() ? "(a reply with no text)" : reply.text();
            options.add(OptionObject.builder().text(plainText(Messages.clip(text.replaceAll("\\s+", " "), MAX_OPTION_TEXT)))
                    .description(plainText(Messages.clip("by " + reply.by() + ", " + reply.at().toString().substring(0, 16)
                            .replace('T', ' ') + " UTC", MAX_OPTION_TEXT)))
                    .value(reply.ts()).build());
        }
        return input(i -> i.blockId(REPLY).optional(true).label(plainText("Which reply answers it"))
                .element(staticSelect(s -> s.actionId(REPLY).placeholder(plainText("Pick a reply")).options(options))));
    }

    /** The answer form's reply picker: its block and action id. */
    static final String REPLY = "reply";

    /** The reply picked in the answer form (its ts), or null. */
    static String pickedReply(ViewState state) {
        return selected(state, REPLY);
    }

    /**
     * The talk picker: "A new talk…", then {@code chosen} (picked) and the agenda. Too many talks for one list: Slack
     * then asks the bot for the talks matching what is typed ({@link #suggestions}).
     */
    private static LayoutBlock talkPicker(List<Talk> talks, Talk chosen) {
        List<OptionObject> options = new ArrayList<>();
        options.add(option(plainText("A new talk…"), NEW_TALK));
        List<Talk> listed = new ArrayList<>();
        if (chosen != null) {
            listed.add(chosen);
        }
        talks.stream().filter(talk -> chosen == null || !talk.key().equals(chosen.key())).forEach(listed::add);
        listed.stream().filter(talk -> talk.key().length() <= MAX_OPTION_VALUE).limit(MAX_OPTIONS - 1)
                .forEach(talk -> options.add(talkOption(talk)));
        OptionObject first = chosen == null || chosen.key().length() > MAX_OPTION_VALUE ? null : talkOption(chosen);
        return input(i -> i.blockId("talk").label(plainText("Talk")).element(listed.size() < MAX_OPTIONS
                ? staticSelect(s -> s.actionId("talk").placeholder(plainText("Pick a talk")).options(options).initialOption(first))
                : externalSelect(s -> s.actionId("talk").placeholder(plainText("Type words of its title")).minQueryLength(0)
                .initialOption(first))));
    }

    /** A talk as an option of the picker: its name and day, its key as the value. */
    static OptionObject talkOption(Talk talk) {
        String label = talk.name() + (talk.day().isEmpty() ? "" : " · " + talk.day());
        return option(plainText(Messages.clip(label, MAX_OPTION_TEXT)), talk.key());
    }

    /** The picker's options for what someone typed, when there are too many talks for one list. */
    public static List<OptionObject> suggestions(List<Talk> matching) {
        List<OptionObject> options = new ArrayList<>();
        options.add(option(plainText("A new talk…"), NEW_TALK));
        matching.stream().filter(talk -> talk.key().length() <= MAX_OPTION_VALUE).limit(MAX_OPTIONS - 1)
                .forEach(talk -> options.add(talkOption(talk)));
        return options;
    }

    /** At most this many points in one "Edit added points" form: Slack's limit is 100 blocks a modal. */
    static final int MAX_EDITED = 40;

    /** The "Edit added points" modal's callback_id. */
    public static final String EDIT_CALLBACK = "edit_points";

    /**
     * The points added in Slack to one talk that {@code user} may change, each in a field of its own (block id "P3")
     * with its text: changed text is an edit, an emptied field removes the point.
     */
    static View editForm(Talk talk, List<Bullet> all) {
        // Slack refuses a modal of more than 100 blocks: the newest points, and how to reach the others
        List<Bullet> points = all.subList(Math.max(0, all.size() - MAX_EDITED), all.size());
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(context(c -> c.elements(List.of(markdownText("Points added in Slack to *" + Messages.escape(talk.name())
                + "*. Change the text, or empty a field to remove that point; the history keeps the old text."
                + (points.size() < all.size() ? " These are the " + points.size() + " newest of " + all.size()
                + "; `/qcon edit P3 <text>` and `/qcon remove P3` change any of them." : ""))))));
        for (Bullet point : points) {
            String id = "P" + point.added().id();
            blocks.add(input(i -> i.blockId(id).optional(true).label(plainText(id)).element(plainTextInput(p -> p.actionId(id)
                    .multiline(true).maxLength(Added.MAX_POINT).initialValue(point.text())))));
        }
        return view(v -> v.type("modal").callbackId(EDIT_CALLBACK).title(viewTitle(t -> t.type("plain_text").text("Edit added points")))
                .submit(viewSubmit(s -> s.type("plain_text").text("Save")))
                .close(viewClose(c -> c.type("plain_text").text("Cancel")))
                .blocks(blocks));
    }

    /** The edit form's fields: point id to its text now ("" when emptied). */
    static Map<Long, String> readEdits(ViewState state) {
        Map<Long, String> edits = new LinkedHashMap<>();
        if (state != null && state.getValues() != null) {
            state.getValues().forEach((block, fields) -> {
                if (block.matches("P\\d{1,18}") && fields.get(block) != null) {
                    String value = fields.get(block).getValue();
                    edits.put(Long.parseLong(block.substring(1)), value == null ? "" : value.strip());
                }
            });
        }
        return edits;
    }

    /** The "What came of A3?" modal's callback_id; its private metadata is the item's id. */
    public static final String OUTCOME_CALLBACK = "item_outcome";
    /** The "Won't do A3?" modal's: it closes the item, with the reason it asks for. */
    public static final String WONT_DO_CALLBACK = "item_wontdo";

    /** What the outcome form says: its text and link as typed (either may be empty). */
    public record OutcomeRead(long itemId, String text, String link) {
    }

    /**
     * "What came of A3?": the outcome (a few lines) and a link, both optional, so closing it or pressing Save on an
     * empty form is done without words. Shown when Done is clicked (the item is done already) and from the card's
     * button, with what was said before.
     */
    static View outcomeForm(ActionItems.ActionItem item) {
        return outcomeForm(item, false);
    }

    /**
     * The same form, or with {@code closing} the one behind an open item's "Won't do…" button: it asks why (required)
     * and closes the item as won't do when submitted.
     */
    static View outcomeForm(ActionItems.ActionItem item, boolean closing) {
        boolean why = closing || item.wontDo();
        String before = item.outcome() == null ? "" : item.outcome().text();
        String link = item.outcome() == null || item.outcome().link() == null ? "" : item.outcome().link();
        List<LayoutBlock> blocks = List.of(
                context(c -> c.elements(List.of(markdownText((closing ? "To close as won't do: " : item.wontDo()
                        ? "Closed as won't do: " : "Done: ") + "*" + item.ref() + "* " + Messages.escape(Messages.clip(item.shown(), 500))
                        + "\nWhat you write here is kept with the conference notes, under this item.")))),
                input(i -> i.blockId("outcome").optional(!closing).label(plainText(why ? "Why not" : "What came of it"))
                        .element(plainTextInput(p -> p.actionId("outcome").multiline(true).maxLength(ItemActions.MAX_OUTCOME)
                                .initialValue(before.isEmpty() ? null : before)
                                .placeholder(plainText("Removed 4,000 lines of dead code"))))),
                input(i -> i.blockId("link").optional(true).label(plainText("Link (a pull request, a doc)"))
                        .element(plainTextInput(p -> p.actionId("link").maxLength(1000)
                                .initialValue(link.isEmpty() ? null : link).placeholder(plainText("https://…"))))));
        return view(v -> v.type("modal").callbackId(closing ? WONT_DO_CALLBACK : OUTCOME_CALLBACK)
                .privateMetadata(String.valueOf(item.id()))
                .title(viewTitle(t -> t.type("plain_text").text((closing ? "Won't do " : "What came of ") + item.ref() + "?")))
                .submit(viewSubmit(s -> s.type("plain_text").text(closing ? "Close it" : "Save")))
                .close(viewClose(c -> c.type("plain_text").text(closing ? "Cancel" : "Skip")))
                .blocks(blocks));
    }

    /** The outcome form as submitted; the item id from its private metadata (-1 when that is not a number). */
    public static OutcomeRead readOutcome(ViewState state, String privateMetadata) {
        long id = privateMetadata != null && privateMetadata.matches("\\d{1,18}") ? Long.parseLong(privateMetadata) : -1;
        String text = value(state, "outcome");
        String link = value(state, "link");
        return new OutcomeRead(id, text == null ? "" : text, link == null ? "" : link.strip());
    }

    /** What is wrong with a submitted outcome form, by field; with {@code closing} (won't do) a reason is required. */
    static Map<String, String> outcomeErrors(OutcomeRead form, boolean closing) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (!form.link().isEmpty() && !Messages.webLink(form.link())) {
            errors.put("link", "A link starts with http:// or https:// (a pull request, a doc).");
        }
        String text = form.text().strip();
        if (text.length() > ItemActions.MAX_OUTCOME) {
            errors.put("outcome", "At most " + ItemActions.MAX_OUTCOME + " characters; link to a doc for more.");
        }
        if (closing && text.isEmpty()) {
            errors.put("outcome", "Say why it won't be done; the team will look for it later.");
        }
        return errors;
    }

    /** The field of a form where a problem with the whole submission is shown. */
    static String mainField(String callbackId) {
        return switch (callbackId) {
            case IMPORT_CALLBACK -> "notes";
            case OUTCOME_CALLBACK, WONT_DO_CALLBACK -> "outcome";
            default -> "text";
        };
    }

    /** The /qcon import modal's callback_id. */
    public static final String IMPORT_CALLBACK = "import_notes";
    /** Every form the bot opens, by callback id: each submission goes to the interpreter. */
    public static final List<String> CALLBACKS = List.of(CALLBACK, EDIT_CALLBACK, IMPORT_CALLBACK, OUTCOME_CALLBACK,
            WONT_DO_CALLBACK);

    private static final java.util.regex.Pattern FILE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}\\.(txt|md)");

    /** A pasted notes file: its name and text, or why not, by field. */
    public record ImportRead(String name, String text, Map<String, String> errors) {
    }

    /** /qcon import: a file name and the notes pasted as text (Slack takes at most 3000 characters in a field). */
    public static View importForm() {
        List<LayoutBlock> blocks = List.of(
                input(i -> i.blockId("name").label(plainText("File name")).element(plainTextInput(p -> p.actionId("name")
                        .maxLength(84).placeholder(plainText("devoxx-2026.txt"))))),
                input(i -> i.blockId("notes").label(plainText("Notes")).element(plainTextInput(p -> p.actionId("notes")
                        .multiline(true).maxLength(Added.MAX_POINT)))),
                context(c -> c.elements(List.of(markdownText("The notes format: a title line underlined with dashes,"
                        + " `Day 1` lines, talk headers such as `10:35 quarkus:` and `- ` bullets. You see a preview"
                        + " first; nothing changes until you press Import.")))));
        return view(v -> v.type("modal").callbackId(IMPORT_CALLBACK).title(viewTitle(t -> t.type("plain_text").text("Import notes")))
                .submit(viewSubmit(s -> s.type("plain_text").text("Preview")))
                .close(viewClose(c -> c.type("plain_text").text("Cancel")))
                .blocks(blocks));
    }

    /** A submitted import form, with errors for a missing or odd file name or no notes. */
    public static ImportRead readImport(ViewState state) {
        Map<String, String> errors = new LinkedHashMap<>();
        String name = value(state, "name") == null ? "" : value(state, "name").strip();
        String text = value(state, "notes") == null ? "" : value(state, "notes");
        if (!FILE_NAME.matcher(name).matches()) {
            errors.put("name", "A file name such as devoxx-2026.txt: letters, digits, dots, dashes, ending in .txt or .md.");
        }
        if (text.isBlank()) {
            errors.put("notes", "Paste the notes to import.");
        }
        return new ImportRead(name, text, errors);
    }

    private static LayoutBlock optionalText(String id, String label, int max) {
        return input(i -> i.blockId(id).optional(true).label(plainText(label))
                .element(plainTextInput(p -> p.actionId(id).maxLength(max))));
    }

    /** A submission's values, or why not, by field. */
    public static Read read(ViewState state, String privateMetadata) {
        return read(state, privateMetadata, null);
    }

    /** The same; a point left empty is {@code fallback} when there is one (the reply picked in the answer form). */
    static Read read(ViewState state, String privateMetadata, String fallback) {
        Map<String, String> errors = new LinkedHashMap<>();
        String talk = selected(state, "talk");
        String text = value(state, "text");
        if ((text == null || text.isBlank()) && fallback != null) {
            text = fallback;
        }
        boolean internal = state != null && state.getValues() != null && state.getValues().containsKey("todo")
                && state.getValues().get("todo").get("todo") != null
                && state.getValues().get("todo").get("todo").getSelectedOptions() != null
                && !state.getValues().get("todo").get("todo").getSelectedOptions().isEmpty();
        if (talk == null) {
            errors.put("talk", "Pick a talk, or A new talk….");
        }
        if (text == null || text.isBlank()) {
            errors.put("text", "Write the point to save.");
        } else if (text.strip().length() > Added.MAX_POINT) {
            errors.put("text", "A point can be at most " + Added.MAX_POINT + " characters; this one has "
                    + text.strip().length() + ".");
        }
        Added.NewTalk newTalk = null;
        if (NEW_TALK.equals(talk)) {
            newTalk = new Added.NewTalk(value(state, "new_title"), value(state, "new_day"), value(state, "new_time"),
                    value(state, "new_speaker"), value(state, "new_conference"));
            newTalkErrors(newTalk, errors);
            talk = null;
        }
        String permalink = privateMetadata != null && privateMetadata.startsWith("https://") ? privateMetadata : null;
        return new Read(errors.isEmpty() ? new Values(talk, newTalk, text, internal, permalink) : null, errors);
    }

    /** The fields' sizes, checked here too: Slack's client enforces them, a forged submission need not. */
    static final int MAX_TITLE = 150;
    static final int MAX_NAME = 150;

    /**
     * A new talk's fields checked for their shape on the server: a title, a day as "Day 2" (or "2"), a time as 10:35,
     * and no field longer than the form allows; so that what is saved is what the notes format can say.
     */
    private static void newTalkErrors(Added.NewTalk talk, Map<String, String> errors) {
        if (talk.title() == null || talk.title().isBlank()) {
            errors.put("new_title", "A new talk needs a title.");
        } else if (talk.title().strip().length() > MAX_TITLE) {
            errors.put("new_title", "At most " + MAX_TITLE + " characters.");
        }
        if (talk.day() != null && !talk.day().isBlank() && !Added.DAY_FIELD.matcher(talk.day().strip()).matches()) {
            errors.put("new_day", "Write the day as Day 2 (a number up to 999), or leave it empty.");
        }
        if (talk.time() != null && !talk.time().isBlank() && !talk.time().strip().matches("([01]?\\d|2[0-3]):[0-5]\\d")) {
            errors.put("new_time", "Write the time as 10:35, or leave it empty.");
        }
        if (talk.speaker() != null && talk.speaker().strip().length() > MAX_NAME) {
            errors.put("new_speaker", "At most " + MAX_NAME + " characters.");
        }
        if (talk.conference() != null && talk.conference().strip().length() > MAX_NAME) {
            errors.put("new_conference", "At most " + MAX_NAME + " characters.");
        }
    }

    private static String value(ViewState state, String id) {
        ViewState.Value value = field(state, id);
        return value == null ? null : value.getValue();
    }

    private static String selected(ViewState state, String id) {
        ViewState.Value value = field(state, id);
        return value == null || value.getSelectedOption() == null ? null : value.getSelectedOption().getValue();
    }

    private static ViewState.Value field(ViewState state, String id) {
        if (state == null || state.getValues() == null || state.getValues().get(id) == null) {
            return null;
        }
        return state.getValues().get(id).get(id);
    }
}
