// The API documentation at /schema: start the vendored Scalar on the OpenAPI
// document named by the page (data-openapi-url). No inline script, no CDN, nothing
// sent to scalar.com: its default fonts, telemetry, AI agent, MCP and developer
// tools are off (the Content-Security-Policy would block them in any case).
(function () {
  "use strict";
  var target = document.getElementById("api-docs");
  if (!target || !window.Scalar) { return; }
  window.Scalar.createApiReference(target, {
    url: target.getAttribute("data-openapi-url"),
    withDefaultFonts: false,
    telemetry: false,
    hideClientButton: true,
    showDeveloperTools: "never",
    agent: { disabled: true },
    mcp: { disabled: true }
  });
})();
