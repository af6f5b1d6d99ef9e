package dev.belay.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
    return ChildProxy.freePort();
  }

  /** Runs nginx with {@code httpContent} (directives for the http block) listening on {@code port}. */
  public static Nginx start(String httpContent, int port) {
    String binary = ChildProxy.findBinary("nginx", "nginx");
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
      ChildProxy.awaitListening("nginx", process, port, nginx::logs);
      return nginx;
    } catch (IOException e) {
      throw new AssertionError("cannot start nginx: " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  /**
   * A file nginx wrote under its prefix, for example {@code logs/upstreams.log} from an
   * {@code access_log logs/upstreams.log ...;} line in the test's config; empty if none yet.
   */
  public String file(String relative) {
    return ChildProxy.read(dir, relative);
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
    ChildProxy.stop(process, dir); // SIGTERM: nginx's fast shutdown
  }
}
