package io.mysqlha.testsupport.servers;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Runs an action on every node at once, one thread each: the common pool has a single worker on a 2-core
 * machine, which would start the nodes one after the other.
 */
final class Parallel {
    private Parallel() {
    }

    static <T> void forEach(List<T> items, Consumer<T> action) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture.allOf(items.stream().map(i -> CompletableFuture.runAsync(() -> action.accept(i), pool))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
