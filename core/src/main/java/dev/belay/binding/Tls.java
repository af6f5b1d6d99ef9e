package dev.belay.binding;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server side of TLS for a listener: its certificate and key, as an {@link SSLContext}, a PEM
 * certificate chain and private key, or a PKCS#12 keystore. Whatever the source, the listener
 * speaks TLS 1.3 and 1.2 only, with the JDK's default cipher suites (the modern ones; older
 * protocols and weak suites are off).
 *
 * <pre>{@code
 * Tls tls = Tls.pem(Path.of("/etc/belay/fullchain.pem"), Path.of("/etc/belay/privkey.pem"));
 * io.listen(ListenOptions.builder().port(443).tls(tls).build());   // https and wss on 443
 * }</pre>
 *
 * <p>The files are read once, when the {@code Tls} is made, so a bad file fails there with a
 * message that says what is wrong, not at the first connection. Immutable and thread-safe.
 */
public final class Tls {
  private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final SSLContext context;

  private Tls(SSLContext context) {
    this.context = context;
  }

  /** Uses an {@link SSLContext} built by the application (its key managers choose the certificate). */
  public static Tls of(SSLContext context) {
    return new Tls(Objects.requireNonNull(context, "context"));
  }

  /**
   * Reads a PEM certificate chain (the server's certificate first, then its intermediates, as
   * Let's Encrypt's {@code fullchain.pem}) and an unencrypted PEM private key: PKCS#8
   * ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC
   * ({@code BEGIN EC PRIVATE KEY}).
   *
   * @throws IllegalArgumentException if a file cannot be read or holds no usable certificate or key
   */
  public static Tls pem(Path certificateChain, Path privateKey) {
    List<Certificate> chain = Pem.certificates(certificateChain);
    PrivateKey key = Pem.privateKey(privateKey);
    if (!Pem.belongTogether(key, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException("the key in " + privateKey
          + " is not the key of the first certificate in " + certificateChain);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
      return new Tls(context(store, password));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("the key in " + privateKey + " does not go with the certificate in "
          + certificateChain + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a PKCS#12 keystore ({@code .p12}/{@code .pfx}) holding the server's key and certificate
   * chain; {@code password} unlocks both the store and the key.
   *
   * @throws IllegalArgumentException if the file cannot be read or the password is wrong
   */
  public static Tls pkcs12(Path keystore, char[] password) {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      return new Tls(context(store, password));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot read the PKCS#12 keystore " + keystore + ": " + e.getMessage(), e);
    }
  }

  private static SSLContext context(KeyStore store, char[] password) throws GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  /** The context the listener's TLS engines come from. */
  public SSLContext sslContext() {
    return context;
  }

  /** The protocol versions the listener enables: {@code TLSv1.3} and {@code TLSv1.2}. */
  public List<String> protocols() {
    return PROTOCOLS;
  }
}
