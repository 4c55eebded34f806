package io.mysqlha.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.mysqlha.domain.ClusterSpec;
import io.mysqlha.domain.ListenerSpec;
import io.mysqlha.events.kafka.KafkaAccess;
import io.mysqlha.gateway.kafka.TopologyFollower;
import io.mysqlha.gateway.routing.RoutingTable;
import io.mysqlha.gateway.session.ClientSession;
import io.mysqlha.gateway.session.FrameDecoder;
import io.mysqlha.gateway.session.SessionContext;
import io.mysqlha.service.MysqlhaConfig;
import io.mysqlha.service.SecretResolver;
import io.mysqlha.service.ServiceIdentity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway: opens the listeners the cluster specs declare (and closes those no spec declares any more), and
 * gives every client connection a {@link ClientSession} that routes by the cluster's latest topology.
 */
@Startup
@ApplicationScoped
public class Gateway {
    private static final Logger LOG = Logger.getLogger(Gateway.class);
    private static final int SECRETS_REFRESH_SECONDS = 5;

    private final GatewayConfig config;
    private final MeterRegistry registry;
    private final SessionContext context;
    private final RoutingTable table = new RoutingTable();
    private final TopologyFollower follower;
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final Map<String, Channel> bound = new ConcurrentHashMap<>();
    private final Map<String, ListenerMetrics> metrics = new ConcurrentHashMap<>();
    private final Map<String, io.mysqlha.gateway.split.SplitSettings> splits = new ConcurrentHashMap<>();
    /** Per cluster: its pool settings when its sessions share backend connections (multiplexing). */
    private final Map<String, io.mysqlha.domain.RoutingPolicy.ConnectionPool> poolSettings = new ConcurrentHashMap<>();
    private final io.mysqlha.gateway.session.BackendPools pools;
    private final Map<String, io.mysqlha.gateway.split.WriterPosition> positions = new ConcurrentHashMap<>();
    /** Per cluster, the server its clients are greeted as (config's server-version until a node greeted us). */
    private final Map<String, AtomicReference<SessionContext.Flavour>> flavours = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Runnable> waiting = new CopyOnWriteArrayList<>();
    /** Per listener (bind:port) with TLS, its certificate, re-read from its secrets every few seconds. */
    private final Map<String, ServerTls> tls = new ConcurrentHashMap<>();
    /** Per cluster: TLS towards its nodes. */
    private final Map<String, NodeTlsContext> nodeTls = new ConcurrentHashMap<>();
    private final SecretResolver secrets;
    /** Per cluster whose spec names credentials.users_loader: its users as its servers define them. */
    private final Map<String, io.mysqlha.gateway.users.ServerUsers> serverUsers = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService usersReads = java.util.concurrent.Executors.newFixedThreadPool(2,
            Thread.ofPlatform().daemon().name("server-users-", 0).factory());
    private final io.vertx.core.Vertx vertx;
    /** Where clients' TLS handshakes compute, or null: on the event loops. */
    private final java.util.concurrent.ExecutorService tlsTasks;
    /** The application users, re-read from their secret every few seconds. */
    private final UsersSecret users;
    private volatile Set<String> wanted = Set.of();
    private Class<? extends io.netty.channel.ServerChannel> serverChannel;
    private EventLoopGroup boss;
    private EventLoopGroup workers;

    public Gateway(GatewayConfig config, MysqlhaConfig common, KafkaAccess kafka, ServiceIdentity identity,
                   MeterRegistry registry, io.vertx.core.Vertx vertx) {
        this.vertx = vertx;
        this.config = config;
        this.registry = registry;
        this.secrets = new SecretResolver(common.secretsDir(), System.getenv());
        this.users = new UsersSecret(config.usersSecret(), secrets);
        this.tlsTasks = config.tlsHandshakeThreads() == 0 ? null : java.util.concurrent.Executors.newFixedThreadPool(
                config.tlsHandshakeThreads(), Thread.ofPlatform().daemon().name("tls-handshake-", 0).factory());
        this.pools = new io.mysqlha.gateway.session.BackendPools(eventLoops());
        pools.onNewNode((cluster, node) -> PoolMetrics.register(registry, pools, cluster, node));
        this.context = new SessionContext(users::users, SessionContext.newIds(), config.handshakeTimeoutMs(),
                config.backendConnectTimeoutMs(), config.holdTimeoutMs(), waiting::add, new ConcurrentHashMap<>(),
                config.idleBackendReleaseMs(), tlsTasks, pools);
        this.follower = new TopologyFollower(kafka, identity.topics(), table,
                this::specsChanged);
        registry.more().counter("mysqlha.gateway.topology.stale.generations", List.of(), follower,
                TopologyFollower::staleGenerations);
        registry.more().counter("mysqlha.gateway.topology.refused.records", List.of(), follower,
                TopologyFollower::refused);
        table.onChange(r -> {
            learnFlavour(r);
            List<Runnable> due = new ArrayList<>(waiting);
            waiting.removeAll(due);
            due.forEach(Runnable::run);
        });
    }

    /** Clusters whose server the gateway has read (or is reading) since it started. */
    private final Set<String> probed = ConcurrentHashMap.newKeySet();

    /**
     * The first time a cluster has a node, reads that node's greeting (off the caller's thread): its clients are
     * greeted as that server from then on, before any session reached one of its nodes.
     */
    private void learnFlavour(io.mysqlha.gateway.routing.Routes r) {
        io.mysqlha.gateway.routing.Routes.Node node = r.writer() != null ? r.writer()
                : r.readers().isEmpty() ? null : r.readers().getFirst();
        if (node == null || !probed.add(r.clusterId())) {
            return;
        }
        Thread.ofVirtual().name("greeting-probe-" + r.clusterId()).start(() -> {
            SessionContext.Flavour f = io.mysqlha.gateway.session.GreetingProbe.read(
                    InetSocketAddress.createUnresolved(node.host(), node.port()), config.backendConnectTimeoutMs());
            if (f == null) {
                probed.remove(r.clusterId()); // tried again with the next topology
                return;
            }
            flavours.computeIfAbsent(r.clusterId(), c -> new AtomicReference<>(f)).set(f);
        });
    }

    private int eventLoops() {
        return config.eventLoopThreads() == 0 ? Runtime.getRuntime().availableProcessors()
                : config.eventLoopThreads();
    }

    @PostConstruct
    void start() {
        // one loop per core, as HAProxy's threads (Netty's own default, two per core, measured slower here: more
        // loops each woken for fewer events)
        int loops = eventLoops();
        if (Epoll.isAvailable()) {
            boss = new EpollEventLoopGroup(1);
            EpollEventLoopGroup epoll = new EpollEventLoopGroup(loops);
            // the loops' tasks are small (timers, topology changes): run them after every wake-up instead of timing
            // the I/O to give them a share of it, two clock reads per wake-up saved
            epoll.setIoRatio(100);
            workers = epoll;
            serverChannel = EpollServerSocketChannel.class;
        } else {
            LOG.infof("gateway: Linux epoll unavailable (%s); using NIO", Epoll.unavailabilityCause().getMessage());
            boss = new NioEventLoopGroup(1);
            workers = new NioEventLoopGroup(loops);
            serverChannel = NioServerSocketChannel.class;
        }
        follower.start();
        // a certificate an operator replaced in its secret is served to new connections within seconds, no restart
        boss.scheduleWithFixedDelay(() -> {
            tls.values().forEach(ServerTls::refresh);
            users.refresh();
            nodeTls.values().forEach(NodeTlsContext::refresh);
            serverUsers.values().forEach(io.mysqlha.gateway.users.ServerUsers::refreshIfDue);
        }, SECRETS_REFRESH_SECONDS,
                SECRETS_REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    private io.netty.handler.ssl.SslProvider provider;

    /** The listeners' TLS engine, as configured and where it loads. */
    private synchronized io.netty.handler.ssl.SslProvider tlsProvider() {
        if (provider == null) {
            provider = io.netty.handler.ssl.SslProvider.JDK;
            if (config.tlsProvider().equals("openssl")) {
                if (io.netty.handler.ssl.OpenSsl.isAvailable()) {
                    provider = io.netty.handler.ssl.SslProvider.OPENSSL;
                    LOG.infof("gateway: listeners' TLS by %s", io.netty.handler.ssl.OpenSsl.versionString());
                } else {
                    LOG.warnf("gateway: tls-provider openssl does not load here (%s); the JDK's TLS is used",
                            io.netty.handler.ssl.OpenSsl.unavailabilityCause());
                }
            }
        }
        return provider;
    }

    /** Called by the follower with every spec: opens what is declared and not open, closes what is not declared. */
    private synchronized void specsChanged(Map<String, ClusterSpec> specs) {
        Map<String, Listener> desired = new LinkedHashMap<>();
        specs.values().stream()
                .filter(s -> config.clusters().map(c -> c.contains(s.clusterId())).orElse(true))
                .forEach(s -> {
                    var split = io.mysqlha.gateway.split.SplitSettings.of(s.routing());
                    if (split == null) {
                        splits.remove(s.clusterId());
                    } else {
                        splits.put(s.clusterId(), split);
                    }
                    if (s.routing().multiplexing()) {
                        poolSettings.put(s.clusterId(), s.routing().pool());
                    } else {
                        poolSettings.remove(s.clusterId());
                    }
                    NodeTlsContext towardsNodes = nodeTls.get(s.clusterId());
                    if (towardsNodes == null || !towardsNodes.spec().equals(s.tls())) {
                        nodeTls.put(s.clusterId(), new NodeTlsContext(s.clusterId(), s.tls(), secrets));
                    }
                    var fromServers = serverUsers.get(s.clusterId());
                    if (s.credentials().usersLoader() == null) {
                        serverUsers.remove(s.clusterId());
                    } else if (fromServers == null || !fromServers.spec().equals(s)) {
                        var loaded = new io.mysqlha.gateway.users.ServerUsers(s, secrets, vertx, table, usersReads,
                                java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(config.usersRefreshSeconds()),
                                java.time.Duration.ofMillis(config.usersRefreshMinIntervalMs()));
                        serverUsers.put(s.clusterId(), loaded);
                        loaded.refreshNow();
                    }
                    positions.computeIfAbsent(s.clusterId(),
                            c -> new io.mysqlha.gateway.split.WriterPosition(config.causalPositionReads()));
                    for (ListenerSpec l : s.listeners()) {
                        Listener listener = new Listener(s.clusterId(), l.name(), l.role(), l.bind(), l.port(),
                                l.maxConnections(), metrics.computeIfAbsent(s.clusterId() + "/" + l.name(),
                                k -> new ListenerMetrics(registry, s.clusterId(), l.name())), table, splits,
                                positions, flavours.computeIfAbsent(s.clusterId(), c -> new AtomicReference<>(
                                        SessionContext.Flavour.configured(config.serverVersion()))), l.tls(), tls,
                                nodeTls, serverUsers, poolSettings);
                        Listener clash = desired.putIfAbsent(listener.key(), listener);
                        if (clash != null) {
                            LOG.errorf("gateway: %s listener %s and %s listener %s both want %s; keeping the first",
                                    clash.clusterId(), clash.name(), s.clusterId(), l.name(), listener.key());
                        }
                    }
                });
        nodeTls.keySet().retainAll(specs.keySet());
        serverUsers.keySet().retainAll(specs.keySet());
        poolSettings.keySet().retainAll(specs.keySet());
        wanted = Set.copyOf(desired.keySet());
        tls.keySet().removeIf(key -> desired.get(key) == null || desired.get(key).tlsSpec() == null);
        desired.forEach((key, l) -> {
            if (l.tlsSpec() != null && (tls.get(key) == null || !tls.get(key).spec().equals(l.tlsSpec()))) {
                tls.put(key, new ServerTls(l.clusterId() + "/" + l.name() + " (" + key + ")", l.tlsSpec(), secrets,
                        tlsProvider()));
            }
        });
        for (String key : List.copyOf(listeners.keySet())) {
            Listener now = desired.get(key);
            if (now == null || !now.equals(listeners.get(key))) {
                Channel ch = bound.remove(key);
                if (ch != null) {
                    ch.close().syncUninterruptibly();
                }
                listeners.remove(key);
                LOG.infof("gateway: closed listener %s (open sessions continue)", key);
            }
        }
        desired.forEach((key, l) -> {
            if (!listeners.containsKey(key)) {
                listeners.put(key, l);
                bind(l);
            }
        });
    }

    private void bind(Listener l) {
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // a client that shuts down its sending side still gets the answers to what it sent (ClientSession)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(FrameDecoder.forClient(), new ClientSession(context, l));
                    }
                });
        try {
            bound.put(l.key(), b.bind(l.bind(), l.port()).sync().channel());
            LOG.infof("gateway listening on %s (cluster %s, %s, %s), max %d connections%s", l.key(), l.clusterId(),
                    l.name(), l.role(), l.maxConnections(), l.tlsSpec() == null ? ""
                            : l.tlsSpec().require() ? ", TLS required" : ", TLS offered");
        } catch (Exception e) {
            LOG.errorf("gateway: cannot listen on %s for cluster %s listener %s (%s); free the port or change the"
                    + " spec's listeners", l.key(), l.clusterId(), l.name(), e.getMessage());
        }
    }

    java.util.Collection<ClientSession> sessions() {
        return context.sessions().values();
    }

    Map<String, io.mysqlha.gateway.split.SplitSettings> splits() {
        return splits;
    }

    io.mysqlha.gateway.session.BackendPools pools() {
        return pools;
    }

    List<Listener> listeners() {
        return List.copyOf(listeners.values());
    }

    RoutingTable table() {
        return table;
    }

    TopologyFollower follower() {
        return follower;
    }

    /** Ready once the topology is loaded and every declared listener accepts connections. */
    boolean ready() {
        return follower.loaded() && wanted.stream().allMatch(k -> bound.containsKey(k) && bound.get(k).isActive());
    }

    @PreDestroy
    void stop() {
        if (tlsTasks != null) {
            tlsTasks.shutdownNow();
        }
        usersReads.shutdownNow();
        follower.close();
        bound.values().forEach(Channel::close);
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
    }
}
