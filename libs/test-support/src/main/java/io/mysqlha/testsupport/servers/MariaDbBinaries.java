package io.mysqlha.testsupport.servers;

import java.nio.file.Files;
import java.nio.file.Path;

/** The Debian MariaDB 10.11 programs the test support runs; a clear message when they are not installed. */
public final class MariaDbBinaries {
    public static final String INSTALL_HINT = "install them with infra/ci/install-prereqs.sh (Debian packages"
            + " mariadb-server mariadb-client mariadb-backup galera-4 rsync)";

    private MariaDbBinaries() {
    }

    public static Path server() {
        return require("/usr/sbin/mariadbd");
    }

    public static Path installDb() {
        return require("/usr/bin/mariadb-install-db");
    }

    public static Path client() {
        return require("/usr/bin/mariadb");
    }

    public static Path galeraProvider() {
        return require("/usr/lib/galera/libgalera_smm.so");
    }

    private static Path require(String path) {
        Path p = Path.of(path);
        if (!Files.isExecutable(p) && !Files.isReadable(p)) {
            throw new IllegalStateException(path + " is missing: " + INSTALL_HINT);
        }
        return p;
    }

    /** mariadbd refuses to run as root; as root we run it as the mysql user (Galera's rsync SST needs that too). */
    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
