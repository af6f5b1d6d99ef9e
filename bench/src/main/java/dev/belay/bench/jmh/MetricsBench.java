package dev.belay.bench.jmh;

import dev.belay.Server;
import dev.belay.ServerObserver;
import dev.belay.metrics.BelayMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics add to one WebSocket echo round trip on the server, measured alone: the observer
 * events one acknowledged echo causes (a message in, a flush out, the listener timed with two
 * {@code System.nanoTime} calls) on a Prometheus registry, against the same calls on
 * {@link ServerObserver#NONE}. Two threads, as two I/O threads share the meters. Run:
 * {@code java -jar belay-bench.jar jmh Metrics}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class MetricsBench {
  private Server server;
  private ServerObserver prometheus;
  private final ServerObserver none = ServerObserver.NONE;

  @Setup(Level.Trial)
  public void setup() {
    server = new Server();
    prometheus = BelayMetrics.monitor(server, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    server.close();
  }

  private static long roundTrip(ServerObserver observer) {
    observer.messageReceived("websocket", 24);
    long start = System.nanoTime();
    long spent = System.nanoTime() - start; // the listener (an ack) takes no time here
    observer.listenersRan(spent, false);
    observer.messagesSent("websocket", 1, 24);
    return spent;
  }

  @Benchmark
  public long echoRoundTripNoMetrics() {
    // With NONE the socket layer skips the timing entirely: only the empty calls remain.
    none.messageReceived("websocket", 24);
    none.messagesSent("websocket", 1, 24);
    return 0;
  }

  @Benchmark
  public long echoRoundTripPrometheus() {
    return roundTrip(prometheus);
  }
}
