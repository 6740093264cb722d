package qconbot.commands;

import qconbot.commands.ItemMessages.Surface;
import qconbot.store.ActionItems.State;

import java.util.EnumSet;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Every verb the bot understands, in one table: the words typed after {@code /qcon} or {@code @qcon}, the line in
 * the help, and the button that does the same. Parsing ({@link #parse}), both helps ({@link Messages#help},
 * {@link Messages#threadHelp}) and every button ({@link ItemMessages}, {@link Messages#talk}) are derived from it,
 * so a verb added here is typed, explained and clicked alike (VerbTest checks all three for every row).
 */
public enum Verb {

    //      words typed         usage after /qcon       help line                                            from
    HELP(List.of("help", "?"), "help", "this message.", From.COMMAND, From.MENTION),
    SEARCH(List.of(), "<words>", "the best-matching talk, e.g. `/qcon monzo` or `/qcon java containers`."
            + " Typos, plurals and partial words are fine. Ask a question (`/qcon why did monzo pick cassandra`)"
            + " and the points that answer it come first.", From.COMMAND),
    TALKS(List.of("talks", "agenda"), "talks [day N]", "the agenda, by day and time; `/qcon talks day 2` lists one day.",
            From.COMMAND),
    ACTIONS(List.of("actions"), "actions [mine | all | A3]", "the [INTERNAL] action items still to do; yours, all of"
            + " them, or one item and its history.", From.COMMAND),
    CLAIM(List.of("claim"), "claim A3", "make an item yours.", From.ALL,
            new Button("item_claim", "Claim", EnumSet.of(State.OPEN), Button.LISTS, null)),
    REOPEN(List.of("reopen"), "reopen A3", "open a done item again.", From.ALL,
            new Button("item_reopen", "Reopen", EnumSet.of(State.DONE), Button.LISTS, null)),
    DONE(List.of("done"), "done A3 [what came of it]", "mark it done; what you add (a link too) is kept with the"
            + " notes as what came of it.", From.ALL,
            new Button("item_done", "Done", EnumSet.of(State.OPEN, State.CLAIMED), Button.LISTS, "Done")),
    WONT_DO(List.of("wontdo", "won't do", "won\u2019t do", "wont do"), "wontdo A3 <why>", "close it as won't do,"
            + " saying why; reopen it like a done one.", From.ALL,
            new Button("item_wontdo", "Won't do…", EnumSet.of(State.OPEN, State.CLAIMED), EnumSet.of(Surface.ITEM, Surface.POST), null)),
    OUTCOME(List.of("outcome"), "outcome A3 <what came of it>", "say or change what came of a closed item, with a"
            + " link if you like (its owner, whoever closed it, or an admin).", From.ALL,
            new Button("item_outcome", "What came of it…", EnumSet.of(State.DONE), Button.LISTS, null)),
    UNCLAIM(List.of("unclaim"), "unclaim A3", "give it back; it is open again.", From.ALL,
            new Button("item_unclaim", "Unclaim", EnumSet.of(State.CLAIMED), Button.LISTS, "Hand back")),
    ASSIGN(List.of("assign"), "assign A3 @someone", "give it to a teammate; they get a direct message.", From.ALL,
            new Button("item_assign", "Assign to…", EnumSet.of(State.OPEN, State.CLAIMED), Button.LISTS, null)),
    DISCUSS(List.of("discuss"), "discuss A3", "post it here; its thread is the discussion.",
            EnumSet.of(From.COMMAND, From.CLICK), new Button("item_discuss", "Discuss", EnumSet.allOf(State.class),
            EnumSet.complementOf(EnumSet.of(Surface.HOME, Surface.POST, Surface.REMINDER)), null)),
    SNOOZE(List.of(), "", "", EnumSet.of(From.CLICK),
            new Button("item_snooze", "Snooze a week", EnumSet.of(State.CLAIMED), EnumSet.noneOf(Surface.class), "Snooze a week")),
    STATUS(List.of("status"), "status", "where the item stands.", From.MENTION),
    QUESTIONS(List.of("questions"), "questions [Q3]", "questions asked of the team still waiting for an answer, oldest"
            + " first; or one question and its history. When the notes do not answer something, *Ask the team* asks the"
            + " people who may know, and the answer is saved to the notes.", From.COMMAND),
    /** Slack's feedback buttons under an answer: one action, "Answered it" or "Not really" by its value. */
    ANSWER_FEEDBACK(List.of(), "", "", EnumSet.of(From.CLICK),
            new Button("answer_feedback", "Answered it / Not really", Set.of(), Set.of(), null)),
    ASK_TEAM(List.of(), "", "", EnumSet.of(From.CLICK), new Button("ask_team", "Ask the team", Set.of(), Set.of(), null)),
    ANSWER_QUESTION(List.of(), "", "", EnumSet.of(From.CLICK),
            new Button("question_answer", "Save the answer…", Set.of(), Set.of(), null)),
    NO_ONE_KNOWS(List.of(), "", "", EnumSet.of(From.CLICK), new Button("question_close", "No one knows", Set.of(), Set.of(), null)),
    TODAY(List.of("today"), "today", "the talk of the day.", From.COMMAND),
    DIGEST(List.of("digest"), "digest", "a preview of the next scheduled post.", From.COMMAND),
    SCHEDULE(List.of("schedule"), "schedule", "when the talk of the day posts, and how the last post went.", From.COMMAND),
    POST_NOW(List.of("post-now", "post now"), "post-now", "(admins) post the next talk of the day now.", From.COMMAND),
    ADD(List.of("add"), "add [talk]", "add a point to the notes, or a new talk: a form opens, with the talk"
            + " matching the words chosen. On any message, *Save to conference notes* does the same.", From.COMMAND),
    EDIT(List.of("edit"), "edit P3 <text>", "change a point added in Slack (its author or an admin); the change is"
            + " kept in its history.", From.COMMAND),
    REMOVE(List.of("remove"), "remove P3", "take a point added in Slack out of the notes (its author or an admin);"
            + " it is kept in the history. Admins and QCON_EDITORS: `remove talk <talk>` takes back a talk added in"
            + " Slack, `remove file NAME` an imported file (after a preview).", From.COMMAND),
    REMOVE_FILE_CONFIRM(List.of(), "", "", EnumSet.of(From.CLICK), new Button("remove_file_confirm", "Remove", Set.of(), Set.of(), null)),
    REMOVE_FILE_CANCEL(List.of(), "", "", EnumSet.of(From.CLICK), new Button("remove_file_cancel", "Cancel", Set.of(), Set.of(), null)),
    MOVE(List.of("move"), "move P3 to <talk>", "(admins and QCON_EDITORS) move a point added in Slack, with its"
            + " action item, to the talk the words find: for what was added to a talk no longer in the notes.", From.COMMAND),
    EDIT_POINTS(List.of(), "", "", EnumSet.of(From.CLICK), new Button("edit_points", "Edit added points", Set.of(), Set.of(), null)),
    IMPORT(List.of("import"), "import", "(admins and QCON_EDITORS) import a whole notes file: paste it, see what it"
            + " would change, then Import.", From.COMMAND),
    IMPORT_CONFIRM(List.of(), "", "", EnumSet.of(From.CLICK), new Button("import_confirm", "Import", Set.of(), Set.of(), null)),
    IMPORT_CANCEL(List.of(), "", "", EnumSet.of(From.CLICK), new Button("import_cancel", "Cancel", Set.of(), Set.of(), null)),
    RELOAD(List.of("reload"), "reload", "(admins) read the notes files again; claims and threads are kept.", From.COMMAND),
    SHOW(List.of(), "", "", EnumSet.of(From.CLICK), new Button("show_talk", "Show", Set.of(), Set.of(), null)),
    SHOW_ALL(List.of(), "", "", EnumSet.of(From.CLICK), new Button("show_all_points", "Show all points", Set.of(), Set.of(), null)),
    SHARE(List.of(), "", "", EnumSet.of(From.CLICK), new Button("share_talk", "Share in channel", Set.of(), Set.of(), null));

    /** Where a request comes from: the text of /qcon (or the console), @qcon in a thread, a button. */
    public enum From {
        COMMAND, MENTION, CLICK;

        static final Set<From> ALL = EnumSet.allOf(From.class);
    }

    /**
     * A verb's button. For an item's buttons: the states the item must be in, the surfaces it is drawn on, and its
     * label on the weekly reminder (null: not on the reminder).
     */
    public record Button(String actionId, String label, Set<State> states, Set<Surface> surfaces, String reminderLabel) {
        /** Every place an item is drawn with its buttons, but the reminder, which has buttons of its own. */
        static final Set<Surface> LISTS = EnumSet.complementOf(EnumSet.of(Surface.REMINDER));
    }

    /** A verb read from text, and the words after it. */
    public record Parsed(Verb verb, String rest) {
    }

    private final List<String> words;
    private final String usage;
    private final String help;
    private final Set<From> from;
    private final Button button;

    Verb(List<String> words, String usage, String help, From from, From... more) {
        this(words, usage, help, EnumSet.of(from, more), null);
    }

    Verb(List<String> words, String usage, String help, Set<From> from, Button button) {
        this.words = words;
        this.usage = usage;
        this.help = help;
        this.from = from;
        this.button = button;
    }

    public List<String> words() {
        return words;
    }

    /** What follows the command in help: "claim A3". */
    public String usage() {
        return usage;
    }

    public String help() {
        return help;
    }

    public boolean from(From where) {
        return from.contains(where);
    }

    /** The button, or null for verbs that are only typed. */
    public Button button() {
        return button;
    }

    /** Whether words may follow the verb ("claim A3", "talks day 2"); "today monzo" is a search, not today. */
    public boolean takesWords() {
        return usage.contains(" ");
    }

    /** In a thread the item is implied: "claim A3" is said "claim", "assign A3 @someone" is "assign @someone". */
    public String threadUsage() {
        return usage.replace(" A3", "");
    }

    /**
     * The verb at the start of {@code text} that can be asked {@code from} there, and the rest; null when there is
     * none. A verb's word must stand alone ("claimed" is not "claim"); the longest word wins ("post now").
     */
    public static Parsed parse(String text, From from) {
        Parsed best = null;
        int bestLength = -1;
        for (Verb verb : values()) {
            if (!verb.from(from)) {
                continue;
            }
            for (String word : verb.words) {
                boolean stands = text.regionMatches(true, 0, word, 0, word.length())
                        && (text.length() == word.length() || Character.isWhitespace(text.charAt(word.length())));
                if (stands && word.length() > bestLength) {
                    best = new Parsed(verb, text.substring(word.length()).strip());
                    bestLength = word.length();
                }
            }
        }
        return best;
    }

    /** The verb whose button has this action id; null for none. */
    public static Verb forAction(String actionId) {
        for (Verb verb : values()) {
            if (verb.button != null && verb.button.actionId().equals(actionId)) {
                return verb;
            }
        }
        return null;
    }

    /** Every button's action id, for registering one click handler. */
    public static List<String> actionIds() {
        return Arrays.stream(values()).filter(verb -> verb.button != null).map(verb -> verb.button.actionId()).toList();
    }
}
