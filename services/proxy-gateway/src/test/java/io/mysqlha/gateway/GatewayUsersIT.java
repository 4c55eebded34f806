package io.mysqlha.gateway;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.Waits;
import io.mysqlha.testsupport.servers.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The application users are read again from their secret: a user added there logs in through the running gateway
 * within seconds, without a restart; one removed is refused again with the server's 1045.
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewayUsersIT {
    private static final String USER = "late_user";

    @BeforeAll
    static void listening() {
        GatewayTestInfra.awaitListening();
    }

    private static Connection login() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", "late-pw");
        p.setProperty("connectTimeout", "5000");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + GatewayTestInfra.rwPort + "/app", p);
    }

    private static void replace(Path secret, String text) throws Exception {
        Path next = secret.resolveSibling(secret.getFileName() + ".new");
        Files.writeString(next, text);
        Files.move(next, secret, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aUserAddedToTheSecretLogsInWithoutARestart() throws Exception {
        var t = SharedInfra.replicationTopology();
        try (Connection c = t.primary().connect(t.users().admin())) {
            Sql.execute(c, "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY 'late-pw'",
                    "GRANT SELECT ON app.* TO '" + USER + "'@'%'");
        }
        t.awaitReplicated(Duration.ofSeconds(30));
        Path secret = GatewayTestInfra.secretsDir.resolve("mysqlha-app-users");
        String before = Files.readString(secret);
        SQLException unknown = assertThrows(SQLException.class, GatewayUsersIT::login);
        assertEquals(1045, unknown.getErrorCode(), "not in the secret yet: " + unknown.getMessage());
        try {
            replace(secret, before + USER + ":late-pw\n");
            Waits.until(USER + " logging in through the gateway", Duration.ofSeconds(30), () -> {
                try (Connection c = login()) {
                    return Sql.value(c, "SELECT CURRENT_USER()").orElse("").startsWith(USER + "@");
                } catch (SQLException e) {
                    return false;
                }
            });
        } finally {
            replace(secret, before);
        }
        Waits.until(USER + " refused again once out of the secret", Duration.ofSeconds(30), () -> {
            try (Connection c = login()) {
                return false;
            } catch (SQLException e) {
                return e.getErrorCode() == 1045;
            }
        });
    }
}
