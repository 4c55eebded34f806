package io.mysqlha.gateway;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * What a client program observed, as text: update counts, rows, warnings, errors (code, SQLSTATE, message). Two
 * runs of the same program, directly and through the gateway, must write the same transcript.
 */
final class Transcript {
    /** A step that may fail; its failure is part of the outcome, not of the test. */
    interface Step {
        void run() throws Exception;
    }

    private final StringBuilder text = new StringBuilder();

    Transcript line(Object... parts) {
        for (int i = 0; i < parts.length; i++) {
            text.append(i == 0 ? "" : " ").append(parts[i]);
        }
        text.append('\n');
        return this;
    }

    /** Runs a step; a SQLException it throws is written down as the server's answer. */
    Transcript attempt(String label, Step step) throws Exception {
        try {
            step.run();
        } catch (SQLException e) {
            error(label, e);
        }
        return this;
    }

    Transcript error(String label, SQLException e) {
        return line(label, "ERR", e.getErrorCode(), e.getSQLState(), e.getClass().getSimpleName(),
                message(e.getMessage()));
    }

    /**
     * A driver's message, the same wherever the server stands: its first line (MySQL Connector/J appends stack
     * traces), without the client's timings, and with the connection id MariaDB Connector/J prefixes as "conn=N":
     * through the gateway that is the gateway's id, by design (the id of the greeting, which KILL takes); and which
     * changed character set variable MariaDB Connector/J names first.
     */
    static String message(String m) {
        if (m == null) {
            return null;
        }
        int end = m.indexOf('\n');
        return (end < 0 ? m : m.substring(0, end)).replaceAll("\\(conn=\\d+\\)", "(conn=N)")
                .replaceAll("\\d+ milliseconds ago", "N milliseconds ago")
                // the first of the changed character_set_* variables MariaDB Connector/J names: the order of session
                // state entries differs under session causal reads (docs/gateway-compatibility.md)
                .replaceAll("Connection (character set|character_set_\\w+) was changed", "Connection character set"
                        + " (one of) was changed").strip();
    }

    /** Column labels and types, then every row (values as strings, binary as hex). */
    Transcript rows(ResultSet rs) throws SQLException {
        ResultSetMetaData m = rs.getMetaData();
        StringBuilder header = new StringBuilder("columns");
        for (int i = 1; i <= m.getColumnCount(); i++) {
            header.append(' ').append(m.getColumnLabel(i)).append(':').append(m.getColumnTypeName(i)).append('/')
                    .append(m.getColumnType(i));
        }
        line(header);
        while (rs.next()) {
            StringBuilder row = new StringBuilder("row");
            for (int i = 1; i <= m.getColumnCount(); i++) {
                row.append(" | ").append(value(rs, m, i));
            }
            line(row);
        }
        return warnings(rs.getWarnings());
    }

    /** Row count and a digest of every value, for results too large to write out. */
    Transcript digest(ResultSet rs) throws SQLException {
        MessageDigest d = sha256();
        long n = 0;
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            n++;
            for (int i = 1; i <= columns; i++) {
                byte[] v = rs.getBytes(i);
                d.update(v == null ? new byte[] {-1} : v);
            }
        }
        return line("rows", n, "sha256", HexFormat.of().formatHex(d.digest()));
    }

    Transcript warnings(SQLWarning w) {
        for (; w != null; w = w.getNextWarning()) {
            line("warning", w.getErrorCode(), w.getSQLState(), w.getMessage());
        }
        return this;
    }

    /** Every result of an execute: update counts and result sets, in order. */
    Transcript results(Statement s, boolean first) throws SQLException {
        boolean isResult = first;
        while (true) {
            if (isResult) {
                try (ResultSet rs = s.getResultSet()) {
                    rows(rs);
                }
            } else {
                long count = s.getLargeUpdateCount();
                if (count == -1) {
                    return warnings(s.getWarnings());
                }
                line("update", count);
            }
            isResult = s.getMoreResults();
        }
    }

    private static String value(ResultSet rs, ResultSetMetaData m, int i) throws SQLException {
        int type = m.getColumnType(i);
        if (type == java.sql.Types.BINARY || type == java.sql.Types.VARBINARY || type == java.sql.Types.LONGVARBINARY
                || type == java.sql.Types.BLOB) {
            byte[] v = rs.getBytes(i);
            if (v == null) {
                return "NULL";
            }
            return v.length > 64 ? v.length + " bytes sha256 " + HexFormat.of().formatHex(sha256().digest(v))
                    : HexFormat.of().formatHex(v);
        }
        String v = rs.getString(i);
        if (v == null) {
            return "NULL";
        }
        return v.length() > 200 ? v.length() + " chars sha256 " + HexFormat.of().formatHex(sha256().digest(
                v.getBytes(java.nio.charset.StandardCharsets.UTF_8))) : v;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String text() {
        return text.toString();
    }
}
