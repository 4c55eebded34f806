package io.mysqlha.protocol;

/** The first byte of a command packet (MySQL docs: "Text Protocol", "Prepared Statements", "Utility Commands"). */
public final class Command {
    public static final int SLEEP = 0x00;
    public static final int QUIT = 0x01;
    public static final int INIT_DB = 0x02;
    public static final int QUERY = 0x03;
    public static final int FIELD_LIST = 0x04;
    public static final int CREATE_DB = 0x05;
    public static final int DROP_DB = 0x06;
    public static final int REFRESH = 0x07;
    public static final int SHUTDOWN = 0x08;
    public static final int STATISTICS = 0x09;
    public static final int PROCESS_INFO = 0x0a;
    public static final int PROCESS_KILL = 0x0c;
    public static final int DEBUG = 0x0d;
    public static final int PING = 0x0e;
    public static final int CHANGE_USER = 0x11;
    public static final int BINLOG_DUMP = 0x12;
    public static final int STMT_PREPARE = 0x16;
    public static final int STMT_EXECUTE = 0x17;
    public static final int STMT_SEND_LONG_DATA = 0x18;
    public static final int STMT_CLOSE = 0x19;
    public static final int STMT_RESET = 0x1a;
    public static final int SET_OPTION = 0x1b;
    public static final int STMT_FETCH = 0x1c;
    public static final int BINLOG_DUMP_GTID = 0x1e;
    public static final int RESET_CONNECTION = 0x1f;
    /** MariaDB's array binding (MariaDB Connector/J batches use it). */
    public static final int STMT_BULK_EXECUTE = 0xfa;

    private Command() {
    }

    /** Whether the server answers this command at all (COM_STMT_CLOSE and COM_STMT_SEND_LONG_DATA have no reply). */
    public static boolean hasResponse(int command) {
        return command != STMT_CLOSE && command != STMT_SEND_LONG_DATA && command != QUIT;
    }

    public static String name(int command) {
        return switch (command) {
            case SLEEP -> "COM_SLEEP";
            case QUIT -> "COM_QUIT";
            case INIT_DB -> "COM_INIT_DB";
            case QUERY -> "COM_QUERY";
            case FIELD_LIST -> "COM_FIELD_LIST";
            case CREATE_DB -> "COM_CREATE_DB";
            case DROP_DB -> "COM_DROP_DB";
            case REFRESH -> "COM_REFRESH";
            case SHUTDOWN -> "COM_SHUTDOWN";
            case STATISTICS -> "COM_STATISTICS";
            case PROCESS_INFO -> "COM_PROCESS_INFO";
            case PROCESS_KILL -> "COM_PROCESS_KILL";
            case DEBUG -> "COM_DEBUG";
            case PING -> "COM_PING";
            case CHANGE_USER -> "COM_CHANGE_USER";
            case BINLOG_DUMP -> "COM_BINLOG_DUMP";
            case STMT_PREPARE -> "COM_STMT_PREPARE";
            case STMT_EXECUTE -> "COM_STMT_EXECUTE";
            case STMT_SEND_LONG_DATA -> "COM_STMT_SEND_LONG_DATA";
            case STMT_CLOSE -> "COM_STMT_CLOSE";
            case STMT_RESET -> "COM_STMT_RESET";
            case SET_OPTION -> "COM_SET_OPTION";
            case STMT_FETCH -> "COM_STMT_FETCH";
            case BINLOG_DUMP_GTID -> "COM_BINLOG_DUMP_GTID";
            case RESET_CONNECTION -> "COM_RESET_CONNECTION";
            case STMT_BULK_EXECUTE -> "COM_STMT_BULK_EXECUTE";
            default -> String.format("command 0x%02x", command);
        };
    }
}
