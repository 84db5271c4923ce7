// Large-text and high-contrast modes (适老化). Remembered per browser; the buttons say their state
// with aria-pressed and a tick, never with colour alone.
(function () {
  var root = document.documentElement;
  var modes = ["large-text", "high-contrast"];
  modes.forEach(function (mode) {
    try { if (localStorage.getItem("yg-" + mode) === "1") root.classList.add(mode); } catch (e) {}
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-toggle]").forEach(function (button) {
      var mode = button.getAttribute("data-toggle");
      button.setAttribute("aria-pressed", root.classList.contains(mode) ? "true" : "false");
      button.addEventListener("click", function () {
        var on = root.classList.toggle(mode);
        button.setAttribute("aria-pressed", on ? "true" : "false");
        try { localStorage.setItem("yg-" + mode, on ? "1" : "0"); } catch (e) {}
      });
    });
    // A form marked data-submit-once is sent once: a double click does not send it twice (the
    // server also recognises a repeated submission by its hidden submission key).
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sending") === "1") { event.preventDefault(); return; }
        form.setAttribute("data-sending", "1");
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-disabled", "true"); b.textContent = "正在提交……"; });
      });
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) { form.removeAttribute("data-sending"); });
  });
})();
