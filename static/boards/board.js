// The live board: polls the board's state every two seconds with If-None-Match (an
// unchanged board answers 304), and when it changed, refreshes the board in place and
// announces what changed in a polite live region. Without this script the board works
// the same as plain forms. No framework, no inline script (the CSP).
(function () {
  "use strict";
  var EVERY_MS = 2000;
  var board = document.getElementById("board");
  if (!board || !window.fetch || !window.DOMParser) {
    return;
  }
  var stateUrl = board.getAttribute("data-state-url");
  var version = board.getAttribute("data-version");
  var phase = board.getAttribute("data-phase");
  var live = document.getElementById("board-live");
  var last = null;
  var busy = false;

  function announce(text) {
    if (live && text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 50);
    }
  }

  function counts(state) {
    var found = {};
    state.columns.forEach(function (column) { found[column.key] = column.card_count; });
    return found;
  }

  function describe(before, after) {
    var said = [];
    if (before.phase !== after.phase) {
      said.push("The board moved to the " + after.phase + " phase.");
    }
    var was = counts(before);
    after.columns.forEach(function (column) {
      var diff = column.card_count - (was[column.key] || 0);
      if (diff > 0) {
        said.push(diff + " new card" + (diff === 1 ? "" : "s") + " in " + column.title + ".");
      } else if (diff < 0) {
        said.push(-diff + " card" + (diff === -1 ? "" : "s") + " removed from " + column.title + ".");
      }
    });
    if (after.groups.length > before.groups.length) {
      said.push("A new group: " + after.groups[after.groups.length - 1].title + ".");
    }
    if (after.ready_count !== before.ready_count) {
      said.push(after.ready_count + " of " + after.member_count + " are done.");
    }
    return said.join(" ");
  }

  function isTyping() {
    var active = document.activeElement;
    return !!(active && (active.tagName === "TEXTAREA" || active.tagName === "INPUT") &&
      active.value && board.contains(active));
  }

  function replaceRegions(fresh) {
    var regions = board.querySelectorAll("[data-live]");
    Array.prototype.forEach.call(regions, function (region) {
      var replacement = fresh.getElementById(region.id);
      if (!replacement || region.contains(document.activeElement) ||
          region.querySelector("details[open]")) {
        return;
      }
      region.replaceWith(document.importNode(replacement, true));
    });
  }

  function refresh(state) {
    return fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshBoard = fresh.getElementById("board");
        if (!freshBoard) {
          return;
        }
        if (state.phase !== phase && !isTyping()) {
          board.innerHTML = freshBoard.innerHTML;
          phase = state.phase;
          board.setAttribute("data-phase", phase);
        } else {
          replaceRegions(fresh);
        }
        setUp();
      });
  }

  function poll() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(stateUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "If-None-Match": '"' + version + '"', "Accept": "application/json" }
    })
      .then(function (answer) {
        if (answer.status !== 200) {
          return null;
        }
        return answer.json();
      })
      .then(function (state) {
        if (!state) {
          return null;
        }
        var before = last;
        last = state;
        if (String(state.version) === String(version)) {
          return null;
        }
        version = String(state.version);
        if (before) {
          announce(describe(before, state));
        }
        return refresh(state);
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { busy = false; });
  }

  function tickTimers() {
    var timers = board.querySelectorAll("time[data-timer]");
    Array.prototype.forEach.call(timers, function (timer) {
      var ends = Date.parse(timer.getAttribute("datetime"));
      if (isNaN(ends)) {
        return;
      }
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      timer.textContent = left ? minutes + ":" + (seconds < 10 ? "0" : "") + seconds + " left"
        : "time is up";
    });
  }

  function setUpDragging() {
    var dragged = null;
    Array.prototype.forEach.call(board.querySelectorAll("[data-card][draggable]"), function (card) {
      card.addEventListener("dragstart", function (event) {
        dragged = card.getAttribute("data-card");
        event.dataTransfer.setData("text/plain", dragged);
      });
    });
    Array.prototype.forEach.call(board.querySelectorAll("[data-group]"), function (group) {
      group.addEventListener("dragover", function (event) { event.preventDefault(); });
      group.addEventListener("drop", function (event) {
        event.preventDefault();
        var cardId = event.dataTransfer.getData("text/plain") || dragged;
        var form = document.querySelector("#card-" + cardId + " form.board-move");
        if (!form) {
          return;
        }
        form.querySelector("select").value = group.getAttribute("data-group");
        form.submit();
      });
    });
  }

  function setUp() {
    tickTimers();
    setUpDragging();
  }

  function prime() {
    fetch(stateUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (state) { if (state && last === null) { last = state; } })
      .catch(function () { /* polling still runs */ });
  }

  setUp();
  prime();
  window.setInterval(poll, EVERY_MS);
  window.setInterval(tickTimers, 1000);
  document.addEventListener("visibilitychange", poll);
})();
