/* LinkedIn sandbox: the offline stand-in of LinkedIn's in.js (platform.linkedin.com/xdoor/scripts/in.js).
 *
 * Configured as LinkedIn's is, by the text of its own <script> tag:
 *     api_key: <customer (child) app client id>
 *     extensions: HcmWidget@<extension URL>
 * It loads each extension, then turns every <script type="IN/<Tag>"> into that extension's widget, now
 * and whenever such a tag is added later (a single-page app mounting a candidate). IN.parse(root) parses
 * again by hand. No eval, no inline code: it runs under a page CSP that lists only this origin.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var config = {};
  ((script && script.textContent) || "").split(/\r?\n/).forEach(function (line) {
    var colon = line.indexOf(":");
    if (colon > 0) config[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  var IN = window.IN;
  if (!IN || !IN.sandbox) {
    IN = window.IN = { sandbox: true, ENV: { api_key: "" }, tags: {}, loaded: {} };
    IN.parse = function (root) {
      var scope = root || document;
      var tags = scope.querySelectorAll('script[type^="IN/"]');
      for (var i = 0; i < tags.length; i++) {
        var tag = tags[i];
        var name = tag.getAttribute("type").slice(3);
        if (tag.getAttribute("data-in-parsed") === "true" || !IN.tags[name]) continue;
        tag.setAttribute("data-in-parsed", "true");
        IN.tags[name](tag, IN);
      }
    };
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.setTimeout(function () { pending = false; IN.parse(); }, 0);
    }).observe(document.documentElement, { childList: true, subtree: true });
  }
  // A second in.js (another customer's page) sets the key the next widgets are made with.
  if (config.api_key) IN.ENV.api_key = config.api_key;
  (config.extensions || "").split(",").forEach(function (entry) {
    var at = entry.indexOf("@");
    if (at < 1) return;
    var name = entry.slice(0, at).trim();
    var url = entry.slice(at + 1).trim();
    if (IN.loaded[url]) { IN.parse(); return; }
    IN.loaded[url] = name;
    var ext = document.createElement("script");
    ext.src = url;
    ext.async = true;
    ext.addEventListener("load", function () { IN.parse(); });
    (document.head || document.documentElement).appendChild(ext);
  });
  IN.parse();
})();
