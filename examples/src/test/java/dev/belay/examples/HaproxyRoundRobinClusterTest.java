package dev.belay.examples;

import dev.belay.testing.Haproxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The no-sticky cluster contract behind HAProxy running examples/haproxy/cluster-round-robin.cfg:
 * round robin, a new connection to a node for every request.
 */
class HaproxyRoundRobinClusterTest extends RoundRobinClusterContract {
  @Override
  Balancer balancer(List<Integer> ports) throws Exception {
    Haproxy haproxy = roundRobin(ports);
    return new Balancer() {
      @Override
      public int port() {
        return haproxy.port();
      }

      @Override
      public String requestLog() {
        return haproxy.log();
      }

      @Override
      public void close() {
        haproxy.close();
      }
    };
  }

  /**
   * HAProxy running examples/haproxy/cluster-round-robin.cfg in front of the three nodes on
   * {@code ports}, logging {@code <node host:port> <uri>} per request to its stdout.
   */
  static Haproxy roundRobin(List<Integer> ports) throws Exception {
    int port = Haproxy.freePort();
    String config = Files.readString(Path.of("haproxy/cluster-round-robin.cfg"))
        .replace("server node1 127.0.0.1:3001", "server node1 127.0.0.1:" + ports.get(0))
        .replace("server node2 127.0.0.1:3002", "server node2 127.0.0.1:" + ports.get(1))
        .replace("server node3 127.0.0.1:3003", "server node3 127.0.0.1:" + ports.get(2))
        .replace("bind :8080", "bind 127.0.0.1:" + port)
        .replace("global\n", "global\n  log stdout format raw local0\n")
        .replace("defaults\n", "defaults\n  log global\n  log-format \"%si:%sp %HU\"\n");
    return Haproxy.start(config, port);
  }
}
