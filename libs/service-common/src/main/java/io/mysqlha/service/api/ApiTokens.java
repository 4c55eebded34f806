package io.mysqlha.service.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API's tokens, from a secret with one {@code name:role:token} per line ({@code #} starts a comment): the name is
 * who did what in the events a call causes, the role what the token may do. Only each token's SHA-256 is kept, and
 * compared in constant time; nothing here ever prints a token.
 */
public final class ApiTokens {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@._-]{0,63}");
    private static final int MIN_TOKEN_LENGTH = 16;

    /** Who called: the token's name and role. */
    public record Caller(String name, ApiRole role) {
    }

    private record Token(Caller caller, byte[] sha256) {
    }

    private final List<Token> tokens;

    private ApiTokens(List<Token> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    /**
     * @param source names the secret in messages
     * @throws IllegalArgumentException naming the line that is wrong (never its token)
     */
    public static ApiTokens parse(String text, String source) {
        List<Token> tokens = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String at = source + " line " + (i + 1);
            String[] parts = line.split(":", 3);
            if (parts.length != 3) {
                throw new IllegalArgumentException(at + ": expected name:role:token");
            }
            if (!NAME.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException(at + ": the name is letters, digits, '@', '.', '_' and '-', at"
                        + " most 64");
            }
            ApiRole role;
            try {
                role = ApiRole.valueOf(parts[1].strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + " (" + parts[0] + "): the role is viewer or operator");
            }
            if (parts[2].strip().length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(at + " (" + parts[0] + "): a token has at least " + MIN_TOKEN_LENGTH
                        + " characters (e.g. openssl rand -hex 32)");
            }
            if (!names.add(parts[0])) {
                throw new IllegalArgumentException(at + ": the name " + parts[0] + " appears twice");
            }
            tokens.add(new Token(new Caller(parts[0], role), sha256(parts[2].strip())));
        }
        return new ApiTokens(tokens);
    }

    /** The caller a presented token belongs to, or empty. */
    public Optional<Caller> authenticate(String presented) {
        byte[] digest = sha256(presented.strip());
        Caller found = null;
        for (Token t : tokens) { // every token compared, so the time says nothing of which one matched
            if (MessageDigest.isEqual(digest, t.sha256()) && found == null) {
                found = t.caller();
            }
        }
        return Optional.ofNullable(found);
    }

    public int size() {
        return tokens.size();
    }

    @Override
    public String toString() {
        return "ApiTokens[" + tokens.size() + " tokens]";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
