// Live notifications: update the header badge as server-sent events arrive.
// Progressive enhancement only; the inbox page works without it.
(function () {
  "use strict";
  var badge = document.querySelector("[data-testid=unread-badge]");
  if (!badge || !window.EventSource) { return; }
  var source = new EventSource("/api/v1/notifications/stream");
  source.addEventListener("notification", function () {
    var count = parseInt(badge.textContent || "0", 10) || 0;
    badge.textContent = String(count + 1);
    badge.hidden = false;
    badge.setAttribute("data-live", "1");
  });
})();
