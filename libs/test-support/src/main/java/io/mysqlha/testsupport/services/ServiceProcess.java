package io.mysqlha.testsupport.services;

import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.ProjectLayout;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.process.ManagedProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of the suite's services as its own process, started from its packaged Quarkus application
 * ({@code services/<name>/target/quarkus-app}), as the local launcher runs it: for tests of one service that need
 * another's real output (topology's tests need the real health probe), and for end-to-end tests. Stopped by pid.
 */
public final class ServiceProcess implements AutoCloseable {
    private final String service;
    private final int httpPort;
    private final ManagedProcess process;

    private ServiceProcess(String service, int httpPort, ManagedProcess process) {
        this.service = service;
        this.httpPort = httpPort;
        this.process = process;
    }

    /**
     * Starts the service with these {@code -D} settings (on a free HTTP port) and waits until it is live.
     *
     * @param dir where its log goes
     */
    public static ServiceProcess start(String service, Map<String, String> settings, Path dir) {
        // tests: quick to start (C1 only), small heap
        return start(service, settings, dir, List.of("-Xms32m", "-Xmx256m", "-XX:TieredStopAtLevel=1"));
    }

    /** With these JVM options instead of the test defaults (a benchmark wants the full JIT). */
    public static ServiceProcess start(String service, Map<String, String> settings, Path dir, List<String> jvm) {
        return start(service, ProjectLayout.root().resolve("services/" + service + "/target/quarkus-app/quarkus-run.jar"),
                settings, dir, jvm);
    }

    /** From this jar (another build of the service: a benchmark's A/B). */
    public static ServiceProcess start(String service, Path jar, Map<String, String> settings, Path dir,
                                       List<String> jvm) {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the service first (./mvnw -B -Dquick install"
                    + " -pl services/" + service + ")");
        }
        int port = FreePorts.next();
        List<String> cmd = new ArrayList<>(List.of(ProjectLayout.java()));
        cmd.addAll(jvm);
        cmd.add("-Dquarkus.http.port=" + port);
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        ManagedProcess process = ManagedProcess.start(service + " :" + port, cmd, dir, dir.resolve(service + "-" + port
                + ".log"), ManagedProcess.Ownership.TEST);
        ServiceProcess started = new ServiceProcess(service, port, process);
        Waits.until(service + " live on :" + port, Duration.ofSeconds(90),
                () -> !process.isAlive() || started.get("/q/health/live").statusCode() == 200);
        if (!process.isAlive()) {
            throw new IllegalStateException(service + " exited at start-up:\n" + process.tail(40));
        }
        return started;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).GET());
    }

    /** A POST without a body (the services' operator requests take query parameters), with the tests' operator token. */
    public HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return postAs(path, Secrets.OPERATOR_TOKEN);
    }

    /** A POST without a body with {@code token} (null: none). */
    public HttpResponse<String> postAs(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        return send(token == null ? r : r.header("Authorization", "Bearer " + token));
    }

    /** A POST with a JSON body, with the tests' operator token. */
    public HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Authorization", "Bearer " + Secrets.OPERATOR_TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            return client.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    public ManagedProcess process() {
        return process;
    }

    public int httpPort() {
        return httpPort;
    }

    public String service() {
        return service;
    }

    @Override
    public void close() {
        process.terminate(Duration.ofSeconds(10));
    }
}
