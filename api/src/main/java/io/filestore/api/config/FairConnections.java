package io.filestore.api.config;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Hands out the pool's connections first come, first served. HikariCP lets a thread that asks for a connection take
 * one that was just returned even while others have been waiting for one (its hand-off to waiters races with new
 * borrowers), which is fine until more requests than connections want the database at once: then some wait many
 * times as long as the rest (at 256 concurrent metadata reads, a p99 five to six times the median). A fair semaphore
 * with one permit per pooled connection, taken before and given back after the pool's own borrow, queues them in
 * arrival order instead. It waits at most the pool's {@code connection-timeout}, then fails as the pool would.
 */
@Configuration(proxyBeanMethods = false)
public class FairConnections {

    @Bean
    static BeanPostProcessor fairConnectionOrder() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource hikari) {
                    return new FairDataSource(hikari, hikari.getMaximumPoolSize(), hikari.getConnectionTimeout());
                }
                return bean;
            }
        };
    }

    /** The pool behind a fair queue of {@code permits} places (the pool's size). */
    static final class FairDataSource extends DelegatingDataSource {

        private final Semaphore permits;
        private final long timeoutMillis;

        FairDataSource(DataSource pool, int permits, long timeoutMillis) {
            super(pool);
            this.permits = new Semaphore(permits, true);
            this.timeoutMillis = timeoutMillis;
        }

        @Override
        public Connection getConnection() throws SQLException {
            acquire();
            return borrowed(() -> super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            acquire();
            return borrowed(() -> super.getConnection(username, password));
        }

        /** Places free now (for tests and diagnostics). */
        int available() {
            return permits.availablePermits();
        }

        /** Callers waiting for a place now (an estimate, as {@link Semaphore#getQueueLength()}). */
        int queued() {
            return permits.getQueueLength();
        }

        private void acquire() throws SQLException {
            boolean acquired;
            try {
                acquired = permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLTransientConnectionException("interrupted while waiting for a database connection", e);
            }
            if (!acquired) {
                throw new SQLTransientConnectionException("no database connection available within "
                        + timeoutMillis + " ms (" + permits.getQueueLength() + " waiting)");
            }
        }

        private Connection borrowed(ConnectionSource source) throws SQLException {
            Connection connection;
            try {
                connection = source.get();
            } catch (SQLException | RuntimeException | Error e) {
                permits.release();
                throw e;
            }
            return (Connection) Proxy.newProxyInstance(FairDataSource.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, new Returning(connection, permits));
        }
    }

    @FunctionalInterface
    private interface ConnectionSource {
        Connection get() throws SQLException;
    }

    /** Gives the permit back when the connection is closed (returned to the pool), once. */
    private static final class Returning implements InvocationHandler {

        private final Connection connection;
        private final Semaphore permits;
        private final AtomicBoolean returned = new AtomicBoolean();

        Returning(Connection connection, Semaphore permits) {
            this.connection = connection;
            this.permits = permits;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    try {
                        connection.close();
                    } finally {
                        if (returned.compareAndSet(false, true)) {
                            permits.release();
                        }
                    }
                    return null;
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "fair " + connection;
                }
                default -> {
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
            }
        }
    }
}
