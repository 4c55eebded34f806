package io.mysqlha.backup.core;

import io.mysqlha.backup.repository.Manifest;
import io.mysqlha.backup.repository.SegmentIndex;
import io.mysqlha.domain.gtid.GtidPosition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What retention removes: completed dumps beyond the newest {@code keep}, failed attempts older than the oldest
 * kept dump, and archived binlog segments that every kept dump already contains (no point-in-time recovery from a
 * kept dump needs them). The newest segment always stays: it holds the position the archive continues from. Pure.
 */
public final class Retention {
    private Retention() {
    }

    public record Removal(List<Manifest> manifests, List<SegmentIndex> segments) {
        public boolean isEmpty() {
            return manifests.isEmpty() && segments.isEmpty();
        }
    }

    public static Removal plan(List<Manifest> manifests, List<SegmentIndex> segments, int keep) {
        List<Manifest> completed = manifests.stream().filter(m -> m.status() == Manifest.Status.COMPLETED)
                .sorted(Comparator.comparing(Manifest::startedAt)).toList();
        if (completed.size() <= keep) {
            return new Removal(List.of(), List.of());
        }
        List<Manifest> gone = new ArrayList<>(completed.subList(0, completed.size() - keep));
        Manifest oldestKept = completed.get(completed.size() - keep);
        manifests.stream().filter(m -> m.status() != Manifest.Status.COMPLETED
                && m.startedAt().isBefore(oldestKept.startedAt())).forEach(gone::add);
        List<SegmentIndex> segmentsGone = new ArrayList<>();
        if (oldestKept.gtidPosition() != null) {
            GtidPosition kept = oldestKept.position();
            for (int i = 0; i < segments.size() - 1; i++) {
                SegmentIndex s = segments.get(i);
                if (s.flavour() == kept.flavour() && kept.contains(s.reachedPosition())) {
                    segmentsGone.add(s);
                } else {
                    break; // the archive stays contiguous from here on
                }
            }
        }
        return new Removal(List.copyOf(gone), List.copyOf(segmentsGone));
    }
}
