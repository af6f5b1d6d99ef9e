package dev.belay.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.testing.NodeScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of drain-clients.mjs (one JSON object per client event), taken in order and kept per
 * client until the test asks for them.
 *
 * <pre>{@code
 * DrainClients clients = new DrainClients(script, 8, Duration.ofSeconds(30));
 * JsonObject connect = clients.next(0, "connect");
 * }</pre>
 */
final class DrainClients {
  private final NodeScript.Running script;
  private final Duration step;
  /** Lines taken but not asked for yet, per client; test thread only. */
  private final List<List<JsonObject>> kept = new ArrayList<>();

  DrainClients(NodeScript.Running script, int clients, Duration step) {
    this.script = script;
    this.step = step;
    for (int i = 0; i < clients; i++) kept.add(new ArrayList<>());
  }

  JsonObject any() {
    return JsonParser.parseString(script.nextLine(step)).getAsJsonObject();
  }

  /** The next line if the script prints one within {@code timeout}, else null. */
  JsonObject poll(Duration timeout) {
    String line = script.pollLine(timeout);
    return line == null ? null : JsonParser.parseString(line).getAsJsonObject();
  }

  void keep(JsonObject line) {
    kept.get(line.get("i").getAsInt()).add(line);
  }

  /** The next {@code event} of client {@code i}; other clients' lines (and its connect_errors) are kept. */
  JsonObject next(int i, String event) {
    List<JsonObject> mine = kept.get(i);
    for (int k = 0; k < mine.size(); k++) {
      if (mine.get(k).get("event").getAsString().equals(event)) return mine.remove(k);
    }
    while (true) {
      JsonObject line = any();
      if (line.get("i").getAsInt() == i && line.get("event").getAsString().equals(event)) return line;
      keep(line);
    }
  }

  /** Every message client {@code i} got, in order, up to and including {@code last}. */
  List<String> messagesUntil(int i, String last) {
    List<String> messages = new ArrayList<>();
    for (JsonObject line : kept.get(i)) {
      if (line.get("event").getAsString().equals("msg")) messages.add(line.get("msg").getAsString());
    }
    kept.get(i).clear();
    while (!messages.contains(last)) messages.add(next(i, "msg").get("msg").getAsString());
    return messages;
  }
}
