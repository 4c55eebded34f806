package io.mysqlha.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSpecValidatorTest {

    private static NodeSpec node(String id, int port) {
        return new NodeSpec(id, "127.0.0.1", port, null, null, null, null);
    }

    private static ClusterSpec spec(List<NodeSpec> nodes) {
        return new ClusterSpec("local", ClusterKind.SEMI_SYNC, nodes, null, null,
                List.of(new ListenerSpec(null, null, 6033, null, null)), null, null, null);
    }

    @Test
    void shouldAcceptAMinimalSpecAndFillDefaults() {
        ClusterSpec spec = spec(List.of(node("node1", 3307), node("node2", 3308)));
        assertEquals(List.of(), ClusterSpecValidator.validate(spec));
        assertEquals(1, spec.routing().maxWriters());
        assertEquals(1, spec.nodes().get(0).weight());
        assertEquals(500, spec.probe().intervalMs());
        assertEquals("read_write-6033", spec.listeners().get(0).name());
        assertEquals(ListenerSpec.DEFAULT_MAX_CONNECTIONS, spec.listeners().get(0).maxConnections());
    }

    @Test
    void shouldNameEveryBadField() {
        ClusterSpec bad = new ClusterSpec("Bad Id", null,
                List.of(node("node1", 70000), node("node1", 3308), new NodeSpec("n3", "", 3308, null, -1, null, -5L)),
                new RoutingPolicy(0, 3, -1L, -1L, null),
                new ProbePolicy(500, 600, null, 0, 101, 400, 600),
                List.of(new ListenerSpec("rw", null, 6033, null, 0), new ListenerSpec("rw", null, 6033, null, null)),
                new BackupSchedule("0 25 * * *", 0, "lz4", null),
                new CredentialRefs("a password with spaces", null, null, null), null);
        List<String> fields = ClusterSpecValidator.validate(bad).stream().map(SpecError::field).toList();
        assertEquals(List.of("cluster_id", "kind", "nodes[0].port", "nodes[1].id", "nodes[2].host",
                "nodes[2].weight", "nodes[2].max_replication_lag_ms", "routing.max_writers",
                "routing.writer_is_also_reader", "routing.max_transactions_behind", "routing.max_replication_lag_ms",
                "probe.timeout_ms", "probe.down_after", "probe.up_after", "probe.stale_after_ms", "probe.fast_interval_ms", "listeners[0].max_connections", "listeners[1].port", "listeners[1].name",
                "backup.cron", "backup.retain", "backup.compression", "credentials.monitor"), fields);
    }

    @Test
    void shouldNameEveryBadSplittingSetting() {
        RoutingPolicy routing = new RoutingPolicy(null, null, null, null, true, null, 20_000L,
                List.of("sql_mode", "bad name;"), java.util.Arrays.asList(
                        new QueryRule("ok", "^SELECT", null, null, null, null, QueryRule.Destination.READER, true),
                        new QueryRule("no-destination", "^SELECT", null, null, null, null, null, null),
                        new QueryRule("everything", null, null, null, null, null, QueryRule.Destination.READER, null),
                        new QueryRule("bad-regex", "(unclosed", "[", null, null, null,
                                QueryRule.Destination.WRITER, null), null));
        ClusterSpec spec = new ClusterSpec("local", ClusterKind.SEMI_SYNC, List.of(node("node1", 3307)), routing,
                null, List.of(new ListenerSpec(null, null, 6033, null, null)), null, null, null);
        List<String> fields = ClusterSpecValidator.validate(spec).stream().map(SpecError::field).toList();
        assertEquals(List.of("routing.causal_read_timeout_ms", "routing.session_variables[1]",
                "routing.query_rules[1].destination", "routing.query_rules[2]", "routing.query_rules[3].match_pattern",
                "routing.query_rules[3].match_digest", "routing.query_rules[4]"), fields);
        assertEquals(RoutingPolicy.CausalReads.SESSION, routing.causalReads(), "session causal reads by default");
        assertEquals(50L, RoutingPolicy.DEFAULTS.causalReadTimeoutMs());
    }

    @Test
    void shouldNameEveryBadPoolSettingAndMultiplexByDefault() {
        RoutingPolicy routing = new RoutingPolicy(null, null, null, null, null, null, null, null, null, null,
                new RoutingPolicy.ConnectionPool(0, -1L, -1, -1L, 101, 1, -1L, null));
        ClusterSpec spec = new ClusterSpec("local", ClusterKind.SEMI_SYNC, List.of(node("node1", 3307)), routing,
                null, List.of(new ListenerSpec(null, null, 6033, null, null)), null, null, null);
        List<String> fields = ClusterSpecValidator.validate(spec).stream().map(SpecError::field).toList();
        assertEquals(List.of("routing.pool.max_connections", "routing.pool.queue_timeout_ms", "routing.pool.max_queue",
                "routing.pool.connection_max_age_ms", "routing.pool.free_connections_pct",
                "routing.pool.max_stmts_per_connection", "routing.pool.ping_interval_ms"), fields);
        assertEquals(true, RoutingPolicy.DEFAULTS.multiplexing(), "multiplexing is on by default, as in ProxySQL");
        assertEquals(1000, RoutingPolicy.DEFAULTS.pool().maxConnections());
        assertEquals(10_000L, RoutingPolicy.DEFAULTS.pool().queueTimeoutMs());
        assertEquals(20, RoutingPolicy.DEFAULTS.pool().maxStmtsPerConnection(), "ProxySQL's max_stmts_per_connection");
        assertEquals(10_000L, RoutingPolicy.DEFAULTS.pool().pingIntervalMs(), "ProxySQL's ping_interval_server_msec");
        assertEquals(false, RoutingPolicy.DEFAULTS.pool().connectionWarming(), "ProxySQL's connection_warming");
    }

    @Test
    void shouldNotEchoWhatLooksLikeASecretInAnError() {
        ClusterSpec leaky = new ClusterSpec("local", ClusterKind.ASYNC, List.of(node("node1", 3307)), null, null,
                null, null, new CredentialRefs("hunter2 hunter2", null, null, null), null);
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> ClusterSpecValidator.requireValid(leaky, "spec.yaml"));
        assertTrue(e.getMessage().contains("credentials.monitor"), e.getMessage());
        assertTrue(!e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("spec.yaml"), e.getMessage());
    }

    @Test
    void shouldRefuseAClusterWhereNoNodeMayBePromoted() {
        ClusterSpec spec = spec(List.of(new NodeSpec("a", "h", 1, null, null, true, null),
                new NodeSpec("b", "h", 2, null, null, true, null)));
        assertEquals(List.of("nodes"), ClusterSpecValidator.validate(spec).stream().map(SpecError::field).toList());
    }

    @Test
    void shouldAskForTheCaWhenTheNodesCertificatesAreChecked() {
        ClusterSpec verify = new ClusterSpec("local", ClusterKind.ASYNC, List.of(node("node1", 3307)), null, null,
                null, null, null, null, new NodeTls(TlsMode.VERIFY_CA, null));
        List<SpecError> errors = ClusterSpecValidator.validate(verify);
        assertEquals(List.of("tls.ca"), errors.stream().map(SpecError::field).toList());
        assertTrue(errors.getFirst().message().contains("verify_ca"), errors.getFirst().message());
        ClusterSpec withCa = new ClusterSpec("local", ClusterKind.ASYNC, List.of(node("node1", 3307)), null, null,
                null, null, null, null, new NodeTls(TlsMode.VERIFY_IDENTITY, "nodes-ca"));
        assertEquals(List.of(), ClusterSpecValidator.validate(withCa));
        assertEquals(TlsMode.PREFERRED, spec(List.of(node("node1", 3307))).tls().mode(), "MySQL clients' default");
    }
}
