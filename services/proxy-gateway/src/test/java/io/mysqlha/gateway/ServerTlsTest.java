package io.mysqlha.gateway;

import io.mysqlha.domain.ListenerTls;
import io.mysqlha.service.SecretResolver;
import io.mysqlha.testsupport.tls.Certificates;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A listener's certificate made into a TLS context by either engine: the JDK's, or OpenSSL's (netty-tcnative). */
class ServerTlsTest {

    @Test
    void bothEnginesServeTheListenersCertificateWithTls13And12(@TempDir Path dir) throws Exception {
        Certificates cert = Certificates.selfSigned(dir.resolve("tls"), "gateway-test");
        Files.writeString(dir.resolve("cert"), cert.certPem());
        Files.writeString(dir.resolve("key"), cert.keyPem());
        assertTrue(OpenSsl.isAvailable(), "the bundled BoringSSL loads here: " + OpenSsl.unavailabilityCause());
        for (SslProvider provider : new SslProvider[] {SslProvider.JDK, SslProvider.OPENSSL}) {
            ServerTls tls = new ServerTls("test", new ListenerTls("cert", "key", false),
                    new SecretResolver(dir, Map.of()), provider);
            assertNotNull(tls.context(), provider + " builds a context");
            assertEquals(provider == SslProvider.OPENSSL, tls.context() instanceof io.netty.handler.ssl.OpenSslContext,
                    provider + " is the engine");
            var engine = tls.context().newEngine(ByteBufAllocator.DEFAULT);
            try {
                assertTrue(java.util.List.of(engine.getEnabledProtocols()).containsAll(java.util.List.of("TLSv1.3",
                        "TLSv1.2")), provider + ": " + java.util.List.of(engine.getEnabledProtocols()));
            } finally {
                io.netty.util.ReferenceCountUtil.release(engine);
            }
        }
    }
}
