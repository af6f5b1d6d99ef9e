// node sio-namespaces.mjs <url> <mode>
// Namespaces over one connection, auth payloads, unknown namespaces, and middleware refusals.
import { io } from "socket.io-client";
import { watchdog, options, connect, next, check, ackAll } from "./sio-lib.mjs";

watchdog();
const [url, mode] = process.argv.slice(2);

// Two namespaces multiplexed over one Manager (one engine connection).
const manager = new io.Manager(url, { ...options(mode), autoConnect: false });
const main = manager.socket("/");
const admin = manager.socket("/admin", { auth: { token: "abc", level: 3 } });
const adminAuth = next(admin, "auth");
manager.open();
main.connect();
admin.connect();
const [auth] = await adminAuth;
check("auth payload reaches the namespace", JSON.stringify(auth) === '{"token":"abc","level":3}', auth);
await (main.connected ? Promise.resolve() : next(main, "connect"));
check("two namespaces share one engine session", main.io.engine === admin.io.engine && admin.connected, admin.id);
check("socket ids differ per namespace", main.id !== admin.id, [main.id, admin.id]);

// Leaving one namespace keeps the other working.
admin.disconnect();
const reply = await ackAll(main, "echo", "still here");
check("main namespace works after leaving /admin", reply[0] === "still here", reply);
main.disconnect();

// An unknown namespace.
try {
  await connect(url + "/nowhere", options(mode));
  check("unknown namespace refused", false, "connected");
} catch (err) {
  check("unknown namespace refused", err.message === "Invalid namespace", err.message);
}

// Middleware refusal, with data.
try {
  await connect(url + "/private", options(mode, { auth: { token: "wrong" } }));
  check("middleware refusal", false, "connected");
} catch (err) {
  check("middleware refusal message", err.message === "not authorized", err.message);
  check("middleware refusal data", err.data && err.data.reason === "bad token", err.data);
}

// Middleware acceptance.
const privateSocket = await connect(url + "/private", options(mode, { auth: { token: "letmein" } }));
check("middleware acceptance", privateSocket.connected, privateSocket.id);
privateSocket.disconnect();

console.log("DONE");
process.exit(0);
