// Progressive enhancement only: every form also works with its submit button.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select.js-autosubmit").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
});
