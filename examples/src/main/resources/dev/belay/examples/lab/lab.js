// The transport lab page, on the bundled client (the global `io` from /socket.io/socket.io.js).
// Optional URL parameters: transport (websocket, sse or polling: use only that one); shared=1 (one
// connection for all the lab tabs of this browser, io(url, { shared: true })), with sharedWorker=0
// to use the leader-tab fallback instead of the SharedWorker.
"use strict";

const params = new URLSearchParams(location.search);
const forced = params.get("transport") || "";
const $ = (id) => document.getElementById(id);

// One id per browser tab, kept across reloads, so the table keeps its row.
const tabId = sessionStorage.getItem("belay.lab.tab") || "tab-" + Math.random().toString(36).slice(2, 8);
sessionStorage.setItem("belay.lab.tab", tabId);

const me = { transport: "", path: [], offered: [], rtt: null, reconnects: 0, forced, http: "" };
const shared = params.get("shared") === "1" ? (params.get("sharedWorker") === "0" ? "tabs" : true) : false;
const socket = io({ auth: { tab: tabId }, transports: forced ? [forced] : undefined, shared });
window.labSocket = socket; // handy in the console

let everConnected = false;
let watchedEngine = null;
socket.on("connect", () => {
  const engine = socket.io.engine;
  me.transport = engine.transport.name;
  me.path = [me.transport];
  me.offered = engine.upgrades || [];
  if (everConnected) me.reconnects++;
  log((everConnected ? "reconnected over " : "connected over ") + me.transport, "good");
  if (!forced && me.transport !== "websocket" && !me.offered.includes("websocket")) {
    log("fallback: the server refused WebSocket, staying on " + me.transport, "warn");
  } else if (me.offered.length > 0) {
    log("the server offers an upgrade to " + me.offered.join(", "));
  }
  everConnected = true;
  if (engine !== watchedEngine) {
    // Each (re)connection has a new engine: follow its upgrades.
    watchedEngine = engine;
    engine.on("upgrade", (t) => {
      me.transport = t.name;
      me.path.push(t.name);
      log("upgraded to " + t.name, "good");
      report();
    });
    engine.on("upgradeError", (e) => log("upgrade to " + e.transport + " failed", "warn"));
  }
  setStatus("online", "online");
  report();
});
socket.on("disconnect", (reason) => {
  log("disconnected: " + reason, "bad");
  setStatus("offline", "reconnecting…");
  render();
});
socket.io.on("reconnect_attempt", (attempt) => log("reconnecting, attempt " + (attempt + 1)));
socket.on("connect_error", (err) => log("could not connect: " + err.message, "bad"));
socket.on("state", renderServer);

// Every second: tell the server how this tab is doing; the time its acknowledgement takes is the RTT.
function report() {
  me.http = httpVersion();
  render();
  if (!socket.connected) return;
  const started = performance.now();
  socket.timeout(5000).emit("report", me, (err) => {
    if (err) return;
    me.rtt = Math.round((performance.now() - started) * 10) / 10;
    render();
  });
}
setInterval(report, 1000);

// The HTTP version this tab's transport runs on, where the browser tells it: Resource Timing's
// nextHopProtocol ("h2", "http/1.1") of the transport's latest finished request (an open SSE
// stream or held poll is not finished yet; the page's own request stands in until one is). A
// WebSocket always starts as an HTTP/1.1 upgrade. Entries are cleared once read, as polling would
// soon fill the browser's buffer of 250.
let lastHttp = "";
function httpVersion() {
  if (me.transport === "websocket") return "http/1.1 upgrade";
  const mine = performance.getEntriesByType("resource").filter((e) =>
    e.name.includes("/socket.io/") && e.name.includes("transport=" + me.transport) && e.nextHopProtocol);
  performance.clearResourceTimings();
  if (mine.length) lastHttp = mine[mine.length - 1].nextHopProtocol;
  if (lastHttp) return lastHttp;
  const page = performance.getEntriesByType("navigation")[0];
  return page && page.nextHopProtocol ? page.nextHopProtocol : "";
}

// ---- rendering

function render() {
  $("transport").textContent = socket.connected ? me.transport : "offline";
  $("transport").dataset.transport = socket.connected ? me.transport : "";
  $("path").textContent = me.path.join(" → ") || "–";
  $("offered").textContent = me.offered.length ? me.offered.join(", ") : "no upgrades";
  $("rtt").textContent = me.rtt == null ? "–" : me.rtt + " ms";
  $("reconnects").textContent = String(me.reconnects);
  $("http").textContent = socket.connected && me.http ? me.http : "–";
}

function renderServer(state) {
  $("refuse").checked = state.refuseWebSocket;
  $("refuse-state").textContent = state.refuseWebSocket
    ? "New connections cannot use WebSocket: they fall back to SSE or polling."
    : "WebSocket allowed.";
  $("refuse-state").dataset.refusing = state.refuseWebSocket;
  for (const name of ["websocket", "sse", "polling"]) {
    $("count-" + name).textContent = String(state.sessionsByTransport[name] ?? 0);
  }
  $("handshakes").textContent = String(state.handshakes);
  const upgrades = Object.entries(state.upgrades).map(([path, n]) => path.replace("->", " → ") + ": " + n);
  $("upgrades").textContent = upgrades.length ? upgrades.join(", ") : "none yet";
  $("tabs").replaceChildren(...state.tabs.map((tab) => tabRow(tab, state.now)));
  const mine = state.tabs.find((t) => t.tab === tabId);
  if (mine) $("me-label").textContent = mine.label;
}

function tabRow(tab, now) {
  const row = el("tr", tab.tab === tabId ? "mine" : "");
  row.dataset.tab = tab.tab;
  const label = el("td", "label-cell", tab.label + (tab.tab === tabId ? " (this tab)" : ""));
  const status = el("td", "status-cell");
  const seconds = Math.max(0, Math.round((now - tab.since) / 1000));
  status.append(el("span", "status", tab.connected ? "connected" : "gone " + seconds + " s"));
  status.firstChild.dataset.state = tab.connected ? "online" : "offline";
  const transport = el("td");
  const badge = el("span", "badge", tab.connected ? tab.serverTransport : "–");
  badge.dataset.transport = tab.connected ? tab.serverTransport : "";
  transport.append(badge);
  if (tab.forced) transport.append(el("span", "forced", "forced"));
  if (tab.connected && tab.http) transport.append(el("span", "http", tab.http));
  const path = el("td", "path", (tab.path || []).join(" → "));
  const rtt = el("td", "num rtt", tab.rtt == null ? "–" : tab.rtt + " ms");
  const reconnects = el("td", "num reconnects", String(tab.reconnects ?? 0));
  const actions = el("td");
  const drop = el("button", "drop", "Drop");
  drop.title = "close this tab's connection on the server: it reconnects on its own";
  drop.disabled = !tab.connected;
  drop.onclick = () => socket.emit("drop", tab.tab);
  actions.append(drop);
  row.append(label, status, transport, path, rtt, reconnects, actions);
  return row;
}

function log(text, kind) {
  const item = el("li", kind || "");
  item.append(el("time", "", new Date().toLocaleTimeString()), el("span", "", text));
  $("log").prepend(item);
  while ($("log").children.length > 30) $("log").lastChild.remove();
}

function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status").textContent = text;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

// ---- controls

$("refuse").addEventListener("change", (e) => socket.emit("refuseWebSocket", e.target.checked));
document.querySelectorAll("#force button").forEach((button) => {
  button.classList.toggle("current", button.dataset.transport === forced);
  button.addEventListener("click", () => {
    const next = new URLSearchParams(location.search);
    if (button.dataset.transport) next.set("transport", button.dataset.transport);
    else next.delete("transport");
    location.search = next.toString(); // a new page, a new connection on the chosen transport
  });
});
render();
