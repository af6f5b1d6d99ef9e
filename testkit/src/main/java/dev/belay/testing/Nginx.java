package dev.belay.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real nginx, started as a child process on a free port with a config written to a temp folder
 * ({@code nginx -p DIR -c nginx.conf -g 'daemon off;'}; logs, pid and temp paths inside DIR, so it
 * runs as any user), and stopped by {@link #close()}. When nginx is not installed the test fails
 * with a clear message; it never skips (CI installs the Debian package {@code nginx}).
 *
 * <pre>{@code
 * try (Nginx nginx = Nginx.start(httpBlock)) {
 *   URI uri = URI.create("http://127.0.0.1:" + nginx.port() + "/");
 * }
 * }</pre>
 */
public final class Nginx implements AutoCloseable {
  private final Path dir;
  private final Process process;
  private final int port;

  private Nginx(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  /** A free TCP port on 127.0.0.1 (free when asked; nginx binds it right after). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs nginx with {@code httpContent} (directives for the http block) listening on {@code port}. */
  public static Nginx start(String httpContent, int port) {
    String binary = findBinary();
    try {
      Path dir = Files.createTempDirectory("belay-nginx-");
      for (String sub : List.of("logs", "tmp/client_body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi")) {
        Files.createDirectories(dir.resolve(sub));
      }
      // Workers may run as another user (nginx started by root drops to nobody): let them in.
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.toList()) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
      }
      String d = dir.toString();
      String conf = "worker_processes 1;\n"
          + "error_log " + d + "/logs/error.log info;\n"
          + "pid " + d + "/logs/nginx.pid;\n"
          + "events { worker_connections 256; }\n"
          + "http {\n"
          + "  access_log " + d + "/logs/access.log;\n"
          + "  client_body_temp_path " + d + "/tmp/client_body;\n"
          + "  proxy_temp_path " + d + "/tmp/proxy;\n"
          + "  fastcgi_temp_path " + d + "/tmp/fastcgi;\n"
          + "  uwsgi_temp_path " + d + "/tmp/uwsgi;\n"
          + "  scgi_temp_path " + d + "/tmp/scgi;\n"
          + httpContent + "\n"
          + "}\n";
      Files.writeString(dir.resolve("nginx.conf"), conf, StandardCharsets.UTF_8);
      Process process = new ProcessBuilder(binary, "-p", d + "/", "-c", d + "/nginx.conf", "-g", "daemon off;")
          .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
      Nginx nginx = new Nginx(dir, process, port);
      nginx.awaitListening();
      return nginx;
    } catch (IOException e) {
      throw new AssertionError("cannot start nginx: " + e.getMessage(), e);
    }
  }

  private static String findBinary() {
    for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")) {
      if (new File(candidate).canExecute()) return candidate;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String p : path.split(File.pathSeparator)) {
        File f = new File(p, "nginx");
        if (f.canExecute()) return f.getPath();
      }
    }
    String ci = "true".equalsIgnoreCase(System.getenv("CI")) ? " (CI=true: the build must install it)" : "";
    fail("nginx is required by the proxy tests and is not installed" + ci
        + ". Install it: apt-get install -y nginx (Debian/Ubuntu), or put nginx on PATH.");
    return null;
  }

  /** Waits (up to 10 s) until nginx accepts connections, failing with its log if it exits. */
  private void awaitListening() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) fail("nginx exited with " + process.exitValue() + ":\n" + logs());
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          process.waitFor(50, TimeUnit.MILLISECONDS); // returns early if nginx exits
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    }
    fail("nginx did not listen on " + port + " within 10 s:\n" + logs());
  }

  public int port() {
    return port;
  }

  /**
   * A file nginx wrote under its prefix, for example {@code logs/upstreams.log} from an
   * {@code access_log logs/upstreams.log ...;} line in the test's config; empty if none yet.
   */
  public String file(String relative) {
    try {
      return Files.readString(dir.resolve(relative));
    } catch (IOException e) {
      return "";
    }
  }

  /** nginx's error log and stdout, for failure messages. */
  public String logs() {
    StringBuilder sb = new StringBuilder();
    for (String f : List.of("logs/stdout.log", "logs/error.log")) {
      try {
        sb.append("--- ").append(f).append('\n').append(Files.readString(dir.resolve(f)));
      } catch (IOException e) {
        sb.append("(no ").append(f).append(")\n");
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: nginx's fast shutdown
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder left behind is harmless
    }
  }
}
