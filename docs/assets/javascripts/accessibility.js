// Names for the landmarks Material leaves unnamed, so screen-reader users can tell them
// apart (axe: landmark-unique). Runs on every page, instant navigation included.
document$.subscribe(() => {
  // Each code block gets a <nav> holding its copy button.
  const name = (nav, index) => nav.setAttribute("aria-label", `Code block ${index + 1} tools`);
  const nameCodeNavs = () => document.querySelectorAll(".md-code__nav:not([aria-label])").forEach(name);
  nameCodeNavs();
  new MutationObserver(nameCodeNavs).observe(document.body, { childList: true, subtree: true });

  // A nav section with an index page is labelled by an icon-only toggle; use its title.
  for (const nav of document.querySelectorAll("nav.md-nav[aria-labelledby]")) {
    const label = document.getElementById(nav.getAttribute("aria-labelledby"));
    const title = nav.querySelector(":scope > .md-nav__title");
    if (label && !label.textContent.trim() && title) {
      nav.setAttribute("aria-label", title.textContent.trim());
      nav.removeAttribute("aria-labelledby");
    }
  }
});
