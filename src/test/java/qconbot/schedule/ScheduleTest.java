package qconbot.schedule;

import org.junit.jupiter.api.Test;
import qconbot.schedule.Schedule.Slot;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {

    static final String WEEKDAYS_0930 = "0 30 9 ? * MON-FRI";
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static Instant london(String local) {
        return LocalDateTime.parse(local).atZone(LONDON).toInstant();
    }

    /** Every slot from {@code from} (exclusive) up to {@code until} (inclusive). */
    private static List<Slot> slots(Schedule schedule, Instant from, Instant until) {
        List<Slot> slots = new ArrayList<>();
        Instant cursor = from;
        while (true) {
            Optional<Slot> next = schedule.next(cursor);
            if (next.isEmpty() || next.get().at().isAfter(until)) {
                return slots;
            }
            slots.add(next.get());
            cursor = next.get().at();
        }
    }

    @Test
    void next_after_friday_morning_is_monday_at_0930_london_time() {
        Schedule schedule = Schedule.parse(WEEKDAYS_0930, "Europe/London");

        // June: London is on BST (UTC+1), so 09:30 local is 08:30Z.
        Slot next = schedule.next(london("2026-06-05T10:00")).orElseThrow();

        assertEquals(LocalDateTime.parse("2026-06-08T09:30"), next.local());
        assertEquals(Instant.parse("2026-06-08T08:30:00Z"), next.at());
        assertEquals(LONDON, next.zone());
    }

    @Test
    void next_is_strictly_after_the_instant_given() {
        Schedule schedule = Schedule.parse(WEEKDAYS_0930, "Europe/London");

        Slot next = schedule.next(london("2026-06-04T09:30")).orElseThrow();

        assertEquals(LocalDateTime.parse("2026-06-05T09:30"), next.local());
    }

    @Test
    void latest_today_at_eleven_on_a_weekday_is_that_mornings_0930() {
        Schedule schedule = Schedule.parse(WEEKDAYS_0930, "Europe/London");

        Slot latest = schedule.latestToday(london("2026-06-04T11:00")).orElseThrow();

        assertEquals(LocalDateTime.parse("2026-06-04T09:30"), latest.local());
        assertEquals(Instant.parse("2026-06-04T08:30:00Z"), latest.at());
    }

    @Test
    void latest_today_at_the_fire_time_itself_is_that_fire_time() {
        Schedule schedule = Schedule.parse(WEEKDAYS_0930, "Europe/London");

        assertEquals(LocalDateTime.parse("2026-06-04T09:30"),
                schedule.latestToday(london("2026-06-04T09:30")).orElseThrow().local());
    }

    @Test
    void latest_today_before_the_first_fire_time_is_empty_and_never_yesterdays() {
        Schedule schedule = Schedule.parse(WEEKDAYS_0930, "Europe/London");

        assertEquals(Optional.empty(), schedule.latestToday(london("2026-06-04T08:00")));
        assertEquals(Optional.empty(), schedule.latestToday(london("2026-06-06T11:00")), "Saturday has no fire time");
    }

    @Test
    void latest_today_with_several_fire_times_is_the_last_one_passed() {
        Schedule schedule = Schedule.parse("0 0 8,9,10 ? * *", "Europe/London");

        assertEquals(LocalDateTime.parse("2026-06-04T10:00"),
                schedule.latestToday(london("2026-06-04T10:30")).orElseThrow().local());
        assertEquals(LocalDateTime.parse("2026-06-04T09:00"),
                schedule.latestToday(london("2026-06-04T09:59:59")).orElseThrow().local());
    }

    @Test
    void a_fire_time_in_the_spring_forward_gap_fires_once_when_the_clocks_have_jumped() {
        Schedule schedule = Schedule.parse("0 30 2 ? * *", "America/New_York");

        // 2026-03-08 02:00 EST becomes 03:00 EDT, so 02:30 does not exist on the wall clock that night.
        Instant dayBefore = ZonedDateTime.of(2026, 3, 7, 12, 0, 0, 0, NEW_YORK).toInstant();
        List<Slot> slots = slots(schedule, dayBefore, ZonedDateTime.of(2026, 3, 9, 12, 0, 0, 0, NEW_YORK).toInstant());

        assertEquals(List.of(LocalDateTime.parse("2026-03-08T02:30"), LocalDateTime.parse("2026-03-09T02:30")),
                slots.stream().map(Slot::local).toList(), "Quartz's own trigger skips the 8th; this must not");
        assertEquals(Instant.parse("2026-03-08T07:30:00Z"), slots.get(0).at(), "03:30 EDT");
        assertEquals(Instant.parse("2026-03-09T06:30:00Z"), slots.get(1).at(), "02:30 EDT");
    }

    @Test
    void latest_today_on_the_spring_forward_day_finds_the_shifted_fire_time() {
        Schedule schedule = Schedule.parse("0 30 2 ? * *", "America/New_York");

        Slot latest = schedule.latestToday(Instant.parse("2026-03-08T12:00:00Z")).orElseThrow();

        assertEquals(LocalDateTime.parse("2026-03-08T02:30"), latest.local());
        assertEquals(Instant.parse("2026-03-08T07:30:00Z"), latest.at());
        assertEquals(Optional.empty(), schedule.latestToday(Instant.parse("2026-03-08T07:29:59Z")),
                "not before the jumped clock reaches 03:30");
    }

    @Test
    void a_fire_time_in_the_repeated_fall_back_hour_fires_once_at_its_first_occurrence() {
        Schedule schedule = Schedule.parse("0 30 1 ? * *", "America/New_York");

        // 2026-11-01 02:00 EDT becomes 01:00 EST, so 01:30 happens twice on the wall clock.
        Instant dayBefore = ZonedDateTime.of(2026, 10, 31, 12, 0, 0, 0, NEW_YORK).toInstant();
        List<Slot> slots = slots(schedule, dayBefore, ZonedDateTime.of(2026, 11, 2, 12, 0, 0, 0, NEW_YORK).toInstant());

        List<Slot> onTheFirst = slots.stream()
                .filter(slot -> slot.local().toLocalDate().equals(LocalDate.parse("2026-11-01"))).toList();
        assertEquals(1, onTheFirst.size(), slots.toString());
        assertTrue(onTheFirst.get(0).key().contains("2026-11-01T01:30"), onTheFirst.get(0).key());
        assertEquals(Instant.parse("2026-11-01T05:30:00Z"), onTheFirst.get(0).at(), "01:30 EDT, the first one");

        Slot after = schedule.next(onTheFirst.get(0).at()).orElseThrow();
        assertEquals(LocalDateTime.parse("2026-11-02T01:30"), after.local());
        assertEquals(Instant.parse("2026-11-02T06:30:00Z"), after.at());
        // Asked during the second 01:30 (EST), the day's slot is already past: next is tomorrow.
        assertEquals(LocalDateTime.parse("2026-11-02T01:30"),
                schedule.next(Instant.parse("2026-11-01T06:30:00Z")).orElseThrow().local());
    }

    @Test
    void half_hourly_slots_across_the_fall_back_night_have_unique_keys_and_increasing_instants() {
        Schedule schedule = Schedule.parse("0 0/30 * ? * *", "America/New_York");

        List<Slot> night = slots(schedule, Instant.parse("2026-11-01T03:00:00Z"), Instant.parse("2026-11-01T09:00:00Z"));

        Set<String> keys = new HashSet<>();
        for (Slot slot : night) {
            assertTrue(keys.add(slot.key()), "duplicate " + slot.key() + " in " + night);
        }
        for (int i = 1; i < night.size(); i++) {
            assertTrue(night.get(i).at().isAfter(night.get(i - 1).at()), night.get(i - 1) + " then " + night.get(i));
        }
        List<LocalDateTime> locals = night.stream().map(Slot::local).toList();
        assertEquals(1, locals.stream().filter(LocalDateTime.parse("2026-11-01T01:00")::equals).count());
        assertEquals(1, locals.stream().filter(LocalDateTime.parse("2026-11-01T01:30")::equals).count());
        assertTrue(locals.contains(LocalDateTime.parse("2026-11-01T02:00")), locals.toString());
    }

    @Test
    void half_hourly_slots_across_the_spring_forward_night_have_unique_keys_and_increasing_instants() {
        Schedule schedule = Schedule.parse("0 0/30 * ? * *", "America/New_York");

        List<Slot> night = slots(schedule, Instant.parse("2026-03-08T04:00:00Z"), Instant.parse("2026-03-08T10:00:00Z"));

        Set<String> keys = new HashSet<>();
        for (Slot slot : night) {
            assertTrue(keys.add(slot.key()), "duplicate " + slot.key() + " in " + night);
        }
        for (int i = 1; i < night.size(); i++) {
            assertTrue(night.get(i).at().isAfter(night.get(i - 1).at()), night.get(i - 1) + " then " + night.get(i));
        }
        assertTrue(night.stream().anyMatch(slot -> slot.local().equals(LocalDateTime.parse("2026-03-08T01:30"))));
        assertTrue(night.stream().anyMatch(slot -> slot.local().equals(LocalDateTime.parse("2026-03-08T03:30"))));
    }

    @Test
    void key_names_the_local_time_and_the_zone_and_is_the_same_however_it_is_reached() {
        Schedule schedule = Schedule.parse(WEEKDAYS_0930, "Europe/London");

        Slot fromNext = schedule.next(london("2026-06-04T07:00")).orElseThrow();
        Slot fromLatest = schedule.latestToday(london("2026-06-04T23:00")).orElseThrow();
        Slot fromReparsed = Schedule.parse(WEEKDAYS_0930, "Europe/London").next(london("2026-06-04T09:29:59")).orElseThrow();

        assertEquals("2026-06-04T09:30 Europe/London", fromNext.key());
        assertEquals(fromNext.key(), fromLatest.key());
        assertEquals(fromNext.key(), fromReparsed.key());
    }

    @Test
    void parse_rejects_day_of_month_and_day_of_week_both_set_naming_the_expression() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedule.parse("0 30 9 * * MON-FRI", "Europe/London"));

        assertTrue(e.getMessage().contains("\"0 30 9 * * MON-FRI\" is not a Quartz cron expression"), e.getMessage());
        assertTrue(e.getMessage().contains("0 30 9 ? * MON-FRI"), "suggests a valid one: " + e.getMessage());
    }

    @Test
    void parse_rejects_text_that_is_not_cron() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedule.parse("banana", "Europe/London"));

        assertTrue(e.getMessage().contains("\"banana\" is not a Quartz cron expression"), e.getMessage());
    }

    @Test
    void parse_rejects_an_unknown_zone_naming_it() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedule.parse(WEEKDAYS_0930, "Mars/Olympus"));

        assertTrue(e.getMessage().contains("unknown time zone \"Mars/Olympus\""), e.getMessage());
        assertTrue(e.getMessage().contains("Europe/London"), "suggests the form of a zone: " + e.getMessage());
    }

    @Test
    void parse_rejects_an_expression_that_never_fires_again() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedule.parse("0 0 9 1 1 ? 2020", "Europe/London"));

        assertTrue(e.getMessage().contains("never fires again"), e.getMessage());
    }

    @Test
    void parse_keeps_the_expression_and_zone() {
        Schedule schedule = Schedule.parse(WEEKDAYS_0930, "America/New_York");

        assertEquals(WEEKDAYS_0930, schedule.expression());
        assertEquals(NEW_YORK, schedule.zone());
    }

    @Test
    void in_words_says_the_time_and_the_days() {
        String words = Schedule.parse(WEEKDAYS_0930, "Europe/London").inWords();

        assertTrue(words.contains("09:30"), words);
        assertTrue(words.contains("Monday"), words);
        assertFalse(words.contains(WEEKDAYS_0930), words);
    }

    @Test
    void a_per_second_cron_keeps_firing_through_the_repeated_hour() {
        Schedule everySecond = Schedule.parse("* * * ? * *", "America/New_York");
        // 06:00Z is 01:00 EST, the start of the second pass through 01:00-02:00 on 2026-11-01.
        Schedule.Slot next = everySecond.next(java.time.Instant.parse("2026-11-01T06:00:00Z")).orElseThrow();

        assertEquals(java.time.Instant.parse("2026-11-01T07:00:00Z"), next.at(), "the next slot not yet fired: 02:00 EST");
    }
}
