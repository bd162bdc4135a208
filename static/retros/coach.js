// The blameless-language coach, as you type. Without this script the page works the same:
// the coach checks every text when it is saved. No framework, no inline script (the CSP).
(function () {
  "use strict";
  var WAIT_MS = 600;

  function csrfToken(form) {
    var input = form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function outputFor(field) {
    var id = field.id + "-coach";
    var output = document.getElementById(id);
    if (!output) {
      output = document.createElement("div");
      output.id = id;
      output.className = "coach-live";
      output.setAttribute("aria-live", "polite");
      var container = field.closest(".field") || field.parentNode;
      container.appendChild(output);
    }
    return output;
  }

  function show(output, flags) {
    output.textContent = "";
    if (!flags.length) {
      return;
    }
    var heading = document.createElement("p");
    heading.className = "coach-live-title";
    heading.textContent = "The coach suggests (" + flags.length + "):";
    output.appendChild(heading);
    var list = document.createElement("ul");
    list.className = "coach-flags";
    flags.forEach(function (flag) {
      var item = document.createElement("li");
      var quote = document.createElement("q");
      quote.textContent = flag.text;
      item.appendChild(quote);
      item.appendChild(document.createTextNode(" — " + flag.message + " "));
      var tip = document.createElement("strong");
      tip.textContent = "Try: ";
      item.appendChild(document.createElement("br"));
      item.appendChild(tip);
      item.appendChild(document.createTextNode(flag.suggestion));
      var source = document.createElement("span");
      source.className = "muted";
      source.textContent = flag.source;
      item.appendChild(document.createElement("br"));
      item.appendChild(source);
      list.appendChild(item);
    });
    output.appendChild(list);
  }

  function watch(form) {
    var url = form.getAttribute("data-coach-url");
    form.querySelectorAll('[data-coach="true"]').forEach(function (field) {
      var timer = null;
      var asked = 0;
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          var ticket = ++asked;
          fetch(url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
            body: JSON.stringify({ text: field.value }),
          })
            .then(function (response) {
              return response.ok ? response.json() : { flags: [] };
            })
            .then(function (answer) {
              if (ticket === asked) {
                show(outputFor(field), answer.flags || []);
              }
            })
            .catch(function () {
              /* offline: the coach checks again on save */
            });
        }, WAIT_MS);
      });
    });
  }

  document.querySelectorAll("form[data-coach-url]").forEach(watch);
})();
