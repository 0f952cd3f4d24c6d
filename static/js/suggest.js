/* Suggestions while typing, on every search box with data-suggest="<the suggestions API>".
   Progressive enhancement: without this script the box is a plain search field of a GET form.
   The ARIA 1.2 combobox pattern: the input has role=combobox, aria-expanded, aria-controls and
   aria-activedescendant; the list is a listbox of options; Up/Down move, Enter opens the chosen one,
   Escape closes the list (a second Escape empties the box, as browsers do). */
(function () {
  "use strict";
  var KINDS = { search: "", entry: "", theme: "", agency: "" };

  function setup(input) {
    var url = input.getAttribute("data-suggest");
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var items = [], active = -1, timer = null, asked = "";
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.parentNode.classList.add("has-suggestions");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);
    Object.keys(KINDS).forEach(function (k) { KINDS[k] = input.getAttribute("data-kind-" + k) || ""; });

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(i) {
      active = i;
      items.forEach(function (li, n) { li.setAttribute("aria-selected", n === i ? "true" : "false"); });
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(results) {
      list.textContent = "";
      items = results.map(function (r, n) {
        var li = document.createElement("li");
        var kind = document.createElement("span");
        li.id = listId + "-" + n;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-url", r.url);
        li.textContent = r.text;
        kind.className = "suggestion-kind";
        kind.textContent = KINDS[r.kind] || "";
        li.appendChild(kind);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); window.location.href = r.url; });
        list.appendChild(li);
        return li;
      });
      active = -1;
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      status.textContent = (input.getAttribute("data-suggest-found") || "{n}").replace("{n}", String(items.length));
    }

    function ask() {
      var q = input.value.trim();
      if (!q) { close(); items = []; return; }
      if (q === asked) { return; }
      asked = q;
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (resp) { return resp.ok ? resp.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === q) { show(data.results || []); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "Down") {
        e.preventDefault();
        if (list.hidden && items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (items.length) { choose(active + 1 >= items.length ? 0 : active + 1); }
      } else if (e.key === "ArrowUp" || e.key === "Up") {
        e.preventDefault();
        if (items.length) { choose(active <= 0 ? items.length - 1 : active - 1); }
      } else if (e.key === "Escape" || e.key === "Esc") {
        if (!list.hidden) { e.preventDefault(); close(); } else { input.value = ""; asked = ""; }
      } else if (e.key === "Enter" && !list.hidden && active >= 0) {
        e.preventDefault();
        window.location.href = items[active].getAttribute("data-url");
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  document.querySelectorAll("input[data-suggest]").forEach(setup);
})();
