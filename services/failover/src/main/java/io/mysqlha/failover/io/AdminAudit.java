package io.mysqlha.failover.io;

import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.NodeSpec;
import io.mysqlha.failover.core.AdminGrants;
import io.mysqlha.service.DbCredentials;
import io.mysqlha.service.sql.NodeSql;
import io.mysqlha.service.sql.NodeSqlException;
import io.vertx.mysqlclient.MySQLException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Looks, before any failover needs it, at whether the admin account can log in to each node and holds what this
 * cluster's recoveries will ask of it there ({@link PromotionDialect#adminRequirements}). A node that does not
 * answer is not judged. Runs on a recovery thread; the owner turns the findings into alerts.
 */
public final class AdminAudit {
    /** What is wrong with the admin account on one node: the alert's name and its summary. */
    public record Finding(String alert, String summary) {
    }

    /**
     * @param findings by node, what is wrong (none for a node found fine)
     * @param judged   the nodes that answered, found fine or not; the others keep what was found before
     */
    public record Result(Map<String, Finding> findings, List<String> judged) {
    }

    private final RecoveryContext context;

    public AdminAudit(RecoveryContext context) {
        this.context = context;
    }

    public Result audit(ClusterSpec spec) {
        ClusterCredentials creds;
        try {
            creds = ClusterCredentials.resolve(spec, context.secrets());
        } catch (RuntimeException e) {
            return new Result(Map.of(), List.of()); // the missing secret is reported where recoveries run
        }
        DbCredentials admin = creds.admin();
        Map<String, Finding> findings = new LinkedHashMap<>();
        List<String> judged = new java.util.ArrayList<>();
        for (NodeSpec node : spec.nodes()) {
            try (NodeSql sql = context.connect(node, creds)) {
                List<String> lines = sql.rows("SHOW GRANTS").stream()
                        .map(row -> row.values().iterator().next()).toList();
                String account = sql.value("SELECT CURRENT_USER()").map(AdminAudit::quoted).orElse(admin.user());
                AdminGrants grants = AdminGrants.parse(lines);
                List<AdminGrants.Requirement> required = RecoveryRunner.dialect(sql).adminRequirements(spec.kind());
                grants.advice(node.id(), account, grants.missing(required)).ifPresent(
                        s -> findings.put(node.id(), new Finding("AdminPrivilegesMissing", s)));
                judged.add(node.id());
            } catch (NodeSqlException e) {
                rejected(e).ifPresent(code -> {
                    findings.put(node.id(), new Finding("AdminLoginRejected", node.id() + " refuses the admin"
                            + " account " + admin.user() + " of secret '" + spec.credentials().admin() + "' (error "
                            + code + "): failover cannot fence, promote or re-point there; fix the secret or create"
                            + " the account on " + node.id()));
                    judged.add(node.id());
                });
            }
        }
        return new Result(findings, judged);
    }

    private static Optional<Integer> rejected(NodeSqlException e) {
        return e.getCause() instanceof MySQLException m && (m.getErrorCode() == 1045 || m.getErrorCode() == 1044)
                ? Optional.of(m.getErrorCode()) : Optional.empty();
    }

    /** {@code user@host} as GRANT spells it: {@code 'user'@'host'}. */
    private static String quoted(String currentUser) {
        int at = currentUser.lastIndexOf('@');
        return at < 0 ? currentUser : "'" + currentUser.substring(0, at) + "'@'" + currentUser.substring(at + 1) + "'";
    }
}
