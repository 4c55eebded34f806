package io.mysqlha.cli;

import io.mysqlha.events.Topics;
import io.mysqlha.events.kafka.KafkaAccess;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * {@code mysqlha}: the operator's command line. Reads and requests go through Kafka, as the services' own do;
 * backups go through the backup service's REST API. Exit codes: 0 done, 1 failed, 2 bad input, 3 timed out.
 */
@Command(name = "mysqlha", mixinStandardHelpOptions = true, version = "mysqlha 0.1.0",
        description = "High availability for MySQL and MariaDB: specs, status, switchover, backups, events.",
        subcommands = {ClustersCommand.class, StatusCommand.class, SwitchoverCommand.class, BackupsCommand.class, TopicsCommand.class,
                EventsCommand.class, CommandLine.HelpCommand.class})
public final class Mysqlha {
    @Option(names = "--bootstrap-servers", defaultValue = "${env:MYSQLHA_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka (default: $MYSQLHA_KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE})",
            scope = CommandLine.ScopeType.INHERIT)
    String bootstrap;

    @Option(names = "--kafka-config", defaultValue = "${env:MYSQLHA_KAFKA_CONFIG}", paramLabel = "FILE",
            description = "Kafka client properties for a secured broker (security.protocol, sasl.*, ssl.*), the file"
                    + " Kafka's own tools take as --command-config (default: $MYSQLHA_KAFKA_CONFIG)",
            scope = CommandLine.ScopeType.INHERIT)
    String kafkaConfig;

    @Option(names = "--topic-prefix", defaultValue = "${env:MYSQLHA_TOPIC_PREFIX:-mysqlha.}",
            description = "prefix of the suite's topics (default: $MYSQLHA_TOPIC_PREFIX or ${DEFAULT-VALUE})",
            scope = CommandLine.ScopeType.INHERIT)
    String topicPrefix;

    @Option(names = "--kafka-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "how long Kafka may take to answer (default ${DEFAULT-VALUE})",
            scope = CommandLine.ScopeType.INHERIT)
    Duration kafkaTimeout;

    Fleet fleet() {
        try {
            return new Fleet(kafka(), new Topics(topicPrefix), kafkaTimeout);
        } catch (IllegalArgumentException e) {
            throw new CliException("--topic-prefix: " + e.getMessage(), 2);
        }
    }

    /** How this command reaches Kafka: in clear, or as --kafka-config says. */
    KafkaAccess kafka() {
        if (kafkaConfig == null || kafkaConfig.isBlank()) {
            return KafkaAccess.plaintext(bootstrap);
        }
        java.util.Properties properties = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(kafkaConfig))) {
            properties.load(in);
        } catch (java.io.IOException e) {
            throw new CliException("--kafka-config: cannot read " + kafkaConfig + " (" + e.getMessage() + ")", 2);
        }
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        properties.stringPropertyNames().forEach(k -> settings.put(k, properties.getProperty(k)));
        try {
            return KafkaAccess.fromProperties(bootstrap, settings, kafkaConfig);
        } catch (IllegalArgumentException e) {
            throw new CliException("--kafka-config " + e.getMessage(), 2);
        }
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Mysqlha());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CliException c) {
                err.println("mysqlha: " + c.getMessage());
                return c.exitCode();
            }
            err.println("mysqlha: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    /** An enum constant as the CLI shows it: SEMI_SYNC as semi-sync, DEAD_LETTER as dead-letter. */
    static String shown(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** "10s", "500ms", "2m", "1h", or an ISO-8601 duration (PT10S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(java.util.Locale.ROOT);
            try {
                if (v.startsWith("p")) {
                    return Duration.parse(value.strip().toUpperCase(java.util.Locale.ROOT));
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new NumberFormatException();
                };
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 500ms,"
                        + " 10s, 5m, 2h, 1d");
            }
        }
    }
}
