package io.mysqlha.gateway;

import io.mysqlha.testsupport.SharedInfra;
import io.mysqlha.testsupport.servers.Sql;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Application users read from the servers (the spec's {@code credentials.users_loader}, MaxScale's way), on MariaDB:
 * a user created on the primary a moment before logs in through the gateway without touching a secret, a changed
 * password takes effect at once, a host pattern that excludes the client and a locked account are refused with the
 * server's own errors, side by side with the server.
 */
@QuarkusTest
@WithTestResource(GatewayTestInfra.class)
class GatewayServerUsersIT {

    @BeforeAll
    static void listening() {
        GatewayTestInfra.awaitListening();
    }

    private static Connection login(int port, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5000");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/app", p);
    }

    private static Connection throughGateway(String user, String password) throws SQLException {
        return login(GatewayTestInfra.serverUsersPort, user, password);
    }

    private static Connection direct(String user, String password) throws SQLException {
        return login(SharedInfra.replicationTopology().primary().port(), user, password);
    }

    private static void onPrimary(String... statements) throws SQLException {
        var t = SharedInfra.replicationTopology();
        try (Connection c = t.primary().connect(t.users().admin())) {
            Sql.execute(c, statements);
        }
    }

    /**
     * A login no account matches is refused alike: the server's code and message, or MySQL's 1045. (MariaDB answers such a login as it
     * would a login to one of its accounts picked by a hash of the user name, so that nobody can probe which users
     * exist: 1045, or 1698 without mentioning the password when that account's plugin takes none. The gateway
     * answers 1045 as MySQL does when it refuses the login itself; when its copy of the accounts was older than the
     * server's, the server's refusal of its backend login is relayed as it is.)
     */
    private static void accessDeniedAlike(SQLException server, SQLException gateway) {
        if (server.getErrorCode() != gateway.getErrorCode()) {
            assertEquals(1698, server.getErrorCode(), server.getMessage());
            assertEquals(1045, gateway.getErrorCode(), gateway.getMessage());
        } else {
            assertEquals(message(server), message(gateway));
        }
    }

    /** What the driver says without its connection number. */
    private static String message(SQLException e) {
        return e.getMessage().replaceFirst("^\\(conn=\\d+\\) ", "");
    }

    private static String fresh(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 6);
    }

    @Test
    void aUserCreatedOnThePrimaryAMomentBeforeLogsInWithoutTouchingASecret() throws Exception {
        String user = fresh("created");
        onPrimary("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'first-pw'", "GRANT SELECT ON app.* TO '" + user
                + "'@'%'");
        try (Connection c = throughGateway(user, "first-pw")) {
            assertEquals(user + "@%", Sql.value(c, "SELECT CURRENT_USER()").orElse(""));
        }
        onPrimary("ALTER USER '" + user + "'@'%' IDENTIFIED BY 'second-pw'");
        try (Connection c = throughGateway(user, "second-pw")) {
            assertEquals(user + "@%", Sql.value(c, "SELECT CURRENT_USER()").orElse(""), "a new password at once");
        }
        SQLException old = assertThrows(SQLException.class, () -> throughGateway(user, "first-pw"));
        assertEquals(1045, old.getErrorCode(), old.getMessage());
        onPrimary("DROP USER '" + user + "'@'%'");
        SQLException dropped = assertThrows(SQLException.class, () -> throughGateway(user, "second-pw"));
        accessDeniedAlike(assertThrows(SQLException.class, () -> direct(user, "second-pw")), dropped);
    }

    @Test
    void aHostPatternThatExcludesTheClientIsRefusedAsTheServerRefusesIt() throws Exception {
        String user = fresh("remote");
        onPrimary("CREATE USER '" + user + "'@'10.%' IDENTIFIED BY 'pw'");
        try {
            SQLException server = assertThrows(SQLException.class, () -> direct(user, "pw"));
            SQLException gateway = assertThrows(SQLException.class, () -> throughGateway(user, "pw"));
            accessDeniedAlike(server, gateway);
        } finally {
            onPrimary("DROP USER '" + user + "'@'10.%'");
        }
    }

    @Test
    void aLockedAccountIsRefusedWithTheServersOwnError() throws Exception {
        String user = fresh("locked");
        onPrimary("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw' ACCOUNT LOCK", "GRANT SELECT ON app.* TO '"
                + user + "'@'%'");
        try {
            SQLException server = assertThrows(SQLException.class, () -> direct(user, "pw"));
            SQLException gateway = assertThrows(SQLException.class, () -> throughGateway(user, "pw"));
            assertEquals(server.getErrorCode(), gateway.getErrorCode(), server.getMessage() + " / "
                    + gateway.getMessage());
            assertEquals(4151, gateway.getErrorCode());
            assertEquals(message(server), message(gateway));
            onPrimary("ALTER USER '" + user + "'@'%' ACCOUNT UNLOCK");
            // a refusal for a locked account reads the users again too: the unlock takes effect at once
            try (Connection c = throughGateway(user, "pw")) {
                assertEquals(user + "@%", Sql.value(c, "SELECT CURRENT_USER()").orElse(""));
            }
        } finally {
            onPrimary("DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void theSecretsUsersStillLogInBesideTheServers() throws Exception {
        var users = SharedInfra.replicationTopology().users();
        try (Connection c = throughGateway(users.app().name(), users.app().password().reveal())) {
            assertTrue(Sql.value(c, "SELECT CURRENT_USER()").orElse("").startsWith(users.app().name() + "@"));
        }
    }

    /** MySQL Connector/J as an application in clear would connect to MySQL 9.7: the server's RSA key fetched. */
    private static Connection mysqlLogin(int port, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5000");
        p.setProperty("sslMode", "DISABLED");
        p.setProperty("allowPublicKeyRetrieval", "true");
        return new com.mysql.cj.jdbc.Driver().connect("jdbc:mysql://127.0.0.1:" + port + "/app", p);
    }

    private static void onMysqlPrimary(String... statements) throws SQLException {
        var m = SharedInfra.mysqlTopology();
        try (Connection c = m.primary().connect(m.users().admin())) {
            Sql.execute(c, statements);
        }
    }

    @Test
    void onMysqlACachingSha2UserCreatedAMomentBeforeLogsInByFullAuthentication() throws Exception {
        String user = fresh("sha2");
        int gateway = GatewayTestInfra.mysqlServerUsersPort;
        int direct = SharedInfra.mysqlTopology().primary().port();
        onMysqlPrimary("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'sha-pw'", "GRANT SELECT ON app.* TO '" + user
                + "'@'%'");
        try {
            try (Connection c = mysqlLogin(gateway, user, "sha-pw")) {
                assertEquals(user + "@%", Sql.value(c, "SELECT CURRENT_USER()").orElse(""));
            }
            SQLException wrongDirect = assertThrows(SQLException.class, () -> mysqlLogin(direct, user, "nope"));
            SQLException wrong = assertThrows(SQLException.class, () -> mysqlLogin(gateway, user, "nope"));
            assertEquals(wrongDirect.getErrorCode(), wrong.getErrorCode(), wrong.getMessage());
            assertEquals(message(wrongDirect), message(wrong));
            onMysqlPrimary("ALTER USER '" + user + "'@'%' ACCOUNT LOCK");
            SQLException lockedDirect = assertThrows(SQLException.class, () -> mysqlLogin(direct, user, "sha-pw"));
            SQLException locked = assertThrows(SQLException.class, () -> mysqlLogin(gateway, user, "sha-pw"));
            assertEquals(3118, locked.getErrorCode(), locked.getMessage());
            assertEquals(lockedDirect.getErrorCode(), locked.getErrorCode());
            assertEquals(message(lockedDirect), message(locked));
        } finally {
            onMysqlPrimary("DROP USER '" + user + "'@'%'");
        }
    }
}
