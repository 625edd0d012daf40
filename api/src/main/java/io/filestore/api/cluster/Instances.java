package io.filestore.api.cluster;

import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service instances that share this database. Each instance has a name ({@code filestore.instance-id}, by
 * default {@code <host name>:<HTTP port>}) and opens every PostgreSQL connection with the application name
 * {@code filestore/<name>/<process>} (the process token tells a restarted instance from the one before it). PostgreSQL itself then knows which instances are alive: an instance is live while it has
 * a session open ({@code pg_stat_activity}), and the sessions of a killed instance end with its process (its TCP
 * connections close). No heartbeat table, no lease of our own. The same name is the owner of the processors'
 * claimed segments in {@code token_entry}.
 */
@Configuration(proxyBeanMethods = false)
public class Instances {

    /** The prefix of every instance's PostgreSQL application name. */
    public static final String APPLICATION_NAME_PREFIX = "filestore/";
    /**
     * This process, among all processes that ever ran: a random token, part of the application name
     * ({@code filestore/<id>/<process>}), so that a restarted instance (the same id) is a new process.
     */
    private static final String PROCESS = java.util.HexFormat.of().formatHex(randomBytes());
    /** PostgreSQL keeps at most 63 bytes of an application name. */
    private static final int MAX_NAME = 63 - APPLICATION_NAME_PREFIX.length() - 1 - PROCESS.length();

    private final String id;
    private final DataSource dataSource;

    public Instances(@Value("${filestore.instance-id:}") String configured, @Value("${server.port:8080}") int port,
                     DataSource dataSource) {
        this.id = name(configured, port);
        this.dataSource = dataSource;
    }

    /**
     * The instance's name: the configured one (printable ASCII without spaces), else {@code <host name>:<port>};
     * cut to what PostgreSQL keeps of an application name.
     */
    private static String name(String configured, int port) {
        String name = configured == null || configured.isBlank() ? hostName() + ":" + port : configured.strip();
        if (!name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("filestore.instance-id must be printable ASCII without spaces");
        }
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
    }

    /** This instance's name. */
    public String id() {
        return id;
    }

    /** The PostgreSQL application name of this instance's connections. */
    public String applicationName() {
        return applicationName(id);
    }

    private static String applicationName(String id) {
        return APPLICATION_NAME_PREFIX + id + "/" + PROCESS;
    }

    /**
     * This process among all that share the database: {@code <id>/<process>}. Notifications carry it, so that a
     * process ignores only its own (two instances given the same id by mistake still hear each other).
     */
    public String processName() {
        return id + "/" + PROCESS;
    }

    /** This process's token (see {@link #liveProcesses()}). */
    public String process() {
        return PROCESS;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /**
     * The names of the instances with a session open on this database now (this one among them), sorted.
     *
     * @throws SQLException when the database cannot be asked
     */
    public List<String> live() throws SQLException {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (String session : sessions()) {
            names.add(session.substring(0, session.lastIndexOf('/')));
        }
        names.add(id);
        return new ArrayList<>(names);
    }

    /**
     * The tokens of the processes with a session open on this database now (this one among them): a record
     * claimed by a process that is not among them was left by a process that died.
     *
     * @throws SQLException when the database cannot be asked
     */
    public java.util.Set<String> liveProcesses() throws SQLException {
        java.util.Set<String> processes = new java.util.HashSet<>();
        for (String session : sessions()) {
            processes.add(session.substring(session.lastIndexOf('/') + 1));
        }
        processes.add(PROCESS);
        return processes;
    }

    /**
     * The processes with a session open on this database now, named as {@link #processName()} names this one (which
     * is among them).
     *
     * @throws SQLException when the database cannot be asked
     */
    public java.util.Set<String> liveProcessNames() throws SQLException {
        java.util.Set<String> names = new java.util.HashSet<>(sessions());
        names.add(processName());
        return names;
    }

    /** The application names of the service's open sessions, without the prefix: {@code <id>/<process>}. */
    private List<String> sessions() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT DISTINCT substr(application_name, ?) FROM pg_stat_activity "
                             + "WHERE datname = current_database() AND application_name LIKE ?")) {
            statement.setInt(1, APPLICATION_NAME_PREFIX.length() + 1);
            statement.setString(2, APPLICATION_NAME_PREFIX.replace("_", "\\_") + "%/%");
            List<String> names = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        }
    }

    /** The other live instances (empty when this one is alone, or when the database cannot be asked). */
    public List<String> others() {
        try {
            List<String> others = new ArrayList<>(live());
            others.remove(id);
            return others;
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Names every pooled connection after this instance (set before the pool opens its first connection). */
    @Bean
    static BeanPostProcessor instanceApplicationName(@Value("${filestore.instance-id:}") String configured,
                                                     @Value("${server.port:8080}") int port) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource hikari) {
                    hikari.addDataSourceProperty("ApplicationName", applicationName(name(configured, port)));
                }
                return bean;
            }
        };
    }
}
