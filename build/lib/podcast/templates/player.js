// Highlights the sentence being read and seeks when a sentence or chapter is clicked.
// The page plays without it: the <audio> element works on its own.
(function () {
  "use strict";
  const audio = document.getElementById("player");
  if (!audio) return;
  const spans = Array.from(document.querySelectorAll(".transcript [data-start]"));
  const starts = spans.map((s) => parseFloat(s.dataset.start));
  let current = null;

  function find(time) {
    let lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= time) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    if (found < 0) return null;
    const span = spans[found];
    return time < parseFloat(span.dataset.end) + 0.5 ? span : null;
  }

  function update() {
    const span = find(audio.currentTime);
    if (span === current) return;
    if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
    current = span;
    if (current) { current.classList.add("current"); current.setAttribute("aria-current", "true"); }
  }

  function seek(event) {
    const target = event.target.closest("[data-start]");
    if (!target) return;
    event.preventDefault();
    audio.currentTime = parseFloat(target.dataset.start);
    update();
    const playing = audio.play();
    if (playing && playing.catch) playing.catch(() => {});
  }

  audio.addEventListener("timeupdate", update);
  audio.addEventListener("seeked", update);
  document.querySelectorAll(".transcript, .chapters").forEach((el) => el.addEventListener("click", seek));
  spans.forEach((span) => {
    span.tabIndex = 0;
    span.addEventListener("keydown", (event) => { if (event.key === "Enter") seek(event); });
  });
})();
