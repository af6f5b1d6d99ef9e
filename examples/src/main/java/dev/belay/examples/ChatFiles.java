package dev.belay.examples;

import dev.belay.Server;
import dev.belay.Socket;
import dev.belay.stream.InboundStream;
import dev.belay.stream.OutboundStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * File sharing for the chat, on large-data transfers: a page drops a file into its room
 * ({@code socket.stream("file", {name, size, type})}), everyone in the room sees it arrive with a
 * progress bar, then can download it ({@code download} event; the file comes back as a
 * {@code file-download} transfer). Every message stays under {@code maxPayload}; files are kept in
 * a temporary folder, at most {@link #MAX_FILES} of at most {@link #MAX_BYTES} each.
 *
 * <pre>{@code
 * new ChatFiles(io, socket -> (String) socket.data().get("room"));  // ChatServer does this
 * }</pre>
 */
final class ChatFiles {
  static final long MAX_BYTES = 200L << 20;
  static final int MAX_FILES = 50;
  private static final long PROGRESS_EVERY = 512 * 1024;

  /** A shared file as every client sees it. */
  record SharedFile(String id, String room, String from, String name, String type, long size) {}

  private final Server io;
  private final Path dir;
  // id -> file, oldest first (access guarded by the map itself for eviction order); thread-safe lookups.
  private final Map<String, SharedFile> files = new ConcurrentHashMap<>();
  // Ids in arrival order, for evicting the oldest; guarded by itself.
  private final Deque<String> order = new ArrayDeque<>();
  private final AtomicLong count = new AtomicLong();
  // Blocking file I/O of uploads and downloads, off the sockets' lanes; thread-safe.
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "chat-files");
    t.setDaemon(true);
    return t;
  });

  ChatFiles(Server io) {
    this.io = io;
    try {
      this.dir = Files.createTempDirectory("belay-chat-files-");
      dir.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lets {@code socket} share files into its current room and download the room's files. */
  void install(Socket socket) {
    socket.onStream("file", (meta, in) -> {
      Object room = socket.data().get("room");
      Map<?, ?> m = meta instanceof Map<?, ?> map ? map : Map.of();
      long announced = m.get("size") instanceof Number n ? n.longValue() : -1;
      if (!(room instanceof String r)) {
        in.abort("join a room first");
      } else if (announced > MAX_BYTES) {
        in.abort("files are limited to " + MAX_BYTES + " bytes");
      } else {
        SharedFile file = new SharedFile("f" + count.incrementAndGet(), r, String.valueOf(socket.data().get("name")),
            clean(m.get("name"), "file"), clean(m.get("type"), "application/octet-stream"), announced);
        workers.execute(() -> receive(file, in));
      }
    });
    socket.on("download", (args, ack) -> {
      SharedFile file = args.isEmpty() ? null : files.get(String.valueOf(args.get(0)));
      if (file == null || !file.room().equals(socket.data().get("room"))) {
        ack.send(Map.of("error", "no such file in this room"));
        return;
      }
      ack.send(Map.of("id", file.id()));
      workers.execute(() -> send(socket, file));
    });
  }

  private void receive(SharedFile file, InboundStream in) {
    Path path = dir.resolve(file.id());
    long total = 0;
    try (InputStream data = in.inputStream(); OutputStream out = Files.newOutputStream(path)) {
      byte[] buf = new byte[64 * 1024];
      long nextProgress = 0;
      for (int n; (n = data.read(buf)) >= 0; ) {
        total += n;
        if (total > MAX_BYTES) {
          in.abort("files are limited to " + MAX_BYTES + " bytes");
          throw new IOException("too large");
        }
        out.write(buf, 0, n);
        if (total >= nextProgress) {
          io.to(file.room()).emit("file-progress", view(file, total));
          nextProgress = total + PROGRESS_EVERY;
        }
      }
    } catch (IOException e) {
      quietlyDelete(path);
      io.to(file.room()).emit("file-failed", Map.of("id", file.id(), "reason", String.valueOf(e.getMessage())));
      return;
    }
    SharedFile done = new SharedFile(file.id(), file.room(), file.from(), file.name(), file.type(), total);
    files.put(done.id(), done);
    synchronized (order) {
      order.addLast(done.id());
      while (order.size() > MAX_FILES) {
        String oldest = order.removeFirst();
        files.remove(oldest);
        quietlyDelete(dir.resolve(oldest));
      }
    }
    io.to(file.room()).emit("file", view(done, total));
  }

  private void send(Socket socket, SharedFile file) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("id", file.id());
    meta.put("name", file.name());
    meta.put("type", file.type());
    meta.put("size", file.size());
    OutboundStream out = socket.stream("file-download", meta);
    try (InputStream data = Files.newInputStream(dir.resolve(file.id()))) {
      byte[] buf = new byte[256 * 1024];
      for (int n; (n = data.readNBytes(buf, 0, buf.length)) > 0; ) {
        out.write(java.util.Arrays.copyOf(buf, n)).toCompletableFuture().get(2, TimeUnit.MINUTES);
      }
      out.end();
    } catch (Exception e) {
      out.abort("cannot read the file: " + e.getMessage());
    }
  }

  private static Map<String, Object> view(SharedFile file, long received) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", file.id());
    v.put("room", file.room());
    v.put("from", file.from());
    v.put("name", file.name());
    v.put("type", file.type());
    v.put("size", file.size());
    v.put("received", received);
    return v;
  }

  private static String clean(Object value, String otherwise) {
    if (!(value instanceof String s) || s.isBlank()) return otherwise;
    String t = s.strip();
    return t.length() <= 200 ? t : t.substring(0, 200);
  }

  private static void quietlyDelete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a temporary file; the folder goes at exit
    }
  }
}
