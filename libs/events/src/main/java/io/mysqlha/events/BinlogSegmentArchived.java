package io.mysqlha.events;

import java.time.Instant;

/** @param file the binlog file name as the source server named it */
@EventDoc("A closed binlog file from the writer is in the archive, checksummed and indexed by GTID.")
public record BinlogSegmentArchived(EventHeader header, String sourceNode, String file, String firstGtid,
                                    String lastGtid, Instant firstEventTime, Instant lastEventTime, long bytes,
                                    String sha256) implements Event {
}
