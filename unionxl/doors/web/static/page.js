// unionxl web page: uploads, the three buttons with their progress, the findings filters. No outside assets.
"use strict";

const TOKEN = document.querySelector('meta[name="unionxl-token"]').content;
const BATCH_FILES = 200;  // files per upload request
const BATCH_BYTES = 64 * 1024 * 1024;  // and bytes (the server takes at most 256 MB at once)

const $ = (id) => document.getElementById(id);
history.scrollRestoration = "manual";  // a reload after a job shows its message and results (below)

function say(text, failed) {
  const box = $("message");
  box.textContent = text;
  box.hidden = !text;
  box.className = "message " + (failed ? "failed" : "done");
}

async function post(url, body) {
  const headers = {"X-Unionxl-Token": TOKEN};
  if (!(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(body || {});
  }
  let answer;
  try {
    answer = await fetch(url, {method: "POST", headers, body});
  } catch (e) {
    throw new Error("连接不上 unionxl：它可能已经退出了。请重新启动 unionxl web。");
  }
  let data = null;
  try { data = await answer.json(); } catch (e) { /* not JSON */ }
  if (!answer.ok || !data || !data.ok) {
    throw new Error((data && data.message) || `请求未完成（${answer.status}）。`);
  }
  return data;
}

function showProgress(done, total, text) {
  $("progress").hidden = false;
  $("bar-fill").style.width = total ? `${Math.round(100 * done / total)}%` : "5%";
  $("progress-text").textContent = text;
}

function busy(on) {
  document.querySelectorAll("button, .button input").forEach((b) => { b.disabled = on; });
  document.body.classList.toggle("busy", on);  // the file pickers are labels: greyed out by the style
}

// -- uploads ------------------------------------------------------------------------------------

async function upload(items) {  // items: [{file, path}]
  if (!items.length) return;
  busy(true);
  let sent = 0;
  try {
    while (sent < items.length) {
      const form = new FormData();
      let bytes = 0, count = 0;
      while (sent + count < items.length && count < BATCH_FILES &&
             (count === 0 || bytes + items[sent + count].file.size <= BATCH_BYTES)) {
        const item = items[sent + count];
        form.append("files", item.file, item.path);
        bytes += item.file.size;
        count += 1;
      }
      showProgress(sent, items.length, `正在上传 ${sent} / ${items.length} 个文件……`);
      await post("upload", form);
      sent += count;
    }
    location.reload();
  } catch (e) {
    busy(false);
    $("progress").hidden = true;
    say(`上传未完成（已上传 ${sent} 个文件）：${e.message}`, true);
  }
}

function fromInput(input) {
  return Array.from(input.files, (file) => ({file, path: file.webkitRelativePath || file.name}));
}

function readEntry(entry, into) {  // a dropped file or folder, folders read to the end
  if (entry.isFile) {
    return new Promise((resolve) => entry.file((file) => {
      into.push({file, path: entry.fullPath.replace(/^\//, "")});
      resolve();
    }, () => resolve()));
  }
  if (!entry.isDirectory) return Promise.resolve();
  const reader = entry.createReader();
  return new Promise((resolve) => {
    const next = () => reader.readEntries(async (entries) => {
      if (!entries.length) { resolve(); return; }
      for (const e of entries) await readEntry(e, into);
      next();
    }, () => resolve());
    next();
  });
}

async function dropped(event) {
  event.preventDefault();
  $("drop").classList.remove("over");
  const items = [];
  const entries = Array.from(event.dataTransfer.items || [], (i) => i.webkitGetAsEntry && i.webkitGetAsEntry())
    .filter(Boolean);
  if (entries.length) {
    for (const entry of entries) await readEntry(entry, items);
  } else {
    Array.from(event.dataTransfer.files, (file) => items.push({file, path: file.name}));
  }
  upload(items);
}

// -- the buttons --------------------------------------------------------------------------------

function options() {
  return {start: $("start").value, end: $("end").value, strict: $("strict").checked, mask: $("mask").checked,
          password: $("password").value, pdf: $("pdf").checked};
}

async function watch() {
  for (;;) {
    let data;
    try {
      data = await (await fetch("task", {headers: {"X-Unionxl-Token": TOKEN}})).json();
    } catch (e) {
      say("连接不上 unionxl：它可能已经退出了。", true);
      return;
    }
    const task = data.task;
    if (!task || task.state !== "running") {
      sessionStorage.setItem("unionxl-finished", "1");  // after the reload: the message and results in view
      location.reload();
      return;
    }
    showProgress(task.done, task.total, `正在${task.title}：${task.done} / ${task.total}　${task.what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function run(name, title) {
  busy(true);
  say("", false);
  showProgress(0, 0, `正在${title}……`);
  try {
    await post(`run/${name}`, options());
    watch();
  } catch (e) {
    busy(false);
    $("progress").hidden = true;
    say(e.message, true);
  }
}

async function simple(url, body) {
  try {
    await post(url, body);
    location.reload();
  } catch (e) {
    say(e.message, true);
  }
}

// -- the findings filters ---------------------------------------------------------------------

function filter() {
  const village = $("filter-village").value, severity = $("filter-severity").value;
  const sheet = $("filter-sheet").value, words = $("filter-text").value.trim().toLowerCase();
  let shown = 0;
  document.querySelectorAll("#findings tbody tr").forEach((tr) => {
    const ok = (!village || tr.dataset.village === village) && (!severity || tr.dataset.severity === severity) &&
      (!sheet || tr.dataset.sheet === sheet) && (!words || tr.textContent.toLowerCase().includes(words));
    tr.hidden = !ok;
    shown += ok ? 1 : 0;
  });
  $("shown-count").textContent = shown;
}

// -- wiring -------------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  const drop = $("drop");
  ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => {
    e.preventDefault();
    drop.classList.add("over");
  }));
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", dropped);
  document.addEventListener("dragover", (e) => e.preventDefault());  // a drop beside the box opens no file
  document.addEventListener("drop", (e) => e.preventDefault());
  $("pick-files").addEventListener("change", (e) => upload(fromInput(e.target)));
  $("pick-folder").addEventListener("change", (e) => upload(fromInput(e.target)));
  $("pick-villages").addEventListener("change", (e) => {
    const form = new FormData();
    form.append("file", e.target.files[0]);
    simple("villages", form);
  });
  $("options").addEventListener("submit", (e) => e.preventDefault());
  $("folder-form").addEventListener("submit", (e) => {
    e.preventDefault();
    simple("folder", {path: $("folder").value});
  });
  if ($("villages-clear")) $("villages-clear").addEventListener("click", () => simple("villages/clear"));
  if ($("clear")) $("clear").addEventListener("click", () => simple("clear"));
  document.querySelectorAll("[data-run]").forEach((b) => b.addEventListener("click", () => run(b.dataset.run, b.textContent)));
  if ($("findings")) {
    ["filter-village", "filter-severity", "filter-sheet"].forEach((id) => $(id).addEventListener("change", filter));
    $("filter-text").addEventListener("input", filter);
  }
  $("quit").addEventListener("click", async () => {
    try {
      const data = await post("quit");
      busy(true);
      say(data.message, false);
    } catch (e) {
      say(e.message, true);
    }
  });
  if ($("progress").dataset.running) { busy(true); watch(); }
  if (sessionStorage.getItem("unionxl-finished")) {
    sessionStorage.removeItem("unionxl-finished");
    $("actions").scrollIntoView();
  }
});
