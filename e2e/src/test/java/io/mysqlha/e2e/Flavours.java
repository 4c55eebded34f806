package io.mysqlha.e2e;

import io.mysqlha.testsupport.servers.GtidTopology;
import io.mysqlha.testsupport.servers.MySqlTopology;
import io.mysqlha.testsupport.servers.ReplicationTopology;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** The server flavours a scenario runs on: the same scenario on a MariaDB and on a MySQL primary with two replicas. */
final class Flavours {
    private Flavours() {
    }

    /** One flavour: its name (the test's), a tag for topic prefixes and folders, and how its servers start. */
    record Of(String name, String tag, Function<Path, GtidTopology> starter) {
        GtidTopology start(Path dir) {
            return starter.apply(dir);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final Of MARIADB = new Of("MariaDB 10.11", "mariadb", dir -> ReplicationTopology.startForTests(dir, 2));
    static final Of MYSQL = new Of("MySQL 9.7", "mysql", dir -> MySqlTopology.startForTests(dir, 2));
    static final List<Of> BOTH = List.of(MARIADB, MYSQL);
}
