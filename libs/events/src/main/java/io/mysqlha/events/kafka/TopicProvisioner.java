package io.mysqlha.events.kafka;

import io.mysqlha.events.Topic;
import io.mysqlha.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/** Creates the suite's topics with their settings; topics that exist already are left as they are. */
public final class TopicProvisioner {
    private TopicProvisioner() {
    }

    public static List<String> ensureTopics(Admin admin, Topics topics, short replicationFactor)
            throws InterruptedException, ExecutionException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> missing = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            String name = topics.name(topic);
            if (!existing.contains(name)) {
                missing.add(new NewTopic(name, Topic.PARTITIONS, replicationFactor).configs(configs(topic)));
            }
        }
        try {
            admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e; // another instance creating the same topic at the same time is fine
            }
        }
        return missing.stream().map(NewTopic::name).toList();
    }

    public static Map<String, String> configs(Topic topic) {
        Map<String, String> configs = new HashMap<>();
        if (topic.compacted()) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            configs.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "60000");
        } else {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retention().toMillis()));
        }
        return configs;
    }
}
