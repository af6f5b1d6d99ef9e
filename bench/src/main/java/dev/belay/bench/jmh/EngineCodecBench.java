package dev.belay.bench.jmh;

import dev.belay.engine.parser.EngineCodec;
import dev.belay.engine.parser.EnginePacket;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

/**
 * The Engine.IO codec ({@code dev.belay.engine.parser}) on the packets the bench sends: a small
 * Socket.IO event as a WebSocket text frame, a polling payload of ten of them, and a 1 KB binary
 * message as a frame and as base64 in a payload. Run: {@code java -jar belay-bench.jar jmh Engine}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineCodecBench {
  private EnginePacket text;
  private String textWire;
  private List<EnginePacket> ten;
  private String payloadWire;
  private EnginePacket binary;
  private byte[] binaryFrame;
  private String binaryInPayload;

  @Setup
  public void setup() {
    text = EnginePacket.message("2[\"echo\",{\"t\":123456789012345,\"p\":\"hello, belay\"}]");
    textWire = EngineCodec.encodePacket(text);
    ten = java.util.Collections.nCopies(10, text);
    payloadWire = EngineCodec.encodePayload(ten);
    binaryFrame = new byte[1024];
    for (int i = 0; i < binaryFrame.length; i++) {
      binaryFrame[i] = (byte) i;
    }
    binary = EnginePacket.binary(binaryFrame);
    binaryInPayload = EngineCodec.encodePacket(binary);
  }

  @Benchmark
  public String encodeText() {
    return EngineCodec.encodePacket(text);
  }

  @Benchmark
  public EnginePacket decodeText() {
    return EngineCodec.decodePacket(textWire);
  }

  @Benchmark
  public String encodePayload10() {
    return EngineCodec.encodePayload(ten);
  }

  @Benchmark
  public List<EnginePacket> decodePayload10() {
    return EngineCodec.decodePayload(payloadWire);
  }

  /** Text to the UTF-8 bytes a transport writes: the part of a send a codec benchmark misses. */
  @Benchmark
  public byte[] encodeTextToUtf8() {
    return EngineCodec.encodePacket(text).getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public String encodeBinaryBase64() {
    return EngineCodec.encodePacket(binary);
  }

  @Benchmark
  public EnginePacket decodeBinaryBase64() {
    return EngineCodec.decodePacket(binaryInPayload);
  }

  @Benchmark
  public EnginePacket decodeBinaryFrame() {
    return EngineCodec.decodeBinary(binaryFrame);
  }
}
