/**
 * The Socket.IO v5 packet codec: pure, no I/O. {@link dev.belay.parser.SocketEncoder} turns a
 * {@link dev.belay.parser.SocketPacket} into frames (one text frame plus binary attachments);
 * {@link dev.belay.parser.SocketDecoder} reassembles a connection's frames into packets and
 * rejects malformed input with a typed {@link dev.belay.parser.SocketParseException}.
 *
 * <pre>{@code
 * EncodedPacket wire = SocketEncoder.encode(SocketPacket.event("/", List.of("hi", new byte[] {1}), null));
 * SocketDecoder decoder = new SocketDecoder(10, 1_000_000);
 * SocketPacket packet = null;
 * for (Object frame : wire.frames()) packet = decoder.add(frame);
 * }</pre>
 */
package dev.belay.parser;
