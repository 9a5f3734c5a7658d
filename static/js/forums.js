/* Live replies on a thread page: join thread:<id> and append each new post as it is published.
   body_html comes sanitised from the server (render_markdown); the author's name is set as text. */
(function () {
  "use strict";
  var list = document.getElementById("forum-posts");
  if (!list || typeof io === "undefined") {
    return;
  }
  var shared = window.kommunalnetz && window.kommunalnetz.socket;
  var socket = shared || io();
  var threadId = Number(list.dataset.threadId);

  // data-live="1" while new replies arrive by themselves (after the server acknowledged the join).
  function join() {
    socket.emit("watch_thread", {thread_id: threadId}, function (ack) {
      list.dataset.live = ack && ack.ok ? "1" : "0";
    });
  }

  socket.on("connect", join);
  socket.on("disconnect", function () {
    list.dataset.live = "0";
  });
  if (socket.connected) {
    join();
  }
  socket.on("post", function (post) {
    if (post.thread_id !== threadId || document.getElementById("post-" + post.id)) {
      return;
    }
    var item = document.createElement("li");
    item.id = "post-" + post.id;
    var meta = document.createElement("div");
    meta.className = "kn-meta";
    var author = document.createElement("strong");
    author.textContent = post.author;
    meta.appendChild(author);
    var body = document.createElement("div");
    body.className = "forum-post-body";
    body.innerHTML = post.body_html;
    item.appendChild(meta);
    item.appendChild(body);
    list.appendChild(item);
  });
})();
