// Forms with data-confirm ask before they submit (instead of inline onsubmit handlers,
// which the Content-Security-Policy forbids). On yes, the form says so with confirmed=1;
// without JavaScript the action shows a confirmation page instead (crossover/confirmation.py).
document.addEventListener("submit", function (event) {
  const form = event.target;
  const message = form.dataset && form.dataset.confirm;
  if (!message) { return; }
  if (!window.confirm(message)) {
    event.preventDefault();
    return;
  }
  if (!form.querySelector("input[name=confirmed]")) {
    const confirmed = document.createElement("input");
    confirmed.type = "hidden";
    confirmed.name = "confirmed";
    confirmed.value = "1";
    form.appendChild(confirmed);
  }
});
