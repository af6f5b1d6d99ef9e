package dev.belay.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU seconds and RSS of a process from /proc, so server and generator are counted apart. */
public final class ProcStat {
  private static final double TICKS = clockTicks();

  private ProcStat() {}

  /** User + system CPU seconds of {@code pid} ("self" for this process); NaN if unknown. */
  public static double cpuSeconds(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      // The command name may hold spaces: fields are counted after its closing parenthesis.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * User + system CPU seconds summed over comma-separated pids ({@code "12,34"}: the nodes of a
   * cluster run); NaN if any is unknown.
   */
  public static double cpuSecondsSum(String pids) {
    double sum = 0;
    for (String pid : pids.split(",")) {
      sum += cpuSeconds(pid.trim());
    }
    return sum;
  }

  /** Resident set size in bytes; -1 if unknown. */
  public static long rssBytes(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static double clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Double.parseDouble(out);
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
