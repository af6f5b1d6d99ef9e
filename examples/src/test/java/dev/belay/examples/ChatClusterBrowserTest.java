package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.cluster.redis.RedisStreamsAdapter;
import dev.belay.cluster.redis.RedisStreamsOptions;
import dev.belay.cluster.redis.testing.RedisServer;
import dev.belay.testing.Browser;
import io.lettuce.core.RedisClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The chat on two nodes of one cluster on a real redis-server (what {@code chat --redis} runs),
 * each page in its own headless Chromium on its own node: they chat in one room through Redis,
 * each message once, with both ticks.
 */
class ChatClusterBrowserTest {
  @Test
  void twoPagesOnTwoNodesChatThroughRedis() throws Exception {
    List<RedisClient> redisClients = new ArrayList<>();
    List<Server> servers = new ArrayList<>();
    List<ExampleHttp> nodes = new ArrayList<>();
    try (RedisServer redis = RedisServer.start(); Browser alice = Browser.start(); Browser bob = Browser.start()) {
      for (int i = 0; i < 2; i++) {
        RedisClient client = RedisClient.create(redis.uri());
        redisClients.add(client);
        Server io = new Server(ServerOptions.builder()
            .adapter(RedisStreamsAdapter.factory(client, RedisStreamsOptions.defaults()))
            .connectionStateRecovery(ConnectionStateRecovery.defaults())
            .build());
        servers.add(io);
        new ChatServer(io);
        nodes.add(ExampleHttp.start(io, ChatServer.PAGES, "127.0.0.1", 0));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      for (Server io : servers) { // the nodes find each other through Redis
        while (io.serverCount().get(5, TimeUnit.SECONDS) < 2) {
          if (System.nanoTime() > deadline) throw new AssertionError("the two chat nodes did not see each other");
          Thread.onSpinWait();
        }
      }

      enter(alice, nodes.get(0), "alice");
      enter(bob, nodes.get(1), "bob");

      alice.driver.findElement(By.id("text")).sendKeys("hello from node 1", Keys.ENTER);
      bob.waitUntil("return " + lastMessage() + "?.querySelector('.text').textContent === 'hello from node 1'"
          + " && " + lastMessage() + ".querySelector('.from').textContent === 'alice'");
      alice.waitUntil("return " + lastMessage() + ".querySelector('.ticks').textContent === '✓✓'");

      bob.driver.findElement(By.id("text")).sendKeys("hi from node 2", Keys.ENTER);
      alice.waitUntil("return " + lastMessage() + "?.querySelector('.text').textContent === 'hi from node 2'");
      bob.waitUntil("return " + lastMessage() + ".querySelector('.ticks').textContent === '✓✓'");

      List<String> expected = List.of("hello from node 1", "hi from node 2");
      for (Browser page : new Browser[] {alice, bob}) {
        assertEquals(expected, page.js("return [...document.querySelectorAll('#messages .text')].map(e => e.textContent)"));
      }
      alice.screenshot(Path.of("target/screenshots/chat-cluster.png"));
    } finally {
      for (ExampleHttp node : nodes) node.close();
      for (Server io : servers) io.close();
      for (RedisClient client : redisClients) client.shutdown();
    }
  }

  private static void enter(Browser browser, ExampleHttp node, String name) {
    browser.open(node.url() + "?name=" + name + "&room=general");
    browser.waitUntil("return document.querySelector('#room-title')?.textContent === '# general'");
    browser.waitUntil("return document.querySelector('#status')?.textContent === 'online'");
  }

  private static String lastMessage() {
    return "document.querySelector('#messages .message:last-child')";
  }
}
