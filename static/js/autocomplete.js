// Turns every <select data-autocomplete-url> into a searchable picker (Tom Select).
// Without this script the select still works: small lists are rendered in full.
(function () {
  "use strict";

  function load(url) {
    return function (query, callback) {
      const self = this;
      const page = self.aimsNextPage && self.aimsQuery === query ? self.aimsNextPage : 1;
      const address = new URL(url, window.location.origin);
      address.searchParams.set("q", query);
      address.searchParams.set("page", page);
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          self.aimsQuery = query;
          self.aimsNextPage = data.more ? page + 1 : null;
          callback(data.results);
        })
        .catch(function () { callback(); });
    };
  }

  function enhance(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    const multiple = select.multiple;
    const inline = select.dataset.autocompleteInline === "true";
    const plugins = multiple ? ["remove_button"] : [];
    if (!select.required && !multiple) plugins.push("clear_button");
    const settings = {
      plugins: plugins,
      valueField: "id",
      labelField: "text",
      searchField: ["text"],
      maxOptions: 200,
      allowEmptyOption: !multiple,
      placeholder: select.dataset.placeholder || (multiple ? "Type to search…" : ""),
      hidePlaceholder: false,
      closeAfterSelect: !multiple,
      render: {
        no_results: function () { return '<div class="no-results">Nothing found</div>'; },
        loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">Loading</span></div>'; },
      },
    };
    if (!inline) {
      settings.load = load(select.dataset.autocompleteUrl);
      settings.preload = "focus";
      settings.shouldLoad = function () { return true; };
      settings.score = function () { return function () { return 1; }; };
      settings.firstUrl = null;
    }
    // Keep the select's accessible name on the generated input.
    const instance = new TomSelect(select, settings);
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && instance.control_input) {
      instance.control_input.setAttribute("aria-label", label.textContent.trim());
    }
  }

  function enhanceAll(root) {
    root.querySelectorAll("select[data-autocomplete-url]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
})();
