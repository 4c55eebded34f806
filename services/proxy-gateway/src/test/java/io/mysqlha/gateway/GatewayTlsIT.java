package io.mysqlha.gateway;

import io.mysqlha.protocol.Capabilities;
import io.mysqlha.protocol.HandshakeV10Packet;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.tls.Certificates;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS between applications and the gateway, with real drivers: MariaDB Connector/J verifying the gateway's
 * certificate and host name, MySQL Connector/J with sslMode=REQUIRED (also compressed), the same answers as in
 * clear; a listener that requires TLS refuses a login in clear with MySQL's 3159; TLS 1.3 and 1.2 offered; and a
 * certificate replaced in its secret served to new connections without a restart.
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewayTlsIT {
    private static final String QUERY = "SELECT @@version_comment IS NOT NULL AS v, 1 + 1 AS two, REPEAT('x', 100000) AS big";

    @BeforeAll
    static void listening() {
        GatewayTestInfra.awaitListening();
    }

    private static Connection mariadb(int port, String options) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/app?" + options, p);
    }

    private static Connection mysql(int port, String options) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "app");
        p.setProperty("password", "app");
        return new com.mysql.cj.jdbc.NonRegisteringDriver().connect("jdbc:mysql://127.0.0.1:" + port + "/app?"
                + options, p);
    }

    private static String answers(Connection c) throws SQLException {
        try (c; Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
            rs.next();
            return rs.getString(1) + "," + rs.getString(2) + "," + rs.getString(3).length();
        }
    }

    @Test
    void driversVerifyTheGatewayAndGetTheSameAnswersAsInClear() throws Exception {
        String clear = answers(mariadb(GatewayTestInfra.rwPort, ""));
        String ca = GatewayTestInfra.tlsCertificate.cert().toString();
        assertEquals(clear, answers(mariadb(GatewayTestInfra.tlsPort, "sslMode=verify-full&serverSslCert=" + ca)),
                "MariaDB Connector/J, the certificate and host name verified");
        assertEquals(clear, answers(mysql(GatewayTestInfra.tlsPort, "sslMode=REQUIRED&allowPublicKeyRetrieval=true")),
                "MySQL Connector/J, TLS required");
        assertEquals(clear, answers(mysql(GatewayTestInfra.tlsPort,
                "sslMode=REQUIRED&useCompression=true&allowPublicKeyRetrieval=true")), "compressed inside TLS");
        assertEquals(clear, answers(mysql(GatewayTestInfra.tlsPort, "sslMode=DISABLED&allowPublicKeyRetrieval=true")),
                "in clear where TLS is only offered");
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            assertEquals(clear, answers(mariadb(GatewayTestInfra.tlsPort, "sslMode=trust&enabledSslProtocolSuites="
                    + protocol)), protocol);
            assertEquals(protocol, handshake(GatewayTestInfra.tlsPort, protocol).protocol());
        }
    }

    @Test
    void aListenerThatRequiresTlsRefusesALoginInClearWithMysqls3159() throws Exception {
        SQLException e = assertThrows(SQLException.class, () -> mysql(GatewayTestInfra.tlsRequiredPort,
                "sslMode=DISABLED&allowPublicKeyRetrieval=true").close());
        assertEquals(3159, e.getErrorCode(), e.getMessage());
        assertTrue(e.getMessage().contains("Connections using insecure transport are prohibited"), e.getMessage());
        assertEquals("1,2,100000", answers(mysql(GatewayTestInfra.tlsRequiredPort,
                "sslMode=REQUIRED&allowPublicKeyRetrieval=true")));
        // a listener without TLS says so to a client that insists on it
        SQLException none = assertThrows(SQLException.class, () -> mariadb(GatewayTestInfra.rwPort,
                "sslMode=trust").close());
        System.out.println("TLS asked of a listener without it: " + none.getMessage());
    }

    @Test
    void aCertificateReplacedInItsSecretIsServedToNewConnectionsWithoutARestart() throws Exception {
        assertEquals("CN=mysqlha-gateway-1", handshake(GatewayTestInfra.tlsPort, "TLSv1.3").subject());
        try (Connection open = mariadb(GatewayTestInfra.tlsPort, "sslMode=trust")) {
            GatewayTestInfra.installCertificate(Certificates.selfSigned(GatewayTestInfra.secretsDir.resolve("tls"),
                    "mysqlha-gateway-2"));
            Waits.until("the new certificate served", Duration.ofSeconds(30),
                    () -> handshake(GatewayTestInfra.tlsPort, "TLSv1.3").subject().equals("CN=mysqlha-gateway-2"));
            assertEquals("1,2,100000", answers(open), "a connection opened before goes on");
        } finally {
            GatewayTestInfra.installCertificate(GatewayTestInfra.tlsCertificate);
        }
    }

    /** What a TLS handshake with the listener agreed, and the certificate it showed. */
    private record Handshake(String protocol, String subject) {
    }

    /** Greeting, SSLRequest, then a TLS handshake of this protocol version alone (trusting any certificate). */
    private static Handshake handshake(int port, String protocol) throws Exception {
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(plain.getInputStream());
            byte[] header = new byte[4];
            in.readFully(header);
            byte[] greeting = new byte[(header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16];
            in.readFully(greeting);
            HandshakeV10Packet h = HandshakeV10Packet.decode(Unpooled.wrappedBuffer(greeting));
            assertTrue(Capabilities.has(h.capabilities(), Capabilities.SSL), "CLIENT_SSL offered");
            byte[] sslRequest = new byte[4 + 32];
            sslRequest[0] = 32;
            sslRequest[3] = 1;
            int caps = Capabilities.PROTOCOL_41 | Capabilities.SECURE_CONNECTION | Capabilities.SSL
                    | Capabilities.PLUGIN_AUTH;
            for (int i = 0; i < 4; i++) {
                sslRequest[4 + i] = (byte) (caps >>> (8 * i));
            }
            sslRequest[4 + 7] = 1; // max packet 16 MiB
            sslRequest[4 + 8] = 45;
            OutputStream out = plain.getOutputStream();
            out.write(sslRequest);
            out.flush();
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (SSLSocket tls = (SSLSocket) trustAll.getSocketFactory().createSocket(plain, "127.0.0.1", port, false)) {
                tls.setEnabledProtocols(new String[] {protocol});
                tls.startHandshake();
                X509Certificate server = (X509Certificate) tls.getSession().getPeerCertificates()[0];
                return new Handshake(tls.getSession().getProtocol(), server.getSubjectX500Principal().getName());
            }
        }
    }
}
