/* The live connection of a signed-in browser (Socket.IO, authenticated by the session cookie) and
   the notification bell. rooms.js reuses the connection: window.kommunalnetz.socket. */
(function () {
  "use strict";
  var bell = document.getElementById("notification-bell");
  if (!bell || typeof io === "undefined") {
    return;
  }
  var socket = io();
  window.kommunalnetz = window.kommunalnetz || {};
  window.kommunalnetz.socket = socket;

  var badge = document.getElementById("notification-count");
  var announcer = document.getElementById("notification-announcer");
  var count = Number(bell.dataset.unread) || 0;

  function show() {
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }

  socket.on("notification", function (notification) {
    count += 1;
    show();
    if (announcer) {
      announcer.textContent = notification.text;
    }
  });
  // A suspension or ban ends this connection; the reloaded page says why and until when.
  socket.on("sanction", function () {
    window.location.reload();
  });
  show();
})();
