// File sharing for the chat page: drop a file (or use "Share file") to send it to the room as a
// large-data transfer (socket.stream), with a progress bar for the sender and everyone in the room;
// "Download" brings it back as a transfer too (socket.onStream), whatever its size: every message
// stays under the server's maxPayload. Loaded before chat.js, which calls chatFiles.attach(socket).
"use strict";

window.chatFiles = (() => {
  const entries = new Map(); // file id (or local upload id) -> its <li>
  let socket = null;
  let uploads = 0;

  function entry(key, name, from) {
    let li = entries.get(key);
    if (li) return li;
    li = document.createElement("li");
    li.className = "message file";
    li.dataset.file = key;
    li.innerHTML = '<span class="from"></span> <span class="text"></span> <progress max="1" value="0"></progress> <span class="state"></span>';
    li.querySelector(".from").textContent = from;
    li.querySelector(".text").textContent = "📎 " + name;
    document.getElementById("messages").appendChild(li);
    entries.set(key, li);
    return li;
  }

  function share(file) {
    if (!socket) return Promise.reject(new Error("not connected"));
    const key = "up" + ++uploads;
    const li = entry(key, file.name, "you");
    const out = socket.stream("file", { name: file.name, size: file.size, type: file.type });
    out.onprogress = (n) => { li.querySelector("progress").value = file.size ? n / file.size : 1; };
    li.querySelector(".state").textContent = "sending…";
    return file.stream().pipeTo(out.writable).then(() => {
      li.querySelector("progress").value = 1;
      li.querySelector(".state").textContent = "sent";
    }, (e) => {
      li.querySelector(".state").textContent = "failed: " + e.message;
      throw e;
    });
  }

  function download(id) {
    return socket.timeout(10000).emitWithAck("download", id);
  }

  function attach(s) {
    socket = s;
    const progress = (f) => {
      if (!f || typeof f !== "object" || typeof f.id !== "string") return null;
      const li = entry(f.id, f.name, f.from);
      li.querySelector("progress").value = f.size > 0 ? f.received / f.size : 0;
      return li;
    };
    socket.on("file-progress", (f) => {
      const li = progress(f);
      if (li && !li.querySelector("button")) li.querySelector(".state").textContent = "arriving…";
    });
    socket.on("file", (f) => {
      const li = progress(f);
      if (!li) return;
      li.querySelector("progress").value = 1;
      li.querySelector(".state").textContent = "";
      if (!li.querySelector("button")) {
        const b = document.createElement("button");
        b.className = "ghost";
        b.textContent = "Download";
        b.addEventListener("click", () => download(f.id));
        li.appendChild(b);
      }
    });
    socket.on("file-failed", (f) => {
      const li = f && entries.get(f.id);
      if (li) li.querySelector(".state").textContent = "failed: " + f.reason;
    });
    socket.onStream("file-download", async (meta, t) => {
      const li = entries.get(meta.id);
      const parts = [];
      t.onprogress = (n) => { if (li) li.querySelector("progress").value = meta.size ? n / meta.size : 1; };
      const reader = t.readable.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
      const size = await t.done;
      const blob = new Blob(parts, { type: meta.type });
      window.lastDownload = { id: meta.id, name: meta.name, size, blob };
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = meta.name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    });
  }

  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    for (const file of e.dataTransfer.files) share(file).catch(() => {});
  });
  document.getElementById("share").addEventListener("change", (e) => {
    for (const file of e.target.files) share(file).catch(() => {});
    e.target.value = "";
  });

  return { attach, share, download };
})();
