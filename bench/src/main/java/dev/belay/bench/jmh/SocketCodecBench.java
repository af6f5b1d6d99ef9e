package dev.belay.bench.jmh;

import dev.belay.engine.parser.EngineCodec;
import dev.belay.engine.parser.EnginePacket;
import dev.belay.parser.EncodedPacket;
import dev.belay.parser.SocketDecoder;
import dev.belay.parser.SocketEncoder;
import dev.belay.parser.SocketPacket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Socket.IO codec ({@code dev.belay.parser}) on the bench's own packets: the {@code echo}
 * event with an ack id, the same with a 1 KB binary argument (one attachment), and a broadcast
 * encode: the Socket.IO and Engine.IO encode of one {@code tick} to the bytes a transport writes,
 * done once (what an encode-once broadcast costs whatever the audience) and done per recipient for
 * 1,000 recipients (what re-encoding per recipient would cost).
 * Run: {@code java -jar belay-bench.jar jmh SocketCodec}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SocketCodecBench {
  private SocketPacket event;
  private String eventWire;
  private SocketPacket binaryEvent;
  private EncodedPacket binaryEncoded;
  private SocketPacket tick;

  @Setup
  public void setup() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("t", 123456789012345L);
    payload.put("p", "hello, belay");
    event = SocketPacket.event("/", List.of("echo", payload), 7L);
    eventWire = SocketEncoder.encode(event).text();
    byte[] blob = new byte[1024];
    for (int i = 0; i < blob.length; i++) {
      blob[i] = (byte) i;
    }
    binaryEvent = SocketPacket.event("/", List.of("echo", blob), 8L);
    binaryEncoded = SocketEncoder.encode(binaryEvent);
    tick = SocketPacket.event("/", List.of("tick", payload), null);
  }

  @Benchmark
  public EncodedPacket encodeText() {
    return SocketEncoder.encode(event);
  }

  @Benchmark
  public SocketPacket decodeText() {
    return SocketDecoder.decodeText(eventWire, 10);
  }

  @Benchmark
  public EncodedPacket encodeBinary() {
    return SocketEncoder.encode(binaryEvent);
  }

  @Benchmark
  public SocketPacket decodeBinary() {
    SocketDecoder decoder = new SocketDecoder(10, 1_000_000);
    SocketPacket p = null;
    for (Object frame : binaryEncoded.frames()) {
      p = decoder.add(frame);
    }
    return p;
  }

  /** One broadcast, encoded once to the frame bytes every recipient is sent. */
  @Benchmark
  public byte[] broadcastEncodeOnce() {
    return frameBytes(SocketEncoder.encode(tick).text());
  }

  /** The same broadcast re-encoded for each of 1,000 recipients: the cost encode-once avoids. */
  @Benchmark
  public void broadcastEncodePerRecipient1000(Blackhole bh) {
    for (int i = 0; i < 1000; i++) {
      bh.consume(frameBytes(SocketEncoder.encode(tick).text()));
    }
  }

  private static byte[] frameBytes(String socketText) {
    return EngineCodec.encodePacket(EnginePacket.message(socketText)).getBytes(StandardCharsets.UTF_8);
  }
}
