// The site's own script, in place of Material for MkDocs' bundle (see "How fast is from
// scratch?", section "The site's speed"). Material's templates and styles stay; this file
// does the little they need from a script, and nothing at load time that makes the browser
// lay out or restyle the page: it only listens, and does its work when the reader acts.
//
//   - the colour scheme toggle (the scheme itself is set before the page is drawn,
//     by the inline script in overrides/partials/palette.html);
//   - the copy buttons written into every code block at build time;
//   - search, through Material's own search worker, started on the first search;
//   - keyboard shortcuts for search, and the back-to-top button;
//   - the glossary's tooltips on abbreviations;
//   - the table of contents following the reader.
(function () {
  "use strict";

  // Everything this script takes from Material for MkDocs 9 (its templates, styles and search
  // worker), in one table: when Material changes one, this is the line to fix. Paths are in
  // Material's repository (squidfunk/mkdocs-material); js/ is src/templates/assets/javascripts/.
  const MATERIAL = Object.freeze({
    // src/templates/base.html: the page's configuration (base, search worker, translations)
    config: "__config",
    // src/templates/base.html picks these keys of config.translations (partials/languages/)
    text: Object.freeze({
      copied: "clipboard.copied",
      placeholder: "search.result.placeholder",
      none: "search.result.none",
      one: "search.result.one",
      other: "search.result.other",
    }),
    // js/integrations/search/worker/message/index.ts: enum SearchMessageType
    message: Object.freeze({ setup: 0, ready: 1, query: 2, result: 3 }),
    // src/plugins/search/plugin.py: where the search plugin writes the index
    searchIndex: "search/search_index.json",
    // js/components/palette/index.ts: the stored choice (__md_get and __md_set come from
    // src/templates/partials/javascripts/base.html), the inputs' attributes, and the body
    // attribute that pauses every transition while the scheme switches (until the next task)
    palette: Object.freeze({
      key: "__palette",
      inputs: "input[name=__palette]",
      attribute: "data-md-color-",
      colors: Object.freeze(["media", "scheme", "primary", "accent"]),
      switching: "data-md-color-switching",
    }),
    // js/components/dialog/index.ts and src/templates/base.html: the notice, shown for 2 s
    dialog: Object.freeze({
      component: "[data-md-component=dialog]",
      inner: ".md-dialog__inner",
      active: "md-dialog--active",
      ms: 2000,
    }),
    // js/integrations/clipboard/index.ts: clipboard.js's attribute (buttons: mkdocs_hooks/lean_html.py)
    copy: "data-clipboard-target",
    // src/templates/base.html (the toggles) and src/templates/partials/search.html
    search: Object.freeze({
      toggle: "__search",
      query: "[data-md-component=search-query]",
      result: "[data-md-component=search-result]",
      meta: ".md-search-result__meta",
      list: ".md-search-result__list",
      openers: "label.md-header__button[for=__search]",
      area: ".md-search-result",
    }),
    // js/templates/search/index.tsx: the classes of one result
    item: Object.freeze({
      item: "md-search-result__item",
      link: "md-search-result__link",
      article: "md-search-result__article md-typeset",
      icon: "md-search-result__icon md-icon",
    }),
    // js/patches/scrolllock/index.ts: below the tablet breakpoint the open search pins the
    // body, after these delays (ms); js/bundle.ts: tablet$ = watchMedia("(min-width: 960px)"),
    // src/templates/assets/stylesheets/utilities/_break.scss: 60em, and below it 59.984375em
    scrollLock: Object.freeze({ attribute: "data-md-scrolllock", openMs: 400, closeMs: 100 }),
    phone: "(max-width: 59.984375em)",
    // js/bundle.ts: the keyboard shortcuts
    keys: Object.freeze({ search: Object.freeze(["/", "s", "f"]), previous: "p", next: "n" }),
    // src/templates/partials/footer.html
    footer: Object.freeze({ previous: ".md-footer__link--prev", next: ".md-footer__link--next" }),
    // src/templates/base.html (the drawer's toggle) and src/templates/partials/nav.html
    drawer: "__drawer",
    sidebar: ".md-sidebar",
    // js/components/top/index.ts: the back-to-top button, hidden until the reader scrolls up
    top: "[data-md-component=top]",
    // js/components/toc/index.ts: the table of contents' links and the current one's class
    toc: Object.freeze({
      links: ".md-sidebar--secondary .md-nav--secondary a.md-nav__link[href^='#']",
      active: "md-nav__link--active",
    }),
  });

  const config = JSON.parse(document.getElementById(MATERIAL.config).textContent);
  const root = new URL(config.base.endsWith("/") ? config.base : config.base + "/", location.href);
  const translate = (key, value) => (config.translations[key] || key).replace("#", value);

  // --- Colour scheme --------------------------------------------------------------------
  const paletteInputs = [...document.querySelectorAll(MATERIAL.palette.inputs)];
  function applyPalette(index) {
    const input = paletteInputs[index];
    const color = {};
    for (const key of MATERIAL.palette.colors) color[key] = input.getAttribute(MATERIAL.palette.attribute + key);
    document.body.setAttribute(MATERIAL.palette.switching, "");  // Material's styles: no transitions
    for (const [key, value] of Object.entries(color)) document.body.setAttribute(MATERIAL.palette.attribute + key, value);
    paletteInputs.forEach((other, i) => {
      const label = other.nextElementSibling;
      if (label instanceof HTMLLabelElement) label.hidden = i !== index;
    });
    try {
      __md_set(MATERIAL.palette.key, { index, color });
    } catch {
      // Storage refused (private mode, full, or blocked): the choice holds for this page only.
    }
    setTimeout(() => document.body.removeAttribute(MATERIAL.palette.switching));
  }
  paletteInputs.forEach((input, index) => input.addEventListener("change", () => applyPalette(index)));

  // --- Dialog (the "Copied to clipboard" notice) ----------------------------------------
  const dialog = document.querySelector(MATERIAL.dialog.component);
  let dialogTimer;
  function notify(message) {
    if (!dialog) return;
    dialog.querySelector(MATERIAL.dialog.inner).textContent = message;
    dialog.setAttribute("role", "alert");
    dialog.classList.add(MATERIAL.dialog.active);
    clearTimeout(dialogTimer);
    dialogTimer = setTimeout(() => dialog.classList.remove(MATERIAL.dialog.active), MATERIAL.dialog.ms);
  }

  // --- Copy buttons ------------------------------------------------------------------------
  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Pages served over plain HTTP from another machine have no clipboard API.
      const area = Object.assign(document.createElement("textarea"), { value: text });
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest(`[${MATERIAL.copy}]`);
    if (!button) return;
    const code = document.querySelector(button.getAttribute(MATERIAL.copy));
    if (code) copy(code.innerText).then(() => notify(translate(MATERIAL.text.copied)));
  });

  // --- Search ------------------------------------------------------------------------------
  const searchToggle = document.getElementById(MATERIAL.search.toggle);
  const query = document.querySelector(MATERIAL.search.query);
  const result = document.querySelector(MATERIAL.search.result);
  const meta = result && result.querySelector(MATERIAL.search.meta);
  const list = result && result.querySelector(MATERIAL.search.list);
  const initializing = meta && meta.textContent.trim();  // "Initializing search", from the template
  let worker = null;
  let ready = false;
  let lastQuery = "";

  // Material's worker gets the index (setup), says when it is ready, then answers queries.
  function startSearch() {
    if (worker) return;
    meta.textContent = initializing;
    try {
      worker = new Worker(new URL(config.search, location.href));
    } catch (error) {
      return searchFailed(error.message);
    }
    worker.addEventListener("message", ({ data }) => {
      if (data.type === MATERIAL.message.ready) {
        ready = true;
        search();
      } else if (data.type === MATERIAL.message.result) {
        render(data.data.items);
      }
    });
    worker.addEventListener("error", () => searchFailed("its worker did not start"));
    const url = new URL(MATERIAL.searchIndex, root);
    fetch(url)
      .then((response) => {
        if (!response.ok) throw new Error(`the index answered HTTP ${response.status}`);
        return response.json();
      })
      .then(({ config: indexConfig, docs }) => {
        if (worker) worker.postMessage({ type: MATERIAL.message.setup, data: { config: indexConfig, docs, options: {} } });
      })
      .catch((error) => {
        if (error instanceof TypeError) searchFailed("the index did not arrive");  // fetch's network error
        else if (error instanceof SyntaxError) searchFailed("the index is not valid JSON");
        else searchFailed(error.message);
      });
  }

  // Said where the results would be, instead of "Initializing search" forever; the next time
  // the reader opens search, it tries again.
  function searchFailed(reason) {
    if (worker) worker.terminate();
    worker = null;
    ready = false;
    list.replaceChildren();
    meta.textContent = `Search could not load (${reason}). Close search and open it again to retry.`;
  }

  function search() {
    if (!ready) return;
    lastQuery = query.value;
    if (lastQuery.trim()) worker.postMessage({ type: MATERIAL.message.query, data: lastQuery });
    else render([]);
  }

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  // The worker returns a section's HTML with the query's terms in <mark>: show the first
  // paragraph (or list item) that has a match, without the section's code, formulas and tables.
  function teaserOf(html) {
    const template = document.createElement("template");  // inert: nothing in it loads or runs
    template.innerHTML = html;
    for (const wide of template.content.querySelectorAll("math, .arithmatex, pre, table")) wide.remove();
    const blocks = [...template.content.querySelectorAll("p, li")];
    const best = blocks.find((block) => block.querySelector("mark")) || blocks[0];
    return best ? best.innerHTML : "";
  }

  // One result: a page, and below it the sections of that page that matched.
  function renderItem(documents) {
    const item = document.createElement("li");
    item.className = MATERIAL.item.item;
    const [page, ...sections] = [...documents].sort((a, b) => a.location.includes("#") - b.location.includes("#"));
    const entry = (doc, isPage) => {
      const text = isPage ? "" : teaserOf(doc.text || "");
      const teaser = text ? `<p class="site-search-teaser">${text}</p>` : "";
      return `<a href="${escape(new URL(doc.location, root).href)}" class="${MATERIAL.item.link}" tabindex="-1">
        <article class="${MATERIAL.item.article}">
          ${isPage ? `<div class="${MATERIAL.item.icon}"></div><h1>` : "<h2>"}${doc.title}${isPage ? "</h1>" : "</h2>"}
          ${teaser}
        </article></a>`;
    };
    item.innerHTML = entry(page, true) + sections.slice(0, 3).map((doc) => entry(doc, false)).join("");
    return item;
  }

  function render(items) {
    list.replaceChildren(...items.slice(0, 20).map(renderItem));
    list.hidden = false;
    list.setAttribute("role", "list");
    meta.textContent = !lastQuery.trim()
      ? translate(MATERIAL.text.placeholder)
      : items.length === 0
        ? translate(MATERIAL.text.none)
        : items.length === 1
          ? translate(MATERIAL.text.one)
          : translate(MATERIAL.text.other, items.length);
  }

  // On a phone the open dialog covers the page, and the page under it must not scroll (nor
  // widen to the dialog's animated backdrop): Material's styles pin the body while
  // data-md-scrolllock is set, and the reader's place is restored on closing.
  const phone = matchMedia(MATERIAL.phone);
  let lockTimer;
  let lockedAt = null;
  function lockScroll(open) {
    clearTimeout(lockTimer);
    lockTimer = setTimeout(() => {
      if (open && phone.matches && lockedAt === null) {
        lockedAt = scrollY;
        document.body.style.top = `-${lockedAt}px`;
        document.body.setAttribute(MATERIAL.scrollLock.attribute, "");
      } else if (!open && lockedAt !== null) {
        document.body.removeAttribute(MATERIAL.scrollLock.attribute);
        document.body.style.top = "";
        scrollTo(0, lockedAt);
        lockedAt = null;
      }
    }, open ? MATERIAL.scrollLock.openMs : MATERIAL.scrollLock.closeMs);
  }
  function openSearch() {
    searchToggle.checked = true;
    lockScroll(true);
    startSearch();
    query.focus();
  }
  function closeSearch() {
    searchToggle.checked = false;
    lockScroll(false);
    query.blur();
  }

  if (query && result) {
    // A label opens the dialog; the input must get focus in the same click for phones' keyboards.
    for (const label of document.querySelectorAll(MATERIAL.search.openers)) {
      label.addEventListener("click", (event) => {
        event.preventDefault();  // the label would toggle the dialog closed again after the focus opened it
        openSearch();
      });
    }
    query.addEventListener("focus", () => {
      if (!searchToggle.checked) openSearch();
    });
    query.addEventListener("input", search);
    query.form.addEventListener("reset", () => setTimeout(() => { search(); query.focus(); }));
    query.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const first = list.querySelector("a");
      if (first) location.href = first.href;
    });
    searchToggle.addEventListener("change", () => (searchToggle.checked ? openSearch() : closeSearch()));
  }

  // --- Links within the page ----------------------------------------------------------------
  // A link to a section of this page, followed from the menu (on a phone, a drawer) or from
  // a search result, scrolls the page; close what covers it.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest("a[href]");
    if (!link || link.pathname !== location.pathname || link.origin !== location.origin) return;
    const drawer = document.getElementById(MATERIAL.drawer);
    if (drawer && link.closest(MATERIAL.sidebar)) drawer.checked = false;
    if (searchToggle && searchToggle.checked && link.closest(MATERIAL.search.area)) closeSearch();
  });

  // --- Keyboard ---------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const typing = event.target instanceof HTMLElement && event.target.closest("input, textarea, select, [contenteditable]");
    if (searchToggle && searchToggle.checked) {
      const links = [...list.querySelectorAll(`.${MATERIAL.item.link}`)];
      const at = links.indexOf(document.activeElement);
      if (event.key === "Escape") {
        closeSearch();
        event.preventDefault();
      } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && links.length) {
        const step = event.key === "ArrowDown" ? 1 : -1;
        const next = at === -1 ? (step === 1 ? 0 : links.length - 1) : at + step;
        if (next < 0 || next >= links.length) query.focus();
        else links[next].focus();
        event.preventDefault();
      }
      return;
    }
    if (typing) return;
    if (MATERIAL.keys.search.includes(event.key)) {
      if (query) openSearch();
      event.preventDefault();
    } else if (event.key === MATERIAL.keys.previous || event.key === MATERIAL.keys.next) {
      const link = document.querySelector(MATERIAL.footer[event.key === MATERIAL.keys.previous ? "previous" : "next"]);
      if (link) link.click();
    }
  });

  // --- Glossary tooltips -------------------------------------------------------------------
  // An abbreviation carries its meaning in its title. When a pointer rests on one, the
  // meaning is shown in a tooltip of the site's style; the title moves to the tooltip (which
  // then describes the abbreviation for screen readers), so the browser's own does not
  // appear on top of it.
  const tip = document.createElement("div");
  tip.className = "site-tooltip";
  tip.id = "__tooltip";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  let tipHost = null;
  function showTip(host) {
    if (host.hasAttribute("title")) {
      host.dataset.title = host.getAttribute("title");
      host.removeAttribute("title");
    }
    if (!tip.isConnected) document.body.append(tip);
    tip.textContent = host.dataset.title;
    host.setAttribute("aria-describedby", tip.id);
    tip.hidden = false;
    const box = host.getBoundingClientRect();
    const width = tip.offsetWidth;
    const left = Math.min(Math.max(8, box.left + box.width / 2 - width / 2), document.documentElement.clientWidth - width - 8);
    tip.style.left = `${left + scrollX}px`;
    tip.style.top = `${box.bottom + scrollY + 6}px`;
    tipHost = host;
  }
  function hideTip() {
    if (tipHost) tipHost.removeAttribute("aria-describedby");
    tip.hidden = true;
    tipHost = null;
  }
  document.addEventListener("pointerover", (event) => {
    const host = event.target instanceof Element && event.target.closest("abbr[title], abbr[data-title]");
    if (host && host !== tipHost) showTip(host);
    else if (!host && tipHost) hideTip();
  });

  // --- Back to top -----------------------------------------------------------------------
  // Shown when the reader scrolls back up, far down a page (Material's behaviour).
  const top = document.querySelector(MATERIAL.top);
  if (top) {
    let lastY = scrollY;
    addEventListener("scroll", () => {
      const y = scrollY;
      top.hidden = !(y < lastY && y > innerHeight);
      lastY = y;
    }, { passive: true });
    top.addEventListener("click", () => {
      top.blur();
      scrollTo({ top: 0 });
    });
  }

  // --- Table of contents follows the reader ------------------------------------------------
  // The current section is the last whose heading is above the top third of the window.
  // Positions are read when the reader scrolls (the page is laid out by then), once per frame.
  const tocLinks = new Map();
  for (const link of document.querySelectorAll(MATERIAL.toc.links)) {
    tocLinks.set(decodeURIComponent(link.hash.slice(1)), link);
  }
  const headings = [...tocLinks.keys()].map((id) => document.getElementById(id)).filter(Boolean);
  let activeLink = null;
  let pending = false;
  function follow() {
    pending = false;
    const line = innerHeight / 3;
    let current = headings[0];
    for (const heading of headings) {
      if (heading.getBoundingClientRect().top < line) current = heading;
      else break;
    }
    const link = tocLinks.get(current.id);
    if (link === activeLink) return;
    if (activeLink) activeLink.classList.remove(MATERIAL.toc.active);
    link.classList.add(MATERIAL.toc.active);
    activeLink = link;
  }
  if (headings.length) {
    addEventListener("scroll", () => {
      if (!pending) requestAnimationFrame(follow);
      pending = true;
    }, { passive: true });
    // Opened at a section (a link with #...): mark it once the page is drawn.
    if (location.hash) (window.requestIdleCallback || setTimeout)(follow);
  }
})();
