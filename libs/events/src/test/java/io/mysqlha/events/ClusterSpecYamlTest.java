package io.mysqlha.events;

import io.mysqlha.domain.ClusterKind;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.InvalidSpecException;
import io.mysqlha.domain.ListenerRole;
import io.mysqlha.events.spec.ClusterSpecYaml;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSpecYamlTest {

    private static final String MINIMAL = """
            cluster_id: orders
            kind: galera
            nodes:
              - { id: g1, host: db1.internal, port: 3306 }
              - { id: g2, host: db2.internal, port: 3306, weight: 3 }
            routing: { max_writers: 1, writer_is_also_reader: 2, max_transactions_behind: 50 }
            """;

    @Test
    void shouldLoadTheLocalLaunchersSpec() {
        Path root = Path.of(System.getProperty("build.project.root", "../.."));
        ClusterSpec spec = ClusterSpecYaml.load(root.resolve("infra/local/cluster-local.yaml"));
        assertEquals("local", spec.clusterId());
        assertEquals(ClusterKind.SEMI_SYNC, spec.kind());
        assertEquals(3, spec.nodes().size());
        assertEquals(ListenerRole.READ_ONLY, spec.listeners().get(1).role());
        assertEquals("mysqlha-monitor", spec.credentials().monitor());
        assertEquals(2, spec.probe().downAfter());
        assertEquals(1500, spec.probe().staleAfterMs());
    }

    @Test
    void shouldReadSnakeCaseKnobsAndFillDefaults() {
        ClusterSpec spec = ClusterSpecYaml.parse(MINIMAL, "orders.yaml");
        assertEquals(2, spec.routing().writerIsAlsoReader());
        assertEquals(50L, spec.routing().maxTransactionsBehind());
        assertEquals(3, spec.nodes().get(1).weight());
        assertEquals(500, spec.probe().intervalMs());
        assertEquals(1500, spec.probe().staleAfterMs(), "3 intervals when not given");
        assertEquals(spec, ClusterSpecYaml.parse(ClusterSpecYaml.write(spec), "round trip"));
    }

    @Test
    void shouldReadTheBackupsEncryptionKeyByItsSecretsName() {
        ClusterSpec spec = ClusterSpecYaml.parse(MINIMAL + """
                backup: { encryption_key: orders-backup-key }
                """, "orders.yaml");
        assertEquals("orders-backup-key", spec.backup().encryptionKey());
        assertEquals(spec, ClusterSpecYaml.parse(ClusterSpecYaml.write(spec), "round trip"));
        String message = refused(MINIMAL + """
                backup: { encryption_key: "not a secret name!" }
                """);
        assertTrue(message.contains("backup.encryption_key"), message);
    }

    @Test
    void shouldReadTheTlsTowardsTheNodes() {
        ClusterSpec spec = ClusterSpecYaml.parse(MINIMAL + """
                tls: { mode: verify_identity, ca: nodes-ca }
                """, "orders.yaml");
        assertEquals(new io.mysqlha.domain.NodeTls(io.mysqlha.domain.TlsMode.VERIFY_IDENTITY, "nodes-ca"), spec.tls());
        assertEquals(spec, ClusterSpecYaml.parse(ClusterSpecYaml.write(spec), "round trip"));
        assertEquals(io.mysqlha.domain.TlsMode.PREFERRED, ClusterSpecYaml.parse(MINIMAL, "orders.yaml").tls().mode());
        String message = refused(MINIMAL + """
                tls: { mode: verify_ca }
                """);
        assertTrue(message.contains("tls.ca: required with tls.mode verify_ca"), message);
        String typo = refused(MINIMAL + """
                tls: { mode: verify }
                """);
        System.out.println("a mode that does not exist: " + typo);
        assertTrue(typo.contains("verify_identity"), "the allowed modes are listed: " + typo);
    }

    @Test
    void shouldReadAListenersTls() {
        ClusterSpec spec = ClusterSpecYaml.parse(MINIMAL + """
                listeners:
                  - { name: rw, port: 6033, tls: { cert: gw-cert, key: gw-key } }
                  - { name: rw-tls, port: 6043, tls: { cert: gw-cert, key: gw-key, require: true } }
                """, "orders.yaml");
        assertEquals(new io.mysqlha.domain.ListenerTls("gw-cert", "gw-key", false), spec.listeners().get(0).tls());
        assertTrue(spec.listeners().get(1).tls().require());
        assertEquals(spec, ClusterSpecYaml.parse(ClusterSpecYaml.write(spec), "round trip"));
        String message = refused(MINIMAL + """
                listeners:
                  - { name: rw, port: 6033, tls: { key: gw-key } }
                """);
        assertTrue(message.contains("listeners[0].tls.cert: required: the name of a secret"), message);
    }

    @Test
    void shouldNameAnUnknownFieldAndListTheAllowedOnes() {
        String message = refused(MINIMAL.replace("max_writers", "max_writer"));
        assertTrue(message.contains("routing.max_writer: unknown field; allowed here: causal_read_timeout_ms,"
                + " causal_reads, max_replication_lag_ms, max_transactions_behind, max_writers, multiplexing, pool,"
                + " query_rules, read_write_split, session_variables, writer_is_also_reader"), message);
        assertTrue(message.contains("orders.yaml"), message);
    }

    @Test
    void shouldReadThePoolSettingsInSnakeCase() {
        ClusterSpec spec = ClusterSpecYaml.parse(MINIMAL.replace("max_transactions_behind: 50 }",
                "max_transactions_behind: 50, multiplexing: false, pool: { max_connections: 64, queue_timeout_ms:"
                        + " 2000, max_queue: 500, connection_max_age_ms: 600000, free_connections_pct: 20,"
                        + " max_stmts_per_connection: 50, ping_interval_ms: 30000, connection_warming: true } }"),
                "orders.yaml");
        assertEquals(false, spec.routing().multiplexing());
        assertEquals(new io.mysqlha.domain.RoutingPolicy.ConnectionPool(64, 2000L, 500, 600_000L, 20, 50,
                30_000L, true),
                spec.routing().pool());
        assertEquals(spec, ClusterSpecYaml.parse(ClusterSpecYaml.write(spec), "round trip"));
    }

    @Test
    void shouldListTheAllowedKinds() {
        String message = refused(MINIMAL.replace("kind: galera", "kind: ndb"));
        assertTrue(message.contains("kind: 'ndb' is not allowed; one of [async, semi_sync, galera,"
                + " group_replication, aurora]"), message);
    }

    @Test
    void shouldNameAFieldOfTheWrongType() {
        String message = refused(MINIMAL.replace("port: 3306, weight", "port: three, weight"));
        assertTrue(message.contains("nodes[1].port: 'three' is not a valid integer"), message);
    }

    @Test
    void shouldPointAtYamlSyntaxErrors() {
        String message = refused("cluster_id: x\nnodes: [ {id: a\n");
        assertTrue(message.contains("YAML syntax error at line"), message);
    }

    @Test
    void shouldReportSemanticProblemsFromTheValidator() {
        String message = refused(MINIMAL.replace("port: 3306, weight", "port: 0, weight"));
        assertTrue(message.contains("nodes[1].port: required; 1..65535; got 0"), message);
        assertTrue(refused("").contains("empty spec"));
    }

    private static String refused(String yaml) {
        return assertThrows(InvalidSpecException.class, () -> ClusterSpecYaml.parse(yaml, "orders.yaml")).getMessage();
    }
}
