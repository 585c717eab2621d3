// Drafts that survive a failed save, a dropped connection or a closed tab.
//
// Progressive enhancement: without this script every form works as before. With it,
// what is typed into a record form is copied into the browser's localStorage as the user
// types, under a key that names the signed-in user (an opaque token from the server), the
// page and the form. When that form is opened again with a draft that differs from what
// the page shows, a banner offers to restore or discard it.
//
// - Saved: after a submit, the next page of ours that loads somewhere else (the server
//   accepted the form and redirected) clears the draft. A page that shows the same form
//   again (the server refused it) keeps it.
// - Shared computers: drafts are keyed by user and every draft of the user is cleared at
//   logout; drafts older than a week are dropped on the next visit.
// - Never kept: passwords, files, hidden fields (security token, record version).
(function () {
  "use strict";
  var PREFIX = "prim-draft:";
  var PENDING = "prim-draft-pending";
  var MAX_AGE_MS = 7 * 24 * 3600 * 1000;

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // private mode or storage disabled: no drafts, nothing breaks
    }
  }

  function keysOf(store, prefix) {
    var keys = [];
    for (var i = 0; i < store.length; i += 1) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) {
        keys.push(key);
      }
    }
    return keys;
  }

  function draftable(field) {
    if (!field.name || field.disabled) {
      return false;
    }
    var type = (field.type || "").toLowerCase();
    return ["hidden", "password", "file", "submit", "button", "reset", "image"].indexOf(type) === -1;
  }

  function read(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!draftable(field)) {
        return;
      }
      var type = (field.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        values[field.name + "=" + field.value] = field.checked;
      } else if (field.multiple) {
        values[field.name] = Array.prototype.filter
          .call(field.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function write(form, values) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!draftable(field)) {
        return;
      }
      var type = (field.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        var key = field.name + "=" + field.value;
        if (key in values) {
          field.checked = values[key];
        }
      } else if (field.multiple) {
        if (field.name in values) {
          Array.prototype.forEach.call(field.options, function (o) {
            o.selected = values[field.name].indexOf(o.value) !== -1;
          });
        }
      } else if (field.name in values) {
        field.value = values[field.name];
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function showBanner(form, draft, onRestore, onDiscard) {
    var template = document.getElementById("draft-banner");
    if (!template) {
      return;
    }
    var banner = template.content.firstElementChild.cloneNode(true);
    var when = banner.querySelector("[data-draft-when]");
    if (when) {
      when.textContent = new Date(draft.savedAt).toLocaleString(document.documentElement.lang);
    }
    banner.querySelector("[data-draft-restore]").addEventListener("click", function () {
      onRestore();
      banner.remove();
      var first = form.querySelector("input:not([type=hidden]), textarea, select");
      if (first) {
        first.focus();
      }
    });
    banner.querySelector("[data-draft-discard]").addEventListener("click", function () {
      onDiscard();
      banner.remove();
    });
    form.parentNode.insertBefore(banner, form);
  }

  function setup(store, owner) {
    var now = Date.now();
    keysOf(store, PREFIX).forEach(function (key) {
      try {
        if (now - JSON.parse(store.getItem(key)).savedAt > MAX_AGE_MS) {
          store.removeItem(key);
        }
      } catch (error) {
        store.removeItem(key);
      }
    });

    var forms = Array.prototype.filter.call(
      document.querySelectorAll("main form[method=post], main form[method=POST]"),
      function (form) {
        return !form.hasAttribute("data-no-draft") &&
          !form.querySelector("input[type=password]") &&
          form.querySelector("textarea, input[type=text], input[type=number], input[type=date], select");
      }
    );
    var here = window.location.pathname;
    var pending = null;
    try {
      pending = JSON.parse(window.sessionStorage.getItem(PENDING) || "null");
      window.sessionStorage.removeItem(PENDING);
    } catch (error) {
      pending = null;
    }
    // The last submit led to another page: the server accepted it, the draft is saved.
    // A page that answers on the same address with a success message saved it too.
    var confirmed = document.querySelector("main .alert-success");
    if (pending && (pending.path !== here || confirmed)) {
      store.removeItem(pending.key);
    }

    forms.forEach(function (form, index) {
      var key = PREFIX + owner + ":" + here + ":" + (form.id || form.getAttribute("action") || index);
      var shown = read(form);
      var raw = store.getItem(key);
      if (raw) {
        var draft = JSON.parse(raw);
        if (!same(draft.values, shown)) {
          showBanner(
            form,
            draft,
            function () { write(form, draft.values); },
            function () { store.removeItem(key); }
          );
        }
      }
      var save = function () {
        var values = read(form);
        if (same(values, shown)) {
          return; // nothing typed yet: an untouched page leaves no draft
        }
        try {
          store.setItem(key, JSON.stringify({ savedAt: Date.now(), values: values }));
        } catch (error) {
          // storage full: the form still works, only the draft is lost
        }
      };
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      form.addEventListener("submit", function () {
        save();
        try {
          window.sessionStorage.setItem(PENDING, JSON.stringify({ key: key, path: here }));
        } catch (error) {
          // no session storage: the draft stays until discarded or a week old
        }
      });
    });

    document.querySelectorAll("form[data-logout]").forEach(function (form) {
      form.addEventListener("submit", function () {
        keysOf(store, PREFIX + owner + ":").forEach(function (key) { store.removeItem(key); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var owner = document.body.getAttribute("data-draft-owner");
    var store = storage();
    if (owner && store) {
      setup(store, owner);
    }
  });
})();
