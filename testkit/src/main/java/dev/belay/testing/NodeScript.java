package dev.belay.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Node script from {@code src/test/node} with the official clients installed there, and
 * returns what it printed. When Node is missing the test fails with a clear message (it never
 * skips): the README's test command installs what is needed.
 */
public final class NodeScript {
  /**
   * Where the scripts and their package.json live: the module's own {@code src/test/node}, or the
   * transports module's for modules that have none.
   */
  public static final Path DIR = Files.isDirectory(Path.of("src/test/node"))
      ? Path.of("src/test/node").toAbsolutePath()
      : Path.of("../transports/src/test/node").toAbsolutePath().normalize();

  private static boolean installed;

  private NodeScript() {}

  /** What a script printed and how it ended. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** The lines of stdout. */
    public List<String> lines() {
      return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
    }
  }

  /** Runs {@code node <script> args...}, failing the test if it does not exit within {@code timeout}. */
  public static Result run(String script, Duration timeout, String... args) {
    ensureInstalled();
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(DIR.resolve(script).toString());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(DIR.toFile()).start();
      CompletableFuture<String> out = readAsync(process.getInputStream());
      CompletableFuture<String> err = readAsync(process.getErrorStream());
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        fail("node " + script + " did not finish within " + timeout + "; stdout:\n" + out.getNow("")
            + "\nstderr:\n" + err.getNow(""));
      }
      return new Result(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new AssertionError("cannot start node (is Node.js 20 installed and on PATH?): " + e.getMessage(), e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Starts {@code node <script> args...} and talks to it while it runs: its stdout line by line,
   * lines written to its stdin. For scripts a test drives step by step.
   *
   * <pre>{@code
   * try (NodeScript.Running client = NodeScript.start("recovery-cluster.mjs", url, "r")) {
   *   String connected = client.nextLine(Duration.ofSeconds(20));
   *   client.send("disconnect");
   * }
   * }</pre>
   */
  public static Running start(String script, String... args) {
    ensureInstalled();
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(DIR.resolve(script).toString());
    command.addAll(List.of(args));
    try {
      return new Running(script, new ProcessBuilder(command).directory(DIR.toFile()).start());
    } catch (IOException e) {
      throw new AssertionError("cannot start node (is Node.js 20 installed and on PATH?): " + e.getMessage(), e);
    }
  }

  /**
   * A running script: {@link #nextLine} takes what it printed, in order; {@link #close()} kills it.
   * Threading: one reader thread per stream; the methods are meant for the test thread.
   */
  public static final class Running implements AutoCloseable {
    private final String script;
    private final Process process;
    // Lines of stdout, in order; filled by the reader thread.
    private final java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
    private final CompletableFuture<String> stderr;
    private final java.io.Writer stdin;

    private Running(String script, Process process) {
      this.script = script;
      this.process = process;
      this.stderr = readAsync(process.getErrorStream());
      this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader = new Thread(() -> {
        try (java.io.BufferedReader in = new java.io.BufferedReader(
            new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) lines.add(line);
        } catch (IOException ignored) {
          // the process ended
        }
      }, "node-" + script);
      reader.setDaemon(true);
      reader.start();
    }

    /** The next line the script printed; fails the test when none comes within {@code timeout}. */
    public String nextLine(Duration timeout) {
      try {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
          fail("node " + script + " printed nothing more within " + timeout + (process.isAlive() ? "" : " (it exited)")
              + "; stderr:\n" + stderr.getNow(""));
        }
        return line;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** The next line the script printed within {@code timeout}, or null when none came (no failure). */
    public String pollLine(Duration timeout) {
      try {
        return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** Writes {@code line} and a newline to the script's stdin. */
    public void send(String line) {
      try {
        stdin.write(line + "\n");
        stdin.flush();
      } catch (IOException e) {
        throw new AssertionError("cannot write to node " + script + ": " + e.getMessage(), e);
      }
    }

    /** Kills the script. */
    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private static synchronized void ensureInstalled() {
    if (installed) return;
    if (!Files.isDirectory(DIR.resolve("node_modules"))) {
      try {
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
            .directory(DIR.toFile()).redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(180, TimeUnit.SECONDS) || npm.exitValue() != 0) {
          fail("npm ci in " + DIR + " failed:\n" + output);
        }
      } catch (IOException e) {
        throw new AssertionError("Node.js and npm are required for the interop tests but npm cannot be started: "
            + e.getMessage() + ". Install Node.js 20 (Debian: apt-get install nodejs npm).", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    installed = true;
  }

  private static CompletableFuture<String> readAsync(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "<read failed: " + e + ">";
      }
    });
  }
}
