package io.mysqlha.gateway.session;

import io.mysqlha.protocol.CachingSha2Password;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;

/**
 * The gateway's RSA key for caching_sha2_password's full authentication in clear: a client that asks for it
 * (MySQL's {@code --get-server-public-key}, Connector/J's {@code allowPublicKeyRetrieval=true}) gets the public half
 * and sends the password encrypted with it, as to a server. Made once per process, on first use, never written out.
 */
final class GatewayRsaKey {
    private GatewayRsaKey() {
    }

    private static final class Holder {
        private static final KeyPair PAIR = generate();
        private static final byte[] PEM = CachingSha2Password.pem(PAIR.getPublic());

        private static KeyPair generate() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                return g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("RSA is part of every JDK", e);
            }
        }
    }

    static byte[] pem() {
        return Holder.PEM.clone();
    }

    static PrivateKey privateKey() {
        return Holder.PAIR.getPrivate();
    }
}
