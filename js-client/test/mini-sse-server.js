// A minimal Engine.IO server that speaks Belay's `sse` transport (and polling, for upgrades),
// written from PROTOCOL.md, to test the client's SSE framing before the Java one is at hand.
// Socket.IO layer: answers CONNECT, acknowledges every EVENT with its own arguments (binary too).
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";

export async function startMiniSseServer(opts = {}) {
  const pingInterval = opts.pingInterval || 300;
  const pingTimeout = opts.pingTimeout || 300;
  const sessions = new Map();
  const log = [];

  function sseEvent(text) {
    if (text.includes("\r")) return "event: t64\ndata: " + Buffer.from(text, "utf8").toString("base64") + "\n\n";
    return text.split("\n").map((l) => "data: " + l).join("\n") + "\n\n";
  }

  function send(s, packetText) {
    if (s.transport === "sse" && s.stream && !s.upgradingToSse) s.stream.write(sseEvent(packetText));
    else {
      s.queue.push(packetText);
      flushPoll(s);
    }
  }

  function flushPoll(s) {
    if (s.poll && s.queue.length) {
      const res = s.poll;
      s.poll = null;
      res.end(s.queue.splice(0).join("\x1e"));
    }
  }

  function onPacket(s, p) {
    log.push(p);
    const type = p[0];
    const data = p.substring(1);
    if (type === "2" && data === "probe") {
      // probe over the SSE stream of an upgrade from polling
      s.sseCandidate.write(sseEvent("3probe"));
      if (s.poll) {
        const res = s.poll;
        s.poll = null;
        res.end("6");
      }
    } else if (type === "5") {
      s.transport = "sse";
      s.stream = s.sseCandidate;
      s.upgradingToSse = false;
      for (const q of s.queue.splice(0)) s.stream.write(sseEvent(q));
    } else if (type === "4") {
      onMessage(s, data);
    } else if (type === "1") {
      close(s);
    }
  }

  function onMessage(s, msg) {
    const t = msg[0];
    if (t === "0") {
      send(s, "40" + JSON.stringify({ sid: "sock-" + s.sid }));
      if (opts.onConnect) opts.onConnect((text) => send(s, text));
    } else if (t === "2") {
      const m = /^2(\d+)(\[.*)$/s.exec(msg);
      if (m) send(s, "43" + m[1] + JSON.stringify(JSON.parse(m[2]).slice(1)));
    }
  }

  function close(s) {
    clearInterval(s.pinger);
    sessions.delete(s.sid);
    if (s.stream) s.stream.end();
    if (s.poll) s.poll.end("1");
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const q = url.searchParams;
    const transport = q.get("transport");
    const sid = q.get("sid");
    log.push(req.method + " " + transport + (sid ? " sid" : ""));
    if (q.get("EIO") !== "4" || !["sse", "polling"].includes(transport) || (opts.refuse || []).includes(transport)) {
      res.writeHead(400, { "Content-Type": "application/json" });
      return res.end('{"code":0,"message":"Transport unknown"}');
    }
    if (req.method === "POST") {
      const s = sessions.get(sid);
      if (!s) {
        res.writeHead(400);
        return res.end('{"code":1,"message":"Session ID unknown"}');
      }
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end("ok");
        // binary events "45N-id[...]" and their N "b..." attachments (possibly over several POSTs)
        // are acknowledged as "46N-id[...]" followed by the same attachments
        for (const p of body.split("\x1e")) {
          if (s.pendingBin) {
            s.pendingBin.atts.push(p);
            if (s.pendingBin.atts.length === s.pendingBin.n) {
              const { n, id, args, atts } = s.pendingBin;
              s.pendingBin = null;
              send(s, "46" + n + "-" + id + JSON.stringify(JSON.parse(args).slice(1)));
              atts.forEach((att) => send(s, att));
            }
            continue;
          }
          const bin = /^45(\d+)-(\d+)(\[.*)$/s.exec(p);
          if (bin) {
            log.push(p);
            s.pendingBin = { n: Number(bin[1]), id: bin[2], args: bin[3], atts: [] };
            continue;
          }
          onPacket(s, p);
        }
      });
      return;
    }
    if (transport === "sse") {
      res.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache, no-transform",
        "X-Accel-Buffering": "no",
      });
      res.write(":" + " ".repeat(2048) + "\n\n");
      if (sid) {
        const s = sessions.get(sid);
        if (!s) return res.end();
        s.sseCandidate = res;
        s.upgradingToSse = true;
        return;
      }
      const s = newSession("sse", res);
      res.write(sseEvent("0" + JSON.stringify({ sid: s.sid, upgrades: [], pingInterval, pingTimeout, maxPayload: 100000 })));
      req.on("close", () => s.stream === res && close(s));
      return;
    }
    // polling GET
    if (!sid) {
      const s = newSession("polling", null);
      res.writeHead(200, { "Content-Type": "text/plain; charset=UTF-8" });
      return res.end("0" + JSON.stringify({ sid: s.sid, upgrades: opts.pollingUpgrades || ["sse"], pingInterval, pingTimeout, maxPayload: 100000 }));
    }
    const s = sessions.get(sid);
    if (!s) {
      res.writeHead(400);
      return res.end('{"code":1,"message":"Session ID unknown"}');
    }
    res.writeHead(200, { "Content-Type": "text/plain; charset=UTF-8" });
    s.poll = res;
    flushPoll(s);
  });

  function newSession(transport, stream) {
    const s = { sid: randomBytes(15).toString("base64url"), transport, stream, queue: [], poll: null };
    sessions.set(s.sid, s);
    s.pinger = setInterval(() => send(s, "2"), pingInterval);
    return s;
  }

  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: "http://127.0.0.1:" + server.address().port,
    log,
    sessions,
    sendAll: (text) => sessions.forEach((s) => send(s, text)),
    close: () =>
      new Promise((r) => {
        sessions.forEach(close);
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
