package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.testing.NodeScript;
import java.time.Duration;

/** Runs an interop script with the official socket.io-client under Node and checks it passed. */
final class NodeClient {
  private NodeClient() {}

  /** Runs {@code script} and returns its output lines; fails with everything it printed otherwise. */
  static NodeScript.Result run(String script, String... args) {
    NodeScript.Result result = NodeScript.run(script, Duration.ofSeconds(30), args);
    String output = "stdout:\n" + result.stdout() + "\nstderr:\n" + result.stderr();
    assertEquals(0, result.exitCode(), script + " failed\n" + output);
    assertTrue(result.stdout().contains("DONE"), script + " did not finish\n" + output);
    return result;
  }
}
