package io.mysqlha.gateway.sql;

import io.netty.buffer.ByteBuf;

/**
 * Splits statement bytes into tokens without decoding them: words (keywords and identifiers), back-quoted
 * identifiers, string and number literals, user variables ({@code @x}), system variables ({@code @@x}) and single
 * punctuation characters. White space and comments ({@code -- }, {@code #}, C-style) are skipped; the contents of
 * MySQL's executable comments ({@code /*!50100 ...}) are read as statement text, as the server does. One pass, no
 * backtracking, no allocation: a comment of any length or "nesting" costs its bytes once. Bytes past the limit it
 * was given are never read (the token there is {@link Token#END} and {@link #truncated()} says so).
 */
public final class SqlLexer {
    /** What the current token is. */
    public enum Token { WORD, QUOTED_ID, STRING, NUMBER, USER_VAR, SYSTEM_VAR, PUNCT, END }

    private ByteBuf bytes;
    private int pos;
    private int end;
    private boolean truncated;
    private boolean unterminated;
    private boolean executableComment;
    private Token token;
    private int start;
    private int stop;
    private int depth;

    /** Reads {@code bytes[from, to)}, at most {@code limit} bytes of it. */
    public SqlLexer reset(ByteBuf bytes, int from, int to, int limit) {
        this.bytes = bytes;
        this.pos = from;
        this.truncated = to - from > limit;
        this.end = truncated ? from + limit : to;
        this.unterminated = false;
        this.executableComment = false;
        this.depth = 0;
        this.token = null;
        return this;
    }

    /** Moves to the next token and returns its kind. */
    public Token next() {
        skipSpaceAndComments();
        start = pos;
        if (pos >= end) {
            stop = pos;
            return token = Token.END;
        }
        int c = at(pos);
        if (c == '\'' || c == '"') {
            quoted(c);
            return token = Token.STRING;
        }
        if (c == '`') {
            quoted(c);
            return token = Token.QUOTED_ID;
        }
        if (c == '@' && pos > 0 && (at(pos - 1) == '\'' || at(pos - 1) == '"' || at(pos - 1) == '`'
                || isWordChar(at(pos - 1)))) {
            pos++; // 'user'@'host': the account's host, not a variable
            stop = pos;
            return token = Token.PUNCT;
        }
        if (c == '@') {
            pos++;
            boolean system = pos < end && at(pos) == '@';
            if (system) {
                pos++;
            }
            if (pos < end && (at(pos) == '\'' || at(pos) == '"' || at(pos) == '`')) {
                quoted(at(pos));
            } else {
                while (pos < end && (isWordChar(at(pos)) || at(pos) == '.')) {
                    pos++;
                }
            }
            stop = pos;
            return token = system ? Token.SYSTEM_VAR : Token.USER_VAR;
        }
        if (isDigit(c) || c == '.' && pos + 1 < end && isDigit(at(pos + 1))) {
            number();
            return token = Token.NUMBER;
        }
        if (isWordChar(c)) {
            while (pos < end && isWordChar(at(pos))) {
                pos++;
            }
            stop = pos;
            return token = Token.WORD;
        }
        if (c == '(') {
            depth++;
        } else if (c == ')' && depth > 0) {
            depth--;
        }
        pos++;
        stop = pos;
        return token = Token.PUNCT;
    }

    private void skipSpaceAndComments() {
        while (pos < end) {
            int c = at(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b) {
                pos++;
            } else if (c == '#' || c == '-' && pos + 2 < end && at(pos + 1) == '-' && isSpaceOrEnd(pos + 2)
                    || c == '-' && pos + 2 == end && at(pos + 1) == '-') {
                while (pos < end && at(pos) != '\n') {
                    pos++;
                }
            } else if (c == '/' && pos + 1 < end && at(pos + 1) == '*') {
                if (pos + 2 < end && at(pos + 2) == '!') {
                    pos += 3;
                    while (pos < end && isDigit(at(pos))) {
                        pos++; // the version the text is for: this server is newer
                    }
                    executableComment = true;
                } else if (pos + 3 < end && at(pos + 2) == 'M' && at(pos + 3) == '!') {
                    pos += 4;
                    while (pos < end && isDigit(at(pos))) {
                        pos++;
                    }
                    executableComment = true;
                } else {
                    pos += 2;
                    while (pos < end && !(at(pos) == '*' && pos + 1 < end && at(pos + 1) == '/')) {
                        pos++;
                    }
                    if (pos >= end) {
                        unterminated = true;
                    }
                    pos = Math.min(end, pos + 2);
                }
            } else if (c == '*' && executableComment && pos + 1 < end && at(pos + 1) == '/') {
                executableComment = false;
                pos += 2;
            } else {
                return;
            }
        }
    }

    private boolean isSpaceOrEnd(int i) {
        int c = at(i);
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private void quoted(int quote) {
        pos++;
        while (pos < end) {
            int c = at(pos);
            if (c == '\\' && quote != '`') {
                pos += 2;
            } else if (c == quote) {
                if (pos + 1 < end && at(pos + 1) == quote) {
                    pos += 2; // a doubled quote is the quote itself
                } else {
                    pos++;
                    stop = pos;
                    return;
                }
            } else {
                pos++;
            }
        }
        pos = end;
        stop = end;
        unterminated = true;
    }

    private void number() {
        if (at(pos) == '0' && pos + 1 < end && (at(pos + 1) | 0x20) == 'x') {
            pos += 2;
            while (pos < end && isWordChar(at(pos))) {
                pos++;
            }
            stop = pos;
            return;
        }
        while (pos < end && (isDigit(at(pos)) || at(pos) == '.')) {
            pos++;
        }
        if (pos < end && (at(pos) | 0x20) == 'e') {
            int save = pos;
            pos++;
            if (pos < end && (at(pos) == '+' || at(pos) == '-')) {
                pos++;
            }
            if (pos < end && isDigit(at(pos))) {
                while (pos < end && isDigit(at(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        while (pos < end && isWordChar(at(pos))) {
            pos++; // 1abc is an identifier in MySQL; kept in one token either way
        }
        stop = pos;
    }

    private int at(int i) {
        return bytes.getByte(i) & 0xff;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** Letters, digits, _ and $, and every byte of a multi-byte UTF-8 character. */
    static boolean isWordChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$'
                || c >= 0x80;
    }

    public Token token() {
        return token;
    }

    /** Whether the current token is a word equal to {@code keyword} (lower case ASCII), without regard to case. */
    public boolean is(String keyword) {
        if (token != Token.WORD || stop - start != keyword.length()) {
            return false;
        }
        for (int k = 0; k < keyword.length(); k++) {
            int c = at(start + k);
            if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != keyword.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Whether there is white space (or a comment) right before the current token. */
    public boolean spaceBefore() {
        if (start == 0) {
            return false;
        }
        int c = at(start - 1);
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/';
    }

    /** Whether the current token is this punctuation character. */
    public boolean isPunct(char c) {
        return token == Token.PUNCT && at(start) == c;
    }

    /** Whether the next byte after the current token (no space between) is {@code c}. */
    public boolean followedBy(char c) {
        return stop < end && at(stop) == c;
    }

    /** The first byte after the current token, skipping white space (not comments); -1 at the end. */
    public int peekAfterSpace() {
        int i = stop;
        while (i < end && (at(i) == ' ' || at(i) == '\t' || at(i) == '\n' || at(i) == '\r')) {
            i++;
        }
        return i < end ? at(i) : -1;
    }

    /** Parenthesis depth after the current token. */
    public int depth() {
        return depth;
    }

    /** The current token's text, lower-cased for words and variables (allocates: for the rare statements kept). */
    public String text() {
        String s = bytes.toString(start, stop - start, java.nio.charset.StandardCharsets.UTF_8);
        return token == Token.WORD || token == Token.USER_VAR || token == Token.SYSTEM_VAR
                ? s.toLowerCase(java.util.Locale.ROOT) : s;
    }

    /** The current token's text as it is written. */
    public String bytesText() {
        return bytes.toString(start, stop - start, java.nio.charset.StandardCharsets.UTF_8);
    }

    public int start() {
        return start;
    }

    public int stop() {
        return stop;
    }

    /** The byte at an absolute index of the current statement. */
    public int byteAt(int index) {
        return at(index);
    }

    /** The statement was longer than the limit: tokens past it were not read. */
    public boolean truncated() {
        return truncated;
    }

    /** A string, identifier or comment was still open at the end. */
    public boolean unterminated() {
        return unterminated;
    }
}
