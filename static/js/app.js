// Progressive enhancement only: every form also works with its submit button.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select.js-autosubmit").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
});

// Registration: add another child form from the formset's template.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".js-add-child");
  if (!button) return;
  const total = document.getElementById("id_child-TOTAL_FORMS");
  const template = document.getElementById("child-template");
  const index = Number(total.value);
  const html = template.innerHTML.replaceAll("__prefix__", String(index));
  document.getElementById("children").insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
});
