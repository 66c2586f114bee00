// Accessibility fixes for the theme's own controls (pydata-sphinx-theme 0.17), checked by axe-core
// in tests_browser/. The search buttons show "Search Ctrl+K" but were labelled only "Search", so
// their accessible name now comes from what they show; the colour-mode icons are decorative, the
// button keeps its "Color mode" label.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".search-button-field[aria-label]").forEach((b) => b.removeAttribute("aria-label"));
  document.querySelectorAll(".theme-switch-button i").forEach((i) => {
    i.removeAttribute("title");
    i.setAttribute("aria-hidden", "true");
  });
});

// On a phone a chart is scaled down to the screen's width and its text gets small: a link under
// each chart opens the image at full size (shown by report.css on narrow screens only).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("article figure img").forEach((img) => {
    const link = document.createElement("a");
    link.href = img.getAttribute("src");
    link.className = "chart-enlarge";
    link.textContent = "Open this chart full size";
    img.insertAdjacentElement("afterend", link);
  });
});
