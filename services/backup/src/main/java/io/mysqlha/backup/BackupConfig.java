package io.mysqlha.backup;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.nio.file.Path;

@ConfigMapping(prefix = "mysqlha.backup")
public interface BackupConfig {
    /** The backup repository: one folder per cluster. */
    @WithDefault("var/backups")
    Path repository();

    @WithDefault("1")
    @Min(1) @Max(16)
    int maxParallelDumps();

    /** Restore every dump into a scratch server and check it. */
    @WithDefault("true")
    boolean verifyAfterDump();
}
