package io.mysqlha.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code mysqlha backups list|run|restore}: through the backup service's REST API. */
@Command(name = "backups", description = "Dumps and restores, through the backup service's REST API.",
        subcommands = {BackupsCommand.ListBackups.class, BackupsCommand.Run.class, BackupsCommand.Restore.class})
final class BackupsCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    Mysqlha root;

    @Option(names = "--backup-url", defaultValue = "${env:MYSQLHA_BACKUP_URL:-http://127.0.0.1:8085}",
            description = "the backup service (default: $MYSQLHA_BACKUP_URL or ${DEFAULT-VALUE})",
            scope = picocli.CommandLine.ScopeType.INHERIT)
    String backupUrl;

    @Option(names = "--token-file", defaultValue = "${env:MYSQLHA_API_TOKEN_FILE}",
            description = "a file holding the API token that backups run and restore need (an operator's; default:"
                    + " $MYSQLHA_API_TOKEN_FILE, else the token in $MYSQLHA_API_TOKEN)",
            scope = picocli.CommandLine.ScopeType.INHERIT)
    java.nio.file.Path tokenFile;

    /** The API token from --token-file or $MYSQLHA_API_TOKEN (never from the command line itself); null when none. */
    private String token() {
        if (tokenFile != null) {
            try {
                return java.nio.file.Files.readString(tokenFile).strip();
            } catch (IOException e) {
                throw new CliException("cannot read the API token from " + tokenFile + " (" + e.getClass()
                        .getSimpleName() + ")", 2);
            }
        }
        String env = System.getenv("MYSQLHA_API_TOKEN");
        return env == null || env.isBlank() ? null : env.strip();
    }

    @Command(name = "list", description = "A cluster's dumps, newest first.")
    static final class ListBackups extends ClusterArgument implements Callable<Integer> {
        @ParentCommand
        BackupsCommand parent;

        @Override
        public Integer call() {
            JsonNode answer = parent.call("GET", "/clusters/" + enc(clusterId) + "/backups", null);
            Table t = new Table("BACKUP", "STATUS", "SOURCE", "GTID", "SIZE", "STARTED", "NOTE");
            for (JsonNode b : answer.path("backups")) {
                t.row(b.path("backupId").asText(), b.path("status").asText(), b.path("sourceNode").asText(null),
                        b.path("gtidPosition").asText(null), size(b.path("bytes").asLong()),
                        seconds(b.path("startedAt").asText(null)), b.path("failure").asText(null));
            }
            out().print(answer.path("backups").isEmpty() ? "no dumps of " + clusterId + " yet\n"
                    : t.render());
            return 0;
        }
    }

    @Command(name = "run", description = "Dump the cluster now (from its least lagging replica) and follow the job.")
    static final class Run extends ClusterArgument implements Callable<Integer> {
        @ParentCommand
        BackupsCommand parent;
        @Option(names = "--timeout", defaultValue = "30m", converter = Mysqlha.DurationConverter.class,
                description = "how long to follow the job (default ${DEFAULT-VALUE})")
        Duration timeout;

        @Override
        public Integer call() {
            JsonNode accepted = parent.call("POST", "/clusters/" + enc(clusterId) + "/backups?by="
                    + enc(ClustersCommand.user()), null);
            return parent.follow(accepted.path("jobId").asText(), timeout, out());
        }
    }

    @Command(name = "restore", description = "Restore a cluster's newest dump before a point (a time or a GTID) into"
            + " a target server, replaying the archived binlogs up to that point; follow the job.")
    static final class Restore extends ClusterArgument implements Callable<Integer> {
        @ParentCommand
        BackupsCommand parent;
        @Option(names = "--target", required = true, paramLabel = "HOST:PORT",
                description = "the server to load into (never a node of the cluster)")
        String target;
        @Option(names = "--time", description = "the point in time, ISO-8601 (2026-12-03T10:15:00Z)")
        String time;
        @Option(names = "--gtid", description = "the point as a GTID (0-1-1234)")
        String gtid;
        @Option(names = "--credentials", description = "the secret to connect to the target with (default: the"
                + " cluster's admin secret)")
        String credentials;
        @Option(names = "--timeout", defaultValue = "60m", converter = Mysqlha.DurationConverter.class,
                description = "how long to follow the job (default ${DEFAULT-VALUE})")
        Duration timeout;

        @Override
        public Integer call() {
            if (time != null && gtid != null) {
                throw new CliException("give --time or --gtid, not both", 2);
            }
            if (time != null) {
                try {
                    Instant.parse(time);
                } catch (RuntimeException e) {
                    throw new CliException("--time '" + time + "' is not an ISO-8601 instant such as"
                            + " 2026-12-03T10:15:00Z", 2);
                }
            }
            ObjectNode body = JSON.createObjectNode().put("target", target);
            if (time != null) {
                body.put("time", time);
            }
            if (gtid != null) {
                body.put("gtid", gtid);
            }
            if (credentials != null) {
                body.put("credentials", credentials);
            }
            JsonNode accepted = parent.call("POST", "/clusters/" + enc(clusterId) + "/restores", body.toString());
            return parent.follow(accepted.path("jobId").asText(), timeout, out());
        }
    }

    /** Polls a job until it completes (0) or fails (1), printing its progress when it changes. */
    int follow(String jobId, Duration timeout, PrintWriter out) {
        out.println("job " + jobId);
        Instant deadline = Instant.now().plus(timeout);
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = call("GET", "/jobs/" + enc(jobId), null);
            String state = job.path("state").asText();
            String line = state.toLowerCase(java.util.Locale.ROOT) + (job.path("progress").isTextual()
                    ? ": " + job.path("progress").asText() : "");
            if (state.equals("COMPLETED") || state.equals("FAILED")) {
                String result = job.path("result").asText("");
                String said = state.toLowerCase(java.util.Locale.ROOT) + ":";
                out.println(result.startsWith(said) ? result : said + " " + result);
                return state.equals("COMPLETED") ? 0 : 1;
            }
            if (!line.equals(last)) {
                out.println("  " + line);
                last = line;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        throw new CliException("job " + jobId + " did not end within " + timeout.toSeconds() + " s; it goes on in"
                + " the backup service (GET " + backupUrl + "/jobs/" + jobId + ")", 3);
    }

    /** One request; a 4xx/5xx ends the command with the service's own reason. */
    JsonNode call(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backupUrl.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        String token = token();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method,
                HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> answer;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException("the backup service at " + backupUrl + " does not answer (" + e.getClass()
                    .getSimpleName() + "); check --backup-url or MYSQLHA_BACKUP_URL", 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 1);
        }
        JsonNode body;
        try {
            body = answer.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new CliException(method + " " + path + ": HTTP " + answer.statusCode() + ", not JSON", 1);
        }
        if (answer.statusCode() == 401 || answer.statusCode() == 403) {
            throw new CliException(body.path("error").asText("HTTP " + answer.statusCode()) + " (give the CLI a"
                    + " token: --token-file FILE, $MYSQLHA_API_TOKEN_FILE or $MYSQLHA_API_TOKEN)", 2);
        }
        if (answer.statusCode() >= 400) {
            throw new CliException(body.path("error").asText("HTTP " + answer.statusCode()),
                    answer.statusCode() == 400 || answer.statusCode() == 404 ? 2 : 1);
        }
        return body;
    }

    /** An instant to the second ("2026-12-03T13:04:15Z"), as the table shows it. */
    private static String seconds(String instant) {
        try {
            return instant == null ? null : Instant.parse(instant).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    .toString();
        } catch (RuntimeException e) {
            return instant;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String size(long bytes) {
        return bytes < 1024 ? bytes + " B" : bytes < 1024 * 1024 ? String.format("%.1f KiB", bytes / 1024.0)
                : bytes < 1024L * 1024 * 1024 ? String.format("%.1f MiB", bytes / 1048576.0)
                : String.format("%.2f GiB", bytes / 1073741824.0);
    }
}
