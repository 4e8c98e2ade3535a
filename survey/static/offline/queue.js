// The queue: finished answers wait on this device in IndexedDB until the server has them.
// Two stores: "queue" (answers to send, or kept aside after a final refusal) and "used"
// (answer ids already taken, so that a page kept by the browser never reuses one).
// Nothing here knows the page or the network.

let opening = null;
function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open("porteur-de-parole", 1);
      request.onupgradeneeded = () => {
        const d = request.result;
        if (!d.objectStoreNames.contains("queue")) { d.createObjectStore("queue", { keyPath: "id" }); }
        if (!d.objectStoreNames.contains("used")) { d.createObjectStore("used", { keyPath: "id" }); }
      };
      request.onsuccess = () => {
        const d = request.result;
        d.onversionchange = () => { d.close(); opening = null; };
        d.onclose = () => { opening = null; };  // Safari closes it under our feet
        resolve(d);
      };
      request.onerror = () => { opening = null; reject(request.error); };
    });
  }
  return opening;
}
async function run(store, mode, action) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction(store, mode);
    const request = action(tx.objectStore(store));
    tx.oncomplete = () => resolve(request ? request.result : undefined);
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}
export const put = (store, value) => run(store, "readwrite", (s) => s.put(value));
export const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
export const read = (store, key) => run(store, "readonly", (s) => s.get(key));
export const all = (store) => run(store, "readonly", (s) => s.getAll());

// --- ids and times ---
export function newId() {
  if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
  const b = crypto.getRandomValues(new Uint8Array(16));  // crypto.randomUUID needs HTTPS
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}
export const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

// An answer joins the queue and its id is marked as taken.
export async function enqueue(item) {
  await put("queue", item);
  await put("used", { id: item.id, at: Date.now() });
}

// A final refusal: the answer stays on the device, set aside for the coordination.
export async function keepAside(item, result) {
  item.state = "aside";
  item.status = result.status;
  item.message = result.message;
  await put("queue", item);
}

export function forgetOldIds() {  // ids older than 60 days
  return all("used").then((items) => {
    const old = Date.now() - 60 * 24 * 3600 * 1000;
    items.filter((i) => i.at < old).forEach((i) => remove("used", i.id));
  });
}

// A recording or a drawing in the file: a JSON file holds no File, so its bytes go in base64.
function base64Of(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",")[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

// The whole queue as the file « Exporter la file » gives (read by `survey import-queue`), each
// answer with its media: { question id: { type, base64 } }, checked on import as if posted.
export async function exportFile() {
  const items = await all("queue");
  const answers = [];
  for (const i of items) {
    const answer = Object.assign({ campaign: i.campaign, state: i.state, message: i.message || "" }, i.body);
    const media = i.media || {};
    if (Object.keys(media).length) {
      answer.media = {};
      for (const question of Object.keys(media)) {
        answer.media[question] = { type: media[question].type || "", base64: await base64Of(media[question]) };
      }
    }
    answers.push(answer);
  }
  return {
    format: "porteur-de-parole/file-d-attente", version: 1, exported_at: now(), origin: location.origin,
    answers: answers,
  };
}
