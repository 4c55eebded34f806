package io.mysqlha.gateway.session;

import io.netty.buffer.ByteBuf;

/**
 * Whether a statement begins with a keyword, read from its bytes without decoding it: the per-statement check
 * behind the few statements the gateway looks into (USE, KILL). Only when it matches is the text decoded. Pure.
 */
final class StatementStart {
    private StatementStart() {
    }

    /**
     * True when the bytes from {@code from} to {@code to} start, after spaces, tabs and line breaks, with
     * {@code keyword} (ASCII, lower case, compared without case) followed by white space.
     */
    static boolean is(ByteBuf b, int from, int to, String keyword) {
        int i = from;
        while (i < to && isSpace(b.getByte(i))) {
            i++;
        }
        if (to - i <= keyword.length()) {
            return false;
        }
        for (int k = 0; k < keyword.length(); k++) {
            if ((b.getByte(i + k) | 0x20) != keyword.charAt(k)) {
                return false;
            }
        }
        return isSpace(b.getByte(i + keyword.length()));
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
