package dev.belay.examples;

import dev.belay.testing.Nginx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The no-sticky cluster contract behind nginx running examples/nginx/cluster-round-robin.conf:
 * round robin, no upstream keep-alive.
 */
class RoundRobinClusterTest extends RoundRobinClusterContract {
  @Override
  Balancer balancer(List<Integer> ports) throws Exception {
    Nginx nginx = roundRobin(ports);
    return new Balancer() {
      @Override
      public int port() {
        return nginx.port();
      }

      @Override
      public String requestLog() {
        return nginx.file("logs/upstreams.log");
      }

      @Override
      public void close() {
        nginx.close();
      }
    };
  }

  /**
   * nginx running examples/nginx/cluster-round-robin.conf in front of the three nodes on
   * {@code ports}, logging which node served each request to {@code logs/upstreams.log}.
   */
  static Nginx roundRobin(List<Integer> ports) throws Exception {
    int port = Nginx.freePort();
    String recipe = Files.readString(Path.of("nginx/cluster-round-robin.conf"));
    String http = recipe.substring(recipe.indexOf("http {") + 6, recipe.lastIndexOf('}'))
        .replace("server 127.0.0.1:3001;", "server 127.0.0.1:" + ports.get(0) + ";")
        .replace("server 127.0.0.1:3002;", "server 127.0.0.1:" + ports.get(1) + ";")
        .replace("server 127.0.0.1:3003;", "server 127.0.0.1:" + ports.get(2) + ";")
        .replace("listen 8080;", "listen 127.0.0.1:" + port + ";\n    access_log logs/upstreams.log upstreams;")
        .replace("upstream belay_nodes {", "log_format upstreams '$upstream_addr $request_uri';\n  upstream belay_nodes {");
    return Nginx.start(http, port);
  }
}
