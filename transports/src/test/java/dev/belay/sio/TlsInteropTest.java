package dev.belay.sio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.binding.ListenOptions;
import dev.belay.binding.Listening;
import dev.belay.testing.NodeScript;
import dev.belay.testing.TestTls;
import io.socket.client.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both official clients over https and wss against {@code io.listen} with TLS, in the three modes
 * (long-polling, WebSocket, polling upgraded to WebSocket): Node's with
 * {@code rejectUnauthorized: false} and with the test certificate as its CA, Java's (OkHttp) with a
 * trust manager for the test certificate, its polling requests going over HTTP/2.
 */
class TlsInteropTest {
  private final Server server = new Server(ServerOptions.builder().build());
  private final Listening https;

  TlsInteropTest() {
    InteropApp.install(server);
    https = server.listen(ListenOptions.builder().host("127.0.0.1").port(0).tls(TestTls.server()).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String url() {
    return "https://127.0.0.1:" + https.port();
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket", "upgrade"})
  void nodeClientWithoutCertificateChecks(String mode) {
    NodeScript.Result result = NodeClient.run("sio-tls.mjs", url(), mode);
    String expected = "polling".equals(mode) ? "polling" : "websocket";
    assertTrue(result.lines().contains("OK server transport " + expected), result.stdout());
    assertTrue(result.lines().contains("OK secure"), result.stdout());
  }

  @Test
  void nodeClientTrustingTheTestCertificate() {
    NodeScript.Result result = NodeClient.run("sio-tls.mjs", url(), "upgrade", TestTls.file("ec.cert.pem").toString());
    assertTrue(result.lines().contains("OK server transport websocket"), result.stdout());
  }

  @ParameterizedTest
  @ValueSource(strings = {"polling", "websocket", "upgrade"})
  void javaClient(String mode) {
    Set<Protocol> protocols = ConcurrentHashMap.newKeySet();
    OkHttpClient okHttp = new OkHttpClient.Builder()
        .sslSocketFactory(TestTls.clientContext().getSocketFactory(), TestTls.trustManager())
        .addNetworkInterceptor(chain -> {
          protocols.add(chain.connection().protocol());
          return chain.proceed(chain.request());
        })
        .build();
    Socket socket = JavaClient.connect(url(), options -> {
      options.callFactory = okHttp;
      options.webSocketFactory = okHttp;
      if ("polling".equals(mode)) options.transports = new String[] {"polling"};
      if ("websocket".equals(mode)) options.transports = new String[] {"websocket"};
    });
    try {
      String expected = "polling".equals(mode) ? "polling" : "websocket";
      Object transport = JavaClient.emitWithAck(socket, "transport")[0];
      for (int i = 0; i < 50 && !expected.equals(transport); i++) {
        transport = JavaClient.emitWithAck(socket, "transport")[0];
      }
      assertEquals(expected, transport);
      assertArrayEquals(new Object[] {"hello", 42, true}, JavaClient.emitWithAck(socket, "echo", "hello", 42, true));
      // OkHttp offers h2 by ALPN: polls and posts go over HTTP/2 (its WebSocket, an HTTP/1.1
      // upgrade, passes no interceptor).
      if ("polling".equals(mode)) assertEquals(Set.of(Protocol.HTTP_2), protocols);
    } finally {
      socket.close();
    }
  }
}
