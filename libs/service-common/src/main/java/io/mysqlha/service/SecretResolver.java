package io.mysqlha.service;

import io.mysqlha.domain.Secret;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a secret's name (as a cluster spec references it) into its value: first the environment variable
 * {@code MYSQLHA_SECRET_<NAME>} (upper case, '-' and '.' as '_'), then the file {@code <secrets dir>/<name>}
 * (a Kubernetes Secret volume). The value never appears in a message.
 */
public final class SecretResolver {
    private final Path dir;
    private final Map<String, String> env;

    public SecretResolver(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    public static String envName(String secretName) {
        return "MYSQLHA_SECRET_" + secretName.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    public Secret resolve(String name) {
        String fromEnv = env.get(envName(name));
        if (fromEnv != null) {
            return Secret.of(fromEnv);
        }
        Path file = dir.resolve(name);
        if (!file.normalize().startsWith(dir.normalize())) {
            throw new IllegalArgumentException("secret name '" + name + "' leaves the secrets directory");
        }
        try {
            return Secret.of(Files.readString(file).strip());
        } catch (IOException e) {
            throw new IllegalStateException("secret '" + name + "' not found: set " + envName(name)
                    + " or create the file " + file);
        }
    }
}
