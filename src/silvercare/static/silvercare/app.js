// Small progressive enhancement; every page works without it.
document.addEventListener("DOMContentLoaded", function () {
  var langSelect = document.getElementById("language-select");
  if (langSelect) {
    langSelect.addEventListener("change", function () { langSelect.form.submit(); });
  }
});
