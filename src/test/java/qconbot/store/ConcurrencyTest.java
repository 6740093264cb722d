package qconbot.store;

import qconbot.TestBot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qconbot.notes.NotesParser;
import qconbot.store.ActionItems.Action;
import qconbot.store.ActionItems.ActionItem;
import qconbot.store.ActionItems.Change;
import qconbot.store.ActionItems.State;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twenty threads, two connections to one file (as two bots would be), 5,000 random actions: afterwards every item's
 * state is what replaying its audit trail gives, and the trail never shows an item taken from under its owner.
 */
class ConcurrencyTest {

    static final int THREADS = 20;
    static final int OPERATIONS = 5_000;
    static final String ADMIN = "U0ADMIN";

    @TempDir
    Path dir;

    /** The database under test, opened once per bot; {@link ConcurrencyOnPostgresTest} runs this on PostgreSQL. */
    Db open(Path file) throws java.sql.SQLException {
        return Db.open(file);
    }

    Talks talks(Db db) throws java.sql.SQLException {
        return new Talks(db);
    }

    @Test
    void random_concurrent_actions_leave_every_item_equal_to_its_replayed_audit_trail() throws Exception {
        Path file = dir.resolve("qcon.db");
        try (Db first = open(file); Db second = open(file)) {
            talks(first).sync(NotesParser.readAll(TestBot.NOTES));
            List<ActionItems> bots = List.of(new ActionItems(first, Clock.systemUTC(), Set.of(ADMIN)),
                    new ActionItems(second, Clock.systemUTC(), Set.of(ADMIN)));
            String[] users = {"U0ANN", "U0BOB", "U0CAT", "U0DAN", ADMIN};
            Action[] actions = Action.values();

            java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    Random random = new Random(1000L + thread);
                    ActionItems items = bots.get(thread % 2);
                    start.await();
                    int changed = 0;
                    for (int i = 0; i < OPERATIONS / THREADS; i++) {
                        Action action = actions[random.nextInt(actions.length)];
                        String actor = users[random.nextInt(users.length)];
                        String assignee = action == Action.ASSIGN ? users[random.nextInt(users.length)] : null;
                        try {
                            changed += items.act(1 + random.nextInt(7), action, actor, assignee, null).changed() ? 1 : 0;
                        } catch (Db.Busy busy) {
                            // ten threads per process writing flat out: a write that cannot have its turn within the
                            // bound is refused and changes nothing, as a user is told "try again"
                            refused.incrementAndGet();
                        }
                    }
                    return changed;
                }));
            }
            start.countDown();
            int changes = 0;
            for (Future<Integer> result : done) {
                changes += result.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();

            ActionItems items = bots.get(0);
            int audited = 0;
            for (ActionItem item : items.list(ActionItems.View.ALL, ADMIN)) {
                List<Change> history = items.history(item.id());
                audited += history.size();
                State state = State.OPEN;
                String owner = null;
                for (Change change : history) {
                    assertEquals(state, change.from(), "A" + item.id() + ": each change starts where the last ended");
                    assertTrue(Objects.equals(owner, change.fromOwner()), "A" + item.id() + ": owner chain unbroken at " + change);
                    if (change.action() == Action.CLAIM) {
                        assertNull(change.fromOwner(), "a claim never takes an item someone owns: " + change);
                    }
                    state = change.to();
                    owner = change.toOwner();
                }
                assertEquals(state, item.state(), "A" + item.id() + " equals its replayed trail");
                assertEquals(owner, item.owner(), "A" + item.id() + " owner equals its replayed trail");
            }
            assertEquals(changes, audited, "one audit row for every change reported, none for refusals");
            System.out.println("concurrency: " + changes + " changes, " + refused.get() + " refused as busy");
            assertTrue(refused.get() < OPERATIONS / 20, "few writes refused as busy: " + refused.get());
            assertTrue(changes > 500, "the random walk really moved items: " + changes);
        }
    }
}
