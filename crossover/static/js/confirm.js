// Forms with data-confirm ask before they submit (instead of inline onsubmit handlers,
// which the Content-Security-Policy forbids).
document.addEventListener("submit", function (event) {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
