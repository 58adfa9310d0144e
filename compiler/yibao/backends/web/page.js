// ==== the calculator page (yibao/backends/page.js): form → case → explain() → results ====
// Runs after the generated calculator and PAGE (the notice's labels), in the same script.
const form = document.getElementById("case");
const list = document.getElementById("result-list");

// The case the form says: a field left empty is left out (the notice's default, or unknown).
function readCase() {
  const c = Object.create(null);  // a fact may be named like a member of Object.prototype (`__proto__`)
  for (const box of form.querySelectorAll("[data-fact]")) {
    const name = box.dataset.fact, kind = box.dataset.kind;
    if (kind === "enum") {
      const picked = box.querySelector("input:checked");
      if (picked && picked.value !== "") c[name] = JSON.parse(picked.value);
    } else if (kind === "set") {
      c[name] = [...box.querySelectorAll("input:checked")].map((x) => JSON.parse(x.value));
    } else if (kind === "bool") {
      const input = box.querySelector("input, select");
      if (input.type === "checkbox") c[name] = input.checked;
      else if (input.value !== "") c[name] = input.value === "true";
    } else {
      const text = box.querySelector("input").value.trim();
      if (text === "") continue;
      // numbers keep their text (JNum), so money never passes through a float; anything else is
      // passed as typed, and the calculator names the field it does not fit
      c[name] = kind === "date" || !/^-?[0-9]+(\.[0-9]+)?$/.test(text) ? text
        : kind === "money" ? text : new JNum(text);
    }
  }
  return c;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

function shown(decision, value) {
  if (decision.kind === "money") return value + " 元";
  if (decision.members) {
    const member = decision.members[JSON.stringify(value)];
    return member || String(value);  // the notice's word alone: a code beside it is for machines
  }
  return String(value);
}

// Why a decision is not decided, in Chinese (the catalogue's zh form): the missing fact by its
// label, else the notice's own reason.
function reason(why) {
  if (why.kind === "missing") return "尚缺：" + (PAGE.facts[why.fact] || why.fact);
  return (why.kind === "undecidable" ? "无法确定：" : "") + why.error.text("zh");
}

function clearErrors() {
  for (const p of form.querySelectorAll(".field-error, .form-error")) p.textContent = "";
  for (const box of form.querySelectorAll(".invalid")) box.classList.remove("invalid");
}

function showError(e) {
  const field = String(e.field || "").replace(/\[\d+\]$/, "").split(", ")[0];
  const box = field && form.querySelector('[data-fact="' + CSS.escape(field) + '"]');
  // the catalogue's Chinese words: by the field's label where the form has one, else as every front end says it
  const label = PAGE.facts[field] ? PAGE.facts[field] + "：" : "";
  const message = label ? e.text("zh") : e.line("zh");
  if (box) {
    box.classList.add("invalid");
    box.querySelector(".field-error").textContent = label + message;
  }
  document.getElementById("form-error").textContent = "无法计算：" + label + message;
  list.replaceChildren(el("li", {class: "bad"}, "请先更正上面标出的填写内容。"));
}

function update() {
  clearErrors();
  const raw = readCase();
  let answer;
  try {
    answer = explain(raw);
  } catch (e) {
    if (!(e instanceof CaseError)) throw e;
    showError(e);
    document.getElementById("json").textContent = JSON.stringify(raw, (k, v) => v instanceof JNum ? Number(v.text) : v, 2);
    return;
  }
  const items = PAGE.decisions.map((d) => {
    const item = el("li", {"data-decision": d.name});
    const head = el("div", {class: "decision"}, el("span", {class: "zh", title: d.name}, d.label));
    if (d.name in answer.results) {
      item.className = "decided";
      item.append(head, el("output", {class: "value", "data-value": String(answer.results[d.name])},
        shown(d, answer.results[d.name])));
      for (const step of answer.steps[d.name] || []) {
        item.append(el("p", {class: "cite"}, "依据 " + step.document + " §" + step.clause + "：",
          el("q", {}, step.quote)));
      }
    } else {
      item.className = "undecided";
      item.append(head, el("output", {class: "value"}, "无法确定"),
        el("p", {class: "reason"}, reason(answer.reasons[d.name])));
    }
    return item;
  });
  list.replaceChildren(...items);
  document.getElementById("json").textContent = dumps({case: JSON.parse(
    JSON.stringify(raw, (k, v) => v instanceof JNum ? Number(v.text) : v)), result: answer.results});
}

form.addEventListener("input", update);
form.addEventListener("change", update);
form.addEventListener("submit", (e) => e.preventDefault());
update();
