// Saves the answers given so far (PUT /api/v1/surveys/<token>/draft) a moment after each change,
// so a reopened link resumes where the participant stopped. The review step saves without it.
(function () {
  const form = document.getElementById("survey-form");
  const status = document.getElementById("draft-status");
  if (!form || !form.dataset.draftUrl) { return; }
  const DELAY_MS = 800;
  let timer = null;
  let dirty = false;

  function payload() {
    const concerns = [...form.querySelectorAll("input[name=concerns]:checked")].map(i => i.value);
    if (form.dataset.wave === "intake") {
      const note = form.querySelector("textarea[name=note]");
      return { concerns: concerns, note: note ? note.value : "" };
    }
    const answers = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(input => {
      answers[input.name.replace(/^answer_/, "")] = parseInt(input.value, 10);
    });
    return { answers: answers };
  }

  function save(keepalive) {
    clearTimeout(timer);
    if (!dirty) { return; }
    dirty = false;
    fetch(form.dataset.draftUrl, {
      method: "PUT", keepalive: keepalive, credentials: "omit",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload()),
    }).then(response => {
      if (response.ok && status) { status.textContent = form.dataset.savedText; }
    }).catch(() => { dirty = true; });  // offline for a moment: the next change tries again
  }

  function later() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(() => save(false), DELAY_MS);
  }

  form.addEventListener("change", later);
  form.addEventListener("input", later);
  window.addEventListener("pagehide", () => save(true));

  // After a submit with missing answers, bring the first one to the middle of the screen.
  const first = form.querySelector("fieldset.invalid");
  if (first && document.getElementById("form-errors")) {
    first.scrollIntoView({ block: "center" });
  }
})();
