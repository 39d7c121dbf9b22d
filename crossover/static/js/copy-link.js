// "Copy link" on the pilot page: copies the survey link instead of opening it. Without
// JavaScript (or without clipboard access) it stays an ordinary link.
document.addEventListener("click", function (event) {
  const link = event.target.closest && event.target.closest("a.copy-link");
  if (!link || !navigator.clipboard) { return; }
  event.preventDefault();
  navigator.clipboard.writeText(link.dataset.copy).then(function () {
    const before = link.textContent;
    link.textContent = link.dataset.copied;
    setTimeout(function () { link.textContent = before; }, 1500);
  }, function () { window.location.href = link.href; });
});
