package io.mysqlha.gateway.sql;

import io.mysqlha.gateway.sql.SqlLexer.Token;
import io.netty.buffer.ByteBuf;

/**
 * A statement's digest, as ProxySQL and performance_schema make them: comments dropped, white space collapsed,
 * literals (strings, numbers, X'..', _utf8'..') replaced by {@code ?}, and runs of them ({@code IN (1,2,3)},
 * {@code VALUES (1,2,3)}) folded into {@code ?,...}. The 64-bit hash ignores the case of words, so statements that
 * differ only in literals or keyword case share a digest. Hashing allocates nothing; the text is built only when
 * asked (the first time a digest is seen). Reads at most {@link Classifier#LIMIT} bytes.
 */
public final class Digest {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final SqlLexer lex = new SqlLexer();

    /** The digest's hash. */
    public long hash(ByteBuf bytes, int from, int to) {
        return normalize(bytes, from, to, null);
    }

    /** The digest's text (and, returned, its hash). */
    public String text(ByteBuf bytes, int from, int to) {
        StringBuilder out = new StringBuilder();
        normalize(bytes, from, to, out);
        return out.toString();
    }

    public String text(String sql) {
        byte[] b = sql.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return text(io.netty.buffer.Unpooled.wrappedBuffer(b), 0, b.length);
    }

    public long hash(String sql) {
        byte[] b = sql.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return hash(io.netty.buffer.Unpooled.wrappedBuffer(b), 0, b.length);
    }

    /** Literals of a run kept before the rest fold into ",..." (ProxySQL's query_digests_grouping_limit). */
    static final int GROUPING_LIMIT = 3;

    private long normalize(ByteBuf bytes, int from, int to, StringBuilder out) {
        lex.reset(bytes, from, to, Classifier.LIMIT);
        long h = FNV_OFFSET;
        int run = 0;
        boolean pendingComma = false;
        boolean folded = false;
        for (Token t = lex.next(); t != Token.END; t = lex.next()) {
            boolean literal = t == Token.STRING || t == Token.NUMBER;
            if (t == Token.WORD && isLiteralPrefix()) {
                continue; // X'0A', _utf8mb4'x', N'x': the literal that follows stands for both
            }
            if (lex.isPunct(',')) {
                if (pendingComma) {
                    h = comma(h, out);
                }
                pendingComma = true;
                continue;
            }
            if (lex.isPunct(';') && lex.depth() == 0 && lex.peekAfterSpace() == -1) {
                continue; // a trailing semicolon does not make another statement
            }
            if (literal && pendingComma && run >= GROUPING_LIMIT) {
                if (!folded) {
                    h = hashString(h, ",...");
                    if (out != null) {
                        out.append(",...");
                    }
                    folded = true;
                }
                pendingComma = false;
                continue;
            }
            boolean afterComma = pendingComma;
            if (pendingComma) {
                h = comma(h, out);
                pendingComma = false;
            }
            if (!afterComma) {
                run = 0;
                folded = false;
            }
            if (literal) {
                run++;
                h = hashString(h, "?");
                if (out != null) {
                    space(out, afterComma ? false : true);
                    out.append('?');
                }
                continue;
            }
            run = 0;
            folded = false;
            h = hashToken(h, t == Token.WORD || t == Token.USER_VAR || t == Token.SYSTEM_VAR);
            if (out != null) {
                int c = t == Token.PUNCT ? lex.byteAt(lex.start()) : -1;
                boolean spaced = c == ')' || c == '.' ? false
                        : c == '(' ? lex.spaceBefore()
                        : c == '=' && !lex.spaceBefore() && out.length() > 0
                        && "<>!:".indexOf(out.charAt(out.length() - 1)) >= 0 ? false : true;
                space(out, spaced);
                out.append(lex.bytesText());
            }
        }
        if (pendingComma) {
            h = comma(h, out);
        }
        return h;
    }

    private static void space(StringBuilder out, boolean wanted) {
        if (wanted && !out.isEmpty()) {
            char last = out.charAt(out.length() - 1);
            if (last != '(' && last != '.' && last != ' ') {
                out.append(' ');
            }
        }
    }

    private static long comma(long h, StringBuilder out) {
        if (out != null) {
            out.append(',');
        }
        return hashString(h, ",");
    }

    private boolean isLiteralPrefix() {
        if (!lex.followedBy('\'')) {
            return false;
        }
        return lex.is("x") || lex.is("b") || lex.is("n") || lex.byteAt(lex.start()) == '_';
    }

    private static long hashString(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * FNV_PRIME;
        }
        return h * FNV_PRIME; // a 0 between tokens: "ab" and "a b" differ
    }

    private long hashToken(long h, boolean foldCase) {
        for (int i = lex.start(); i < lex.stop(); i++) {
            int c = lex.byteAt(i);
            if (foldCase && c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }
            h = (h ^ c) * FNV_PRIME;
        }
        return h * FNV_PRIME;
    }
}
