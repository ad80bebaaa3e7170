// Accessibility touches Material leaves to the site, so that axe-core finds nothing to
// report. A deferred script: it runs once the page is parsed.
(() => {
  // A nav section with an index page is labelled by an icon-only toggle; use its title.
  for (const nav of document.querySelectorAll("nav.md-nav[aria-labelledby]")) {
    const label = document.getElementById(nav.getAttribute("aria-labelledby"));
    const title = nav.querySelector(":scope > .md-nav__title");
    if (label && !label.textContent.trim() && title) {
      nav.setAttribute("aria-label", title.textContent.trim());
      nav.removeAttribute("aria-labelledby");
    }
  }

  // The table of contents is rendered twice (sidebar, and inside the menu on small
  // screens), so its nested sections share names: tell the menu's copies apart.
  for (const nav of document.querySelectorAll(".md-nav--primary nav.md-nav[aria-label]")) {
    if (!nav.getAttribute("aria-label").endsWith("(menu)")) nav.setAttribute("aria-label", `${nav.getAttribute("aria-label")} (menu)`);
  }

  // Landmark names must differ, and case does not count ("charlm" the module, "CharLM" the class).
  const seen = new Map();
  for (const nav of document.querySelectorAll("nav[aria-label]")) {
    const key = nav.getAttribute("aria-label").toLowerCase();
    seen.set(key, (seen.get(key) || 0) + 1);
    if (seen.get(key) > 1) nav.setAttribute("aria-label", `${nav.getAttribute("aria-label")} (${seen.get(key)})`);
  }

  // A display formula, a code block or a table wider than the column scrolls; keyboard users must be
  // able to reach it. Measured once the page has settled and is laid out (a width read
  // earlier would make the browser lay out the whole page before drawing it), all reads
  // before any write.
  const settled = window.requestIdleCallback || ((callback) => setTimeout(callback, 200));
  const reachWideBlocks = () => {
    const formulas = [...document.querySelectorAll("div.arithmatex:not([tabindex])")];
    const code = [...document.querySelectorAll("pre > code:not([tabindex])")];
    const tables = [...document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])")];
    const wide = (element) => element.scrollWidth > element.clientWidth + 1;
    const wideFormulas = formulas.filter(wide);
    const wideCode = code.filter(wide);
    const wideTables = tables.filter(wide);
    wideFormulas.forEach((formula, index) => {
      formula.setAttribute("tabindex", "0");
      formula.setAttribute("role", "region");
      formula.setAttribute("aria-label", `Formula ${index + 1} (scrolls sideways)`);
    });
    wideCode.forEach((block) => block.setAttribute("tabindex", "0"));
    wideTables.forEach((wrap, index) => {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", `Table ${index + 1} (scrolls sideways)`);
    });
  };
  settled(reachWideBlocks, { timeout: 2000 });
})();
