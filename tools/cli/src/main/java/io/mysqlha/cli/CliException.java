package io.mysqlha.cli;

/** A failure the CLI reports in one line, with the exit code it ends with (1 failed, 2 bad input, 3 timed out). */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
