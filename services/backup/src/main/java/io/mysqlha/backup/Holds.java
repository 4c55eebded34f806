package io.mysqlha.backup;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which replicas a dump holds still (SQL thread stopped), as marker files {@code <spool>/<cluster>/.held-<node>}
 * written before the hold and removed after it: what a crash mid-dump leaves behind is found and let go.
 */
final class Holds {
    private static final Logger LOG = Logger.getLogger(Holds.class);
    private static final String PREFIX = ".held-";

    private final Path root;

    Holds(Path root) {
        this.root = root;
    }

    void hold(String clusterId, String nodeId) throws IOException {
        Path dir = root.resolve(clusterId);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(PREFIX + nodeId), "held by a dump; removed when it lets go\n");
    }

    void release(String clusterId, String nodeId) {
        try {
            Files.deleteIfExists(root.resolve(clusterId).resolve(PREFIX + nodeId));
        } catch (IOException e) {
            LOG.warnf("cannot remove the hold marker of %s/%s: %s", clusterId, nodeId, e.getMessage());
        }
    }

    List<String> held(String clusterId) {
        Path dir = root.resolve(clusterId);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PREFIX))
                    .map(n -> n.substring(PREFIX.length())).toList();
        } catch (IOException e) {
            LOG.warnf("cannot read the hold markers of %s: %s", clusterId, e.getMessage());
            return List.of();
        }
    }
}
