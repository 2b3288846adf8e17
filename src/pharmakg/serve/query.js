// The query page: YASGUI (vendored, offline) with one tab per named query of pharmakg.
// The configuration (endpoint, named queries) is JSON in #pharmakg-config, written by the server.
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("pharmakg-config").textContent);
  const Yasqe = window.Yasgui.Yasqe;
  // Autocompletion of prefixes, properties and classes asks prefix.cc and LOV: never go there.
  Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(
    (name) => name === "variables"
  );
  const yasgui = new window.Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
  });
  const first = yasgui.getTab();
  config.examples.forEach((example, index) => {
    yasgui.addTab(index === 0, {
      name: example.name,
      yasqe: { value: example.query },
      requestConfig: { endpoint: config.endpoint, method: "POST" },
    });
  });
  if (first && config.examples.length > 0) {
    first.close();
  }
  window.pharmakgYasgui = yasgui;
})();
