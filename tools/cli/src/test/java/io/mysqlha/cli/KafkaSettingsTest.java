package io.mysqlha.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the CLI says about Kafka's security before it reaches any broker: the ACLs to grant, a bad client file. */
class KafkaSettingsTest {

    private record Ran(int exit, String out, String err) {
    }

    private static Ran run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Mysqlha.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Ran(exit, out.toString(), err.toString());
    }

    @Test
    void aViewersAclsAreReadsOfEveryTopicOfThePrefix() {
        Ran ran = run("--topic-prefix", "prod.", "topics", "acls", "--role", "viewer", "--principal", "User:watch");
        assertEquals(0, ran.exit(), ran.err());
        List<String> lines = ran.out().lines().toList();
        assertEquals(8, lines.size(), ran.out());
        assertTrue(lines.stream().allMatch(l -> l.contains("--allow-principal User:watch --operation Read --topic"
                + " 'prod.")), ran.out());
        assertTrue(lines.contains("kafka-acls.sh --bootstrap-server $KAFKA --command-config admin.properties --add"
                + " --allow-principal User:watch --operation Read --topic 'prod.commands'"), ran.out());
    }

    @Test
    void aGroupOtherThanTheDefaultIsTheOneGranted() {
        Ran ran = run("topics", "acls", "--role", "health-probe", "--principal", "User:probe", "--group", "probes-eu");
        assertEquals(0, ran.exit(), ran.err());
        assertTrue(ran.out().contains("--operation Read --group 'probes-eu'"), ran.out());
        assertTrue(ran.out().contains("--operation Write --topic 'mysqlha.health'"), ran.out());
    }

    @Test
    void anUnknownRoleOrPrincipalIsNamed() {
        Ran role = run("topics", "acls", "--role", "probe", "--principal", "User:p");
        assertEquals(2, role.exit());
        assertTrue(role.err().contains("--role: 'probe' is not a part of the suite: one of health-probe"), role.err());
        Ran principal = run("topics", "acls", "--role", "viewer", "--principal", "alice");
        assertEquals(2, principal.exit());
        assertTrue(principal.err().contains("'alice' is not a Kafka principal (e.g. User:alice)"), principal.err());
    }

    @Test
    void aKafkaClientFileWithATypoIsRefusedBeforeAnyConnection(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "security.protocl=SASL_SSL\n");
        Ran ran = run("--kafka-config", file.toString(), "status", "local");
        assertEquals(2, ran.exit(), ran.out());
        assertTrue(ran.err().contains("'security.protocl' is not a security setting (security.protocol, sasl.*,"
                + " ssl.* only)"), ran.err());
        Ran missing = run("--kafka-config", dir.resolve("nope.properties").toString(), "status", "local");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--kafka-config: cannot read"), missing.err());
    }
}
