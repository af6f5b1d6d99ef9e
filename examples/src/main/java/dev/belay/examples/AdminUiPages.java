package dev.belay.examples;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.belay.Server;
import dev.belay.admin.AdminUi;
import dev.belay.admin.AdminUiOptions;
import io.undertow.server.HttpHandler;
import java.nio.charset.StandardCharsets;

/**
 * The Socket.IO Admin UI for an example: the server side on {@code /admin} ({@link AdminUi}) and
 * the UI itself, the {@code ui/dist} of the npm package {@code @socket.io/admin-ui} that the
 * build copies into the jar, at {@code /admin-ui/}. The UI asks for the server URL (the example's
 * own address; the admin namespace and the {@code /socket.io} path are its defaults).
 *
 * <pre>{@code
 * AdminUi admin = AdminUiPages.install(io, "secret", false, AdminUiOptions.Mode.DEVELOPMENT);  // user "admin"
 * HttpHandler pages = AdminUiPages.withUi(new StaticResources(ChatServer.PAGES, ResponseCodeHandler.HANDLE_404));
 * }</pre>
 */
public final class AdminUiPages {
  /** Where the UI is served. */
  public static final String PATH = "/admin-ui/";
  /** The user name basic authentication asks for. */
  public static final String USERNAME = "admin";
  private static final String FOLDER = "dev/belay/examples/admin-ui/";

  private AdminUiPages() {}

  /**
   * Installs the Admin UI's server side: without authentication when {@code password} is null,
   * otherwise basic authentication as {@link #USERNAME} with the bcrypt hash of {@code password}.
   */
  public static AdminUi install(Server io, String password, boolean readonly, AdminUiOptions.Mode mode) {
    AdminUiOptions.Builder options = password == null ? AdminUiOptions.noAuth()
        : AdminUiOptions.basicAuth(USERNAME, new String(
            BCrypt.withDefaults().hash(10, password.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
    return AdminUi.install(io, options.readonly(readonly).mode(mode).build());
  }

  /** {@code pages}, with the Admin UI's files at {@link #PATH} for the requests {@code pages} leaves. */
  public static HttpHandler withUi(HttpHandler next) {
    return new StaticResources(PATH, FOLDER, next);
  }

  /** Whether the build put the UI into the class path (it needs npm at build time). */
  public static boolean uiBundled() {
    return AdminUiPages.class.getClassLoader().getResource(FOLDER + "index.html") != null;
  }
}
