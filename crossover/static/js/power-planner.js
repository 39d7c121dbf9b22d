// The pilot form's power planner: asks the API again as the design inputs change.
// The paired figures always; the two-arm (ANCOVA) figures when the comparison arm is randomised.
(function () {
  const planner = document.getElementById("power-planner");
  if (!planner) { return; }
  const needed = document.getElementById("pairs-needed");
  const power = document.getElementById("planned-power");
  const lowPower = document.getElementById("low-power");
  const twoArm = document.getElementById("two-arm-planner");
  const perArm = document.getElementById("per-arm-needed");
  const total = document.getElementById("total-needed");
  const twoArmPower = document.getElementById("two-arm-power");
  const twoArmLow = document.getElementById("two-arm-low-power");
  const hasComparison = document.getElementById("has_comparison");
  const allocation = document.getElementById("allocation");
  function value(id) { return document.getElementById(id).value; }
  function query(params) {
    return planner.dataset.powerUrl + "?" + new URLSearchParams(params).toString();
  }
  function percent(p) { return p === null ? "—" : Math.round(p * 100) + "%"; }
  async function answer(params) {
    const response = await fetch(query(params));
    return response.ok ? response.json() : null;
  }
  function randomised() {
    return hasComparison.checked && allocation.value !== "assigned";
  }
  async function updatePaired(common, n) {
    const a = await answer(Object.assign({ dz: value("min_dz"), power: "0.8" }, common));
    needed.textContent = a ? a.n : "—";
    if (n >= 2) {
      const b = await answer(Object.assign({ dz: value("min_dz"), n: n }, common));
      const p = b ? b.power : null;
      power.textContent = percent(p);
      lowPower.hidden = p === null || p >= 0.8;
    } else { power.textContent = "—"; lowPower.hidden = true; }
  }
  async function updateTwoArm(common, n) {
    twoArm.hidden = !randomised();
    if (twoArm.hidden) { return; }
    const design = Object.assign({ design: "two_arm", d: value("min_dz"), rho: value("rho") }, common);
    const a = await answer(Object.assign({ power: "0.8" }, design));
    perArm.textContent = a ? a.n_per_arm : "—";
    total.textContent = a ? a.n_total : "—";
    if (n >= 2) {
      const b = await answer(Object.assign({ n: n }, design));
      const p = b ? b.power : null;
      twoArmPower.textContent = percent(p);
      twoArmLow.hidden = p === null || p >= 0.8;
    } else { twoArmPower.textContent = "—"; twoArmLow.hidden = true; }
  }
  async function update() {
    const common = { alpha: value("alpha"), direction: value("direction") };
    const n = parseInt(value("planned_n"), 10);
    try {
      await updatePaired(common, n);
      await updateTwoArm(common, n);
    } catch (e) { /* keep the server-rendered figures */ }
  }
  ["min_dz", "alpha", "direction", "planned_n", "rho", "allocation"].forEach(
    id => document.getElementById(id).addEventListener("input", update));
  [hasComparison, allocation].forEach(el => el.addEventListener("change", update));
})();
