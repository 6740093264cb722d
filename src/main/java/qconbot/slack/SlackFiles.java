package qconbot.slack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a file someone sent the bot ({@code url_private_download}) with the bot token. The token goes only to
 * Slack's file host, or to the host of SLACK_API_URL (a test's fake Slack); the whole download has a time limit and
 * a size limit, so a slow or huge file costs at most that.
 */
public final class SlackFiles {

    /** The file's bytes, or why there are none (a sentence for the person who sent it). */
    public record Fetched(byte[] bytes, String problem) {
    }

    private final HttpClient http;
    private final String token;
    private final String apiHost;
    private final Duration within;

    public SlackFiles(String token, String apiUrl, Duration within) {
        this.token = token;
        this.apiHost = URI.create(apiUrl).getHost();
        this.within = within;
        this.http = HttpClient.newBuilder().connectTimeout(within).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Fetched download(String url, long maxBytes) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException | NullPointerException e) {
            return new Fetched(null, "Slack gave no address to fetch it from");
        }
        boolean slack = "https".equals(uri.getScheme()) && "files.slack.com".equals(uri.getHost());
        if (!slack && (uri.getHost() == null || !uri.getHost().equals(apiHost))) {
            return new Fetched(null, "it is not on Slack's file server");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(within).header("Authorization", "Bearer " + token).GET().build();
        CompletableFuture<Fetched> fetched = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> read(response, maxBytes));
        try {
            return fetched.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fetched.cancel(true);
            return new Fetched(null, tooSlow());
        } catch (ExecutionException e) {
            // the request's own timeout and this wait end together: whichever comes first, it was too slow
            return new Fetched(null, e.getCause() instanceof java.net.http.HttpTimeoutException ? tooSlow()
                    : "fetching it failed (" + e.getCause().getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Fetched(null, "the bot was stopping");
        }
    }

    private String tooSlow() {
        return "Slack did not send it within " + within.toSeconds() + " s";
    }

    /** What the bot says when Slack sends a web page instead of the file: it would not hand the file over. */
    static final String NO_FILES_READ = "I can't read files: the app needs the `files:read` scope"
            + " (docs/SETUP.md, the manifest), and Slack sent its sign-in page instead";

    private static Fetched read(HttpResponse<InputStream> response, long maxBytes) {
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                return new Fetched(null, "Slack answered HTTP " + response.statusCode());
            }
            String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT);
            if (type.startsWith("text/html")) {
                return new Fetched(null, NO_FILES_READ);
            }
            if (!type.isEmpty() && !type.startsWith("text/") && !type.startsWith("application/octet-stream")) {
                return new Fetched(null, "it is not a text file (Slack sent " + type.split(";")[0].strip() + ")");
            }
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                return new Fetched(null, "it is larger than " + maxBytes + " bytes");
            }
            return looksLikeHtml(bytes) ? new Fetched(null, NO_FILES_READ) : new Fetched(Arrays.copyOf(bytes, bytes.length), null);
        } catch (IOException e) {
            return new Fetched(null, "reading it failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A web page, whatever the Content-Type said: "<!DOCTYPE html" or "<html" first (after a BOM and blanks). */
    static boolean looksLikeHtml(byte[] bytes) {
        String start = new String(bytes, 0, Math.min(bytes.length, 256), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\uFEFF", "").stripLeading().toLowerCase(java.util.Locale.ROOT);
        return start.startsWith("<!doctype html") || start.startsWith("<html");
    }
}
