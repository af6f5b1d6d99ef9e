package dev.belay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.belay.testing.Browser;
import java.nio.file.Path;
import java.util.List;
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
    try (ChatCluster cluster = ChatCluster.start(2); Browser alice = Browser.start(); Browser bob = Browser.start()) {
      enter(alice, cluster.node(0), "alice");
      enter(bob, cluster.node(1), "bob");

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
