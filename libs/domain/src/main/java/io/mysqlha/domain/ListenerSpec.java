package io.mysqlha.domain;

/**
 * A gateway port for applications.
 *
 * @param name           short name shown in metrics and the admin API
 * @param bind           address to bind (default 127.0.0.1; 0.0.0.0 in containers)
 * @param port           TCP port
 * @param role           read/write or read-only
 * @param maxConnections client connections accepted at once; past it clients get error 1040
 * @param tls            TLS towards applications (null: none is offered)
 */
public record ListenerSpec(String name, String bind, Integer port, ListenerRole role, Integer maxConnections,
                           ListenerTls tls) {

    public static final int DEFAULT_MAX_CONNECTIONS = 2048; // ProxySQL's mysql-max_connections default

    public ListenerSpec {
        bind = bind == null ? "127.0.0.1" : bind;
        role = role == null ? ListenerRole.READ_WRITE : role;
        maxConnections = maxConnections == null ? DEFAULT_MAX_CONNECTIONS : maxConnections;
        name = name == null && port != null ? role.specName() + "-" + port : name;
    }

    /** A listener without TLS. */
    public ListenerSpec(String name, String bind, Integer port, ListenerRole role, Integer maxConnections) {
        this(name, bind, port, role, maxConnections, null);
    }
}
