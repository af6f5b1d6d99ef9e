package dev.belay.cluster.redis;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack.PackerConfig;
import org.msgpack.core.MessagePack.UnpackerConfig;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * MessagePack for the plain values Belay packets carry ({@code null}, {@code Boolean},
 * {@code Long}/{@code Double} or any {@code Number}, {@code String}, {@code byte[]},
 * {@code List}, {@code Map} with string keys), encoded as the Node adapter's encoder
 * ({@code @msgpack/msgpack}) does, so both sides read each other's bytes: integral numbers take the
 * smallest integer format (a {@code Double} holding 3.0 is written as the integer 3, as JavaScript
 * has one number type), other numbers are float 64, binary is {@code bin}, maps keep their order.
 *
 * <pre>{@code
 * byte[] bytes = MessagePack.encode(Map.of("type", 2));   // 81 a4 74 79 70 65 02
 * Object value = MessagePack.decode(bytes);               // {type=2} with a Long
 * }</pre>
 *
 * <p>Decoding is strict and bounded: trailing bytes, truncated input, non-scalar map keys or
 * nesting deeper than {@value #MAX_DEPTH} are a {@link ClusterWireException}. Integers decode to
 * {@code Long} (an unsigned 64-bit value above {@code Long.MAX_VALUE} to {@code Double}, as Node
 * reads it), floats to {@code Double}, the timestamp extension to its ISO-8601 text (what a
 * JavaScript {@code Date} becomes in JSON); other extensions are an error. Pure and thread-safe.
 */
public final class MessagePack {
  /** Deepest nesting of arrays and maps accepted when decoding. */
  public static final int MAX_DEPTH = 128;

  private static final PackerConfig PACKER = new PackerConfig().withStr8FormatSupport(true);
  private static final UnpackerConfig UNPACKER = new UnpackerConfig();
  private static final double MAX_SAFE_INTEGER = 9007199254740991d;

  private MessagePack() {}

  /** Encodes {@code value}; an unsupported type is an {@link IllegalArgumentException}. */
  public static byte[] encode(Object value) {
    try (MessageBufferPacker packer = PACKER.newBufferPacker()) {
      write(packer, value, 0);
      packer.flush();
      return packer.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory packing failed", e);
    }
  }

  /** Decodes exactly one value spanning all of {@code bytes}. */
  public static Object decode(byte[] bytes) throws ClusterWireException {
    try (MessageUnpacker unpacker = UNPACKER.newUnpacker(bytes)) {
      if (!unpacker.hasNext()) throw new ClusterWireException("empty MessagePack input");
      Object value = read(unpacker, 0);
      if (unpacker.hasNext()) {
        throw new ClusterWireException("trailing bytes after the MessagePack value at offset "
            + unpacker.getTotalReadBytes());
      }
      return value;
    } catch (ClusterWireException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ClusterWireException("malformed MessagePack: " + e.getMessage(), e);
    }
  }

  private static void write(MessageBufferPacker packer, Object value, int depth) throws IOException {
    if (depth > MAX_DEPTH) throw new IllegalArgumentException("value nested deeper than " + MAX_DEPTH);
    if (value == null) {
      packer.packNil();
    } else if (value instanceof Boolean b) {
      packer.packBoolean(b);
    } else if (value instanceof String s) {
      packer.packString(s);
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      packer.packLong(((Number) value).longValue());
    } else if (value instanceof BigInteger big) {
      packer.packBigInteger(big);
    } else if (value instanceof Number n) {
      double d = n.doubleValue();
      // JavaScript has one number type: an integral value is written as an integer there.
      if (d == Math.rint(d) && Math.abs(d) <= MAX_SAFE_INTEGER && !(d == 0 && 1 / d < 0)) {
        packer.packLong((long) d);
      } else {
        packer.packDouble(d);
      }
    } else if (value instanceof byte[] bytes) {
      packer.packBinaryHeader(bytes.length);
      packer.writePayload(bytes);
    } else if (value instanceof List<?> list) {
      packer.packArrayHeader(list.size());
      for (Object item : list) write(packer, item, depth + 1);
    } else if (value instanceof Map<?, ?> map) {
      packer.packMapHeader(map.size());
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw new IllegalArgumentException("map keys must be strings, got " + entry.getKey());
        }
        packer.packString(key);
        write(packer, entry.getValue(), depth + 1);
      }
    } else {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getName() + " as MessagePack");
    }
  }

  private static Object read(MessageUnpacker unpacker, int depth) throws IOException, ClusterWireException {
    if (depth > MAX_DEPTH) throw new ClusterWireException("MessagePack nested deeper than " + MAX_DEPTH);
    MessageFormat format = unpacker.getNextFormat();
    ValueType type = format.getValueType();
    switch (type) {
      case NIL:
        unpacker.unpackNil();
        return null;
      case BOOLEAN:
        return unpacker.unpackBoolean();
      case INTEGER:
        if (format == MessageFormat.UINT64) {
          BigInteger big = unpacker.unpackBigInteger();
          return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
        }
        return unpacker.unpackLong();
      case FLOAT:
        return unpacker.unpackDouble();
      case STRING:
        return unpacker.unpackString();
      case BINARY: {
        int length = unpacker.unpackBinaryHeader();
        return unpacker.readPayload(length);
      }
      case ARRAY: {
        int size = unpacker.unpackArrayHeader();
        List<Object> list = new ArrayList<>(Math.min(size, 1024));
        for (int i = 0; i < size; i++) list.add(read(unpacker, depth + 1));
        return list;
      }
      case MAP: {
        int size = unpacker.unpackMapHeader();
        Map<String, Object> map = new LinkedHashMap<>(Math.min(size, 1024) * 2);
        for (int i = 0; i < size; i++) {
          Object key = read(unpacker, depth + 1);
          if (!(key instanceof String) && !(key instanceof Number)) {
            throw new ClusterWireException("MessagePack map key must be a string or a number, got " + key);
          }
          map.put(String.valueOf(key), read(unpacker, depth + 1));
        }
        return map;
      }
      case EXTENSION: {
        var header = unpacker.unpackExtensionTypeHeader();
        if (header.getType() == -1) {
          byte[] payload = unpacker.readPayload(header.getLength());
          return timestamp(payload).toString();
        }
        throw new ClusterWireException("unsupported MessagePack extension type " + header.getType());
      }
      default:
        throw new ClusterWireException("unsupported MessagePack format " + format);
    }
  }

  private static Instant timestamp(byte[] p) throws ClusterWireException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(p);
    switch (p.length) {
      case 4:
        return Instant.ofEpochSecond(Integer.toUnsignedLong(b.getInt()));
      case 8: {
        long v = b.getLong();
        return Instant.ofEpochSecond(v & 0x3ffffffffL, v >>> 34);
      }
      case 12: {
        int nanos = b.getInt();
        return Instant.ofEpochSecond(b.getLong(), nanos);
      }
      default:
        throw new ClusterWireException("malformed MessagePack timestamp of " + p.length + " bytes");
    }
  }
}
