/* LinkedIn sandbox: the HcmWidget extension (the profile plugin) for the stand-in in.js.
 *
 * Each <script type="IN/HcmWidget" data-widget-type data-ats-candidate-id data-integration-context
 * data-onlink data-onunlink data-show-unlink-url data-width> becomes an iframe of the sandbox's plugin
 * page. The frame reports a manual link or unlink by postMessage; this calls the page's global function
 * named by data-onlink / data-onunlink with the member's person URN, as LinkedIn's plugin does.
 */
(function () {
  "use strict";
  var IN = window.IN;
  var origin = new URL(document.currentScript.src).origin;
  var widgets = [];

  IN.tags.HcmWidget = function (tag) {
    var data = tag.dataset;
    var query = new URLSearchParams({
      api_key: IN.ENV.api_key || "",
      atsCandidateId: data.atsCandidateId || "",
      integrationContext: data.integrationContext || "",
      widgetType: data.widgetType || "",
      showUnlinkUrl: data.showUnlinkUrl || "false",
      origin: window.location.origin
    });
    var holder = document.createElement("span");
    holder.className = "IN-widget";
    var frame = document.createElement("iframe");
    frame.src = origin + "/_plugin/profile/frame?" + query.toString();
    frame.title = "LinkedIn profile";
    frame.setAttribute("data-testid", "linkedin-profile-plugin");
    frame.style.border = "0";
    frame.style.width = data.width ? data.width + "px" : "100%";
    frame.style.height = "480px";
    holder.appendChild(frame);
    tag.parentNode.insertBefore(holder, tag);
    widgets.push({ tag: tag, holder: holder, frame: frame, onlink: data.onlink, onunlink: data.onunlink });
  };

  // A page that removes its tag (a single-page app showing another candidate) loses the frame with it.
  new MutationObserver(function () {
    widgets = widgets.filter(function (widget) {
      if (widget.tag.isConnected) return true;
      if (widget.holder.parentNode) widget.holder.parentNode.removeChild(widget.holder);
      return false;
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  function call(name, member) {
    var fn = name ? window[name] : null;
    if (typeof fn === "function") fn(member);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || event.data.source !== "rsc-sandbox-profile") return;
    for (var i = 0; i < widgets.length; i++) {
      var widget = widgets[i];
      if (widget.frame.contentWindow !== event.source) continue;
      if (event.data.type === "resize") widget.frame.style.height = Math.min(event.data.height, 4000) + "px";
      else if (event.data.type === "link") call(widget.onlink, event.data.member);
      else if (event.data.type === "unlink") call(widget.onunlink, event.data.member);
    }
  });
})();
