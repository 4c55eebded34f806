package io.mysqlha.service;

import io.mysqlha.domain.Secret;

import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;

/**
 * A database user and password from a secret holding {@code user=} and {@code password=} lines. The record's
 * {@code toString} shows the user only.
 */
public record DbCredentials(String user, Secret password) {

    public static DbCredentials parse(String secretName, Secret secret) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(secret.reveal()));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("secret '" + secretName + "' is not user=/password= lines");
        }
        String user = p.getProperty("user");
        String password = p.getProperty("password");
        if (user == null || user.isBlank() || password == null) {
            throw new IllegalStateException("secret '" + secretName + "' needs a user= and a password= line");
        }
        return new DbCredentials(user.strip(), Secret.of(password));
    }
}
