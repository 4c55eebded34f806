package io.mysqlha.e2e;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.events.RecoveryBlockAcknowledged;
import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import io.mysqlha.testsupport.FreePorts;
import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.kafka.EventTap;
import io.mysqlha.testsupport.kafka.Specs;
import io.mysqlha.testsupport.services.Secrets;
import io.mysqlha.testsupport.services.ServiceProcess;
import io.mysqlha.testsupport.services.Suite;
import io.mysqlha.testsupport.servers.DbUsers;
import io.mysqlha.testsupport.tls.Certificates;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS as the API's other credential, on a packaged service over HTTPS: a client certificate the service's
 * trust store verifies is the caller its common name says in the secret mysqlha-api-clients (the name recorded as who
 * did it); a viewer's certificate is refused a change with 403; a certificate of another CA counts for nothing;
 * without a certificate or token, 401 saying what to send.
 */
class ApiClientCertificateIT {
    private static final String CLUSTER = "mtls";

    @Test
    void aVerifiedClientCertificateIsTheCallerItsCommonNameSays() throws Exception {
        Topics topics = new Topics("api-mtls.");
        SharedInfra.kafka().provisionTopics(topics);
        Path dir = SharedInfra.dir("api-mtls-it");
        Certificates serverCa = Certificates.authority(dir.resolve("server-ca"), "mysqlha-test-api-ca");
        Certificates server = serverCa.sign(dir.resolve("server-ca"), "failover-api");
        Certificates clientCa = Certificates.authority(dir.resolve("client-ca"), "mysqlha-test-clients-ca");
        Certificates operator = clientCa.sign(dir.resolve("client-ca"), "ops-bot");
        Certificates viewer = clientCa.sign(dir.resolve("client-ca"), "dashboards");
        Certificates rogueCa = Certificates.authority(dir.resolve("rogue-ca"), "someone-else-ca");
        Certificates rogue = rogueCa.sign(dir.resolve("rogue-ca"), "ops-bot");

        Path secrets = Secrets.write(dir.resolve("secrets"), DbUsers.LOCAL);
        Secrets.putText(secrets, "mysqlha-api-clients", "ops-bot:operator\ndashboards:viewer\n");
        int https = FreePorts.next();
        String bootstrap = SharedInfra.kafka().bootstrapServers();
        try (ServiceProcess failover = new Suite(bootstrap, topics, secrets, dir).start("failover", Map.of(
                "quarkus.tls.key-store.pem.0.cert", server.cert().toString(),
                "quarkus.tls.key-store.pem.0.key", server.key().toString(),
                "quarkus.tls.trust-store.pem.certs", clientCa.cert().toString(),
                "quarkus.http.ssl.client-auth", "request",
                "quarkus.http.ssl-port", Integer.toString(https)));
             EventTap tap = new EventTap(bootstrap, topics, CLUSTER, Topic.COMMANDS)) {
            Specs.apply(bootstrap, topics, new ClusterSpec(CLUSTER, ClusterKind.SEMI_SYNC, List.of(
                    new NodeSpec("n1", "127.0.0.1", FreePorts.next(), null, null, null, null)), null, null, null, null,
                    null, null));
            String path = "/clusters/" + CLUSTER + "/recoveries/acknowledge";
            String[] last = {""};
            Waits.until("failover knowing " + CLUSTER + " (last: " + last[0] + ")", Duration.ofSeconds(60), () -> {
                HttpResponse<String> r = post(https, path, Certificates.clientContext(operator, serverCa));
                last[0] = r.statusCode() + " " + r.body();
                return r.statusCode() == 202;
            });
            RecoveryBlockAcknowledged ack = tap.await("the acknowledgement", RecoveryBlockAcknowledged.class, 0,
                    a -> true, Duration.ofSeconds(30));
            assertEquals("ops-bot", ack.requestedBy(), "who did it is the certificate's common name");

            HttpResponse<String> asViewer = post(https, path, Certificates.clientContext(viewer, serverCa));
            assertEquals(403, asViewer.statusCode(), asViewer.body());
            assertTrue(asViewer.body().contains("the client certificate CN=dashboards is a viewer"), asViewer.body());

            HttpResponse<String> without = post(https, path, Certificates.clientContext(null, serverCa));
            assertEquals(401, without.statusCode(), without.body());
            assertTrue(without.body().contains("client certificate named in the secret mysqlha-api-clients"),
                    without.body());

            // a certificate of a CA the service does not trust is never presented (the service names the CAs it
            // accepts) nor accepted: the call has no credential
            HttpResponse<String> asRogue = post(https, path, Certificates.clientContext(rogue, serverCa));
            assertEquals(401, asRogue.statusCode(), asRogue.body());

            HttpResponse<String> read = get(https, "/clusters/" + CLUSTER + "/recoveries",
                    Certificates.clientContext(viewer, serverCa));
            assertEquals(200, read.statusCode(), read.body());
        }
    }

    private static HttpResponse<String> post(int port, String path, SSLContext tls)
            throws IOException, InterruptedException {
        return send(port, HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()), tls);
    }

    private static HttpResponse<String> get(int port, String path, SSLContext tls)
            throws IOException, InterruptedException {
        return send(port, HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).GET(), tls);
    }

    private static HttpResponse<String> send(int port, HttpRequest.Builder request, SSLContext tls)
            throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5))
                .build()) {
            return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
