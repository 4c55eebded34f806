package io.mysqlha.events.kafka;

import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What each part of the suite may do on a Kafka with an authorizer: the topics it reads and writes, whether it is a
 * consumer group member (its group id) and whether it writes in transactions (transactional ids starting with its
 * group id). The least each needs and nothing more: only the operator's CLI (and the failover service, for a
 * switchover asked on its authenticated REST API) may write the commands topic; only the operator's CLI may write
 * specs. docs/security.md shows this table; the secured-broker test grants exactly it.
 */
public final class KafkaAcls {
    private KafkaAcls() {
    }

    /** A user of the suite's topics and what it may do. */
    public enum Role {
        HEALTH_PROBE("health-probe", "mysqlha-health-probe", EnumSet.of(Topic.CLUSTERS),
                EnumSet.of(Topic.HEALTH, Topic.DEAD_LETTER), false),
        TOPOLOGY("topology", "mysqlha-topology",
                EnumSet.of(Topic.CLUSTERS, Topic.HEALTH, Topic.TOPOLOGY, Topic.FAILOVER, Topic.ALERTS),
                EnumSet.of(Topic.TOPOLOGY, Topic.ALERTS, Topic.DEAD_LETTER), true),
        FAILOVER("failover", "mysqlha-failover",
                EnumSet.of(Topic.CLUSTERS, Topic.HEALTH, Topic.TOPOLOGY, Topic.FAILOVER, Topic.COMMANDS),
                EnumSet.of(Topic.FAILOVER, Topic.ALERTS, Topic.COMMANDS), false),
        BACKUP("backup", "mysqlha-backup", EnumSet.of(Topic.CLUSTERS, Topic.TOPOLOGY),
                EnumSet.of(Topic.BACKUP, Topic.ALERTS, Topic.DEAD_LETTER), false),
        PROXY_GATEWAY("proxy-gateway", null, EnumSet.of(Topic.CLUSTERS, Topic.TOPOLOGY, Topic.FAILOVER),
                EnumSet.noneOf(Topic.class), false),
        ALERT_FORWARDER("alert-forwarder", "mysqlha-alert-forwarder", EnumSet.of(Topic.ALERTS),
                EnumSet.noneOf(Topic.class), false),
        /** {@code mysqlha} for an operator: reads everything, applies specs, asks for switchovers. */
        OPERATOR("operator", null, EnumSet.allOf(Topic.class), EnumSet.of(Topic.CLUSTERS, Topic.COMMANDS), false),
        /** {@code mysqlha} for a viewer (dashboards, on-call read-only): reads everything, writes nothing. */
        VIEWER("viewer", null, EnumSet.allOf(Topic.class), EnumSet.noneOf(Topic.class), false);

        private final String shown;
        private final String defaultGroup;
        private final Set<Topic> reads;
        private final Set<Topic> writes;
        private final boolean transactions;

        Role(String shown, String defaultGroup, Set<Topic> reads, Set<Topic> writes, boolean transactions) {
            this.shown = shown;
            this.defaultGroup = defaultGroup;
            this.reads = reads;
            this.writes = writes;
            this.transactions = transactions;
        }

        public String shown() {
            return shown;
        }

        /** The consumer group id the service uses unless configured otherwise; null for one that is in no group. */
        public String defaultGroup() {
            return defaultGroup;
        }

        public Set<Topic> reads() {
            return reads;
        }

        public Set<Topic> writes() {
            return writes;
        }

        /** Whether it writes in Kafka transactions (transactional ids starting with its group id). */
        public boolean transactions() {
            return transactions;
        }

        public static Role of(String name) {
            for (Role r : values()) {
                if (r.shown.equals(name.strip().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
            throw new IllegalArgumentException("'" + name + "' is not a part of the suite: one of "
                    + String.join(", ", java.util.Arrays.stream(values()).map(Role::shown).toList()));
        }
    }

    /**
     * The ACLs {@code principal} (e.g. {@code User:probe}) needs as {@code role} on these topics, with this consumer
     * group id (ignored for a role in no group; null: the role's default).
     */
    public static List<AclBinding> bindings(Role role, Topics topics, String groupId, String principal) {
        List<AclBinding> acls = new ArrayList<>();
        for (Topic t : role.reads()) {
            acls.add(allow(ResourceType.TOPIC, topics.name(t), PatternType.LITERAL, principal, AclOperation.READ));
        }
        for (Topic t : role.writes()) {
            acls.add(allow(ResourceType.TOPIC, topics.name(t), PatternType.LITERAL, principal, AclOperation.WRITE));
        }
        String group = groupId == null ? role.defaultGroup() : groupId;
        if (role.defaultGroup() != null) {
            acls.add(allow(ResourceType.GROUP, group, PatternType.LITERAL, principal, AclOperation.READ));
        }
        if (role.transactions()) {
            acls.add(allow(ResourceType.TRANSACTIONAL_ID, group, PatternType.PREFIXED, principal,
                    AclOperation.WRITE));
        }
        return acls;
    }

    /**
     * The table as docs/security.md shows it: per part of the suite, the topics it reads and writes, its consumer
     * group (the default id; each READ) and its transactional ids (WRITE, prefixed).
     */
    public static String table(Topics topics) {
        StringBuilder out = new StringBuilder("| part | reads (READ) | writes (WRITE) | consumer group (READ) |"
                + " transactional ids (WRITE, prefixed) |\n|---|---|---|---|---|\n");
        for (Role r : Role.values()) {
            out.append("| ").append(r.shown()).append(" | ").append(names(topics, r.reads())).append(" | ")
                    .append(names(topics, r.writes())).append(" | ")
                    .append(r.defaultGroup() == null ? "none" : "`" + r.defaultGroup() + "`").append(" | ")
                    .append(r.transactions() ? "`" + r.defaultGroup() + "`" : "none").append(" |\n");
        }
        return out.toString();
    }

    private static String names(Topics topics, Set<Topic> of) {
        if (of.isEmpty()) {
            return "none";
        }
        if (of.size() == Topic.values().length) {
            return "every topic";
        }
        return String.join(", ", of.stream().map(t -> "`" + topics.name(t) + "`").toList());
    }

    /** One binding as Kafka's own tool takes it ({@code kafka-acls.sh --add ...}), for an operator to run. */
    public static String command(AclBinding b) {
        ResourcePattern r = b.pattern();
        String resource = switch (r.resourceType()) {
            case TOPIC -> "--topic";
            case GROUP -> "--group";
            case TRANSACTIONAL_ID -> "--transactional-id";
            default -> "--" + r.resourceType().name().toLowerCase(Locale.ROOT);
        };
        return "kafka-acls.sh --bootstrap-server $KAFKA --command-config admin.properties --add --allow-principal "
                + b.entry().principal() + " --operation " + operation(b.entry().operation()) + " " + resource + " '"
                + r.name() + "'" + (r.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
    }

    private static String operation(AclOperation o) {
        String n = o.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    private static AclBinding allow(ResourceType type, String name, PatternType pattern, String principal,
                                    AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
