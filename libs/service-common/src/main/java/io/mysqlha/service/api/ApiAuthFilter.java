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
    private volatile Settings settings;
    private volatile Loaded loaded;

    private record Loaded(ApiTokens tokens, String problem, long at) {
    }

    private record Settings(String secret, boolean openReads, SecretResolver secrets) {
    }

    /** The configuration is read at the first request (the filter is made before runtime configuration exists). */
    public ApiAuthFilter(jakarta.enterprise.inject.Instance<MysqlhaConfig> config) {
        this.config = config;
    }

    private Settings settings() {
        Settings s = settings;
        if (s == null) {
            MysqlhaConfig c = config.get();
            s = new Settings(c.api().tokensSecret(), c.api().openReads(),
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
        ApiAccess.Decision d = ApiAccess.decide(request.getMethod(), request.getUriInfo().getPath(),
                request.getHeaderString("Authorization"), now.tokens(), now.problem(), secret, openReads);
        switch (d) {
            case ApiAccess.Refuse r -> request.abortWith(Response.status(r.status()).type(MediaType.APPLICATION_JSON)
                    .header("WWW-Authenticate", "Bearer realm=\"mysqlha\"")
                    .entity(Map.of("error", r.message())).build());
            case ApiAccess.Allow a when a.caller() != null -> request.setSecurityContext(
                    new Caller(a.caller(), request.getSecurityContext().isSecure()));
            case ApiAccess.Allow a -> { }
        }
    }

    /** The name of the token a request came with ({@code fallback} for an open read without one). */
    public static String caller(SecurityContext security, String fallback) {
        Principal p = security == null ? null : security.getUserPrincipal();
        return p == null ? fallback : p.getName();
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

    private record Caller(ApiTokens.Caller caller, boolean secure) implements SecurityContext {
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
            return "Bearer";
        }
    }
}
