package io.mysqlha.testsupport.servers;

import io.mysqlha.domain.Secret;

/** A database account the test support creates on every node. */
public record DbUser(String name, Secret password) {
    public static DbUser of(String name, String password) {
        return new DbUser(name, Secret.of(password));
    }
}
