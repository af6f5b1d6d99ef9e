package dev.belay.binding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate made at start, for development, tests and benchmarks (the examples'
 * {@code --tls}): never for production, where a certificate comes from a CA. An EC P-256 key and a
 * certificate for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the host given, valid 30
 * days. It is made by the JDK's own {@code keytool} (run as a process: the JDK has no public API
 * to sign a certificate, and this spares a dependency), in a temp folder deleted at exit, apart
 * from the certificate's PEM file, which a user can import to trust it.
 *
 * <pre>{@code
 * SelfSignedCertificate cert = SelfSignedCertificate.generate("127.0.0.1");
 * io.listen(ListenOptions.builder().port(8443).tls(cert.tls()).build());
 * System.out.println("SHA-256 fingerprint " + cert.fingerprint());
 * }</pre>
 */
public final class SelfSignedCertificate {
  private final Tls tls;
  private final String fingerprint;
  private final Path certificateFile;

  private SelfSignedCertificate(Tls tls, String fingerprint, Path certificateFile) {
    this.tls = tls;
    this.fingerprint = fingerprint;
    this.certificateFile = certificateFile;
  }

  /** Generates a key and certificate for the loopback names and {@code host} (if it names one host). */
  public static SelfSignedCertificate generate(String host) {
    try {
      Path dir = Files.createTempDirectory("belay-tls");
      Path store = dir.resolve("server.p12");
      char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12)).toCharArray();
      List<String> command = List.of(keytool(), "-genkeypair", "-alias", "belay", "-keyalg", "EC",
          "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "30",
          "-dname", "CN=localhost", "-ext", "SAN=" + String.join(",", subjectAltNames(host)),
          "-keystore", store.toString(), "-storetype", "PKCS12",
          "-storepass", new String(password), "-keypass", new String(password));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool could not make a certificate: " + output);
      }
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, password);
      }
      Certificate cert = keys.getCertificate("belay");
      Path pem = dir.resolve("belay-localhost.crt");
      Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
          + "\n-----END CERTIFICATE-----\n");
      Tls tls = Tls.pkcs12(store, password);
      Files.delete(store);
      dir.toFile().deleteOnExit();
      pem.toFile().deleteOnExit();
      String fingerprint = HexFormat.ofDelimiter(":").withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
      return new SelfSignedCertificate(tls, fingerprint, pem);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a self-signed certificate", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the self-signed certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making a certificate", e);
    }
  }

  private static List<String> subjectAltNames(String host) {
    Set<String> names = new LinkedHashSet<>(List.of("dns:localhost", "ip:127.0.0.1", "ip:::1"));
    if (host != null && !host.equals("0.0.0.0") && !host.equals("::") && !host.isBlank()) {
      boolean literal = host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
      if (literal) {
        try {
          names.add("ip:" + InetAddress.getByName(host).getHostAddress());
        } catch (IOException e) {
          // not an address after all; left out
        }
      } else if (host.matches("[A-Za-z0-9.-]+")) {
        names.add("dns:" + host);
      }
    }
    return new ArrayList<>(names);
  }

  /** The JDK's keytool, next to the running java (else the one on the PATH). */
  private static String keytool() {
    Path own = Path.of(System.getProperty("java.home"), "bin", "keytool");
    return Files.isExecutable(own) ? own.toString() : "keytool";
  }

  /** The key and certificate, for a listener. */
  public Tls tls() {
    return tls;
  }

  /** The certificate's SHA-256 fingerprint, colon-separated hex, as browsers show it. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The certificate as a PEM file (deleted when the JVM exits), to import into a trust store. */
  public Path certificateFile() {
    return certificateFile;
  }
}
