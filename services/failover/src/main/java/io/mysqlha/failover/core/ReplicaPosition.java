package io.mysqlha.failover.core;

import io.mysqlha.domain.NodeSpec;
import io.mysqlha.domain.gtid.GtidPosition;

/**
 * A replica's state read directly (not from the probe's last observation) at the start of a recovery.
 *
 * @param fromDeadPrimary it replicated from the primary being replaced
 * @param received        every transaction it has, received or applied (MariaDB Gtid_IO_Pos with gtid_current_pos,
 *                        MySQL Retrieved_Gtid_Set with gtid_executed)
 * @param applied         what it applied (MariaDB gtid_current_pos, MySQL gtid_executed)
 * @param lagSeconds      Seconds_Behind_Master as the server reports it, null when unknown
 * @param errant          a reason it must not win (transactions of its own), or null
 */
public record ReplicaPosition(NodeSpec node, boolean fromDeadPrimary, GtidPosition received, GtidPosition applied,
                              Long lagSeconds, String errant) {

    public String id() {
        return node.id();
    }
}
