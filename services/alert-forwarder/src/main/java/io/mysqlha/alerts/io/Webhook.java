package io.mysqlha.alerts.io;

import io.mysqlha.domain.Secret;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The receiver alerts are posted to. Its URL is a secret (a Slack webhook's path is its credential), so only its
 * scheme, host and port ever appear in a message ({@link #toString()}).
 */
public final class Webhook {
    /** What one attempt came to. */
    public sealed interface Outcome {
        record Delivered(int status) implements Outcome {
        }

        /** @param reason one line, without the URL */
        record Failed(String reason) implements Outcome {
        }
    }

    private final URI uri;
    private final String shown;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param secretName the secret's name, for the error when its value is not an http(s) URL
     */
    public Webhook(Secret url, String secretName, Duration timeout) {
        URI parsed;
        try {
            parsed = new URI(url.reveal().strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("secret '" + secretName + "' is not a URL (at index " + e.getIndex()
                    + "); it must hold the webhook's http:// or https:// URL");
        }
        if (parsed.getScheme() == null || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))
                || parsed.getHost() == null) {
            throw new IllegalArgumentException("secret '" + secretName + "' must hold the webhook's http:// or"
                    + " https:// URL with a host");
        }
        this.uri = parsed;
        this.shown = parsed.getScheme() + "://" + parsed.getHost() + (parsed.getPort() < 0 ? "" : ":"
                + parsed.getPort());
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** POSTs one JSON payload; any 2xx answer is a delivery, anything else (or no answer) a failure to retry. */
    public Outcome post(byte[] json) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "mysqlha-alert-forwarder")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 == 2) {
                return new Outcome.Delivered(answer.statusCode());
            }
            String body = answer.body() == null ? "" : answer.body().strip().replaceAll("\\s+", " ");
            return new Outcome.Failed("HTTP " + answer.statusCode() + " from " + shown
                    + (body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body)));
        } catch (HttpTimeoutException e) {
            return new Outcome.Failed(shown + " did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return new Outcome.Failed(shown + " unreachable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage().replace(uri.toString(), shown)) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Failed("interrupted while posting to " + shown);
        }
    }

    @Override
    public String toString() {
        return shown;
    }
}
