// kbgen feedback: the "Was this helpful?" widget, its offline outbox, and the search log.
// No cookies, nothing from another origin: votes go to the site's own service (or the configured
// feedback.service_url); a vote that cannot be delivered waits in localStorage and is sent later.

const KEYS = { client: "kbgen.client", votes: "kbgen.votes", outbox: "kbgen.outbox" };
const MAX_OUTBOX = 50;
const RETRY_MIN_MS = 5000;
const RETRY_MAX_MS = 300000;
const SEARCH_IDLE_MS = 2000;
const MAX_COMMENT = 1000;

const config = readConfig();
let retryDelay = RETRY_MIN_MS;
let retryTimer = null;
let flushing = null;
let flushAgain = false;

function readConfig() {
  const node = document.getElementById("kbgen-config");
  try {
    return node ? JSON.parse(node.textContent) : {};
  } catch {
    return {};
  }
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: votes are still sent, only not kept for later
  }
}

function load(key, fallback) {
  try {
    const text = storage()?.getItem(key);
    return text ? JSON.parse(text) : fallback;
  } catch {
    return fallback;
  }
}

function save(key, value) {
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    /* full or disabled: nothing more to do */
  }
}

function randomId() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The browser's pseudonymous id: random, kept in localStorage, stored only hashed by the service. */
export function clientId() {
  let id = load(KEYS.client, null);
  if (typeof id !== "string" || !/^[A-Za-z0-9_-]{8,100}$/.test(id)) {
    id = randomId();
    save(KEYS.client, id);
  }
  return id;
}

function endpoint(path) {
  const service = config.feedback?.service_url;
  const root = service ? service.replace(/\/?$/, "/") : new URL(`${config.base || "."}/`, location.href).href;
  return new URL(path, root).href;
}

async function post(path, body) {
  try {
    const response = await fetch(endpoint(path), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      keepalive: true,
    });
    return response.status;
  } catch {
    return 0; // unreachable
  }
}

const retryable = (status) => status === 0 || status === 404 || status === 405 || status === 408 ||
  status === 429 || status >= 500;

/** Send what waits in the outbox; each entry is removed once the service acknowledges it. */
export function flush() {
  if (flushing) {
    flushAgain = true; // something was queued while a delivery was under way
    return flushing;
  }
  const run = async () => {
    do {
      flushAgain = false;
      await deliverAll();
    } while (flushAgain);
  };
  // One tab at a time delivers, so a vote is not sent twice by two open pages.
  const running = navigator.locks ? navigator.locks.request("kbgen-outbox", run) : run();
  flushing = running.finally(() => { flushing = null; });
  return flushing;
}

async function deliverAll() {
  let failed = false;
  for (const [key, entry] of Object.entries(load(KEYS.outbox, {}))) {
    let status = await post(entry.path, entry.body);
    if (status === 422 && entry.body.reason) status = await post(entry.path, withoutReason(entry.body));
    const outbox = load(KEYS.outbox, {});
    const stillSame = JSON.stringify(outbox[key]) === JSON.stringify(entry);
    if (!retryable(status) && stillSame) delete outbox[key];
    if (retryable(status)) failed = true;
    save(KEYS.outbox, outbox);
    if (status === 0) break; // the service is down: the rest waits too
  }
  clearTimeout(retryTimer);
  if (failed) {
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  } else {
    retryDelay = RETRY_MIN_MS;
  }
}

// A page built before the writers changed the reasons offers one the service no longer accepts: the
// vote is sent again with that reason at the start of the comment, so neither is lost.
function withoutReason(body) {
  const comment = `[${body.reason}] ${body.comment || ""}`.trim().slice(0, MAX_COMMENT);
  return { ...body, reason: null, comment };
}

function enqueue(key, path, body) {
  const outbox = load(KEYS.outbox, {});
  delete outbox[key]; // a newer answer replaces one still waiting
  const keys = Object.keys(outbox);
  if (keys.length >= MAX_OUTBOX) delete outbox[keys[0]];
  outbox[key] = { path, body };
  save(KEYS.outbox, outbox);
  if (!storage()) return post(path, body);
  return flush();
}

/** Record a vote (written to the outbox first, so it survives a lost connection or a closed tab). */
export function vote(page, revision, helpful, reason = null, comment = null) {
  const body = { page, revision, helpful, reason, comment, client: clientId() };
  const votes = load(KEYS.votes, {});
  votes[`${page}@${revision}`] = { helpful, reason };
  save(KEYS.votes, votes);
  return enqueue(`vote ${page}@${revision}`, "api/feedback", body);
}

let pendingSearch = null;

function related(a, b) {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x.startsWith(y) || y.startsWith(x);
}

function sendSearch(entry) {
  clearTimeout(entry.timer);
  entry.sent = true;
  post("api/search-log", { query: entry.query, results: entry.results, opened: entry.opened || null,
    search_id: entry.id });
}

/** Log a search for the writers' report; call it as results show, and again with the URL opened. */
export function logSearch(query, resultCount, openedUrl = null) {
  query = Array.from(String(query ?? "").trim()).slice(0, 200).join(""); // whole characters
  if (!query) return;
  const results = Math.max(0, Math.floor(Number(resultCount) || 0));
  const current = pendingSearch;
  if (openedUrl) {
    const same = current && current.query === query;
    const entry = same ? current : { id: randomId(), query, results };
    entry.results = same ? entry.results : results;
    entry.opened = String(openedUrl).slice(0, 500);
    sendSearch(entry);
    pendingSearch = entry;
    return;
  }
  // While the reader types (or deletes), each keystroke refines one search: send it once they
  // pause. A query that is not an edit of the waiting one is a new search.
  const refines = current && !current.sent && related(current.query, query);
  if (current && !current.sent && !refines) sendSearch(current);
  const entry = refines ? current : { id: randomId() };
  Object.assign(entry, { query, results, opened: null });
  clearTimeout(entry.timer);
  entry.timer = setTimeout(() => sendSearch(entry), SEARCH_IDLE_MS);
  pendingSearch = entry;
}

addEventListener("pagehide", () => {
  if (pendingSearch && !pendingSearch.sent) sendSearch(pendingSearch);
});
addEventListener("online", flush);

function setupWidget(root) {
  const page = root.dataset.page;
  const revision = root.dataset.revision;
  const $ = (selector) => root.querySelector(selector);
  const ask = $("[data-kb-ask]");
  const done = $("[data-kb-done]");
  const why = $("[data-kb-why]");
  const help = $("[data-kb-help]");
  const status = $("[data-kb-status]");
  const comment = $("#kb-feedback-comment");
  const count = $("[data-kb-count]");
  const buttons = root.querySelectorAll("[data-kb-vote]");

  function show(state, helpful) {
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.kbVote === (helpful ? "yes" : "no") && state !== "ask-fresh")));
    ask.hidden = state === "done";
    done.hidden = state !== "done";
    why.hidden = state !== "why";
    if (help) help.hidden = helpful !== false || state === "ask" || state === "ask-fresh";
  }

  function answer(helpful) {
    vote(page, revision, helpful);
    status.textContent = $("[data-kb-thanks]").textContent;
    if (helpful) {
      show("done", true);
      $("[data-kb-change]").focus();
    } else {
      show("why", false);
      why.querySelector("input, textarea")?.focus();
    }
  }

  buttons.forEach((button) => button.addEventListener("click", () => answer(button.dataset.kbVote === "yes")));
  $("[data-kb-change]").addEventListener("click", () => {
    show("ask", load(KEYS.votes, {})[`${page}@${revision}`]?.helpful);
    buttons[0].focus();
  });
  comment.addEventListener("input", () => {
    count.textContent = `${comment.value.length} / ${MAX_COMMENT}`;
  });
  why.addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = why.querySelector("input[name=kb-feedback-reason]:checked")?.value || null;
    const text = comment.value.trim().slice(0, MAX_COMMENT) || null;
    vote(page, revision, false, reason, text);
    show("done", false);
    status.textContent = $("[data-kb-thanks]").textContent;
    $("[data-kb-thanks]").focus();
  });

  const earlier = load(KEYS.votes, {})[`${page}@${revision}`];
  if (earlier) show("done", earlier.helpful);
  else show("ask-fresh");
  root.hidden = false;
}

const kbgen = (window.kbgen = window.kbgen || {});
kbgen.logSearch = logSearch;
kbgen.feedback = { vote, flush, clientId };
document.querySelectorAll("[data-kb-feedback]").forEach(setupWidget);
flush();
