package io.mysqlha.service;

import io.mysqlha.events.EventSource;
import io.mysqlha.events.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Who this instance is in the events it publishes, and the topic names it uses. */
@ApplicationScoped
public class ServiceIdentity {
    private final EventSource source;
    private final Topics topics;

    public ServiceIdentity(MysqlhaConfig config, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.source = new EventSource(service, config.instanceId().orElseGet(ServiceIdentity::hostName));
        this.topics = new Topics(config.topicPrefix());
    }

    public EventSource source() {
        return source;
    }

    public Topics topics() {
        return topics;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (UnknownHostException e) {
            return "pid-" + ProcessHandle.current().pid();
        }
    }
}
