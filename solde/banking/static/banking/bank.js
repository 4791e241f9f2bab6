// Keyboard for the reconciliation pages: j/k move in the queue, Enter opens a line,
// a digit or a letter presses the button marked data-key (1–3 accept, i ignore, n next).
(function () {
  "use strict";
  const typing = (e) => /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
  const rows = Array.from(document.querySelectorAll("table[data-keys=queue] tr[data-href]"));
  let current = -1;
  function select(index) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("selected", i === current));
    rows[current].querySelector("a").focus();
  }
  document.addEventListener("keydown", (e) => {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (rows.length && (e.key === "j" || e.key === "k")) {
      select(current + (e.key === "j" ? 1 : -1));
      e.preventDefault();
      return;
    }
    const target = document.querySelector(`[data-key="${CSS.escape(e.key)}"]`);
    if (target) {
      target.click();
      e.preventDefault();
    }
  });
})();
