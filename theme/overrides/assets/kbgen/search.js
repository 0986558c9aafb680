// kbgen: the search box in the header (and on the home page), and window.kbgen.search.
import { Engine, search } from "./search-engine.js";
import { matchPieces, queryTerms } from "./snippets.js";

const config = JSON.parse(document.getElementById("kbgen-config")?.textContent || "{}");
const base = new URL(config.base || ".", location.href);
const engine = new Engine(new URL("assets/kbgen/search/", base).href);
const siteUrl = (url) => new URL(url, base).href;
const DEBOUNCE_MS = 60;
const LIMIT = 10;
const HIGHLIGHT_CHARS = 200;
// Text the page's highlighting leaves alone: code, scripts, the feedback widget, heading links.
const UNMARKED = "pre, code, script, style, svg, mark, .headerlink, [data-kb-feedback], .kb-search";

/** Search the help center: resolves to [{url, title, snippet, score, ...}], best first. */
function kbSearch(query, options = {}) {
  return search(engine, query, options).then((r) => r.results);
}

const kbgen = (window.kbgen = window.kbgen || {});
kbgen.search = kbSearch;
kbgen.searchDetails = (query, options = {}) => search(engine, query, options);

const html = (strings, ...values) =>
  strings.reduce((out, s, i) => out + (i ? values[i - 1] ?? "" : "") + s, "").trim();
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One search box bound to its results panel: as-you-type results, filters, keyboard. */
class SearchBox {
  constructor(input, panel, { onOpen = () => {}, onClose = () => {} } = {}) {
    this.input = input;
    this.panel = panel;
    this.meta = panel.querySelector("[data-kb-search-meta]");
    this.list = panel.querySelector("[data-kb-search-results]");
    this.filters = panel.querySelector("[data-kb-search-filters]");
    this.onOpen = onOpen;
    this.onClose = onClose;
    this.active = -1;
    this.results = [];
    this.sequence = 0;
    this.timer = 0;
    this.logged = "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("focus", () => { this.onOpen(); this.prepare(); if (input.value.trim()) this.schedule(); });
    input.addEventListener("keydown", (event) => this.key(event));
    input.form?.addEventListener("submit", (event) => { event.preventDefault(); this.openActive(); });
    input.form?.addEventListener("reset", () => { this.clear(); });
    this.list.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-kb-result]");
      if (link) this.log(link.dataset.kbUrl);
    });
    this.panel.addEventListener("click", (event) => {
      const suggestion = event.target.closest("[data-kb-suggestion]");
      if (suggestion) {
        event.preventDefault();
        input.value = suggestion.dataset.kbSuggestion;
        input.focus();
        this.run();
      }
    });
  }

  /** Fill the filters once the search files load; a load that failed is tried again later. */
  async prepare() {
    if (this.prepared || this.preparing || !this.filters) return;
    this.preparing = true;
    const m = await engine.load().catch(() => null);
    this.preparing = false;
    if (!m) return; // the next search tries again
    this.prepared = true;
    const select = (name, label, options) => options.length < 2 ? "" : html`
      <label class="kb-search__filter"><span>${label}</span>
        <select data-kb-filter="${name}" aria-label="Filter by ${label.toLowerCase()}">
          <option value="">All</option>
          ${options.map(([id, title]) => `<option value="${escape(id)}">${escape(title)}</option>`).join("")}
        </select></label>`;
    this.filters.innerHTML = select("category", "Category", m.categories) + select("type", "Type", m.types);
    this.filters.querySelectorAll("select").forEach((s) => s.addEventListener("change", () => this.run()));
  }

  filterValue(name) {
    return this.filters?.querySelector(`[data-kb-filter="${name}"]`)?.value || null;
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
  }

  async run() {
    const query = this.input.value;
    const sequence = ++this.sequence;
    if (!query.trim()) { this.clear(); return; }
    this.prepare();
    let response;
    try {
      response = await search(engine, query, {
        limit: LIMIT, prefix: true,
        category: this.filterValue("category"), type: this.filterValue("type"),
      });
    } catch (error) {
      if (sequence === this.sequence) this.show([], "Search is unavailable right now. Try again later.");
      return;
    }
    if (sequence !== this.sequence) return; // a newer query is on its way
    this.renderedQuery = query;
    this.render(response);
    clearTimeout(this.logTimer);
    this.logTimer = setTimeout(() => this.log(null), 1500);
  }

  log(openedUrl) {
    const query = this.input.value.trim();
    if (!query || typeof kbgen.logSearch !== "function") return;
    if (!openedUrl && this.logged === query) return;
    this.logged = query;
    try { kbgen.logSearch(query, this.total ?? 0, openedUrl); } catch { /* feedback is optional */ }
  }

  render({ query, results, total, did_you_mean: suggestion }) {
    this.results = results;
    this.total = total;
    const mean = suggestion
      ? html`<p class="kb-search__suggest">Did you mean
          <a href="#" data-kb-suggestion="${escape(suggestion)}">${escape(suggestion)}</a>?</p>` : "";
    if (!results.length) {
      this.show([], html`<p><strong>No articles match “${escape(query.trim())}”.</strong></p>${mean}
        <p>Try fewer or different words, check the spelling, or browse a category:</p>
        <ul class="kb-search__browse">${(engine.manifest?.categories || []).slice(0, 8).map(([id, title]) =>
          `<li><a href="${siteUrl(`${id}/`)}">${escape(title)}</a></li>`).join("")}</ul>`);
      return;
    }
    const count = total === 1 ? "1 matching article" : `${total.toLocaleString("en")} matching articles`;
    this.show(results, `${mean}<p>${count}</p>`, [query, suggestion].filter(Boolean).join(" "));
  }

  show(results, metaHtml, words = "") {
    this.meta.innerHTML = metaHtml;
    this.list.innerHTML = results.map((r, i) => html`
      <li class="md-search-result__item kb-search__item" role="none">
        <a href="${escape(highlighted(siteUrl(r.url), words))}" data-kb-url="${escape(siteUrl(r.url))}"
           class="md-search-result__link" tabindex="-1" data-kb-result
           role="option" id="${this.list.id}-${i}" aria-selected="false">
          <article class="md-search-result__article md-typeset">
            <div class="kb-search__tags"><span class="kb-badge kb-badge--${escape(r.type)}">${escape(r.type_label)}</span>
              <span class="kb-search__category">${escape(r.category_title)}</span></div>
            <h1>${r.title_html}</h1>
            ${r.section ? `<p class="kb-search__section">${escape(r.section)}</p>` : ""}
            <p class="kb-search__snippet">${r.snippet_html}</p>
          </article>
        </a>
      </li>`).join("");
    this.input.setAttribute("aria-expanded", results.length ? "true" : "false");
    this.select(-1);
  }

  clear() {
    this.sequence++;
    this.results = [];
    this.renderedQuery = null;
    this.meta.innerHTML = "Type a question or a few words";
    this.list.innerHTML = "";
    this.input.setAttribute("aria-expanded", "false");
    this.select(-1);
  }

  select(index) {
    const items = this.list.querySelectorAll("[role=option]");
    this.active = items.length ? Math.max(-1, Math.min(index, items.length - 1)) : -1;
    items.forEach((item, i) => {
      item.setAttribute("aria-selected", String(i === this.active));
      item.parentElement.classList.toggle("kb-search__item--active", i === this.active);
    });
    if (this.active >= 0) {
      this.input.setAttribute("aria-activedescendant", items[this.active].id);
      items[this.active].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  async openActive() {
    clearTimeout(this.timer);
    if (this.input.value !== this.renderedQuery) await this.run();
    const link = this.list.querySelectorAll("a[data-kb-result]")[Math.max(0, this.active)];
    if (link) { this.log(link.dataset.kbUrl); location.href = link.href; }
  }

  key(event) {
    if (event.key === "ArrowDown") { event.preventDefault(); this.select(this.active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); this.select(this.active - 1); }
    else if (event.key === "Enter") { event.preventDefault(); this.openActive(); }
    else if (event.key === "Escape") {
      event.preventDefault();
      if (this.input.value) { this.input.value = ""; this.clear(); } else { this.onClose(); this.input.blur(); }
    }
  }
}

/** A result's address that highlights the searched words on the page it opens (`?h=`). */
function highlighted(url, words) {
  if (!words.trim()) return url;
  const address = new URL(url);
  address.searchParams.set("h", words.trim().slice(0, HIGHLIGHT_CHARS));
  return address.href;
}

/** Mark the words of `?h=` in the article, as the search results marked them. */
async function highlightPage() {
  const words = new URLSearchParams(location.search).get("h");
  const article = document.querySelector("article.md-content__inner");
  if (!words || !article) return;
  await engine.load();
  const terms = queryTerms(engine, words.slice(0, HIGHLIGHT_CHARS));
  if (!terms.size) return;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.parentElement.closest(UNMARKED) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const pieces = matchPieces(engine, node.data, terms);
    if (pieces.length > 1) found.push([node, pieces]);
  }
  for (const [node, pieces] of found) {
    node.replaceWith(...pieces.map(([piece, matched]) => {
      if (!matched) return piece;
      const mark = document.createElement("mark");
      mark.className = "kb-hit";
      mark.textContent = piece;
      return mark;
    }));
  }
}

function setupHeader() {
  const root = document.querySelector("[data-kb-search]");
  if (!root) return null;
  const toggle = document.getElementById("__search");
  const input = root.querySelector("[data-kb-search-input]");
  const box = new SearchBox(input, root.querySelector(".md-search__output"), {
    onOpen: () => { if (toggle) toggle.checked = true; },
    onClose: () => { if (toggle) toggle.checked = false; },
  });
  // Focus at once, so no letter typed right after opening is lost; again once the overlay has
  // slid in, in case it could not take focus while hidden.
  const focus = () => { if (toggle.checked && document.activeElement !== input) input.focus(); };
  toggle?.addEventListener("change", () => { focus(); setTimeout(focus, 250); });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
    if (!typing && (event.key === "/" || event.key === "s") && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      if (toggle) toggle.checked = true;
      input.focus();
    }
  });
  const q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; if (toggle) toggle.checked = true; input.focus(); box.run(); }
  return box;
}

function setupHero() {
  const form = document.querySelector("form[data-kb-search-form]:not([data-kb-search] form)");
  const input = form?.querySelector("[data-kb-search-input]");
  if (!form || !input) return;
  const panel = document.createElement("div");
  panel.className = "kb-hero__results md-search-result";
  panel.innerHTML = html`
    <div class="kb-search__filters" data-kb-search-filters></div>
    <div class="md-search-result__meta" data-kb-search-meta aria-live="polite"></div>
    <ol class="md-search-result__list" id="kb-hero-results" role="listbox" data-kb-search-results></ol>`;
  form.after(panel);
  const box = new SearchBox(input, panel);
  box.clear();
  box.meta.textContent = "";
}

setupHeader();
setupHero();
highlightPage().catch(() => { /* highlighting is a nicety: the page reads the same without it */ });
