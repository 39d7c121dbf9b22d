// The survey's progress bar and count follow the answers as they are chosen.
(function () {
  const form = document.getElementById("survey-form");
  const fill = document.getElementById("progress-fill");
  const text = document.getElementById("progress-text");
  if (!form || !fill || !text) { return; }
  const total = parseInt(form.dataset.total, 10);
  const template = form.dataset.progressTemplate;
  function update() {
    const done = new Set([...form.querySelectorAll("input[type=radio]:checked")].map(i => i.name)).size;
    fill.style.width = Math.round(100 * done / total) + "%";
    text.textContent = template.replace("DONE", done).replace("TOTAL", total);
  }
  form.addEventListener("change", update);
})();
