package io.mysqlha.gateway.split;

import io.mysqlha.domain.RoutingPolicy;

import java.util.Set;

/**
 * How a cluster's read/write listener splits, from its spec's routing policy.
 *
 * @param causalReads      what a read must see: the writer's position when it arrived (GLOBAL), the session's last
 *                         write (SESSION), or nothing in particular (NONE)
 * @param causalTimeoutMs  how long a read waits for that before the writer answers it
 * @param carried          session variables, beyond {@link SplitRouter#CARRIED}, that backends are given
 * @param rules            the spec's query rules
 */
public record SplitSettings(RoutingPolicy.CausalReads causalReads, long causalTimeoutMs, Set<String> carried,
                            QueryRules rules) {

    /** Null when the policy does not split (everything goes to the writer). */
    public static SplitSettings of(RoutingPolicy p) {
        if (!p.readWriteSplit()) {
            return null;
        }
        return new SplitSettings(p.causalReads(), p.causalReadTimeoutMs(),
                Set.copyOf(p.sessionVariables()), p.queryRules().isEmpty() ? QueryRules.NONE
                : new QueryRules(p.queryRules()));
    }
}
