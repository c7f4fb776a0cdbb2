// Impact assessment questionnaire: show a follow-up question only while the answer it
// depends on holds (data-show-when names the question, data-show-equals the value).
// Hidden follow-ups are disabled so they are not sent; the server drops them anyway.
(function () {
  "use strict";
  var form = document.querySelector("form[data-questionnaire]");
  if (!form) return;

  function currentValues(name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) values.push(input.value);
      } else if (input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function update() {
    form.querySelectorAll("[data-show-when]").forEach(function (block) {
      var shown = currentValues(block.dataset.showWhen).indexOf(block.dataset.showEquals) !== -1;
      block.hidden = !shown;
      block.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }

  form.addEventListener("change", update);
  update();
})();
