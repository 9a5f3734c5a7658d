/* A room page, live: messages arrive over the socket of notifications.js (protocol: docs/realtime.md).
   On every (re)connect the page joins the room and syncs everything after the last id it has, so a
   dropped connection loses nothing. Sending carries a client_id and is retried until acknowledged;
   the server stores one message per client_id. Without JavaScript the form posts as usual. */
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root || !window.kommunalnetz || !window.kommunalnetz.socket) {
    return;
  }
  var socket = window.kommunalnetz.socket;
  var text = root.dataset;
  var roomId = Number(text.roomId);
  var userId = Number(text.userId);
  var lastId = Number(text.lastId) || 0;
  var list = document.getElementById("room-messages");
  var form = document.getElementById("message-form");
  var textarea = form.querySelector("textarea");
  var csrfInput = form.querySelector("input[name=csrf_token]");
  var statusLine = document.getElementById("room-status");
  var typingLine = document.getElementById("room-typing");
  var pending = {};
  var RETRY_MS = 2000;
  var ACK_TIMEOUT_MS = 5000;
  var MATCHES_EVERY_MS = 10000;
  var TYPING_SHOWN_MS = 4000;
  // One clock for every reader: the server's zone (Europe/Berlin) and the page's language, in the
  // short format the server renders with Babel ("03.12.26, 07:34"), for live and reloaded messages alike.
  var timeFormat = new Intl.DateTimeFormat(text.locale || "de", {
    timeZone: text.timeZone || "Europe/Berlin", dateStyle: "short", timeStyle: "short"});

  function formatTime(iso) {
    var date = new Date(iso);
    return isNaN(date.getTime()) ? iso : timeFormat.format(date);
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content !== undefined && /\bkern-btn\b/.test(className || "")) {
      // KERN colours a button's text through its kern-label span.
      var label = document.createElement("span");
      label.className = "kern-label";
      label.textContent = content;
      node.append(label);
    } else if (content !== undefined) {
      node.textContent = content;
    }
    return node;
  }

  function setStatus(message) {
    statusLine.textContent = message || "";
    statusLine.hidden = !message;
  }

  function addOwnControls(item) {
    if (Number(item.dataset.authorId) !== userId || item.querySelector(".message-actions")) {
      return;
    }
    var actions = element("div", "message-actions kn-actions");
    var edit = element("button", "kern-btn kern-btn--tertiary kern-btn--x-small", text.textEdit);
    var remove = element("button", "kern-btn kern-btn--tertiary kern-btn--x-small", text.textDelete);
    edit.type = remove.type = "button";
    edit.addEventListener("click", function () { startEdit(item); });
    remove.addEventListener("click", function () {
      socket.emit("delete", {message_id: Number(item.dataset.messageId)});
    });
    actions.append(edit, remove);
    item.append(actions);
  }

  // Others' messages get a link to the report form; the server renders the same link for the first page.
  function addReportLink(item) {
    if (Number(item.dataset.authorId) === userId || item.querySelector(".message-report")) {
      return;
    }
    var link = element("a", "message-report small", text.textReport);
    link.href = text.reportUrl.replace(/\/0$/, "/" + Number(item.dataset.messageId));
    item.append(link);
  }

  function renderMessage(message) {
    var item = element("li", "border-bottom py-2");
    item.id = "message-" + message.id;
    item.dataset.messageId = message.id;
    item.dataset.authorId = message.author ? message.author.id : "";
    item.dataset.body = message.body;
    var meta = element("div", "kn-meta");
    meta.append(element("strong", "", message.author ? message.author.name : "–"), " · ");
    var time = element("time", "", formatTime(message.created_at));
    time.dateTime = message.created_at;
    meta.append(time);
    if (message.edited_at) {
      meta.append(" ", element("span", "message-edited", "(" + text.textEdited + ")"));
    }
    var body = element("div", "message-body");
    body.innerHTML = message.body_html; // sanitised by the server (community.rendering, nh3)
    item.append(meta, body);
    addOwnControls(item);
    addReportLink(item);
    return item;
  }

  function upsert(message) {
    if (message.room_id !== roomId) {
      return;
    }
    var existing = document.getElementById("message-" + message.id);
    if (message.deleted) {
      if (existing) { existing.remove(); }
    } else if (existing) {
      existing.replaceWith(renderMessage(message));
    } else {
      var next = Array.prototype.find.call(list.children, function (item) {
        return Number(item.dataset.messageId) > message.id;
      });
      list.insertBefore(renderMessage(message), next || null);
      var empty = document.getElementById("room-empty");
      if (empty) { empty.remove(); }
    }
    lastId = Math.max(lastId, message.id);
  }

  // The server's time of the last completed sync: the next one also brings what was edited or deleted
  // since then among the messages we have (missed while offline).
  var syncedAt = text.renderedAt || null;

  function sync() {
    var request = {room_id: roomId, after_id: lastId};
    if (syncedAt) { request.changed_since = syncedAt; }
    socket.emit("sync", request, function (ack) {
      if (!ack || !ack.ok) { return; }
      ack.messages.forEach(upsert);
      ack.changed.forEach(upsert);
      if (ack.has_more) { sync(); } else { syncedAt = ack.server_time; markRead(); }
    });
  }

  function trySend(clientId) {
    var body = pending[clientId];
    if (body === undefined || !socket.connected) {
      return; // the next connect sends what is pending
    }
    socket.timeout(ACK_TIMEOUT_MS).emit("send", {room_id: roomId, body: body, client_id: clientId},
      function (timedOut, ack) {
        if (timedOut || (ack && ack.error && ack.error.code === "rate_limited")) {
          setStatus(text.textError);
          window.setTimeout(function () { trySend(clientId); }, RETRY_MS);
          return;
        }
        delete pending[clientId];
        if (ack && ack.error) {
          setStatus(ack.error.message);
          textarea.value = body;
        } else {
          setStatus("");
        }
      });
  }

  function join() {
    setStatus("");
    socket.emit("join", {room_id: roomId}, function (ack) {
      if (!ack || !ack.ok) {
        setStatus(ack && ack.error ? ack.error.message : text.textOffline);
        return;
      }
      sync();
      Object.keys(pending).forEach(trySend);
    });
  }

  var readTimer = null;
  function markRead() {
    if (readTimer || !lastId) { return; }
    readTimer = window.setTimeout(function () {
      readTimer = null;
      socket.emit("read", {room_id: roomId, message_id: lastId});
    }, 1000);
  }

  function startEdit(item) {
    var body = item.querySelector(".message-body");
    var editor = element("textarea", "kern-form-input__input");
    editor.value = item.dataset.body;
    editor.setAttribute("aria-label", text.textEdit);
    var save = element("button", "kern-btn kern-btn--primary kern-btn--x-small", text.textSave);
    save.type = "button";
    save.addEventListener("click", function () {
      socket.emit("edit", {message_id: Number(item.dataset.messageId), body: editor.value}, function (ack) {
        if (ack && ack.error) { setStatus(ack.error.message); }
      });
    });
    body.replaceChildren(editor, save);
    editor.focus();
  }

  function loadOlder(button) {
    var first = list.querySelector("li[data-message-id]");
    socket.emit("history", {room_id: roomId, before_id: first ? Number(first.dataset.messageId) : null},
      function (ack) {
        if (!ack || !ack.ok) { return; }
        ack.messages.slice().reverse().forEach(function (message) {
          if (!document.getElementById("message-" + message.id)) {
            list.insertBefore(renderMessage(message), list.firstChild);
          }
        });
        if (!ack.has_more) { button.remove(); }
      });
  }

  function matchItem(match) {
    var item = element("li", "kern-mb-sm");
    var link = element("a", "", match.title);
    link.href = match.url;
    item.append(link, element("div", "kn-meta", match.organisation.name));
    if (match.terms.length) {
      item.append(element("div", "kn-meta", match.terms.join(", ")));
    }
    if (match.action === "invite" && text.canInvite === "1") {
      var invite = element("button", "kern-btn kern-btn--secondary kern-btn--x-small", text.textInvite);
      invite.type = "button";
      invite.addEventListener("click", function () {
        var data = new FormData();
        data.append("csrf_token", csrfInput ? csrfInput.value : "");
        data.append("organisation_id", match.organisation.id);
        data.append("emails", "");
        fetch(text.inviteUrl, {method: "POST", body: data, credentials: "same-origin"}).then(function () {
          invite.replaceWith(element("span", "kn-strong", text.textInvited));
        });
      });
      item.append(invite);
    } else if (match.action === "contact") {
      var contact = element("a", "kern-btn kern-btn--secondary kern-btn--x-small", text.textContact);
      contact.href = match.contact_url;
      item.append(contact);
    }
    return item;
  }

  var matchesLoadedAt = 0;
  var matchesTimer = null;
  function refreshMatches() {
    var wait = matchesLoadedAt + MATCHES_EVERY_MS - Date.now();
    if (wait > 0) {
      if (!matchesTimer) { matchesTimer = window.setTimeout(function () { matchesTimer = null; refreshMatches(); }, wait); }
      return;
    }
    matchesLoadedAt = Date.now();
    fetch(text.matchesUrl, {credentials: "same-origin"}).then(function (response) {
      return response.ok ? response.json() : {matches: []};
    }).then(function (data) {
      document.getElementById("room-matches").replaceChildren.apply(
        document.getElementById("room-matches"), data.matches.map(matchItem));
    });
  }

  // The first page came from the server; its times get the live format too, so nothing changes on reload.
  Array.prototype.forEach.call(list.querySelectorAll("time[datetime]"), function (node) {
    node.textContent = formatTime(node.dateTime);
  });

  socket.on("connect", join);
  socket.on("disconnect", function () { setStatus(text.textOffline); });
  socket.on("message", function (message) {
    if (message.room_id === roomId && message.author && message.author.id === typingUserId) {
      endTyping(); // the message the notice announced has arrived
    }
    upsert(message);
    markRead();
    refreshMatches();
  });
  socket.on("message_updated", upsert);
  socket.on("message_deleted", function (event) {
    var item = document.getElementById("message-" + event.id);
    if (event.room_id === roomId && item) { item.remove(); }
  });
  socket.on("presence", function (event) {
    if (event.room_id !== roomId) { return; }
    document.getElementById("room-presence").replaceChildren.apply(
      document.getElementById("room-presence"), event.users.map(function (user) { return element("li", "", user.name); }));
  });
  // Someone left their organisation, and with it this room (docs/security.md): the room is told.
  socket.on("member_removed", function (event) {
    if (event.room_id !== roomId) { return; }
    setStatus(text.textMemberRemoved.replace("{name}", event.user.name));
  });
  socket.on("room_removed", function (event) {
    if (event.room_id !== roomId) { return; }
    setStatus(text.textRoomRemoved);
    textarea.disabled = true;
  });
  var typingTimer = null;
  var typingUserId = null;
  function endTyping() {
    window.clearTimeout(typingTimer);
    typingUserId = null;
    typingLine.textContent = "";
  }
  socket.on("typing", function (event) {
    if (event.room_id !== roomId) { return; }
    typingUserId = event.user.id;
    typingLine.textContent = text.textTyping.replace("{name}", event.user.name);
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(endTyping, TYPING_SHOWN_MS);
  });
  socket.on("match", function (event) {
    if (event.room_id !== roomId) { return; }
    var box = document.getElementById("room-question-matches");
    var items = element("ul", "kern-list");
    items.replaceChildren.apply(items, event.matches.map(matchItem));
    box.replaceChildren(element("p", "kn-strong", event.text), items);
    box.hidden = false;
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = textarea.value.trim();
    if (!body) { return; }
    var clientId = window.crypto.randomUUID();
    pending[clientId] = body;
    textarea.value = "";
    typingSentAt = 0; // the notice ends with this message; the next keystroke starts a new one
    trySend(clientId);
  });

  var typingSentAt = 0;
  textarea.addEventListener("input", function () {
    if (Date.now() - typingSentAt > 3000 && socket.connected) {
      typingSentAt = Date.now();
      socket.emit("typing", {room_id: roomId});
    }
  });

  var older = element("button", "kern-btn kern-btn--tertiary kern-btn--x-small", text.textOlder);
  older.type = "button";
  older.addEventListener("click", function () { loadOlder(older); });
  list.parentNode.insertBefore(older, list);
  if ("IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      if (entries[0].isIntersecting && older.isConnected) { loadOlder(older); }
    }).observe(older);
  }

  Array.prototype.forEach.call(list.children, addOwnControls);
  if (socket.connected) { join(); }
  refreshMatches();
})();
