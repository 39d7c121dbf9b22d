// The roster upload answers with the one-time CSV of survey links, as a download: left alone the
// browser would stay on the page as it was, an earlier error still shown and the counts from
// before. So the upload is sent from here: a CSV answer is saved, then the round page is read
// again in place (the success message, the new counts); any other answer (the file's errors, a
// file already uploaded) takes the place of the page's content. Without JavaScript the form
// posts as usual.
(function () {
  function filename(disposition) {
    const found = /filename="([^"]+)"/.exec(disposition || "");
    return found ? found[1] : "roster-links.csv";
  }
  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    // Not revoked at once: the download reads the blob after this returns.
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }
  function show(html) {
    const page = new DOMParser().parseFromString(html, "text/html");
    const fresh = page.querySelector("main");
    if (!fresh) { return false; }
    document.querySelector("main").replaceWith(fresh);
    document.title = page.title;
    const news = fresh.querySelector("[role=alert], .flash");
    if (news) { news.setAttribute("tabindex", "-1"); news.focus(); }
    return true;
  }
  document.addEventListener("submit", async function (event) {
    const form = event.target;
    if (form.id !== "roster-form" || !window.fetch || !window.DOMParser) { return; }
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = form.dataset.busy;
    let response;
    try {
      response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
    } catch (error) {
      form.submit(); // the network failed before an answer: post the plain way
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    if (response.ok && type.indexOf("text/csv") === 0) {
      save(await response.blob(), filename(response.headers.get("Content-Disposition")));
      const round = await fetch(form.dataset.roundUrl, { credentials: "same-origin" });
      if (!show(await round.text())) { window.location.assign(form.dataset.roundUrl); }
      return;
    }
    if (!show(await response.text())) { window.location.assign(form.dataset.roundUrl); }
  });
})();
