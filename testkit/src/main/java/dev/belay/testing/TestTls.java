package dev.belay.testing;

import dev.belay.binding.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The test certificates: self-signed, for {@code localhost}, {@code 127.0.0.1} and {@code ::1},
 * valid until 2126, kept in this module's resources ({@code dev/belay/testing/tls}) as an EC key in
 * SEC1 and PKCS#8, an RSA key in PKCS#1 and PKCS#8, their certificates, and a PKCS#12 store of the
 * EC pair (password {@code changeit}). Test keys only: public, never for a real server.
 *
 * <pre>{@code
 * Listening https = io.listen(ListenOptions.builder().host("127.0.0.1").tls(TestTls.server()).build());
 * HttpClient client = TestTls.httpClient(HttpClient.Version.HTTP_2);
 * }</pre>
 */
public final class TestTls {
  /** Where {@link #file} copies the resources: one folder per JVM. Guarded by the class lock. */
  private static Path dir;

  private TestTls() {}

  /** The EC certificate and PKCS#8 key, as a server uses them. */
  public static Tls server() {
    return Tls.pem(file("ec.cert.pem"), file("ec-pkcs8.key.pem"));
  }

  /** A resource of {@code dev/belay/testing/tls} as a file (copied once to a temp folder). */
  public static synchronized Path file(String name) {
    try {
      if (dir == null) dir = Files.createTempDirectory("belay-test-tls");
      Path target = dir.resolve(name);
      if (!Files.exists(target)) {
        try (InputStream in = TestTls.class.getResourceAsStream("tls/" + name)) {
          if (in == null) throw new IllegalArgumentException("no test TLS resource " + name);
          Files.copy(in, target);
        }
        target.toFile().deleteOnExit();
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A trust manager that trusts the two test certificates (and nothing else). */
  public static X509TrustManager trustManager() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (String name : new String[] {"ec.cert.pem", "rsa.cert.pem"}) {
        try (InputStream in = Files.newInputStream(file(name))) {
          Certificate cert = factory.generateCertificate(in);
          trust.setCertificateEntry(name, cert);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) return x509;
      }
      throw new IllegalStateException("no X509TrustManager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the test trust store", e);
    }
  }

  /** A client context that trusts the two test certificates (and nothing else). */
  public static SSLContext clientContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JDK's HttpClient trusting the test certificates, preferring {@code version}. */
  public static HttpClient httpClient(HttpClient.Version version) {
    return HttpClient.newBuilder().version(version).sslContext(clientContext()).build();
  }
}
