package io.mysqlha.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a cluster spec and reports every problem, each naming the field and what is allowed. */
public final class ClusterSpecValidator {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Set<String> COMPRESSIONS = Set.of("zstd", "gzip", "none");
    private static final int MAX_WEIGHT = 10_000_000; // ProxySQL's mysql_servers.weight upper bound

    private ClusterSpecValidator() {
    }

    public static List<SpecError> validate(ClusterSpec spec) {
        List<SpecError> errors = new ArrayList<>();
        if (spec.clusterId() == null || !ID.matcher(spec.clusterId()).matches()) {
            errors.add(new SpecError("cluster_id", "required; lower-case letters, digits, '-' and '_', at most 63,"
                    + " starting with a letter or digit; got " + quoted(spec.clusterId())));
        }
        if (spec.kind() == null) {
            errors.add(new SpecError("kind", "required; one of " + Enums.specNames(ClusterKind.values())));
        }
        validateNodes(spec, errors);
        validateRouting(spec.routing(), errors);
        validateProbe(spec.probe(), errors);
        validateListeners(spec.listeners(), errors);
        validateBackup(spec.backup(), errors);
        validateCredentials(spec.credentials(), errors);
        validateTls(spec.tls(), errors);
        return errors;
    }

    private static void validateTls(NodeTls tls, List<SpecError> errors) {
        if (tls.ca() != null) {
            checkSecretName("tls.ca", tls.ca(), errors);
        } else if (tls.mode().verifies()) {
            errors.add(new SpecError("tls.ca", "required with tls.mode " + tls.mode().specName() + ": the name of the"
                    + " secret holding the CA certificate (PEM) that signed the nodes' certificates; or use mode"
                    + " required (TLS without checking the certificate)"));
        }
    }

    /** Validates and returns the spec, or throws with every problem listed. */
    public static ClusterSpec requireValid(ClusterSpec spec, String source) {
        List<SpecError> errors = validate(spec);
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(source, errors);
        }
        return spec;
    }

    private static void validateNodes(ClusterSpec spec, List<SpecError> errors) {
        if (spec.nodes().isEmpty()) {
            errors.add(new SpecError("nodes", "at least one node is required"));
            return;
        }
        Set<String> ids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (int i = 0; i < spec.nodes().size(); i++) {
            NodeSpec node = spec.nodes().get(i);
            String at = "nodes[" + i + "]";
            if (node == null) {
                errors.add(new SpecError(at, "empty node entry"));
                continue;
            }
            if (node.id() == null || !ID.matcher(node.id()).matches()) {
                errors.add(new SpecError(at + ".id", "required; lower-case letters, digits, '-' and '_'; got "
                        + quoted(node.id())));
            } else if (!ids.add(node.id())) {
                errors.add(new SpecError(at + ".id", "duplicate node id '" + node.id() + "'"));
            }
            if (node.host() == null || node.host().isBlank()) {
                errors.add(new SpecError(at + ".host", "required"));
            }
            if (node.port() == null || node.port() < 1 || node.port() > 65535) {
                errors.add(new SpecError(at + ".port", "required; 1..65535; got " + node.port()));
            }
            if (node.host() != null && node.port() != null && !addresses.add(node.address())) {
                errors.add(new SpecError(at, "duplicate address " + node.address()));
            }
            if (node.weight() < 0 || node.weight() > MAX_WEIGHT) {
                errors.add(new SpecError(at + ".weight", "0.." + MAX_WEIGHT + "; got " + node.weight()));
            }
            if (node.maxReplicationLagMs() != null && node.maxReplicationLagMs() < 0) {
                errors.add(new SpecError(at + ".max_replication_lag_ms", ">= 0; got " + node.maxReplicationLagMs()));
            }
        }
        if (spec.nodes().stream().allMatch(n -> n != null && n.noPromote()) && spec.kind() != null
                && spec.kind().usesPrimaryReplicaReplication() && spec.nodes().size() > 1) {
            errors.add(new SpecError("nodes", "every node is no_promote: no replica could ever be promoted"));
        }
    }

    private static void validateRouting(RoutingPolicy routing, List<SpecError> errors) {
        if (routing.maxWriters() < 1) {
            errors.add(new SpecError("routing.max_writers", ">= 1; got " + routing.maxWriters()));
        }
        int wiar = routing.writerIsAlsoReader();
        if (wiar < 0 || wiar > 2) {
            errors.add(new SpecError("routing.writer_is_also_reader", "0, 1 or 2; got " + wiar));
        }
        if (routing.maxTransactionsBehind() < 0) {
            errors.add(new SpecError("routing.max_transactions_behind", ">= 0; got " + routing.maxTransactionsBehind()));
        }
        if (routing.maxReplicationLagMs() < 0) {
            errors.add(new SpecError("routing.max_replication_lag_ms", ">= 0 (0: no limit); got "
                    + routing.maxReplicationLagMs()));
        }
        if (routing.causalReadTimeoutMs() < 0 || routing.causalReadTimeoutMs() > 10_000) {
            errors.add(new SpecError("routing.causal_read_timeout_ms", "0..10000; got "
                    + routing.causalReadTimeoutMs()));
        }
        for (int i = 0; i < routing.sessionVariables().size(); i++) {
            String v = routing.sessionVariables().get(i);
            if (v == null || !v.matches("[a-z_][a-z0-9_]*")) {
                errors.add(new SpecError("routing.session_variables[" + i + "]", "a session variable name"
                        + " (letters, digits, _); got " + v));
            }
        }
        RoutingPolicy.ConnectionPool pool = routing.pool();
        if (pool.maxConnections() < 1) {
            errors.add(new SpecError("routing.pool.max_connections", ">= 1; got " + pool.maxConnections()));
        }
        if (pool.queueTimeoutMs() < 0) {
            errors.add(new SpecError("routing.pool.queue_timeout_ms", ">= 0; got " + pool.queueTimeoutMs()));
        }
        if (pool.maxQueue() < 0) {
            errors.add(new SpecError("routing.pool.max_queue", ">= 0; got " + pool.maxQueue()));
        }
        if (pool.connectionMaxAgeMs() < 0) {
            errors.add(new SpecError("routing.pool.connection_max_age_ms", ">= 0 (0: no limit); got "
                    + pool.connectionMaxAgeMs()));
        }
        if (pool.freeConnectionsPct() < 0 || pool.freeConnectionsPct() > 100) {
            errors.add(new SpecError("routing.pool.free_connections_pct", "0..100; got "
                    + pool.freeConnectionsPct()));
        }
        if (pool.maxStmtsPerConnection() < 2) {
            errors.add(new SpecError("routing.pool.max_stmts_per_connection", ">= 2 (a statement being used and"
                    + " the one being prepared); got " + pool.maxStmtsPerConnection()));
        }
        if (pool.pingIntervalMs() < 0) {
            errors.add(new SpecError("routing.pool.ping_interval_ms", ">= 0 (0: never); got "
                    + pool.pingIntervalMs()));
        }
        for (int i = 0; i < routing.queryRules().size(); i++) {
            validateRule(routing.queryRules().get(i), "routing.query_rules[" + i + "]", errors);
        }
    }

    private static void validateRule(QueryRule rule, String at, List<SpecError> errors) {
        if (rule == null) {
            errors.add(new SpecError(at, "an empty rule"));
            return;
        }
        if (rule.destination() == null) {
            errors.add(new SpecError(at + ".destination", "writer or reader; missing"));
        }
        if (rule.matchPattern() == null && rule.matchDigest() == null && rule.username() == null
                && rule.schemaname() == null) {
            errors.add(new SpecError(at, "matches everything: give match_pattern, match_digest, username or"
                    + " schemaname"));
        }
        for (String[] p : new String[][] {{"match_pattern", rule.matchPattern()}, {"match_digest", rule.matchDigest()}}) {
            if (p[1] != null) {
                try {
                    java.util.regex.Pattern.compile(p[1]);
                } catch (java.util.regex.PatternSyntaxException e) {
                    errors.add(new SpecError(at + "." + p[0], "not a valid regular expression: "
                            + e.getDescription() + " at index " + e.getIndex()));
                }
            }
        }
    }

    private static void validateProbe(ProbePolicy probe, List<SpecError> errors) {
        if (probe.intervalMs() < 50 || probe.intervalMs() > 60_000) {
            errors.add(new SpecError("probe.interval_ms", "50..60000; got " + probe.intervalMs()));
        }
        if (probe.timeoutMs() < 10 || probe.timeoutMs() >= probe.intervalMs()) {
            errors.add(new SpecError("probe.timeout_ms", "10..interval_ms-1 (" + (probe.intervalMs() - 1)
                    + "); got " + probe.timeoutMs()));
        }
        if (probe.downAfter() < 1 || probe.downAfter() > 100) {
            errors.add(new SpecError("probe.down_after", "1..100 observations; got " + probe.downAfter()));
        }
        if (probe.upAfter() < 1 || probe.upAfter() > 100) {
            errors.add(new SpecError("probe.up_after", "1..100 observations; got " + probe.upAfter()));
        }
        if (probe.staleAfterMs() <= probe.intervalMs() || probe.staleAfterMs() > 3_600_000) {
            errors.add(new SpecError("probe.stale_after_ms", "more than interval_ms (" + probe.intervalMs()
                    + ") and at most 3600000; got " + probe.staleAfterMs()));
        }
        if (probe.fastIntervalMs() < 20 || probe.fastIntervalMs() > probe.intervalMs()) {
            errors.add(new SpecError("probe.fast_interval_ms", "20..interval_ms (" + probe.intervalMs() + "); got "
                    + probe.fastIntervalMs()));
        }
    }

    private static void validateListeners(List<ListenerSpec> listeners, List<SpecError> errors) {
        Set<String> ports = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerSpec l = listeners.get(i);
            String at = "listeners[" + i + "]";
            if (l == null) {
                errors.add(new SpecError(at, "empty listener entry"));
                continue;
            }
            if (l.port() == null || l.port() < 1 || l.port() > 65535) {
                errors.add(new SpecError(at + ".port", "required; 1..65535; got " + l.port()));
            } else if (!ports.add(l.bind() + ":" + l.port())) {
                errors.add(new SpecError(at + ".port", "duplicate listener " + l.bind() + ":" + l.port()));
            }
            if (l.name() != null && !names.add(l.name())) {
                errors.add(new SpecError(at + ".name", "duplicate listener name '" + l.name() + "'"));
            }
            if (l.maxConnections() < 1 || l.maxConnections() > 1_000_000) {
                errors.add(new SpecError(at + ".max_connections", "1..1000000; got " + l.maxConnections()));
            }
            if (l.tls() != null) {
                checkSecretName(at + ".tls.cert", l.tls().cert(), errors);
                checkSecretName(at + ".tls.key", l.tls().key(), errors);
            }
        }
    }

    private static void validateBackup(BackupSchedule backup, List<SpecError> errors) {
        if (backup.cron() != null) {
            CronSyntax.check(backup.cron()).ifPresent(problem -> errors.add(new SpecError("backup.cron", problem)));
        }
        if (backup.retain() < 1) {
            errors.add(new SpecError("backup.retain", ">= 1; got " + backup.retain()));
        }
        if (!COMPRESSIONS.contains(backup.compression())) {
            errors.add(new SpecError("backup.compression", "one of " + COMPRESSIONS.stream().sorted().toList()
                    + "; got " + quoted(backup.compression())));
        }
        if (backup.encryptionKey() != null) {
            checkSecretName("backup.encryption_key", backup.encryptionKey(), errors);
        }
    }

    private static void validateCredentials(CredentialRefs refs, List<SpecError> errors) {
        checkSecretName("credentials.monitor", refs.monitor(), errors);
        checkSecretName("credentials.replication", refs.replication(), errors);
        checkSecretName("credentials.admin", refs.admin(), errors);
        checkSecretName("credentials.app_users", refs.appUsers(), errors);
        if (refs.usersLoader() != null) {
            checkSecretName("credentials.users_loader", refs.usersLoader(), errors);
        }
    }

    private static void checkSecretName(String field, String name, List<SpecError> errors) {
        if (name == null) {
            errors.add(new SpecError(field, "required: the name of a secret"));
        } else if (!SECRET_NAME.matcher(name).matches()) {
            errors.add(new SpecError(field, "the name of a secret (letters, digits, '.', '-', '_'), never the"
                    + " secret itself; got a value of " + name.length() + " characters"));
        }
    }

    private static String quoted(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}
