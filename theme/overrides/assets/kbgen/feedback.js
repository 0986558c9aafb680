// kbgen feedback: the "Was this helpful?" widget, its offline outbox, and the search log.
// No cookies, nothing from another origin: votes go to the site's own service (or the configured
// feedback.service_url); a vote that cannot be delivered waits in localStorage and is sent later.
// A site on a static host with no service beside it says so by its answer (see NO_SERVICE): then
// nothing is kept or sent for the rest of the session.

const KEYS = { client: "kbgen.client", votes: "kbgen.votes", outbox: "kbgen.outbox",
  noService: "kbgen.noService" };
const MAX_OUTBOX = 50;
const RETRY_MIN_MS = 5000;
const RETRY_MAX_MS = 300000;
const SEARCH_IDLE_MS = 2000;
const MAX_COMMENT = 1000; // characters (code points), as the service counts them
// How long the widget waits for the service's first answer before it thanks the reader, so a
// static host's refusal is told instead of thanks.
const ANSWER_WAIT_MS = 1000;
// What static hosts answer a POST: 404 or 405 (GitHub Pages, Netlify, S3) and 501 (Python's
// http.server). From the site's own origin this means no service runs there; from a configured
// service_url it means a wrong address or a deploy under way, so votes wait as for any failure.
const NO_SERVICE = [404, 405, 501];

const config = readConfig();
let noServiceSeen = false; // for when sessionStorage is disabled
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

/** Text cut to its first `count` characters, never through one (an emoji is two UTF-16 units). */
function firstChars(text, count) {
  return Array.from(text).slice(0, count).join("");
}

/** Whether this session found that no feedback service answers for this copy of the site. */
export function serviceMissing() {
  try {
    return noServiceSeen || window.sessionStorage.getItem(KEYS.noService) === "1";
  } catch {
    return noServiceSeen;
  }
}

/** Note a static host's answer (see NO_SERVICE); true when `status` is one. */
function noteNoService(status) {
  if (config.feedback?.service_url || !NO_SERVICE.includes(status)) return false;
  noServiceSeen = true;
  try {
    window.sessionStorage.setItem(KEYS.noService, "1");
  } catch {
    /* remembered for this page only */
  }
  return true;
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
  if (serviceMissing()) return Promise.resolve();
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
    const keep = retryable(status) && !noteNoService(status);
    if (!keep && stillSame) delete outbox[key];
    if (keep) failed = true;
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
  const comment = firstChars(`[${body.reason}] ${body.comment || ""}`.trim(), MAX_COMMENT);
  return { ...body, reason: null, comment };
}

function enqueue(key, path, body) {
  const outbox = load(KEYS.outbox, {});
  delete outbox[key]; // a newer answer replaces one still waiting
  const keys = Object.keys(outbox);
  if (keys.length >= MAX_OUTBOX) delete outbox[keys[0]];
  outbox[key] = { path, body };
  save(KEYS.outbox, outbox);
  if (!storage()) return post(path, body).then(noteNoService);
  return flush();
}

/** Record a vote (written to the outbox first, so it survives a lost connection or a closed tab).
    Resolves once the service answered (or the vote waits for it): false when no service is there
    to take it, so nothing was kept. */
export async function vote(page, revision, helpful, reason = null, comment = null) {
  if (serviceMissing()) return false;
  const body = { page, revision, helpful, reason, comment, client: clientId() };
  const key = `${page}@${revision}`;
  const votes = load(KEYS.votes, {});
  votes[key] = { helpful, reason };
  save(KEYS.votes, votes);
  await enqueue(`vote ${key}`, "api/feedback", body);
  if (!serviceMissing()) return true;
  const kept = load(KEYS.votes, {});
  delete kept[key]; // a later visit, with a service, asks again
  save(KEYS.votes, kept);
  return false;
}

let pendingSearch = null;

function related(a, b) {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x.startsWith(y) || y.startsWith(x);
}

function sendSearch(entry) {
  clearTimeout(entry.timer);
  entry.sent = true;
  if (serviceMissing()) return;
  post("api/search-log", { query: entry.query, results: entry.results, opened: entry.opened || null,
    search_id: entry.id }).then(noteNoService);
}

/** Log a search for the writers' report; call it as results show, and again with the URL opened. */
export function logSearch(query, resultCount, openedUrl = null) {
  query = firstChars(String(query ?? "").trim(), 200);
  if (!query || serviceMissing()) return;
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

// A textarea's maxlength counts UTF-16 units (an emoji is two); the service counts characters.
function setupComment(comment, count) {
  const limit = (event) => {
    const chars = Array.from(comment.value);
    const over = chars.length - MAX_COMMENT;
    if (over > 0 && !event.isComposing) {
      // What was just typed or pasted ends at the caret: cut it, as maxlength would.
      const caret = Array.from(comment.value.slice(0, comment.selectionEnd)).length;
      const cut = Math.min(over, caret);
      chars.splice(caret - cut, cut);
      const kept = chars.slice(0, MAX_COMMENT);
      comment.value = kept.join("");
      const at = kept.slice(0, caret - cut).join("").length;
      comment.setSelectionRange(at, at);
    }
    count.textContent = `${Math.min(chars.length, MAX_COMMENT)} / ${MAX_COMMENT}`;
  };
  comment.addEventListener("input", limit);
  comment.addEventListener("compositionend", limit);
}

function setupWidget(root) {
  if (serviceMissing()) return; // stays hidden: no vote could be sent from this copy of the site
  const page = root.dataset.page;
  const revision = root.dataset.revision;
  const $ = (selector) => root.querySelector(selector);
  const ask = $("[data-kb-ask]");
  const done = $("[data-kb-done]");
  const why = $("[data-kb-why]");
  const help = $("[data-kb-help]");
  const status = $("[data-kb-status]");
  const unavailable = $("[data-kb-unavailable]");
  const comment = $("#kb-feedback-comment");
  const buttons = root.querySelectorAll("[data-kb-vote]");

  function show(state, helpful) {
    buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.kbVote === (helpful ? "yes" : "no") && state !== "ask-fresh")));
    ask.hidden = state === "done" || state === "unavailable";
    done.hidden = state !== "done";
    why.hidden = state !== "why";
    unavailable.hidden = state !== "unavailable";
    if (help) help.hidden = helpful !== false || state === "ask" || state === "ask-fresh";
  }

  function refused(helpful) {
    const focused = root.contains(document.activeElement);
    show("unavailable", helpful);
    status.textContent = unavailable.textContent;
    if (focused) unavailable.focus();
  }

  // Thank the reader once the service took the vote, or it waits in the outbox; say so when no
  // service is there to take it, even after the thanks.
  async function send(helpful, thank, reason = null, text = null) {
    const taken = vote(page, revision, helpful, reason, text);
    const answered = await Promise.race([taken, new Promise((r) => setTimeout(r, ANSWER_WAIT_MS))]);
    if (answered === false) return refused(helpful);
    thank();
    status.textContent = $("[data-kb-thanks]").textContent;
    if (answered === undefined && !(await taken)) refused(helpful);
  }

  function answer(helpful) {
    if (helpful) {
      buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.kbVote === "yes")));
      send(true, () => {
        show("done", true);
        $("[data-kb-change]").focus();
      });
      return;
    }
    if (serviceMissing()) return refused(false);
    // The reasons are a question, not thanks: they show at once, and the form stays while the
    // reader answers it; a refusal of the vote is told when they send it.
    vote(page, revision, false).then((taken) => {
      if (taken) status.textContent = $("[data-kb-thanks]").textContent;
    });
    show("why", false);
    why.querySelector("input, textarea")?.focus();
  }

  buttons.forEach((button) => button.addEventListener("click", () => answer(button.dataset.kbVote === "yes")));
  $("[data-kb-change]").addEventListener("click", () => {
    show("ask", load(KEYS.votes, {})[`${page}@${revision}`]?.helpful);
    buttons[0].focus();
  });
  setupComment(comment, $("[data-kb-count]"));
  why.addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = why.querySelector("input[name=kb-feedback-reason]:checked")?.value || null;
    const text = firstChars(comment.value.trim(), MAX_COMMENT) || null;
    send(false, () => {
      show("done", false);
      $("[data-kb-thanks]").focus();
    }, reason, text);
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
