// The pilot form's primary outcome: only the total and the subscales of the questionnaire chosen
// above can be picked; changing the questionnaire hides the others (and falls back to the total
// when the picked subscale is not in the new one).
(function () {
  const instrument = document.getElementById("instrument_id");
  const outcome = document.getElementById("outcome");
  if (!instrument || !outcome) { return; }
  function follow() {
    for (const option of outcome.options) {
      if (!option.dataset.instrument) { continue; }
      const mine = option.dataset.instrument === instrument.value;
      option.hidden = !mine;
      option.disabled = !mine;
    }
    if (outcome.selectedOptions.length === 0 || outcome.selectedOptions[0].disabled) {
      outcome.value = "total";
    }
  }
  instrument.addEventListener("change", follow);
  follow();
})();
