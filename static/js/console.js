// Agency console: add rows to the data-items table; upload files with a progress bar.
// Loaded as a file (the Content-Security-Policy forbids inline scripts). Without JavaScript the
// forms still work: the items table has spare rows and the upload form posts normally.
(function () {
  "use strict";

  var addRow = document.getElementById("add-item-row");
  var body = document.getElementById("items-body");
  if (addRow && body) {
    addRow.hidden = false;
    addRow.addEventListener("click", function () {
      var rows = body.querySelectorAll("tr.item-row");
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      var index = rows.length;
      copy.querySelector("td").textContent = String(index + 1);
      copy.querySelectorAll("input, select").forEach(function (el) {
        el.name = el.name.replace(/^items-\d+-/, "items-" + index + "-");
        el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/\d+$/, String(index + 1)));
        if (el.tagName === "INPUT") { el.value = ""; } else { el.selectedIndex = 0; }
      });
      body.appendChild(copy);
      copy.querySelector("input").focus();
    });
  }

  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest) { return; }
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  var error = document.getElementById("upload-error");
  var button = document.getElementById("upload-button");
  var cancel = document.getElementById("cancel-upload");
  var xhr = null;

  function fail(message) {
    error.textContent = message;
    error.hidden = false;
    button.disabled = false;
    cancel.hidden = true;
  }

  form.addEventListener("submit", function (event) {
    var input = document.getElementById("f-file");
    if (!input.files || !input.files.length) { return; }  // let the server explain the missing file
    event.preventDefault();
    var file = input.files[0];
    var params = new URLSearchParams({
      filename: file.name,
      format: document.getElementById("f-format").value
    });
    var name = document.getElementById("f-name");
    if (name && name.value) { params.set("name", name.value); }
    var url = form.getAttribute("data-put-url");
    url += (url.indexOf("?") >= 0 ? "&" : "?") + params.toString();
    xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("X-CSRFToken", form.querySelector("input[name=csrf_token]").value);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var pct = Math.floor((e.loaded / e.total) * 100);
      bar.value = pct;
      bar.textContent = pct + "%";
      text.textContent = pct + "%";
    });
    xhr.addEventListener("load", function () {
      var data = {};
      try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status === 201 && data.redirect) {
        bar.value = 100;
        text.textContent = "100%";
        window.location.assign(data.redirect);
      } else {
        fail((data.error && data.error.message) || ("HTTP " + xhr.status));
      }
    });
    xhr.addEventListener("error", function () { fail(form.getAttribute("data-network-error") || "Network error"); });
    xhr.addEventListener("abort", function () { fail(cancel.getAttribute("data-cancelled") || "Cancelled"); });
    error.hidden = true;
    box.hidden = false;
    button.disabled = true;
    cancel.hidden = false;
    xhr.send(file);
  });

  cancel.addEventListener("click", function () { if (xhr) { xhr.abort(); } });
})();
