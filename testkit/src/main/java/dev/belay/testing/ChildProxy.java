package dev.belay.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** What {@link Nginx} and {@link Haproxy} share: finding the binary, waiting for it, stopping it. */
final class ChildProxy {
  private ChildProxy() {}

  /** A free TCP port on 127.0.0.1 (free when asked; the proxy binds it right after). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The path of {@code name} in the usual sbin folders or on PATH; fails the test with the line
   * that installs {@code debianPackage} when it is missing (never skips).
   */
  static String findBinary(String name, String debianPackage) {
    for (String dir : List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/" + name + "/sbin")) {
      File candidate = new File(dir, name);
      if (candidate.canExecute()) return candidate.getPath();
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String p : path.split(File.pathSeparator)) {
        File f = new File(p, name);
        if (f.canExecute()) return f.getPath();
      }
    }
    String ci = "true".equalsIgnoreCase(System.getenv("CI")) ? " (CI=true: the build must install it)" : "";
    fail(name + " is required by the proxy tests and is not installed" + ci
        + ". Install it: apt-get install -y " + debianPackage + " (Debian/Ubuntu), or put " + name + " on PATH.");
    return null;
  }

  /** Waits (up to 10 s) until {@code port} accepts connections, failing with the logs if the process exits. */
  static void awaitListening(String name, Process process, int port, Supplier<String> logs) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) fail(name + " exited with " + process.exitValue() + ":\n" + logs.get());
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          process.waitFor(50, TimeUnit.MILLISECONDS); // returns early if the process exits
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    }
    fail(name + " did not listen on " + port + " within 10 s:\n" + logs.get());
  }

  /** The file at {@code dir/relative}, or empty if it is not there (yet). */
  static String read(Path dir, String relative) {
    try {
      return Files.readString(dir.resolve(relative));
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and deletes its folder. */
  static void stop(Process process, Path dir) {
    process.destroy();
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
