/* LinkedIn sandbox: inside the profile plugin's frame. Tells the embedding page (only its origin) about
 * a manual link or unlink just made, and the frame's height. Everything else is plain HTML forms. */
(function () {
  "use strict";
  var body = document.body;
  var target = body.getAttribute("data-parent-origin");
  if (!target || window.parent === window) return;
  function post(message) {
    message.source = "rsc-sandbox-profile";
    window.parent.postMessage(message, target);
  }
  var linked = body.getAttribute("data-linked-member");
  if (linked) post({ type: "link", member: linked });
  var unlinked = body.getAttribute("data-unlinked-member");
  if (unlinked) post({ type: "unlink", member: unlinked });
  function size() { post({ type: "resize", height: document.documentElement.scrollHeight }); }
  size();
  if (window.ResizeObserver) new ResizeObserver(size).observe(body);
})();
