// The chat page, on the bundled client (the global `io` from /socket.io/socket.io.js).
// Optional URL parameters: name (nickname), room (first room, default "general"),
// transport (websocket, sse or polling: use only that one, for comparing them).
"use strict";

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
let socket = null;
let currentRoom = null;
const sentById = new Map(); // message id -> its ticks element, until everyone has it
const typingPeople = new Map(); // name -> when their "typing" notice expires

function start(name) {
  sessionStorage.setItem("belay.chat.name", name); // per tab: a second tab asks for its own name
  $("me-name").textContent = name;
  const options = { auth: { name } };
  if (params.get("transport")) options.transports = [params.get("transport")];
  socket = io(options);
  window.chatSocket = socket; // handy in the console
  if (window.chatFiles) chatFiles.attach(socket); // file sharing, chat-files.js

  let watchedEngine = null;
  let connectedBefore = false;
  socket.on("connect", () => {
    // Each (re)connection has a new engine; its transport can upgrade while we are connected.
    const engine = socket.io.engine;
    if (engine !== watchedEngine) {
      watchedEngine = engine;
      engine.on("upgrade", () => showTransport(engine.transport.name));
    }
    showTransport(engine.transport.name);
    if (!connectedBefore) setStatus("online", "online");
    else setStatus("online", socket.recovered ? "reconnected — caught up" : "reconnected — history reloaded");
    connectedBefore = true;
    // Recovered: the server kept our room, and what we missed arrives as ordinary events.
    // Otherwise we are a new socket in no room: join again, which reloads the room's history.
    if (!socket.recovered) join(currentRoom || params.get("room") || "general");
  });
  // Disconnected by the server (for example from the Admin UI): the client does not come back by itself.
  socket.on("disconnect", (reason) => reason === "io server disconnect"
    ? setStatus("offline", "disconnected by the server")
    : setStatus("offline", "reconnecting…"));
  socket.on("presence", renderPresence);
  // Events may carry one more argument (the recovery offset): handlers take fixed arguments.
  socket.on("message", (message) => {
    if (!message || typeof message !== "object") return;
    typingPeople.delete(message.from);
    renderTyping();
    if (message.room === currentRoom && !shown(message.id)) appendMessage(message, false);
    socket.emit("received", message.id); // counts toward the sender's second tick
  });
  socket.on("delivered", (id) => {
    const ticks = sentById.get(id);
    if (ticks) setTicks(ticks, "delivered");
    sentById.delete(id);
  });
  socket.on("typing", (who, isTyping) => {
    if (isTyping) typingPeople.set(who, Date.now() + 6000);
    else typingPeople.delete(who);
    renderTyping();
  });
}

function join(room) {
  socket.emit("join", room, (answer) => {
    if (answer.error) return alert(answer.error);
    currentRoom = answer.room;
    typingPeople.clear();
    renderTyping();
    $("room-title").textContent = "# " + currentRoom;
    $("leave").disabled = false;
    $("text").disabled = $("send").disabled = false;
    $("messages").replaceChildren();
    answer.history.forEach((m) => appendMessage(m, m.from === $("me-name").textContent));
    if (answer.history.length === 0) showEmpty();
    $("text").focus();
    highlightRoom();
  });
}

function leave() {
  socket.emit("leave", () => {
    currentRoom = null;
    $("room-title").textContent = "No room";
    $("leave").disabled = true;
    $("text").disabled = $("send").disabled = true;
    $("messages").replaceChildren();
    typingPeople.clear();
    renderTyping();
    highlightRoom();
  });
}

// ---- sending: a message shows a clock, then one tick (server has it), then two (everyone has it)

function send(text) {
  const element = appendMessage({ from: $("me-name").textContent, text, at: Date.now() }, true);
  const ticks = element.querySelector(".ticks");
  socket.timeout(10000).emit("message", text, (err, message) => {
    if (err) return setTicks(ticks, "failed");
    element.dataset.id = message.id;
    setTicks(ticks, "sent");
    sentById.set(message.id, ticks);
  });
}

function setTicks(ticks, state) {
  ticks.dataset.state = state;
  ticks.textContent = { pending: "🕓", sent: "✓", delivered: "✓✓", failed: "!" }[state];
  ticks.title = {
    pending: "sending",
    sent: "the server has it",
    delivered: "everyone in the room has it",
    failed: "not sent: no answer from the server",
  }[state];
}

// ---- typing indicator: "typing" when the input changes, "stopped" after 3 s of quiet or on send

let typingSent = false;
let typingTimer = null;
function onInput() {
  if (!typingSent) socket.emit("typing", true);
  typingSent = true;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(stopTyping, 3000);
}
function stopTyping() {
  clearTimeout(typingTimer);
  if (typingSent) socket.emit("typing", false);
  typingSent = false;
}

function renderTyping() {
  const now = Date.now();
  const names = [...typingPeople].filter(([, until]) => until > now).map(([name]) => name);
  $("typing").textContent =
    names.length === 0 ? "" : names.length === 1 ? names[0] + " is typing…" : names.join(", ") + " are typing…";
}
setInterval(renderTyping, 1000); // expires notices whose "stopped" never came

// ---- rendering

function appendMessage(message, mine) {
  const list = $("messages");
  const empty = list.querySelector(".empty");
  if (empty) empty.remove();
  const item = el("li", mine ? "message mine" : "message");
  if (message.id) item.dataset.id = message.id;
  const meta = el("div", "meta");
  meta.append(el("span", "from", mine ? "you" : message.from), el("time", "", clock(message.at)));
  const body = el("div", "bubble");
  body.append(el("span", "text", message.text));
  if (mine && !message.id) { // just sent by this tab: its ticks follow the acknowledgements
    const ticks = el("span", "ticks");
    setTicks(ticks, "pending");
    body.append(ticks);
  }
  item.append(meta, body);
  list.append(item);
  list.scrollTop = list.scrollHeight;
  return item;
}

function shown(id) {
  return [...$("messages").children].some((item) => item.dataset.id === id);
}

function showEmpty() {
  $("messages").append(el("li", "empty", "No messages in # " + currentRoom + " yet. Say hello!"));
}

function renderPresence({ online, rooms }) {
  $("rooms").replaceChildren(
    ...rooms.map((room) => {
      const item = el("li");
      const button = el("button", "room", "");
      button.dataset.room = room.name;
      button.append(el("span", "room-name", "# " + room.name), el("span", "members", String(room.members)));
      button.title = room.members + (room.members === 1 ? " person" : " people") + " here";
      button.onclick = () => join(room.name);
      item.append(button);
      return item;
    })
  );
  highlightRoom();
  $("online-count").textContent = String(online.length);
  $("online").replaceChildren(
    ...online
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((person) => {
        const item = el("li", "person");
        item.dataset.name = person.name;
        const avatar = el("span", "avatar", person.name.charAt(0).toUpperCase());
        avatar.style.background = colorOf(person.name);
        const who = el("div", "who");
        const me = person.id === socket.id ? " (you)" : "";
        who.append(el("span", "name", person.name + me), el("span", "where", person.room ? "# " + person.room : "no room"));
        const badge = el("span", "badge", person.transport);
        badge.dataset.transport = person.transport;
        item.append(avatar, who, badge);
        return item;
      })
  );
}

function highlightRoom() {
  document.querySelectorAll("#rooms .room").forEach((b) => b.classList.toggle("current", b.dataset.room === currentRoom));
}

function showTransport(name) {
  $("me-transport").textContent = name;
  $("me-transport").dataset.transport = name;
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

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function colorOf(name) {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.codePointAt(0)) | 0;
  return "hsl(" + (Math.abs(hash) % 360) + ", 55%, 55%)";
}

// ---- wiring

$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  if (!text || !currentRoom) return;
  stopTyping();
  send(text);
  $("text").value = "";
});
$("text").addEventListener("input", onInput);
$("leave").addEventListener("click", leave);
$("new-room").addEventListener("submit", (e) => {
  e.preventDefault();
  const room = $("new-room-name").value.trim();
  if (room) join(room);
  $("new-room-name").value = "";
});
$("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  $("login").hidden = true;
  start($("login-name").value.trim());
});

const knownName = params.get("name") || sessionStorage.getItem("belay.chat.name");
if (knownName) start(knownName);
else $("login").hidden = false;
