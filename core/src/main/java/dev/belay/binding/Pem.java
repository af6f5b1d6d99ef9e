package dev.belay.binding;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files with the JDK alone: certificate chains, and unencrypted private keys in PKCS#8,
 * PKCS#1 (RSA) and SEC1 (EC). PKCS#1 and SEC1 keys are wrapped into PKCS#8, the one form the
 * JDK's key factories read. Stateless.
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  /** rsaEncryption, 1.2.840.113549.1.1.1, with its NULL parameters: the PKCS#8 algorithm of a PKCS#1 key. */
  private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
  /** id-ecPublicKey, 1.2.840.10045.2.1. */
  private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

  private Pem() {}

  record Block(String type, byte[] der) {}

  static List<Block> blocks(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1); // any bytes decode; PEM is ASCII
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
    }
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        blocks.add(new Block(m.group(1), Base64.getDecoder().decode(m.group(2).replaceAll("\\s", ""))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": a " + m.group(1) + " block is not valid base64", e);
      }
    }
    return blocks;
  }

  static List<Certificate> certificates(Path file) {
    List<Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(file)) {
        if (b.type().equals("CERTIFICATE")) chain.add(factory.generateCertificate(new ByteArrayInputStream(b.der())));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": not a valid certificate: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) throw new IllegalArgumentException(file + " holds no BEGIN CERTIFICATE block");
    return chain;
  }

  static PrivateKey privateKey(Path file) {
    for (Block b : blocks(file)) {
      switch (b.type()) {
        case "PRIVATE KEY":
          return pkcs8(file, b.der());
        case "RSA PRIVATE KEY":
          return pkcs8(file, sequence(concat(new byte[] {2, 1, 0}, RSA_ALGORITHM, tlv(0x04, b.der()))));
        case "EC PRIVATE KEY":
          return pkcs8(file, sec1ToPkcs8(file, b.der()));
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(file + " holds an encrypted key: decrypt it"
              + " (openssl pkcs8 -in key.pem -nocrypt -out plain.pem) or use a PKCS#12 keystore");
        default:
          break;
      }
    }
    throw new IllegalArgumentException(file + " holds no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException ignored) {
        // not this algorithm; try the next
      }
    }
    throw new IllegalArgumentException(file + ": the private key is not an RSA, EC or EdDSA key the JDK can read");
  }

  /**
   * Whether {@code key} is the private half of {@code publicKey}: a signature made with one checks
   * with the other. Key types without a known signature here pass (the handshake will tell).
   */
  static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    if (algorithm == null) return true;
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())
        && !(algorithm.startsWith("Ed") && publicKey.getAlgorithm().startsWith("Ed"))) {
      return false;
    }
    try {
      byte[] probe = "belay key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * SEC1's ECPrivateKey names its curve in the optional [0] field; PKCS#8 wants it in the
   * algorithm identifier. The SEC1 structure itself goes inside unchanged.
   */
  private static byte[] sec1ToPkcs8(Path file, byte[] sec1) {
    byte[] curve = null;
    try {
      Der outer = new Der(sec1, 0);
      if (outer.tag != 0x30) throw new IllegalArgumentException("not a SEQUENCE");
      int at = outer.contentStart;
      while (at < outer.end) {
        Der field = new Der(sec1, at);
        if (field.tag == 0xa0) {
          Der oid = new Der(sec1, field.contentStart);
          if (oid.tag == 0x06) curve = java.util.Arrays.copyOfRange(sec1, field.contentStart, oid.end);
        }
        at = field.end;
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": the EC PRIVATE KEY block is not valid DER", e);
    }
    if (curve == null) throw new IllegalArgumentException(file + ": the EC key does not name its curve");
    byte[] algorithm = sequence(concat(EC_PUBLIC_KEY_OID, curve));
    return sequence(concat(new byte[] {2, 1, 0}, algorithm, tlv(0x04, sec1)));
  }

  /** One DER element's tag and bounds at {@code offset}. */
  private static final class Der {
    final int tag;
    final int contentStart;
    final int end;

    Der(byte[] b, int offset) {
      tag = b[offset] & 0xff;
      int len = b[offset + 1] & 0xff;
      int at = offset + 2;
      if (len > 0x80) {
        int n = len - 0x80;
        if (n > 3) throw new IllegalArgumentException("length too long");
        len = 0;
        for (int i = 0; i < n; i++) len = (len << 8) | (b[at++] & 0xff);
      } else if (len == 0x80) {
        throw new IllegalArgumentException("indefinite length");
      }
      contentStart = at;
      end = at + len;
      if (end > b.length) throw new IllegalArgumentException("truncated");
    }
  }

  private static byte[] sequence(byte[] content) {
    return tlv(0x30, content);
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  private static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    return b;
  }
}
