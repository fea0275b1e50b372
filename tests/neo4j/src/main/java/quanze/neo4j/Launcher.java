package quanze.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Runs a real, in-process Neo4j 5.26 server (from {@code org.neo4j.test:neo4j-harness}) for Quanze.
 *
 * <pre>
 * java -cp 'target/quanze-neo4j-launcher.jar:target/lib/*' quanze.neo4j.Launcher [--port N] [--data DIR]
 *      [--page-cache SIZE] [--tx-memory SIZE] [--no-stdin]
 * </pre>
 *
 * <ul>
 *   <li>{@code --port N}: Bolt port on 127.0.0.1 (default 0 = pick a free port).</li>
 *   <li>{@code --data DIR}: keep the databases in {@code DIR/data} (persists across runs). Without it,
 *       everything lives in a fresh temporary directory that is deleted on exit.</li>
 *   <li>{@code --page-cache SIZE}: page cache, e.g. {@code 32m} (default, quick start for tests) or
 *       {@code 2g} (bulk loads and benchmarks: the whole store stays in memory).</li>
 *   <li>{@code --tx-memory SIZE}: memory all running transactions may use together (default {@code 512m}).</li>
 *   <li>{@code --no-stdin}: do not watch stdin; only stop on SIGTERM/SIGINT.</li>
 * </ul>
 *
 * <p>Bolt listens on 127.0.0.1 only, authentication is disabled, HTTP/HTTPS are disabled. When the
 * server is ready exactly one line {@code QUANZE_NEO4J_READY bolt://127.0.0.1:PORT} is printed on
 * stdout (everything else goes to stderr). The process then blocks until stdin reaches EOF or it
 * receives SIGTERM/SIGINT, and shuts Neo4j down cleanly. Errors go to stderr, exit code non-zero.
 */
public final class Launcher {

    /** Marker printed on stdout once Bolt accepts connections. */
    public static final String READY = "QUANZE_NEO4J_READY";

    private static final String USAGE =
            "usage: quanze.neo4j.Launcher [--port N] [--data DIR] [--page-cache SIZE] [--tx-memory SIZE] [--no-stdin]";

    private static final Object LOCK = new Object();
    private static Neo4j server;
    private static Path tempRoot;
    private static boolean stopped;

    private Launcher() {}

    public static void main(String[] args) {
        // Keep stdout clean for the READY line: anything libraries print goes to stderr.
        PrintStream stdout = System.out;
        System.setOut(System.err);

        int port = 0;
        Path dataDir = null;
        boolean watchStdin = true;
        long pageCache = ByteUnit.mebiBytes(32);
        long txMemory = ByteUnit.mebiBytes(512);
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port":
                        port = Integer.parseInt(requireValue(args, ++i, "--port"));
                        if (port < 0 || port > 65535) {
                            throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
                        }
                        break;
                    case "--data":
                        dataDir = Paths.get(requireValue(args, ++i, "--data")).toAbsolutePath();
                        break;
                    case "--page-cache":
                        pageCache = parseSize(requireValue(args, ++i, "--page-cache"), "--page-cache");
                        break;
                    case "--tx-memory":
                        txMemory = parseSize(requireValue(args, ++i, "--tx-memory"), "--tx-memory");
                        break;
                    case "--no-stdin":
                        watchStdin = false;
                        break;
                    case "-h":
                    case "--help":
                        System.err.println(USAGE);
                        System.exit(0);
                        return;
                    default:
                        throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("quanze-neo4j: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::shutdown, "quanze-neo4j-shutdown"));

        URI bolt;
        try {
            bolt = start(port, dataDir, pageCache, txMemory);
        } catch (Throwable t) {
            t.printStackTrace(System.err);
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // Last line on purpose: callers show the tail of stderr.
            System.err.println("quanze-neo4j: failed to start Neo4j (bolt 127.0.0.1:" + port + "): " + root);
            System.err.flush();
            shutdown();
            System.exit(1);
            return;
        }

        stdout.println(READY + " bolt://127.0.0.1:" + bolt.getPort());
        stdout.flush();

        if (watchStdin) {
            drain(System.in);
            shutdown();
            System.exit(0);
        } else {
            try {
                new CountDownLatch(1).await(); // until SIGTERM/SIGINT runs the shutdown hook
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            shutdown();
            System.exit(0);
        }
    }

    private static URI start(int port, Path dataDir, long pageCache, long txMemory) throws IOException {
        Path workRoot;
        if (dataDir == null) {
            tempRoot = Files.createTempDirectory("quanze-neo4j-");
            workRoot = tempRoot;
        } else {
            Files.createDirectories(dataDir);
            workRoot = dataDir;
        }
        // The harness creates (and on close deletes) a random server folder below workRoot.
        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(workRoot)
                .withDisabledServer()
                .withConfig(GraphDatabaseSettings.auth_enabled, false)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                .withConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1"))
                .withConfig(GraphDatabaseSettings.routing_enabled, false)
                .withConfig(GraphDatabaseSettings.udc_enabled, false)
                .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .withConfig(BoltConnector.thread_pool_min_size, 1)
                .withConfig(BoltConnector.thread_pool_max_size, 64)
                .withConfig(HttpConnector.enabled, false)
                .withConfig(HttpsConnector.enabled, false)
                .withConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .withConfig(GraphDatabaseSettings.pagecache_warmup_enabled, false)
                .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .withConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMemory)
                // Netty's default graceful shutdown waits several seconds per event loop group.
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2));
        if (dataDir != null) {
            // Outside the harness' throw-away folder, so the databases survive a restart.
            builder = builder.withConfig(GraphDatabaseSettings.data_directory, dataDir.resolve("data"));
        }
        Neo4j neo4j = builder.build();
        synchronized (LOCK) {
            server = neo4j;
            if (stopped) { // a signal arrived while we were starting
                closeQuietly();
                throw new IllegalStateException("interrupted by shutdown during start-up");
            }
        }
        return neo4j.boltURI();
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // ignore input, wait for EOF
            }
        } catch (IOException e) {
            // a broken stdin counts as EOF
        }
    }

    private static void shutdown() {
        synchronized (LOCK) {
            if (stopped && server == null && tempRoot == null) {
                return;
            }
            stopped = true;
            closeQuietly();
            if (tempRoot != null) {
                deleteTree(tempRoot);
                tempRoot = null;
            }
        }
    }

    private static void closeQuietly() {
        if (server != null) {
            try {
                server.close();
            } catch (Throwable t) {
                System.err.println("quanze-neo4j: error during shutdown: " + t);
            }
            server = null;
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("quanze-neo4j: could not delete " + root + ": " + e);
        }
    }

    /** A size such as {@code 512m}, {@code 2g}, {@code 65536k} or plain bytes, at least 1 MiB. */
    static long parseSize(String text, String flag) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([kKmMgG]?)").matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + " takes a size such as 512m or 2g, got " + text);
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2).toLowerCase()) {
            case "k": n = ByteUnit.kibiBytes(n); break;
            case "m": n = ByteUnit.mebiBytes(n); break;
            case "g": n = ByteUnit.gibiBytes(n); break;
            default: break;
        }
        if (n < ByteUnit.mebiBytes(1)) {
            throw new IllegalArgumentException(flag + " must be at least 1m, got " + text);
        }
        return n;
    }

    private static String requireValue(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
