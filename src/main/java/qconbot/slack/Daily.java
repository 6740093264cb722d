package qconbot.slack;

/**
 * What /qcon today, digest, schedule and post-now need from the talk of the day. Implemented by
 * {@code schedule.TalkOfTheDay}; an interface only so that dependencies keep pointing one way (schedule uses slack's
 * messages, never the reverse).
 */
public interface Daily {

    /** Today's talk of the day: the one posted today, or the next one due. */
    Reply today() throws Exception;

    /** The next scheduled post as it would look now. */
    Reply preview() throws Exception;

    /** Channel, schedule in words, zone, last post and next fire time. */
    Reply status() throws Exception;

    /** Posts the next talk now, outside the schedule; returns what to tell whoever asked. */
    String postNow() throws Exception;
}
