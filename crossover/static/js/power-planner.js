// The pilot form's power planner: asks the API again as the design inputs change.
(function () {
  const planner = document.getElementById("power-planner");
  if (!planner) { return; }
  const needed = document.getElementById("pairs-needed");
  const power = document.getElementById("planned-power");
  const lowPower = document.getElementById("low-power");
  function value(id) { return document.getElementById(id).value; }
  async function update() {
    const base = planner.dataset.powerUrl + "?dz=" + encodeURIComponent(value("min_dz")) +
      "&alpha=" + encodeURIComponent(value("alpha")) + "&direction=" + encodeURIComponent(value("direction"));
    try {
      const a = await fetch(base + "&power=0.8");
      needed.textContent = a.ok ? (await a.json()).n : "—";
      const n = parseInt(value("planned_n"), 10);
      if (n >= 2) {
        const b = await fetch(base + "&n=" + n);
        const p = b.ok ? (await b.json()).power : null;
        power.textContent = p === null ? "—" : Math.round(p * 100) + "%";
        lowPower.hidden = p === null || p >= 0.8;
      } else { power.textContent = "—"; lowPower.hidden = true; }
    } catch (e) { /* keep the server-rendered figures */ }
  }
  ["min_dz", "alpha", "direction", "planned_n"].forEach(id => document.getElementById(id).addEventListener("input", update));
})();
