package io.mysqlha.failover.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the replica to promote. Pure. Among the reachable replicas that replicated from the dead primary, are
 * not {@code no_promote} and have no errant transactions, the winner must hold every transaction any of them
 * received: with semi-sync, the one acknowledged transaction a single replica got is the client's committed
 * write, and promoting another would lose it. Ties go to the one that applied most, then the higher weight, then
 * the zone the spec prefers, then the node id (so every instance elects the same).
 */
public final class CandidateElector {
    private CandidateElector() {
    }

    public static Election elect(List<ReplicaPosition> replicas, List<String> zonePreference) {
        return elect(replicas, zonePreference, null);
    }

    /** With {@code required}, only that node may win (a switchover's target). */
    public static Election elect(List<ReplicaPosition> replicas, List<String> zonePreference, String required) {
        List<ReplicaPosition> fromPrimary = replicas.stream().filter(ReplicaPosition::fromDeadPrimary).toList();
        if (fromPrimary.isEmpty()) {
            return new Election.Refused("no reachable replica replicated from the primary");
        }
        List<String> excluded = new ArrayList<>();
        List<ReplicaPosition> eligible = new ArrayList<>();
        for (ReplicaPosition r : fromPrimary) {
            if (required != null && !r.id().equals(required)) {
                continue;
            }
            if (r.node().noPromote()) {
                excluded.add(r.id() + " is no_promote");
            } else if (r.errant() != null) {
                excluded.add(r.id() + " has errant transactions (" + r.errant() + ")");
            } else {
                eligible.add(r);
            }
        }
        if (required != null && eligible.isEmpty() && excluded.isEmpty()) {
            return new Election.Refused(required + " is not a reachable replica of the primary");
        }
        List<ReplicaPosition> complete = new ArrayList<>();
        List<String> behind = new ArrayList<>();
        for (ReplicaPosition c : eligible) {
            // an errant replica's extra transactions are its own, not the primary's: they set no bar
            Optional<ReplicaPosition> ahead = fromPrimary.stream().filter(o -> o.errant() == null)
                    .filter(o -> !c.received().contains(o.received())).findFirst();
            if (ahead.isEmpty()) {
                complete.add(c);
            } else {
                behind.add(c.id() + " (" + c.received() + ") lacks what " + ahead.get().id() + " received ("
                        + ahead.get().received() + ")");
            }
        }
        if (complete.isEmpty()) {
            List<String> why = new ArrayList<>(excluded);
            why.addAll(behind);
            return new Election.Refused("no candidate holds every transaction another replica received: "
                    + String.join("; ", why));
        }
        ReplicaPosition best = complete.stream().min(order(zonePreference)).orElseThrow();
        String reason = best.id() + " holds every received transaction (" + best.received() + ")"
                + (complete.size() > 1 ? "; among " + complete.size() + " that do, it applied most, then weight,"
                + " zone and id decide" : "") + (excluded.isEmpty() ? "" : "; excluded: " + String.join(", ", excluded));
        return new Election.Elected(best, reason);
    }

    private static Comparator<ReplicaPosition> order(List<String> zonePreference) {
        Comparator<ReplicaPosition> applied = (a, b) -> {
            boolean aHasB = a.applied().contains(b.applied());
            boolean bHasA = b.applied().contains(a.applied());
            return aHasB == bHasA ? 0 : aHasB ? -1 : 1;
        };
        return applied
                .thenComparing((ReplicaPosition r) -> r.lagSeconds() == null ? Long.MAX_VALUE : r.lagSeconds())
                .thenComparing(r -> -r.node().weight())
                .thenComparing(r -> {
                    int i = zonePreference.indexOf(r.node().zone());
                    return i < 0 ? Integer.MAX_VALUE : i;
                })
                .thenComparing(ReplicaPosition::id);
    }
}
