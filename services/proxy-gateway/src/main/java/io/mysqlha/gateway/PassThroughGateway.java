package io.mysqlha.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.mysqlha.gateway.session.AppUsers;
import io.mysqlha.gateway.session.ClientSession;
import io.mysqlha.gateway.session.FrameDecoder;
import io.mysqlha.gateway.session.SessionContext;
import io.mysqlha.service.MysqlhaConfig;
import io.mysqlha.service.SecretResolver;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's listeners. Each client connection gets a {@link ClientSession}: the gateway answers the MySQL
 * handshake, authenticates the application user, and relays statements to a backend connection authenticated as
 * that user. Backends are fixed per listener until the gateway follows the topology topic.
 */
@Startup
@ApplicationScoped
public class PassThroughGateway {
    private static final Logger LOG = Logger.getLogger(PassThroughGateway.class);

    private final GatewayConfig config;
    private final MeterRegistry registry;
    private final SessionContext context;
    private final List<Listener> listeners = new ArrayList<>();
    private final List<Channel> bound = new ArrayList<>();
    private EventLoopGroup boss;
    private EventLoopGroup workers;

    public PassThroughGateway(GatewayConfig config, MysqlhaConfig common, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        AppUsers users = loadUsers(common, config.usersSecret());
        this.context = new SessionContext(() -> users, new AtomicReference<>(config.serverVersion()),
                new AtomicLong(), config.handshakeTimeoutMs(), config.backendConnectTimeoutMs());
    }

    private static AppUsers loadUsers(MysqlhaConfig common, String secret) {
        try {
            AppUsers users = AppUsers.parse(new SecretResolver(common.secretsDir(), System.getenv()).resolve(secret)
                    .reveal(), "secret " + secret);
            LOG.infof("gateway: %d application user(s) from secret %s", users.size(), secret);
            return users;
        } catch (RuntimeException e) {
            throw new IllegalStateException("the gateway needs its application users, one user:password or"
                    + " user:*HASH per line: " + e.getMessage(), e);
        }
    }

    @PostConstruct
    void start() {
        boss = new NioEventLoopGroup(1);
        workers = new NioEventLoopGroup(config.eventLoopThreads());
        String reader = config.staticReader().orElse(config.staticWriter());
        listeners.add(listener("writer", config.readWritePort(), config.staticWriter()));
        listeners.add(listener("reader", config.readOnlyPort(), reader));
        for (Listener l : listeners) {
            bound.add(bind(l));
        }
    }

    private Listener listener(String role, int port, String backend) {
        String name = role.equals("writer") ? "rw" : "ro";
        return new Listener(role, config.bind(), port, Listener.address(backend), config.maxConnections(),
                new ListenerMetrics(registry, name));
    }

    private Channel bind(Listener l) {
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(), new ClientSession(context, l));
                    }
                });
        try {
            Channel ch = b.bind(l.bind(), l.port()).sync().channel();
            LOG.infof("gateway listening on %s:%d (%s) -> %s:%d, max %d connections", l.bind(), l.port(), l.role(),
                    l.fixedBackend().getHostString(), l.fixedBackend().getPort(), l.maxConnections());
            return ch;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("cannot listen on " + l.bind() + ":" + l.port() + " for the " + l.role()
                    + " listener (" + e.getMessage() + "); free the port or set mysqlha.gateway."
                    + (l.role().equals("writer") ? "read-write-port" : "read-only-port"), e);
        }
    }

    List<Listener> listeners() {
        return listeners;
    }

    boolean allBound() {
        return bound.size() == listeners.size() && bound.stream().allMatch(Channel::isActive);
    }

    @PreDestroy
    void stop() {
        bound.forEach(Channel::close);
        if (boss != null) {
            boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
