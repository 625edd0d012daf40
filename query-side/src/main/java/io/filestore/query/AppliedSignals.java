package io.filestore.query;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.axonframework.eventhandling.EventHandler;

/**
 * The usual {@link AppliedEvents} of a view: the event types it reaches are the parameters of its projection's
 * {@code @EventHandler} methods; it remembers the last applied sequence of the most recent {@value #REMEMBERED}
 * aggregates and wakes the writers waiting for one aggregate when it is signalled (nothing is polled). A view that
 * can also read what it applied from its own store (useful when another instance processed the event) overrides
 * {@link #shows}.
 */
public class AppliedSignals implements AppliedEvents {

    static final int REMEMBERED = 10_000;

    private final String processingGroup;
    private final Set<Class<?>> handled;
    private final Map<String, Long> last = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    public AppliedSignals(String processingGroup, Class<?> projection) {
        this.processingGroup = processingGroup;
        this.handled = handledEvents(projection);
    }

    /** The first parameter types of the {@code @EventHandler} methods of {@code projection} and its superclasses. */
    static Set<Class<?>> handledEvents(Class<?> projection) {
        Set<Class<?>> types = new LinkedHashSet<>();
        for (Class<?> type = projection; type != null && type != Object.class; type = type.getSuperclass()) {
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(EventHandler.class) && method.getParameterCount() > 0) {
                    types.add(method.getParameterTypes()[0]);
                }
            }
        }
        return Set.copyOf(types);
    }

    @Override
    public String processingGroup() {
        return processingGroup;
    }

    @Override
    public boolean reaches(Class<?> eventType) {
        for (Class<?> type : handled) {
            if (type.isAssignableFrom(eventType)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void applied(String aggregateId, long sequence) {
        synchronized (last) {
            last.merge(aggregateId, sequence, Math::max);
        }
        CompletableFuture<Void> waiter = waiting.remove(aggregateId);
        if (waiter != null) {
            waiter.complete(null);
        }
    }

    /** The last sequence of the aggregate this process saw applied, or -1 when it remembers none. */
    protected long lastApplied(String aggregateId) {
        synchronized (last) {
            return last.getOrDefault(aggregateId, -1L);
        }
    }

    @Override
    public boolean knownBehind() {
        return false;
    }

    /** Whether the view's own store shows event {@code sequence} of the aggregate (by default: not known). */
    protected boolean shows(String aggregateId, long sequence) {
        return false;
    }

    @Override
    public boolean awaitApplied(String aggregateId, long sequence, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            CompletableFuture<Void> change = waiting.computeIfAbsent(aggregateId, id -> new CompletableFuture<>());
            if (lastApplied(aggregateId) >= sequence || shows(aggregateId, sequence)) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                waiting.remove(aggregateId, change);
                return false;
            }
            try {
                change.get(remaining, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                waiting.remove(aggregateId, change);
                return lastApplied(aggregateId) >= sequence || shows(aggregateId, sequence);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
