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

  const config = JSON.parse(document.getElementById("__config").textContent);
  const root = new URL(config.base.endsWith("/") ? config.base : config.base + "/", location.href);
  const translate = (key, value) => (config.translations[key] || key).replace("#", value);

  // --- Colour scheme --------------------------------------------------------------------
  const paletteInputs = [...document.querySelectorAll("input[name=__palette]")];
  function applyPalette(index) {
    const input = paletteInputs[index];
    const color = {};
    for (const key of ["media", "scheme", "primary", "accent"]) color[key] = input.getAttribute(`data-md-color-${key}`);
    document.body.setAttribute("data-md-color-switching", "");  // Material's styles: no transitions
    for (const [key, value] of Object.entries(color)) document.body.setAttribute(`data-md-color-${key}`, value);
    paletteInputs.forEach((other, i) => {
      const label = other.nextElementSibling;
      if (label instanceof HTMLLabelElement) label.hidden = i !== index;
    });
    __md_set("__palette", { index, color });
    setTimeout(() => document.body.removeAttribute("data-md-color-switching"));
  }
  paletteInputs.forEach((input, index) => input.addEventListener("change", () => applyPalette(index)));

  // --- Dialog (the "Copied to clipboard" notice) ----------------------------------------
  const dialog = document.querySelector("[data-md-component=dialog]");
  let dialogTimer;
  function notify(message) {
    if (!dialog) return;
    dialog.querySelector(".md-dialog__inner").textContent = message;
    dialog.setAttribute("role", "alert");
    dialog.classList.add("md-dialog--active");
    clearTimeout(dialogTimer);
    dialogTimer = setTimeout(() => dialog.classList.remove("md-dialog--active"), 2000);
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
    const button = event.target.closest("[data-clipboard-target]");
    if (!button) return;
    const code = document.querySelector(button.getAttribute("data-clipboard-target"));
    if (code) copy(code.innerText).then(() => notify(translate("clipboard.copied")));
  });

  // --- Search ------------------------------------------------------------------------------
  const searchToggle = document.getElementById("__search");
  const query = document.querySelector("[data-md-component=search-query]");
  const result = document.querySelector("[data-md-component=search-result]");
  const meta = result && result.querySelector(".md-search-result__meta");
  const list = result && result.querySelector(".md-search-result__list");
  let worker = null;
  let ready = false;
  let lastQuery = "";

  // Material's worker and message types: 0 set up, 1 ready, 2 query, 3 result.
  function startSearch() {
    if (worker) return;
    worker = new Worker(new URL(config.search, location.href));
    worker.addEventListener("message", ({ data }) => {
      if (data.type === 1) {
        ready = true;
        search();
      } else if (data.type === 3) {
        render(data.data.items);
      }
    });
    fetch(new URL("search/search_index.json", root))
      .then((response) => response.json())
      .then(({ config: indexConfig, docs }) => worker.postMessage({ type: 0, data: { config: indexConfig, docs, options: {} } }));
  }

  function search() {
    if (!ready) return;
    lastQuery = query.value;
    if (lastQuery.trim()) worker.postMessage({ type: 2, data: lastQuery });
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
    item.className = "md-search-result__item";
    const [page, ...sections] = [...documents].sort((a, b) => a.location.includes("#") - b.location.includes("#"));
    const entry = (doc, isPage) => {
      const text = isPage ? "" : teaserOf(doc.text || "");
      const teaser = text ? `<p class="site-search-teaser">${text}</p>` : "";
      return `<a href="${escape(new URL(doc.location, root).href)}" class="md-search-result__link" tabindex="-1">
        <article class="md-search-result__article md-typeset">
          ${isPage ? '<div class="md-search-result__icon md-icon"></div><h1>' : "<h2>"}${doc.title}${isPage ? "</h1>" : "</h2>"}
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
      ? translate("search.result.placeholder")
      : items.length === 0
        ? translate("search.result.none")
        : items.length === 1
          ? translate("search.result.one")
          : translate("search.result.other", items.length);
  }

  // On a phone the open dialog covers the page, and the page under it must not scroll (nor
  // widen to the dialog's animated backdrop): Material's styles pin the body while
  // data-md-scrolllock is set, and the reader's place is restored on closing.
  const phone = matchMedia("(max-width: 59.984375em)");
  let lockTimer;
  let lockedAt = null;
  function lockScroll(open) {
    clearTimeout(lockTimer);
    lockTimer = setTimeout(() => {
      if (open && phone.matches && lockedAt === null) {
        lockedAt = scrollY;
        document.body.style.top = `-${lockedAt}px`;
        document.body.setAttribute("data-md-scrolllock", "");
      } else if (!open && lockedAt !== null) {
        document.body.removeAttribute("data-md-scrolllock");
        document.body.style.top = "";
        scrollTo(0, lockedAt);
        lockedAt = null;
      }
    }, open ? 400 : 100);
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
    for (const label of document.querySelectorAll("label.md-header__button[for=__search]")) {
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
    const drawer = document.getElementById("__drawer");
    if (drawer && link.closest(".md-sidebar")) drawer.checked = false;
    if (searchToggle && searchToggle.checked && link.closest(".md-search-result")) closeSearch();
  });

  // --- Keyboard ---------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const typing = event.target instanceof HTMLElement && event.target.closest("input, textarea, select, [contenteditable]");
    if (searchToggle && searchToggle.checked) {
      const links = [...list.querySelectorAll(".md-search-result__link")];
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
    if (event.key === "/" || event.key === "s" || event.key === "f") {
      if (query) openSearch();
      event.preventDefault();
    } else if (event.key === "p" || event.key === "n") {
      const link = document.querySelector(event.key === "p" ? ".md-footer__link--prev" : ".md-footer__link--next");
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
  const top = document.querySelector("[data-md-component=top]");
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
  for (const link of document.querySelectorAll(".md-sidebar--secondary .md-nav--secondary a.md-nav__link[href^='#']")) {
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
    if (activeLink) activeLink.classList.remove("md-nav__link--active");
    link.classList.add("md-nav__link--active");
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
