package qconbot.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.util.json.GsonFactory;
import org.junit.jupiter.api.Test;
import qconbot.notes.Bullet;
import qconbot.notes.Talk;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Block Kit limits and escaping, checked on the JSON Slack would receive. */
class MessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(Reply reply) throws Exception {
        return JSON.readTree(GsonFactory.createSnakeCase().toJson(reply.blocks()));
    }

    private static Talk talk(String title, List<Bullet> bullets) {
        return new Talk("f.txt/day-1/" + title.hashCode(), "f.txt", "CONF", "Day 1", 1, "09:00", title, "Ann Example",
                bullets, 3, 3 + bullets.size());
    }

    private static Bullet point(String text) {
        return new Bullet(1, Bullet.Kind.POINT, text, List.of(), 4);
    }

    @Test
    void escape_turns_slack_control_characters_into_entities() {
        assertEquals("&lt;!channel&gt; &amp;amp; &lt;@U1&gt;", Messages.escape("<!channel> &amp; <@U1>"));
        assertEquals("", Messages.escape(null));
    }

    @Test
    void a_huge_talk_is_trimmed_to_slack_limits_never_rejected() throws Exception {
        List<Bullet> bullets = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            bullets.add(point("point " + i + " " + "x".repeat(i % 7 == 0 ? 5000 : 200)));
        }
        Reply reply = Messages.talk(talk("T".repeat(4000), bullets), null);
        JsonNode blocks = json(reply);

        assertTrue(blocks.size() <= 50, "blocks: " + blocks.size());
        assertTrue(blocks.get(0).path("text").path("text").asText().length() <= 150, "header limit");
        for (JsonNode block : blocks) {
            if (block.path("type").asText().equals("section")) {
                int length = block.path("text").path("text").asText().length();
                assertTrue(length <= 3000 && length > 0, "section length " + length);
            }
        }
        assertTrue(blocks.toString().contains("Trimmed to fit Slack"), "says it was trimmed and where the rest is");
    }

    @Test
    void a_shortened_talk_shows_the_chosen_points_a_show_all_button_and_related_talks_once() throws Exception {
        List<Bullet> bullets = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            bullets.add(new Bullet(1, Bullet.Kind.POINT, "point number " + i, List.of(), 4 + i));
        }
        Talk talk = talk("long one", bullets);
        Talk related = talk("<!channel> related", List.of(point("x")));
        Talk alsoOther = talk("also other", List.of(point("y")));
        qconbot.search.Overview overview = new qconbot.search.Overview(talk, java.util.Set.of(bullets.get(0), bullets.get(7)),
                List.of(new qconbot.search.Overview.Related(related, List.of("graalvm", "<b>")),
                        new qconbot.search.Overview.Related(alsoOther, List.of("a", "b"))));
        qconbot.search.TalkSearch.Result result = new qconbot.search.TalkSearch.Result("long", List.of("long"),
                java.util.Map.of(), List.of(), List.of(talk, alsoOther), false, List.of(), List.of());

        JsonNode blocks = json(Messages.talk(overview, result));
        String text = blocks.toString();

        assertTrue(text.contains("point number 0") && text.contains("point number 7"));
        assertFalse(text.contains("point number 3"), "not a chosen point");
        assertTrue(text.contains("\"text\":\"Show all 12 points\""), text);
        assertTrue(text.contains("&lt;!channel&gt; related") && text.contains("_&lt;b&gt;_"), "escaped");
        assertEquals(1, blocks.findValues("value").stream().filter(v -> v.asText().equals(alsoOther.key())).count(),
                "a related talk that is also another match is shown once");

        String all = json(Messages.talk(overview.all(), null)).toString();
        assertTrue(all.contains("point number 3") && all.contains("point number 11"));
        assertFalse(all.contains("show_all_points"));
    }

    @Test
    void block_ids_are_unique_and_action_ids_unique_within_each_block() throws Exception {
        List<Talk> others = List.of(talk("b", List.of(point("x"))), talk("c", List.of(point("y"))), talk("d", List.of()));
        Talk best = talk("a", List.of(point("p")));
        qconbot.search.TalkSearch.Result result = new qconbot.search.TalkSearch.Result("a", List.of("a"),
                java.util.Map.of(), List.of(), new ArrayList<>(List.of(best, others.get(0), others.get(1), others.get(2))), false, List.of(), List.of());
        JsonNode blocks = json(Messages.talk(best, result));

        Set<String> blockIds = new HashSet<>();
        for (JsonNode block : blocks) {
            if (block.has("block_id")) {
                assertTrue(blockIds.add(block.get("block_id").asText()), "duplicate block_id " + block);
            }
            Set<String> actionIds = new HashSet<>();
            for (JsonNode element : block.path("elements")) {
                if (element.has("action_id")) {
                    assertTrue(actionIds.add(element.get("action_id").asText()));
                }
            }
        }
        assertEquals(3, blocks.findValues("action_id").stream().filter(id -> id.asText().equals("show_talk")).count());
    }

    @Test
    void notes_text_with_control_characters_is_shown_not_acted_on() throws Exception {
        Talk hostile = talk("<!here> & co", List.of(point("<@U123> see <http://x|y>"),
                new Bullet(2, Bullet.Kind.INTERNAL, "ping <!channel>", List.of(), 5)));
        String json = json(Messages.talk(hostile, null)).toString() + Messages.talk(hostile, null).text();

        assertFalse(json.contains("<!here>") || json.contains("<@U123>") || json.contains("<http") || json.contains("<!channel>"), json);
        assertTrue(json.contains("&lt;!here&gt; &amp; co"));
    }

    @Test
    void shared_by_mentions_only_a_real_slack_user_id() throws Exception {
        Talk t = talk("a", List.of(point("p")));
        assertTrue(json(Messages.sharedTalk(t, "U0ALICE")).toString().contains("<@U0ALICE>"));
        String forged = json(Messages.sharedTalk(t, "U1> <!channel")).toString();
        assertFalse(forged.contains("<!channel"), forged);
    }

    @Test
    void an_agenda_of_thousands_of_talks_fits_one_message_and_says_how_many_more() throws Exception {
        List<Talk> talks = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            talks.add(new Talk("k" + i, "f.txt", "CONF", "Day " + (i % 3 + 1), i % 3 + 1, null, "talk number " + i,
                    null, List.of(), i, i));
        }
        JsonNode blocks = json(Messages.agenda(talks, null));

        assertTrue(blocks.size() <= 50, "blocks: " + blocks.size());
        assertTrue(blocks.toString().contains("more talks"), "says some were left out");
    }

    @Test
    void clip_never_cuts_an_escape_in_half() {
        String clipped = Messages.clip("abc &amp; def", 7);
        assertFalse(clipped.contains("&am"), clipped);
        assertTrue(clipped.length() <= 7);
    }

    @Test
    void an_answer_shows_its_point_first_under_its_parent_escaped_with_the_matched_words_in_bold() throws Exception {
        Bullet parent = point("ran incident <workshops>");
        Bullet child = new Bullet(2, Bullet.Kind.INTERNAL, "like our <!channel> clinics & amp drills", List.of(), 5);
        Talk talk = talk("incidents", List.of(parent, child, point("something else")));
        qconbot.search.Answers.Point answer = new qconbot.search.Answers.Point(talk, child, parent, 3.0,
                Set.of("clinic", "amp"));
        qconbot.search.TalkSearch.Result result = new qconbot.search.TalkSearch.Result("what are the clinics like",
                List.of("clinics"), java.util.Map.of(), List.of(), List.of(talk), true, List.of(answer), List.of());

        JsonNode blocks = json(Messages.talk(talk, result));
        assertEquals("incidents", blocks.get(0).path("text").path("text").asText(), "the header is still the talk");
        String first = blocks.get(2).path("text").path("text").asText();
        assertEquals("ran incident &lt;workshops&gt; → :pushpin: *[INTERNAL]* like our &lt;!channel&gt; *clinics* &amp; *amp* drills",
                first, "parent first, escaped, bold only on whole words (never inside an entity)");
        assertTrue(blocks.get(3).path("elements").get(0).path("text").asText().contains("f.txt, line 5"), "where it is");
        String rest = blocks.toString();
        assertTrue(rest.contains("The rest of the talk") && rest.contains("something else"), rest);
        assertEquals(1, rest.split("like our").length - 1, "the answer is not repeated in the rest");
    }
}
