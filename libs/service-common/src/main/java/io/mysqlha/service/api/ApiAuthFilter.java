package io.mysqlha.service.api;

import io.mysqlha.service.MysqlhaConfig;
import io.mysqlha.service.SecretResolver;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

import java.security.Principal;
import java.util.Map;

/**
 * Every service's REST API behind {@link ApiAccess}: tokens read from their secret (again at most every 5 s, so a
 * token added or revoked takes effect without a restart), 401 or 403 with the reason as {@code {"error": ...}}, and
 * the caller's token name as the request's principal ({@link #caller}), which resources record as who did it.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class ApiAuthFilter implements ContainerRequestFilter {
    private static final Logger LOG = Logger.getLogger(ApiAuthFilter.class);
    private static final long REREAD_NANOS = 5_000_000_000L;

    private final jakarta.enterprise.inject.Instance<MysqlhaConfig> config;
    /** The HTTP request being filtered, for its TLS session's client certificate. */
    private final jakarta.enterprise.inject.Instance<io.vertx.ext.web.RoutingContext> routing;
    private volatile Settings settings;
    private volatile Loaded loaded;
    private volatile LoadedClients clients;

    private record Loaded(ApiTokens tokens, String problem, long at) {
    }

    private record LoadedClients(ApiClients clients, long at) {
    }

    private record Settings(String secret, String clientsSecret, boolean openReads, SecretResolver secrets) {
    }

    /** The configuration is read at the first request (the filter is made before runtime configuration exists). */
    public ApiAuthFilter(jakarta.enterprise.inject.Instance<MysqlhaConfig> config,
                         jakarta.enterprise.inject.Instance<io.vertx.ext.web.RoutingContext> routing) {
        this.config = config;
        this.routing = routing;
    }

    private Settings settings() {
        Settings s = settings;
        if (s == null) {
            MysqlhaConfig c = config.get();
            s = new Settings(c.api().tokensSecret(), c.api().clientsSecret(), c.api().openReads(),
                    new SecretResolver(c.secretsDir(), System.getenv()));
            settings = s;
        }
        return s;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Settings s = settings();
        String secret = s.secret();
        boolean openReads = s.openReads();
        Loaded now = tokens(s);
        String certificate = certificateName(request);
        ApiAccess.Decision d = ApiAccess.decide(request.getMethod(), request.getUriInfo().getPath(),
                request.getHeaderString("Authorization"), certificate, now.tokens(), now.problem(), secret,
                certificate == null ? ApiClients.none(s.clientsSecret()) : clients(s), openReads);
        switch (d) {
            case ApiAccess.Refuse r -> request.abortWith(Response.status(r.status()).type(MediaType.APPLICATION_JSON)
                    .header("WWW-Authenticate", "Bearer realm=\"mysqlha\"")
                    .entity(Map.of("error", r.message())).build());
            case ApiAccess.Allow a when a.caller() != null -> request.setSecurityContext(
                    new Caller(a.caller(), request.getSecurityContext().isSecure(), certificate != null
                            && request.getHeaderString("Authorization") == null));
            case ApiAccess.Allow a -> { }
        }
    }

    /** The name of the token a request came with ({@code fallback} for an open read without one). */
    public static String caller(SecurityContext security, String fallback) {
        Principal p = security == null ? null : security.getUserPrincipal();
        return p == null ? fallback : p.getName();
    }

    /** The common name of the client certificate the TLS handshake verified, or null (none, or not over TLS). */
    private String certificateName(ContainerRequestContext request) {
        io.vertx.core.http.HttpServerRequest http;
        try {
            http = routing.get().request();
        } catch (RuntimeException e) { // not in a Vert.x HTTP request (never so in a running service)
            return null;
        }
        if (http == null || !http.isSSL() || http.sslSession() == null) {
            return null;
        }
        try {
            var chain = http.sslSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof java.security.cert.X509Certificate x509)) {
                return null;
            }
            for (var rdn : new javax.naming.ldap.LdapName(x509.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
            return null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException | javax.naming.InvalidNameException e) {
            return null;
        }
    }

    /** The clients known by certificate, read again at most every 5 s; none while their secret does not exist. */
    private ApiClients clients(Settings s) {
        LoadedClients l = clients;
        long now = System.nanoTime();
        if (l != null && now - l.at() < REREAD_NANOS) {
            return l.clients();
        }
        ApiClients next;
        String text;
        try {
            text = s.secrets().resolve(s.clientsSecret()).reveal();
        } catch (RuntimeException e) {
            text = null; // no such secret: no client is known by certificate
        }
        try {
            next = text == null ? ApiClients.none(s.clientsSecret()) : ApiClients.parse(text, s.clientsSecret());
        } catch (IllegalArgumentException e) {
            LOG.errorf("API: the clients known by certificate cannot be read (%s)%s", e.getMessage(),
                    l == null ? "; none is known until they can" : "; those read before stay");
            next = l == null ? ApiClients.none(s.clientsSecret()) : l.clients();
        }
        clients = new LoadedClients(next, now);
        return next;
    }

    private Loaded tokens(Settings s) {
        String secret = s.secret();
        boolean openReads = s.openReads();
        Loaded l = loaded;
        long now = System.nanoTime();
        if (l != null && now - l.at() < REREAD_NANOS) {
            return l;
        }
        Loaded next;
        try {
            ApiTokens tokens = ApiTokens.parse(s.secrets().resolve(secret).reveal(), "secret " + secret);
            next = new Loaded(tokens, null, now);
            if (l == null || l.tokens() == null || l.tokens().size() != tokens.size()) {
                LOG.infof("API: %d token(s) from secret %s; calls that change something need an operator's%s",
                        tokens.size(), secret, openReads ? "" : ", reads a viewer's");
            }
        } catch (RuntimeException e) {
            next = new Loaded(l == null ? null : l.tokens(), e.getMessage(), now); // the tokens read before stay
            if (l == null || !e.getMessage().equals(l.problem())) {
                LOG.errorf("API: the tokens cannot be read (%s)%s", e.getMessage(), l == null || l.tokens() == null
                        ? "; every call that changes something is refused until they can" : "; those read before stay");
            }
        }
        loaded = next;
        return next;
    }

    private record Caller(ApiTokens.Caller caller, boolean secure, boolean byCertificate) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return caller::name;
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.role().specName().equals(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return byCertificate ? SecurityContext.CLIENT_CERT_AUTH : "Bearer";
        }
    }
}
