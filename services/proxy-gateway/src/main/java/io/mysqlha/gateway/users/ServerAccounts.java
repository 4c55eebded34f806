package io.mysqlha.gateway.users;

import io.mysqlha.gateway.session.AppUsers;
import io.mysqlha.protocol.CachingSha2Password;
import io.mysqlha.protocol.NativePassword;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The application accounts as a cluster's servers define them (rows of MariaDB's {@code mysql.global_priv} or
 * MySQL's {@code mysql.user}), and which one a client logs in as: as the server does, the account whose host pattern
 * matches the client's address, the most specific host first (a literal address or name, then patterns by the
 * length of their fixed prefix, {@code %} last). Host patterns: {@code %} and {@code _} wildcards, {@code
 * localhost} (the loopback addresses: the gateway does not resolve names), {@code address/netmask} and {@code
 * address/bits}. Anonymous accounts and roles are not application users and are left out; so are accounts whose
 * plugin the gateway cannot check (counted in {@link #skipped()}, by plugin). mysql_native_password accounts are
 * checked from their hash; caching_sha2_password ones from their SHA-256-crypt, with the password the client sends
 * in full authentication.
 */
public final class ServerAccounts {
    /** One loadable account. */
    record Account(String user, String host, AppUsers.User credentials) {
    }

    private final Map<String, List<Account>> byUser;
    private final Map<String, Integer> skipped;
    private final int size;
    private final String fingerprint;

    private ServerAccounts(Map<String, List<Account>> byUser, Map<String, Integer> skipped) {
        this.byUser = byUser;
        this.skipped = skipped;
        this.size = byUser.values().stream().mapToInt(List::size).sum();
        this.fingerprint = fingerprint(byUser);
    }

    public static final ServerAccounts NONE = new ServerAccounts(Map.of(), Map.of());

    /** A digest of every account (user, host, hash, lock): equal for the same accounts, whatever their order. */
    public String fingerprint() {
        return fingerprint;
    }

    private static String fingerprint(Map<String, List<Account>> byUser) {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            new TreeMap<>(byUser).forEach((user, accounts) -> accounts.stream()
                    .sorted(Comparator.comparing(Account::host)).forEach(a -> {
                        d.update((user + "\0" + a.host() + "\0" + a.credentials().locked() + "\0")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        var c = a.credentials();
                        d.update(c.nativeHash() != null ? c.nativeHash() : c.crypt() != null
                                ? (c.crypt().digest() + new String(c.crypt().salt(),
                                java.nio.charset.StandardCharsets.ISO_8859_1)).getBytes(
                                java.nio.charset.StandardCharsets.ISO_8859_1) : new byte[0]);
                    }));
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * From rows with the columns {@code User}, {@code Host}, {@code plugin}, {@code authentication_string},
     * {@code account_locked} ({@code Y}/{@code N}, or {@code true}/{@code false} from MariaDB's JSON) and, on
     * MariaDB, {@code is_role}; column names in any case.
     */
    public static ServerAccounts of(List<Map<String, String>> rows) {
        Map<String, List<Account>> byUser = new TreeMap<>();
        Map<String, Integer> skipped = new TreeMap<>();
        for (Map<String, String> row : rows) {
            String user = column(row, "user");
            String host = column(row, "host");
            if (user == null || user.isEmpty() || host == null || yes(column(row, "is_role"))) {
                continue;
            }
            String plugin = column(row, "plugin");
            String auth = column(row, "authentication_string");
            String hex = column(row, "auth_hex");
            if (hex != null) { // the exact bytes: a caching_sha2_password salt is binary
                auth = new String(java.util.HexFormat.of().parseHex(hex), java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            AppUsers.User credentials = credentials(plugin, auth, yes(column(row, "account_locked")), skipped);
            if (credentials != null) {
                byUser.computeIfAbsent(user, u -> new ArrayList<>()).add(new Account(user, host, credentials));
            }
        }
        byUser.values().forEach(list -> list.sort(Comparator.comparing(a -> specificity(a.host()),
                Comparator.reverseOrder())));
        return new ServerAccounts(Map.copyOf(byUser), Map.copyOf(skipped));
    }

    /**
     * What the gateway checks an account's password against, or null (counted in {@code skipped}, by plugin) when
     * what the server stores cannot be checked.
     */
    private static AppUsers.User credentials(String plugin, String auth, boolean locked, Map<String, Integer> skipped) {
        boolean none = auth == null || auth.isEmpty();
        if (CachingSha2Password.PLUGIN.equals(plugin)) {
            if (none) {
                return new AppUsers.User(new byte[0], io.mysqlha.domain.Secret.of(""), locked, null);
            }
            var crypt = CachingSha2Password.StoredCrypt.parse(auth.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            if (crypt != null) {
                return new AppUsers.User(null, null, locked, crypt);
            }
        } else if (plugin == null || plugin.isEmpty() || plugin.equals(NativePassword.PLUGIN)) {
            if (none) {
                return new AppUsers.User(new byte[0], null, locked); // no password
            }
            if (auth.length() == 41 && auth.startsWith("*")) {
                try {
                    return new AppUsers.User(NativePassword.parseStoredHash(auth), null, locked);
                } catch (IllegalArgumentException e) {
                    // not hexadecimal: below
                }
            }
            // 'invalid' (MariaDB's system accounts), or a hash of another plugin's: nobody logs in with it
        } else {
            skipped.merge(plugin, 1, Integer::sum);
            return null;
        }
        skipped.merge((plugin == null || plugin.isEmpty() ? NativePassword.PLUGIN : plugin)
                + " without a password hash", 1, Integer::sum);
        return null;
    }

    /** The account {@code user} logs in as from {@code clientHost} (an IP address), or empty. */
    public Optional<AppUsers.User> find(String user, String clientHost) {
        for (Account a : byUser.getOrDefault(user, List.of())) {
            if (matches(a.host(), clientHost)) {
                return Optional.of(a.credentials());
            }
        }
        return Optional.empty();
    }

    /** Whether {@code user} has an account at all (from any host). */
    public boolean knows(String user) {
        return byUser.containsKey(user);
    }

    public int size() {
        return size;
    }

    /** Accounts left out because the gateway cannot check their plugin, per plugin. */
    public Map<String, Integer> skipped() {
        return skipped;
    }

    /** Whether a host pattern of an account matches a client's address, as the server matches it. */
    static boolean matches(String pattern, String address) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String a = address.toLowerCase(Locale.ROOT);
        if (p.equals("%") || p.isEmpty()) {
            return true;
        }
        if (p.equals("localhost")) {
            return a.equals("127.0.0.1") || a.equals("::1") || a.equals("0:0:0:0:0:0:0:1");
        }
        int slash = p.indexOf('/');
        if (slash > 0) {
            return inNetwork(p.substring(0, slash), p.substring(slash + 1), a);
        }
        return like(p, 0, a, 0);
    }

    /** SQL LIKE with {@code %} and {@code _} (a backslash escapes the next character). */
    private static boolean like(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '%') {
                for (int k = si; k <= s.length(); k++) {
                    if (like(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length()) {
                return false;
            }
            if (c == '\\' && pi + 1 < p.length()) {
                pi++;
                c = p.charAt(pi);
                if (s.charAt(si) != c) {
                    return false;
                }
            } else if (c != '_' && s.charAt(si) != c) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }

    private static boolean inNetwork(String network, String mask, String address) {
        long net = ipv4(network);
        long addr = ipv4(address);
        if (net < 0 || addr < 0) {
            return false;
        }
        long bits;
        if (mask.matches("\\d{1,2}")) {
            int n = Integer.parseInt(mask);
            if (n > 32) {
                return false;
            }
            bits = n == 0 ? 0 : (0xFFFFFFFFL << (32 - n)) & 0xFFFFFFFFL;
        } else {
            bits = ipv4(mask);
            if (bits < 0) {
                return false;
            }
        }
        return (addr & bits) == (net & bits);
    }

    /** An IPv4 address as a number, or -1 when it is not one. */
    private static long ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long v = 0;
        for (String part : parts) {
            if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
                return -1;
            }
            v = (v << 8) | Integer.parseInt(part);
        }
        return v;
    }

    /**
     * How specific a host pattern is: a literal host (no wildcard) first, then patterns by the length of what
     * precedes their first wildcard; {@code %} last.
     */
    private static int specificity(String host) {
        int wildcard = -1;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '%' || c == '_') {
                wildcard = i;
                break;
            }
        }
        if (wildcard < 0) {
            return host.isEmpty() ? 0 : 10_000; // '' is any host, as '%'
        }
        return wildcard + 1;
    }

    private static String column(Map<String, String> row, String name) {
        for (var e : row.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static boolean yes(String value) {
        return value != null && (value.equalsIgnoreCase("Y") || value.equalsIgnoreCase("true") || value.equals("1"));
    }

    @Override
    public String toString() {
        return "ServerAccounts[" + size + " accounts]";
    }
}
