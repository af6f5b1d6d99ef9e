package dev.belay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.engine.Cors;
import dev.belay.testing.RawHttp;
import dev.belay.testing.TestEngine;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Cross-origin rules: allow-list, credentials, preflight, and nothing for unknown origins. */
class CorsTest {

  @Test
  void allowListedOriginIsReflectedWithCredentials() {
    try (TestEngine server = TestEngine.start(b -> b.cors(Cors.allowOrigins("https://app.test").withCredentials(true)))) {
      HttpResponse<String> r = RawHttp.get(server.url("EIO=4&transport=polling"), "Origin", "https://app.test");
      assertEquals(200, r.statusCode());
      assertEquals("https://app.test", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
      assertEquals("true", r.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
      // Both: the answer depends on the origin (CORS) and on Accept-Encoding (compression).
      assertEquals("Origin, Accept-Encoding", r.headers().firstValue("Vary").orElse(null));
    }
  }

  @Test
  void otherOriginsGetNoCorsHeaders() {
    try (TestEngine server = TestEngine.start(b -> b.cors(Cors.allowOrigins("https://app.test")))) {
      HttpResponse<String> r = RawHttp.get(server.url("EIO=4&transport=polling"), "Origin", "https://evil.test");
      assertTrue(r.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }
  }

  @Test
  void preflightAnswersMethodsHeadersAndMaxAge() {
    try (TestEngine server = TestEngine.start(b -> b.cors(Cors.anyOrigin()))) {
      HttpResponse<String> r = RawHttp.method("OPTIONS", server.url("EIO=4&transport=polling"),
          "Origin", "https://any.test", "Access-Control-Request-Method", "POST",
          "Access-Control-Request-Headers", "content-type, x-custom");
      assertEquals(204, r.statusCode());
      assertEquals("https://any.test", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
      assertTrue(r.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
      assertEquals("content-type, x-custom", r.headers().firstValue("Access-Control-Allow-Headers").orElse(null));
      assertEquals("86400", r.headers().firstValue("Access-Control-Max-Age").orElse(null));
    }
  }

  @Test
  void disabledByDefault() {
    try (TestEngine server = TestEngine.start(b -> {})) {
      HttpResponse<String> r = RawHttp.get(server.url("EIO=4&transport=polling"), "Origin", "https://app.test");
      assertTrue(r.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }
  }
}
