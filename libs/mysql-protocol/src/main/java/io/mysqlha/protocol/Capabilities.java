package io.mysqlha.protocol;

/**
 * Capability flags (MySQL docs: "Capabilities Flags", group__group__cs__capabilities__flags). The gateway offers
 * {@link #GATEWAY} to clients; a session uses the flags both its client and its backend have.
 */
public final class Capabilities {
    public static final int LONG_PASSWORD = 1;
    public static final int FOUND_ROWS = 1 << 1;
    public static final int LONG_FLAG = 1 << 2;
    public static final int CONNECT_WITH_DB = 1 << 3;
    public static final int NO_SCHEMA = 1 << 4;
    public static final int COMPRESS = 1 << 5;
    public static final int ODBC = 1 << 6;
    public static final int LOCAL_FILES = 1 << 7;
    public static final int IGNORE_SPACE = 1 << 8;
    public static final int PROTOCOL_41 = 1 << 9;
    public static final int INTERACTIVE = 1 << 10;
    public static final int SSL = 1 << 11;
    public static final int IGNORE_SIGPIPE = 1 << 12;
    public static final int TRANSACTIONS = 1 << 13;
    public static final int RESERVED = 1 << 14;
    public static final int SECURE_CONNECTION = 1 << 15;
    public static final int MULTI_STATEMENTS = 1 << 16;
    public static final int MULTI_RESULTS = 1 << 17;
    public static final int PS_MULTI_RESULTS = 1 << 18;
    public static final int PLUGIN_AUTH = 1 << 19;
    public static final int CONNECT_ATTRS = 1 << 20;
    public static final int PLUGIN_AUTH_LENENC_CLIENT_DATA = 1 << 21;
    public static final int CAN_HANDLE_EXPIRED_PASSWORDS = 1 << 22;
    public static final int SESSION_TRACK = 1 << 23;
    public static final int DEPRECATE_EOF = 1 << 24;
    public static final int OPTIONAL_RESULTSET_METADATA = 1 << 25;
    public static final int ZSTD_COMPRESSION = 1 << 26;
    public static final int QUERY_ATTRIBUTES = 1 << 27;

    /**
     * What the gateway carries from a client to its backends: everything that changes only how a client and a server
     * talk (not TLS or query attributes, which it does not speak). The result format a session uses is negotiated
     * with the client and then required of the backend, so the bytes a backend sends can go to the client unchanged.
     */
    public static final int GATEWAY = LONG_PASSWORD | FOUND_ROWS | LONG_FLAG | CONNECT_WITH_DB | NO_SCHEMA | ODBC
            | LOCAL_FILES | IGNORE_SPACE | PROTOCOL_41 | INTERACTIVE | IGNORE_SIGPIPE | TRANSACTIONS
            | SECURE_CONNECTION | MULTI_STATEMENTS | MULTI_RESULTS | PS_MULTI_RESULTS | PLUGIN_AUTH | CONNECT_ATTRS
            | PLUGIN_AUTH_LENENC_CLIENT_DATA | SESSION_TRACK | DEPRECATE_EOF;

    /**
     * MariaDB's extended capabilities (MariaDB KB "Connection": the last 4 of the greeting's reserved bytes and of
     * the handshake response's filler), in use only when CLIENT_MYSQL ({@link #LONG_PASSWORD}) is clear on both
     * sides.
     */
    public static final int MARIADB_PROGRESS = 1;
    public static final int MARIADB_STMT_BULK_OPERATIONS = 1 << 2;
    public static final int MARIADB_EXTENDED_METADATA = 1 << 3;
    public static final int MARIADB_CACHE_METADATA = 1 << 4;

    /**
     * The extended capabilities the gateway carries: bulk execution (its answer is an ordinary OK, ERR or result set)
     * and extended metadata (only column definitions change, and they pass as bytes). Not progress reports (packets
     * between a command and its answer) nor metadata caching (result sets without column definitions).
     */
    public static final int MARIADB_GATEWAY = MARIADB_STMT_BULK_OPERATIONS | MARIADB_EXTENDED_METADATA;

    /** Flags that change how every packet after the handshake is framed (the compressed protocol). */
    public static final int FRAMING = COMPRESS | ZSTD_COMPRESSION;

    /**
     * What the gateway speaks with its client alone, never asked of a backend: the compressed protocol with zlib or
     * zstd ({@link CompressedProtocol}), which wraps the frames of the client's hop only. (zstd is offered to MySQL
     * clients only: MariaDB servers do not have it.)
     */
    public static final int CLIENT_HOP = FRAMING;

    /** Flags that change the bytes of results: a backend without one the client negotiated cannot serve it. */
    public static final int RESULT_FORMAT = PROTOCOL_41 | SESSION_TRACK | DEPRECATE_EOF | MULTI_RESULTS
            | PS_MULTI_RESULTS;

    private Capabilities() {
    }

    public static boolean has(int flags, int flag) {
        return (flags & flag) != 0;
    }

    private static final String[] NAMES = {"CLIENT_LONG_PASSWORD", "CLIENT_FOUND_ROWS", "CLIENT_LONG_FLAG",
        "CLIENT_CONNECT_WITH_DB", "CLIENT_NO_SCHEMA", "CLIENT_COMPRESS", "CLIENT_ODBC", "CLIENT_LOCAL_FILES",
        "CLIENT_IGNORE_SPACE", "CLIENT_PROTOCOL_41", "CLIENT_INTERACTIVE", "CLIENT_SSL", "CLIENT_IGNORE_SIGPIPE",
        "CLIENT_TRANSACTIONS", "CLIENT_RESERVED", "CLIENT_SECURE_CONNECTION", "CLIENT_MULTI_STATEMENTS",
        "CLIENT_MULTI_RESULTS", "CLIENT_PS_MULTI_RESULTS", "CLIENT_PLUGIN_AUTH", "CLIENT_CONNECT_ATTRS",
        "CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA", "CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS", "CLIENT_SESSION_TRACK",
        "CLIENT_DEPRECATE_EOF", "CLIENT_OPTIONAL_RESULTSET_METADATA", "CLIENT_ZSTD_COMPRESSION_ALGORITHM",
        "CLIENT_QUERY_ATTRIBUTES"};

    /** The flags' names as the MySQL docs spell them, comma-separated ("CLIENT_COMPRESS"). */
    public static String names(int flags) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int bit = 0; bit < 32; bit++) {
            if (has(flags, 1 << bit)) {
                names.add(bit < NAMES.length ? NAMES[bit] : "capability bit " + bit);
            }
        }
        return String.join(", ", names);
    }

    /** The MariaDB extended capabilities a greeting or handshake response speaks of: none with CLIENT_MYSQL set. */
    public static int mariadb(int capabilities, int mariadbCapabilities) {
        return has(capabilities, LONG_PASSWORD) ? 0 : mariadbCapabilities;
    }
}
